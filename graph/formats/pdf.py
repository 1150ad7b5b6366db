"""PDF to text: the text layer in reading order, page furniture left out, hyphens joined.

pypdf (BSD) reads the text layer; it was chosen by measurement on the development corpus's
two PDFs (see the README's design notes): it kept every run-in number apart from its caption
("Section 1.1. License Grant") where pdfplumber and pypdfium2 glued them ("1.1.License"), and
kept line ends where pdfminer's defaults ran lines together.

Layout is what a reader skips: running headers and footers (a line near the top or bottom of
most pages that repeats, its digits aside — "Source: …, 11/19/2019", "Page 3 of 7") and bare
page numbers. They are left out of the text, and pages are separated by a form feed, which
``clean`` reads as a page break. A word hyphenated at a line end is joined again; the hyphen
stays when the document itself writes the word with one ("non-transferable").

A PDF with no text layer is a scan: it is refused with a one-line error instead of becoming an
empty document.
"""

from __future__ import annotations

import io
import logging
import re
import signal
import threading
import time
from contextlib import contextmanager
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from . import Extracted

log = logging.getLogger(__name__)

MAX_PAGES = 5000
# A contract's text layer is read in well under a second a page; a file that takes longer is
# built to be expensive (a PDF bomb), and is refused rather than left running.
MAX_SECONDS = 120.0
# Running headers and footers are looked for among the first and last lines of each page.
EDGE_LINES = 3
# Running headers and footers are short (a title, a source line, "Page 3 of 7").
RUNNING_MAX_CHARS = 100
# Below this many letters in the whole text layer, the PDF is a scan (or only images).
MIN_LETTERS = 20

# Some PDF producers draw a semicolon as the Greek question mark (U+037E, which Unicode
# itself folds to ";"): "hereunder; and" must end a list item as the typed one does.
_LOOKALIKE_PUNCTUATION = {0x037E: ";"}
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s+of\s+\d{1,4})?$|^[ivxlc]{1,6}$", re.I)
_LINE_END_HYPHEN = re.compile(r"(\w+)-$")
_TERMINATOR = re.compile(r"[.;:!?][\"')\]”’]*$")
_WORD_START = re.compile(r"^([a-z]\w*)(.*)$", re.S)
# Prefixes that keep their hyphen when nothing in the document says otherwise ("non-", "self-").
_HYPHEN_PREFIXES = {
    "non", "self", "co", "ex", "pre", "post", "anti", "multi", "cross", "well", "third", "sub",
    "semi", "counter", "inter", "intra", "full", "part", "long", "short", "high", "low", "wholly",
    "first", "second", "one", "two", "three", "re", "de", "un", "so", "quasi", "cut", "follow",
    "end", "all", "mid", "off", "on", "out", "up", "over", "under", "year", "day", "time",
}


def pdf_to_text(path: Path, data: bytes) -> Extracted:
    if b"%PDF-" not in data[:1024]:
        raise InputError(f"{path}: not a PDF (no %PDF- header)")

    # pypdf repairs what it can (broken xref offsets, …) and logs it; the log is kept to tell a
    # damaged file from a scan when no text comes out.
    damage = _Damage()
    pypdf_log = logging.getLogger("pypdf")
    pypdf_log.addHandler(damage)
    pypdf_log.propagate, propagate = False, pypdf_log.propagate
    try:
        with _deadline(MAX_SECONDS):
            return _read(path, data, damage)
    except _OutOfTime as exc:
        raise InputError(f"{path}: reading the text layer took over {MAX_SECONDS:g} s; refused (a PDF bomb?)") from exc
    finally:
        pypdf_log.removeHandler(damage)
        pypdf_log.propagate = propagate


class _OutOfTime(BaseException):
    """Raised past the deadline (by the check on each drawing operator, or by the alarm while
    pypdf parses); a BaseException so that no ``except Exception`` in pypdf eats it."""


