"""Read one input file into text: plain text, EDGAR SGML, HTML, Word, PDF or Markdown.

Every later offset points into the text returned here. For plain text and SGML that is the
file's own characters (no newline translation); for HTML it is the text extracted by a real
HTML parser, which ``build`` saves beside the outputs so the offsets stay checkable.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .formats import format_of

log = logging.getLogger(__name__)

# EDGAR exhibits are rarely above 5 MB; a 50 MB "contract" is a mistake (a whole filing, a
# data dump), and segmenting it would take minutes. Refuse it with a clear message instead.
MAX_INPUT_BYTES = 20 * 1024 * 1024
# Above this share of control characters a file is not text, even without NUL bytes.
MAX_CONTROL_SHARE = 0.02
HTML_SUFFIXES = {".htm", ".html", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text", ".sgml", ".nc", ""}

_HTML_SNIFF = re.compile(r"<\s*(html|body|p|div|font|table\s[^>]*width)\b", re.I)
_SGML_TEXT = re.compile(r"<TEXT>(.*?)(?:</TEXT>|\Z)", re.S)
# Below U+0020 and not layout (tab, line feed, form feed, carriage return).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_SGML_MARKERS = re.compile(r"^<(PAGE|DOCUMENT|TYPE|SEQUENCE|TEXT|TABLE|S|C|CAPTION)>", re.M)


@dataclass(frozen=True)
class LoadedText:
    doc_id: str
    path: Path
    text: str
    format: str  # "text", "sgml", "html", "docx", "pdf" or "markdown"
    encoding: str
    warnings: tuple[str, ...] = field(default=())


def doc_id_for(path: Path) -> str:
    """The document id is the file stem: ``corpus/hig-poa.txt`` -> ``hig-poa``."""
    if path.stem in ("", ".", ".."):  # "..txt": the id would name a folder's parent, not a document
        raise InputError(f"{path}: the file name gives no usable document id ({path.stem!r}); rename the file")
    try:
        path.stem.encode("utf-8")
    except UnicodeEncodeError:  # bytes the file system's encoding could not decode
        raise InputError(f"{os.fsencode(path)!r}: the file name is not valid UTF-8; rename the file") from None
    return path.stem


def load(path: Path) -> LoadedText:
    """Read and decode ``path``; raise :class:`InputError` naming the file and the problem."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a document")
    if size == 0:
        raise InputError(f"{path}: empty file")
    if size > MAX_INPUT_BYTES:
        raise InputError(
            f"{path}: too large ({size / 1048576:.1f} MB; the limit is "
            f"{MAX_INPUT_BYTES // 1048576} MB) — is this one exhibit or a whole filing?"
        )
    data = path.read_bytes()
    if format_of(path):  # Word, PDF, Markdown: their own readers (graph/formats/)
        return _load_formatted(path, data)
    if b"\x00" in data:
        _refuse_binary_unless_utf16(path, data)  # UTF-16 text is full of NUL bytes; _decode reads it

    warnings: list[str] = []
    text, encoding = _decode(path, data, warnings)
    controls = len(_CONTROL_CHARACTERS.findall(text))
    if controls > MAX_CONTROL_SHARE * len(text):
        raise InputError(f"{path}: binary file ({controls} control characters), not a text document")

    fmt = "text"
    sgml = _SGML_TEXT.search(text) if "<DOCUMENT>" in text[:4000] else None
    body = sgml.group(1) if sgml else text
    if path.suffix.lower() in HTML_SUFFIXES or _HTML_SNIFF.search(body[:20000]):
        from lxml.etree import ParserError

        from .htmltext import html_to_text  # only HTML input pays for the parser

        try:
            text = html_to_text(body)
        except ParserError:  # "Document is empty": only comments, "</p>", a CDATA section, …
            raise InputError(f"{path}: no text (only whitespace or markup)") from None
        fmt = "html"
    elif _SGML_MARKERS.search(text):
        fmt = "sgml"
    if not text.strip():
        raise InputError(f"{path}: no text (only whitespace or markup)")
    return LoadedText(doc_id_for(path), path, text, fmt, encoding, tuple(warnings))


def _load_formatted(path: Path, data: bytes) -> LoadedText:
    from .formats import read_formatted

    extracted = read_formatted(path, data)
    if not extracted.text.strip():
        raise InputError(f"{path}: no text in this {extracted.format} file")
    for message in extracted.warnings:
        log.warning(message)
    return LoadedText(doc_id_for(path), path, extracted.text, extracted.format, "utf-8", extracted.warnings)


def _decode(path: Path, data: bytes, warnings: list[str]) -> tuple[str, str]:
    # A UTF-8 byte-order mark is kept as a character, so offsets match a plain
    # open(path, encoding="utf-8").read().
    if data.startswith(UTF16_BOMS):
        return _decode_utf16(path, data, warnings), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: undecodable: neither UTF-8 (byte 0x{data[utf8_error.start]:02x} at offset "
            f"{utf8_error.start}) nor Windows-1252 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc
    message = f"{path}: not UTF-8 (byte 0x{data[utf8_error.start]:02x} at offset {utf8_error.start}); read as Windows-1252"
    log.warning(message)
    warnings.append(message)
    return text, "cp1252"


# Notepad's "Unicode" is UTF-16 with a byte-order mark. Its text (without the mark) is what
# build saves as source.txt, so offsets point into the text as read, like HTML's.
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _refuse_binary_unless_utf16(path: Path, data: bytes) -> None:
    if not data.startswith(UTF16_BOMS):
        raise InputError(f"{path}: binary file (contains NUL bytes), not a text or HTML document")


def _decode_utf16(path: Path, data: bytes, warnings: list[str]) -> str:
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: starts like UTF-16 (byte-order mark) but is not: {exc.reason} at byte {exc.start}") from exc
    message = f"{path}: read as UTF-16 (byte-order mark); offsets point into the text saved as source.txt"
    log.info(message)
    warnings.append(message)
    return text
