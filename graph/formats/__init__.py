"""Readers for the files lawyers hold: Word (.docx), PDF and Markdown.

Each reader turns one file into the text a reader of the document sees — Word's computed list
numbers written in, PDF page furniture left out, Markdown list nesting turned into numbers — and
that text is what every later offset points into (``build`` saves it as ``source.txt``). One
module per format; :func:`read_formatted` is the only entry point ``load`` uses.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

FORMAT_SUFFIXES = {".docx": "docx", ".pdf": "pdf", ".md": "markdown", ".markdown": "markdown", ".doc": "doc"}

# A Word file's parts are XML; a contract's whole package unpacks to a few MB. Declared sizes
# are checked before anything is decompressed (Python's zipfile never writes out more than the
# declared size of a member), so a zip bomb is refused before it costs memory.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 400


@dataclass(frozen=True)
class Extracted:
    text: str
    format: str
    warnings: tuple[str, ...] = ()


def format_of(path: Path) -> str | None:
    """The reader's name for this file's suffix, or None when ``load`` reads it as text/HTML."""
    return FORMAT_SUFFIXES.get(Path(path).suffix.lower())


def read_formatted(path: Path, data: bytes) -> Extracted:
    """Read a .docx, .pdf or .md file's bytes; raise InputError naming the file on bad input."""
    fmt = format_of(path)
    if fmt == "docx":
        from .docx import docx_to_text

        return docx_to_text(path, data)
    if fmt == "pdf":
        from .pdf import pdf_to_text

        return pdf_to_text(path, data)
    if fmt == "markdown":
        from .markdown import markdown_to_text

        return markdown_to_text(path, data)
    if fmt == "doc":
        raise InputError(f"{path}: an old binary Word file (.doc), which is not read; save it as .docx")
    raise InputError(f"{path}: no reader for '{Path(path).suffix}' files")


def check_zip(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse an archive whose members would unpack to more than we are willing to hold."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO and info.file_size > 10 * 1024 * 1024:
            raise InputError(
                f"{path}: refused: '{info.filename}' would unpack {info.file_size / info.compress_size:.0f} times "
                "its size (a zip bomb?)"
            )
    if total > MAX_UNPACKED_BYTES:
        raise InputError(
            f"{path}: refused: unpacks to {total / 1048576:.0f} MB (the limit is "
            f"{MAX_UNPACKED_BYTES // 1048576} MB; a zip bomb?)"
        )