@contextmanager
def _deadline(seconds: float):
    """Interrupt the work after ``seconds`` where the platform allows it (an alarm signal, in
    the main thread of a process: the build's own, or each worker's). It backs up the check on
    every drawing operator, which cannot see pypdf parsing one huge object or stream."""
    usable = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def ring(signum, frame):
        # An exception raised inside a garbage-collector callback is swallowed by Python; ring
        # again soon, until one reaches the reading code.
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        raise _OutOfTime()

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Damage(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.unreadable: list[str] = []  # objects pypdf could not read at all

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "PdfReadError" in message or "Error reading" in message:
            self.unreadable.append(message)


def _read(path: Path, data: bytes, damage: _Damage) -> Extracted:
    import pypdf

    started = time.monotonic()
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Many PDFs are encrypted with an empty user password (only printing or copying
            # is restricted): those open; a real password does not.
            try:
                opened = reader.decrypt("")
            except Exception:
                opened = 0
            if not opened:
                raise InputError(f"{path}: password-protected PDF; remove the password first")
        pages = reader.pages
        count = len(pages)
    except InputError:
        raise
    except Exception as exc:  # pypdf's own errors, and what a malformed file makes it raise
        raise InputError(f"{path}: not a readable PDF ({_brief(exc)})") from exc
    if count == 0:
        raise InputError(f"{path}: a PDF without pages")
    if count > MAX_PAGES:
        raise InputError(f"{path}: too many pages ({count}; the limit is {MAX_PAGES})")

    page_texts: list[str] = []
    failed = 0
    for number in range(count):
        if time.monotonic() - started > MAX_SECONDS:
            raise InputError(
                f"{path}: reading the text layer took over {MAX_SECONDS:.0f} s at page {number + 1} of {count}; refused"
            )
        try:
            page_texts.append(_page_lines(pages[number], started + MAX_SECONDS))
        except Exception as exc:  # a page pypdf cannot interpret (bad content stream, nesting …)
            log.debug("%s: page %d unreadable: %s", path, number + 1, exc)
            failed += 1
            page_texts.append([])
    if failed == count:
        raise InputError(f"{path}: not a readable PDF (no page could be read)")
    letters = sum(ch.isalpha() for lines in page_texts for line in lines for ch in line.text)
    if letters < MIN_LETTERS and damage.unreadable:
        raise InputError(f"{path}: not a readable PDF (damaged objects: {damage.unreadable[0][:120]})")
    if letters < MIN_LETTERS:
        raise InputError(f"{path}: scanned PDF: no text layer; OCR it first")

    warnings: list[str] = []
    if failed:
        warnings.append(f"{path}: {failed} of {count} pages could not be read and are left out")
    empty = sum(1 for lines in page_texts if not any(line.text.strip() for line in lines))
    if empty - failed > count // 2:
        warnings.append(f"{path}: {empty} of {count} pages have no text layer (scanned?); only the others are read")
    return Extracted(pages_to_text(page_texts), "pdf", tuple(warnings))


def _brief(exc: BaseException) -> str:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return message[:160]


@dataclass
class PdfLine:
    text: str
    x: float = 0.0  # where the line starts, and its baseline, in page units
    y: float = 0.0
    size: float = 0.0  # font size in page units
    paragraph: bool = False  # a new paragraph starts here


def _page_lines(page, deadline: float = float("inf")) -> list[PdfLine]:
    """The page's lines in pypdf's reading order, each with where it starts."""
    parts: list[tuple[str, float, float, float]] = []

    def visit(text, cm, tm, font, size) -> None:
        # The text matrix times the current transformation: where the text is drawn.
        _, b, _, d, e, f = tm
        A, B, C, D, E, F = cm
        x, y = A * e + C * f + E, B * e + D * f + F
        scale = abs(d * D + b * C) or abs(d) or 1.0
        parts.append((text, x, y, (size or 1.0) * scale))

    def each_operator(operator, operands, cm, tm) -> None:
        if time.monotonic() > deadline:  # checked on every drawing operator of the page
            raise _OutOfTime()

    text = page.extract_text(visitor_text=visit, visitor_operand_before=each_operator) or ""
    if "".join(part[0] for part in parts) != text:  # not expected; fall back to bare lines
        return [PdfLine(line) for line in text.splitlines()]
    lines: list[PdfLine] = []
    current = PdfLine("")
    placed = False
    for chunk, x, y, size in parts:
        pieces = chunk.split("\n")
        for k, piece in enumerate(pieces):
            if k > 0:
                lines.append(current)
                current, placed = PdfLine(""), False
            if piece.strip() and not placed:
                current.x, current.y, current.size, placed = x, y, size, True
            current.text += piece
    lines.append(current)
    for line in lines:
        line.text = line.text.rstrip()
    return lines


def _line_spacing(pages: list[list[PdfLine]]) -> float | None:
    """The document's line spacing, in font sizes: the smallest gap between consecutive lines
    that is at least a line high (smaller ones are sub- and superscripts). In a document of
    one-line paragraphs most gaps are paragraph gaps; double spacing is still the spacing."""
    ratios = [
        (prev.y - line.y) / (line.size or 1.0)
        for lines in pages for prev, line in zip(lines, lines[1:])
        if 0.9 <= (prev.y - line.y) / (line.size or 1.0) < 4
    ]
    return min(ratios) if ratios else None


def _mark_paragraphs(lines: list[PdfLine], spacing: float | None) -> None:
    """A paragraph starts after a wider gap than the line spacing, at a first-line indent, or
    after a short line that ends a sentence (the last line of a block)."""
    if not lines:
        return
    lefts = Counter(round(line.x) for line in lines if line.text.strip())
    # (continuation lines of a hanging indent sit right of their first line: not a new start)
    left = min(x for x, n in lefts.items() if n == max(lefts.values())) if lefts else 0
    longest = max(len(line.text) for line in lines)
    # The first line of a page may go on from the page before: ``clean`` decides that.
    for k in range(1, len(lines)):
        prev, line = lines[k - 1], lines[k]
        size = line.size or 1.0
        drop = prev.y - line.y
        ended = bool(_TERMINATOR.search(prev.text))
        indented = line.x - left > 1.5 * size
        if spacing and (drop > 1.3 * spacing * size or drop < -size):  # a gap, or a new column
            line.paragraph = True
        elif indented and prev.x - left < size and line.x - prev.x > 1.5 * size:
            line.paragraph = True  # a first-line indent under a line at the margin
        elif indented and abs(line.x - prev.x) <= size and ended:
            line.paragraph = True  # one indented one-line paragraph after another
        elif line.x < prev.x - size and (ended or (k >= 2 and not prev.paragraph and abs(prev.x - lines[k - 2].x) <= size)):
            line.paragraph = True  # back out of an indented block (a hanging indent, an address)
        elif ended and len(prev.text) < 0.7 * longest:
            line.paragraph = True  # the short last line of a block


def pages_to_text(pages: list[list[PdfLine]]) -> str:
    """Join pages' lines into one text, without page furniture, hyphenated words joined."""
    layout = _layout_lines([[line.text for line in lines] for lines in pages])
    kept_pages: list[list[PdfLine]] = []
    for n, lines in enumerate(pages):
        kept_pages.append([line for k, line in enumerate(lines) if (n, k) not in layout and line.text.strip()])
    spacing = _line_spacing(kept_pages)
    for kept in kept_pages:
        _mark_paragraphs(kept, spacing)
    whole = "\n".join(line.text for lines in kept_pages for line in lines)
    for n, lines in enumerate(kept_pages):
        _join_hyphens(lines, whole)
        # A word hyphenated across a page break: the next page starts with its rest.
        following = kept_pages[n + 1] if n + 1 < len(kept_pages) else []
        if lines and following and not following[0].paragraph:
            pair = [lines[-1], following[0]]
            _join_hyphens(pair, whole)
            if len(pair) == 1:
                following.pop(0)
    out_pages = []
    for lines in kept_pages:
        text = ""
        for k, line in enumerate(lines):
            text += ("\n\n" if line.paragraph and k else "\n" if k else "") + line.text.strip()
        out_pages.append(text)
    return "\n\f\n".join(page for page in out_pages).strip("\n\f").translate(_LOOKALIKE_PUNCTUATION) + "\n"


def _key(line: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", line)).strip().lower()


def _layout_lines(pages: list[list[str]]) -> set[tuple[int, int]]:
    """(page, line) of running headers, footers and page numbers."""
    edges: list[list[int]] = []
    for lines in pages:
        content = [k for k, line in enumerate(lines) if line.strip()]
        edges.append(sorted(set(content[:EDGE_LINES] + content[-EDGE_LINES:])))
    occurrences: dict[str, list[tuple[int, str]]] = {}
    for n, lines in enumerate(pages):
        for key in {_key(lines[k]) for k in edges[n]}:
            occurrences.setdefault(key, []).append((n, next(lines[k] for k in edges[n] if _key(lines[k]) == key)))
    # A line that repeats near the edge of most pages is furniture; with two or three pages,
    # every page must have it.
    needed = max(2, (len(pages) + 1) // 2)
    furniture = {key for key, seen in occurrences.items() if len(seen) >= needed and _running(seen)}
    layout: set[tuple[int, int]] = set()
    for n, lines in enumerate(pages):
        for k in edges[n]:
            line = lines[k].strip()
            if _PAGE_NUMBER.match(line) or (len(pages) > 1 and _key(line) in furniture):
                layout.add((n, k))
    return layout


def _running(seen: list[tuple[int, str]]) -> bool:
    """Is a line repeated on these pages a running header or footer? Its numbers must be the
    same on every page (a date, a form number) or one of them must count the pages ("Page 3
    of 7"); numbered clauses that happen to open every page have numbers that do neither."""
    texts = [text for _, text in seen]
    if len(texts[0]) > RUNNING_MAX_CHARS:
        return False
    numbers = [[int(x) for x in re.findall(r"\d+", text)] for text in texts]
    if all(ns == numbers[0] for ns in numbers):
        return True
    return any(
        len({ns[i] - n for (n, _), ns in zip(seen, numbers)}) == 1 for i in range(len(numbers[0]))
    )


def _join_hyphens(lines: list[PdfLine], whole: str) -> None:
    """Join (in place) a line ending in ``word-`` with the next line starting with the rest."""
    k = 0
    while k + 1 < len(lines):
        line, following = lines[k], lines[k + 1]
        hyphen = _LINE_END_HYPHEN.search(line.text)
        rest = _WORD_START.match(following.text.lstrip())
        if hyphen and rest and not following.paragraph:
            keep = _keeps_hyphen(hyphen.group(1), rest.group(1), whole)
            # The next line joins this one: ``clean`` re-flows a paragraph's lines anyway.
            line.text = (line.text if keep else line.text[:-1]) + following.text.lstrip()
            del lines[k + 1]
            continue
        k += 1


def _keeps_hyphen(head: str, tail: str, whole: str) -> bool:
    hyphenated = f"{head}-{tail}".lower()
    solid = f"{head}{tail}".lower()
    lowered = whole.lower()
    # The document's own spelling elsewhere decides (the line-end occurrence itself counts as
    # "head-\ntail", so it never matches either form).
    with_hyphen = len(re.findall(rf"\b{re.escape(hyphenated)}\b", lowered))
    without = len(re.findall(rf"\b{re.escape(solid)}\b", lowered))
    if with_hyphen != without:
        return with_hyphen > without
    return head.lower() in _HYPHEN_PREFIXES
