"""Separate a document's words from its print layout, keeping a map back to the source.

EDGAR text exhibits carry their printed form: page numbers, ``- more -``, running headers
("The Hartford - Second Quarter 2004 Earnings /2"), ``<PAGE>`` markers, form feeds, tables of
contents with dotted leaders, and hard line wraps. This stage marks those lines as noise,
records for every remaining line whether a blank line or a page break came before it (the
segmenter needs both), and builds the *clean text*: paragraphs joined back together, with an
offset map so that every character of the clean text points into the source.
"""

from __future__ import annotations

import bisect
import enum
import re
from collections import Counter, defaultdict
from dataclasses import dataclass


class Gap(enum.Enum):
    """What separates a content line from the content line before it."""

    NONE = "none"  # the next line of the same paragraph (or table)
    BLANK = "blank"  # one or more blank lines: a paragraph break
    PAGE = "page"  # a page break (page number, <PAGE>, form feed, running header)


@dataclass(frozen=True, slots=True)
class Line:
    """One content line of the source; ``text`` has the layout white space removed."""

    number: int  # 0-based line number in the source
    start: int  # source offset of the first non-space character
    end: int  # source offset just after the last non-space character
    indent: int  # leading columns (tabs expanded to 8)
    text: str
    gap: Gap
    tabular: bool  # laid out in columns: keep its spacing and its line breaks
    contents: bool = False  # a table of contents entry: kept as text, never a clause


@dataclass(frozen=True)
class CleanText:
    source: str
    lines: tuple[Line, ...]
    text: str
    offsets: tuple[int, ...]  # offsets[i] = source offset of clean character i; len(text)+1
    noise: tuple[tuple[int, str], ...]  # (line number, why it is not content)
    # Line numbers of tables of contents (and their dotted-leader entries): words a reader
    # keeps, so they stay in the text (in the preamble), but no clause starts on them.
    contents: frozenset[int] = frozenset()

    def to_source(self, clean_index: int) -> int:
        return self.offsets[max(0, min(clean_index, len(self.offsets) - 1))]

    def to_clean(self, source_offset: int) -> int:
        """First clean index whose source offset is at or after ``source_offset``."""
        return bisect.bisect_left(self.offsets, source_offset, 0, len(self.offsets) - 1)

    def slice(self, start: int, end: int) -> str:
        """The clean text of the source span ``[start, end)``."""
        return self.text[self.to_clean(start) : self.to_clean(end)].strip()


def tabular_lines(cleaned: CleanText) -> tuple[tuple[int, int], ...]:
    """The source spans of the lines laid out in columns."""
    return tuple((line.start, line.end) for line in cleaned.lines if line.tabular)


# --- noise patterns -------------------------------------------------------------------------

_SGML_TAG_NAMES = r"/?(?:PAGE|TABLE|S|C|CAPTION|FN|F\d+|DOCUMENT|TEXT|SEC-DOCUMENT|SEC-HEADER)"
_SGML_ONLY = re.compile(rf"^(?:<{_SGML_TAG_NAMES}>\s*)+$", re.I)
_SGML_HEADER = re.compile(r"^<(?:TYPE|SEQUENCE|FILENAME|DESCRIPTION)>", re.I)
_SGML_INLINE = re.compile(rf"<{_SGML_TAG_NAMES}>", re.I)
# "7", "- 7 -", "Page 1 of 2", and exhibit page markers "F-1", "A-12" (climbing like any other).
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$|^page\s+\d+(?:\s+of\s+\d+)?\.?$|^[A-Z]{1,2}-\d{1,3}$", re.I)
_ROMAN_PAGE = re.compile(r"^\(?[ivxl]{1,6}\)?$")
_MORE = re.compile(r"^-+\s*more\s*-+$", re.I)
_ORNAMENT = re.compile(r"^(?:(?:#\s*){3,}|[.\s]+|\[[^\]]*\blogo\b[^\]]*\]|\*\s*\*\s*\*)$", re.I)
_RULE = re.compile(r"^[-=_~*\s]*[-=_~*]{3}[-=_~*\s]*$")  # underlines and separators
# What the markup, page-break, rule and ornament lines start with (they are stripped).
_NOISE_STARTS = frozenset("<-=_~*#.[")
_DOTTED_LEADER = re.compile(r"(?:\.\s?){4,}\s*\d+\s*$")
_TOC_START = re.compile(r"^(?:table\s+of\s+contents|contents|index)(?:\s*\(continued\))?$", re.I)
# "CONFIDENTIAL   EXECUTION COPY   TABLE OF CONTENTS   ARTICLE 1 DEFINITIONS     1", "TABLE OF
# CONTENTS (continued)           Page   1.38 "IND"     5 …": the heading behind a running
# header, or with its first entries, on one line flattened from the page's columns (set apart
# by layout gaps).
_TOC_START_IN_LINE = re.compile(
    r"^(?:[A-Z][A-Z&.,'’\- ]{0,60}?\s{3,})?(?:TABLE\s+OF\s+CONTENTS|Table\s+of\s+Contents)"
    r"(?:\s*\((?:continued|Continued|CONTINUED)\))?(?:\s{3,}\S.*)?$"
)
_HEADING_LIKE = re.compile(r"^(?:article|section|schedule|exhibit|annex|appendix|§)\b", re.I)
# Columns: four or more spaces inside a line (after any list marker or bullet at its start).
_TABULAR = re.compile(r"\S {4,}\S")
_LEADING_MARKER = re.compile(r"^(?:\([\w.]{1,6}\)|[\w]{1,6}\.|-\s*-|[-•*·])\s+")
_TERMINATOR = re.compile(r"[.;:!?][\"')\]”’]*$")
_SPACES = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
# A line ending in one of these words cannot end a paragraph ("within the meaning of the").
DANGLING_WORDS = frozenset(
    "a an the of to in on for with by as at from and or nor but that which who whom whose under "
    "upon such any its their his her this these those is are be been was were shall will may "
    "not than between into within without other each every all no per via if".split()
)


_DESIGNATED = re.compile(r"\b(?:Exhibit|Schedule|Annex|Appendix|Article|Section|Part|Class|Series|Tranche)\s+A$", re.I)


def dangling(text: str) -> bool:
    """Does ``text`` stop mid-sentence, on a word that needs a continuation? ("… Exhibit A"
    ends on a designator, not on the article.)"""
    words = text.split()
    return bool(words) and words[-1].lower() in DANGLING_WORDS and not _DESIGNATED.search(text)

# A "prose" paragraph ends a table of contents: TOC entries are Title Case, running text is
# mostly lower-case words. Example: "CREDIT AGREEMENT, dated as of March 11, 1994, among ..."
PROSE_MIN_WORDS = 8
PROSE_MIN_LOWER_SHARE = 0.3
# The opening paragraph names its parties ("… by and between Piñon Gathering Company, LLC, a
# Delaware limited liability company ("Owner"), with offices at 333 Clay Street …"): capitals
# outnumber the lower-case words, yet a term defined in a parenthesis is running prose, never
# a table of contents entry (an entry may quote a term, "1.2 "Affiliate" 1", but not define it).
_DEFINING_PARENTHESIS = re.compile(r"\((?:(?:the|this|each|an?|collectively)\s+)?[\"“][^\"”]{1,60}[\"”]\s*\)")
# Running headers are short lines repeated after page breaks with a changing number.
RUNNING_HEADER_MAX_CHARS = 100
_COLUMNS = re.compile(r"\S {3,}\S")  # fields set apart by runs of spaces: a header's columns
# Lines shorter than this that end without punctuation are layout (titles, addresses,
# signature blocks): their line breaks are kept in the clean text.
SHORT_LINE = 45
# Consecutive page numbers may skip a few pages (blank pages, exhibits set apart): 7 -> 9.
PAGE_NUMBER_MAX_STEP = 3


def clean(source: str) -> CleanText:
    raw_lines = _split_lines(source)
    noise: dict[int, str] = {}
    page_breaks: set[int] = set()  # noise lines that are page breaks
    contents: set[int] = set()  # table of contents lines (kept as text)

    for n, (start, end) in enumerate(raw_lines):
        s = source[start:end].replace("\f", " ").strip()
        if "\f" in source[start:end]:
            page_breaks.add(n)
        if not s:
            continue
        if s[0] not in _NOISE_STARTS:  # (prose: none of the noise patterns can match)
            if _DOTTED_LEADER.search(s):
                contents.add(n)
        elif _SGML_ONLY.match(s):
            noise[n] = "markup"
            if s.upper().startswith("<PAGE>"):
                page_breaks.add(n)
        elif _SGML_HEADER.match(s):
            noise[n] = "markup"
        elif _MORE.match(s):
            noise[n] = "page break"
            page_breaks.add(n)
        elif _RULE.match(s):
            noise[n] = "rule"
        elif _ORNAMENT.match(s):
            noise[n] = "ornament"
        elif _DOTTED_LEADER.search(s):
            contents.add(n)

    _mark_page_numbers(source, raw_lines, noise, page_breaks)
    _mark_running_headers(source, raw_lines, noise, page_breaks)
    _mark_tables_of_contents(source, raw_lines, noise, contents)
    header_ends = _running_headers_glued_on(source, raw_lines, noise)

    lines: list[Line] = []
    gap = Gap.NONE
    seen_content = False
    for n, (start, end) in enumerate(raw_lines):
        raw = source[start:end]
        stripped = raw.replace("\f", " ").strip()
        if n in page_breaks:
            gap = Gap.PAGE
        if n in noise:
            continue
        if not stripped or "<" in stripped and not _SGML_INLINE.sub("", stripped).strip():
            if gap is Gap.NONE:
                gap = Gap.BLANK
            continue
        lead = len(raw) - len(raw.lstrip())
        indent = len(raw[:lead].replace("\f", "").expandtabs(8))
        text_start = start + header_ends.get(n, lead)
        text_end = start + len(raw.rstrip())
        text = source[text_start:text_end]
        if "<" in text:
            text = _SGML_INLINE.sub("", text)
        tabular = "    " in text and bool(_TABULAR.search(_LEADING_MARKER.sub("", text.strip())))
        in_contents = n in contents
        if in_contents and gap is Gap.NONE and lines and not lines[-1].contents:
            gap = Gap.BLANK  # a table of contents is a block of its own
        if not tabular and ("  " in text or not text.isprintable()):  # (else no white space but single spaces)
            text = _SPACES.sub(" ", text).strip()
        elif not tabular:
            text = text.strip()
        if gap is Gap.NONE and lines and not tabular and not lines[-1].tabular:
            prev = lines[-1]
            if indent > prev.indent + 2 and _TERMINATOR.search(prev.text):
                gap = Gap.BLANK  # an indented first line after a full stop: a new paragraph
        lines.append(
            Line(n, text_start, text_end, indent, text, gap if seen_content else Gap.BLANK, tabular, in_contents)
        )
        seen_content = True
        gap = Gap.NONE

    text, offsets = _join(source, lines)
    return CleanText(
        source, tuple(lines), text, tuple(offsets), tuple(sorted(noise.items())), frozenset(contents)
    )


# "CONFIDENTIAL   EXECUTION COPY   (b) Initiate Phase II …": a running header that a page's
# first line carries before its text, set apart by a layout gap.
_CAPS_WORD = re.compile(r"[A-Z][A-Z&'’\-]*")
_LAYOUT_GAP = re.compile(r" {3,}(?=\S)")
GLUED_HEADER_MIN = 3  # lines that must begin with the same words for them to be a header
GLUED_HEADER_MAX_WORDS = 6


def _running_headers_glued_on(source: str, raw_lines, noise) -> dict[int, int]:
    """Line number -> where its text starts, for lines that begin with the same words in
    capitals (two or more, then a layout gap) as at least a few other lines do."""
    cuts: dict[int, list[tuple[str, int]]] = {}
    counts: Counter = Counter()
    for n, (start, end) in enumerate(raw_lines):
        if n in noise:
            continue
        raw = source[start:end]
        found = []
        for gap in _LAYOUT_GAP.finditer(raw):
            head = raw[: gap.start()].split()
            if not head or len(head) > GLUED_HEADER_MAX_WORDS or not all(_CAPS_WORD.fullmatch(w) for w in head):
                break
            if len(head) >= 2:
                found.append((" ".join(head), gap.end()))
        if found:
            cuts[n] = found
            counts.update({key for key, _ in found})
    out = {}
    for n, found in cuts.items():
        headers = [end for key, end in found if counts[key] >= GLUED_HEADER_MIN]
        if headers:
            out[n] = max(headers)
    return out


def _split_lines(source: str) -> list[tuple[int, int]]:
    """(start, end) of every line, without its line ending (``\\n``, ``\\r\\n`` or ``\\r``)."""
    spans = []
    start = 0
    for m in _LINE_END.finditer(source):
        spans.append((start, m.start()))
        start = m.end()
    if start < len(source):  # the last line, without a line ending
        spans.append((start, len(source)))
    return spans


_LINE_END = re.compile(r"\r\n|\n|\r")


def _blank(source: str, raw_lines, n: int, noise) -> bool:
    if n < 0 or n >= len(raw_lines):
        return True
    start, end = raw_lines[n]
    return n in noise or not source[start:end].strip()


def _next_content(source, raw_lines, n, noise, step=1):
    n += step
    while 0 <= n < len(raw_lines):
        start, end = raw_lines[n]
        if source[start:end].strip():
            return n
        n += step
    return None


def _mark_page_numbers(source, raw_lines, noise, page_breaks) -> None:
    """A number alone between blank lines is a page number (``2``, ``- 7 -``, ``Page 1 of 2``).

    Roman numerals alone (``(iii)``) count only right before a ``<PAGE>`` or a form feed, since
    "(iii)" alone on a line is also how some exhibits set an item's marker.
    """
    candidates: list[tuple[int, int, bool]] = []  # (line, value, "Page N" form)
    for n, (start, end) in enumerate(raw_lines):
        if n in noise:
            continue
        s = source[start:end].replace("\f", " ").strip()
        if not s:
            continue
        if _PAGE_NUMBER.match(s) and _blank(source, raw_lines, n - 1, noise) and _blank(
            source, raw_lines, n + 1, noise
        ):
            candidates.append((n, int(re.sub(r"\D", " ", s).split()[0]), s[:4].lower() == "page"))
        elif _ROMAN_PAGE.match(s):
            nxt = _next_content(source, raw_lines, n, {})
            if nxt is None or nxt in page_breaks:
                noise[n] = "page number"
                page_breaks.add(n)
    # Page numbers climb through a document (and restart at 1 or 2 in an exhibit): a number
    # is a page number when a neighbouring candidate continues the count. A lone "709" in a
    # cross-reference table does not.
    for k, (n, value, named) in enumerate(candidates):
        before = candidates[k - 1][1] if k > 0 else None
        after = candidates[k + 1][1] if k + 1 < len(candidates) else None
        climbs = (before is not None and before < value <= before + PAGE_NUMBER_MAX_STEP) or (
            after is not None and value < after <= value + PAGE_NUMBER_MAX_STEP
        )
        if named or value <= 2 or climbs:
            noise[n] = "page number"
            page_breaks.add(n)


# A page's footer that names the attachment it is printed in: "V3.03/17/10 AURA/ZANOTTI
# STRATEGIC ALLIANCE AGREEMENT Exhibit A", then "… Exhibit B": a stamp of four words or more
# (with a date or version: its digits) repeated with each attachment's own name after it.
_FOOTER_NAMING_ATTACHMENT = re.compile(
    r"(?P<stamp>(?:\S+ ){4,}?)(?P<attachment>(?:Exhibit|Schedule|Annex|Appendix|Attachment|EXHIBIT|SCHEDULE|ANNEX|APPENDIX|ATTACHMENT)"
    r" [A-Z0-9]{1,3}(?:-\d{1,2})?)$"
)


def _stands_alone(source, raw_lines, n) -> bool:
    """A blank line before and after line ``n`` (or the text's edge)."""
    def blank(k: int) -> bool:
        return not (0 <= k < len(raw_lines)) or not source[raw_lines[k][0]:raw_lines[k][1]].strip()

    return blank(n - 1) and blank(n + 1)


def _mark_running_headers(source, raw_lines, noise, page_breaks) -> None:
    """Short lines right after a page break, repeated with a changing number; and lines laid
    out in columns right over a page number, repeated as they are ("[INITIALS ILLEGIBLE]
    [INITIALS ILLEGIBLE]   20.3.98   30.4.98" over "5", "6")."""
    after_break: dict[str, list[tuple[int, str]]] = defaultdict(list)
    over_number: dict[str, list[int]] = defaultdict(list)
    per_attachment: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for n, (start, end) in enumerate(raw_lines):
        if n in noise:
            continue
        s = source[start:end].strip()
        collapsed = " ".join(s.split())
        if not s or len(collapsed) > RUNNING_HEADER_MAX_CHARS or not _DIGIT.search(s):
            continue
        if _HEADING_LIKE.match(s):
            continue
        prev = _next_content(source, raw_lines, n, {}, step=-1)
        if prev is not None and prev in page_breaks and len(s) <= RUNNING_HEADER_MAX_CHARS:
            after_break[re.sub(r"\d+", "#", s).rstrip(". ")].append((n, s))
        nxt = _next_content(source, raw_lines, n, {})
        if nxt is not None and noise.get(nxt) == "page number" and _COLUMNS.search(s):
            over_number[collapsed].append(n)
        named = _FOOTER_NAMING_ATTACHMENT.match(collapsed)
        if named and _DIGIT.search(named.group("stamp")) and _stands_alone(source, raw_lines, n):
            per_attachment[re.sub(r"\d+", "#", named.group("stamp"))].append((n, named.group("attachment")))
    for occurrences in per_attachment.values():
        if len({a for _, a in occurrences}) >= 2:  # each attachment with one page or more
            for n, _ in occurrences:
                noise[n] = "running header"
                page_breaks.add(n)
    for occurrences in after_break.values():
        if len(occurrences) >= 2 and len({s for _, s in occurrences}) >= 2:
            for n, _ in occurrences:
                noise[n] = "running header"
                page_breaks.add(n)
    for lines in over_number.values():
        if len(lines) >= 2:
            for n in lines:
                noise[n] = "running header"


def _mark_tables_of_contents(source, raw_lines, noise, contents: set[int]) -> None:
    """From a "TABLE OF CONTENTS" line to the first paragraph of running prose."""
    n = 0
    while n < len(raw_lines):
        start, end = raw_lines[n]
        s = source[start:end].strip()
        if n in noise or n in contents or not (_TOC_START.match(s) or _TOC_START_IN_LINE.match(s)):
            n += 1
            continue
        # Walk paragraph by paragraph, from the line after the heading, until one reads as
        # prose. (Starting at the heading itself, a heading glued to a sentence read as prose
        # and the walk never moved on.)
        m = n + 1
        while m < len(raw_lines):
            para_start = m
            words: list[str] = []
            while m < len(raw_lines) and source[raw_lines[m][0] : raw_lines[m][1]].strip():
                words += source[raw_lines[m][0] : raw_lines[m][1]].split()
                m += 1
            # Title Case headings ("Collection of Indebtedness and Suits for Enforcement by
            # Trustee") have lower-case function words only; prose has lower-case content words.
            alpha = [w for w in words if w[:1].isalpha() and w.lower().strip(",.;:") not in DANGLING_WORDS]
            lower = [w for w in alpha if w[:1].islower()]
            defines = len(words) >= PROSE_MIN_WORDS and _DEFINING_PARENTHESIS.search(" ".join(words))
            if len(words) >= PROSE_MIN_WORDS and len(lower) >= PROSE_MIN_LOWER_SHARE * len(alpha) or defines:
                m = para_start
                break
            m += 1
        m = min(m, len(raw_lines))
        for k in range(n, m):
            if k not in noise and source[raw_lines[k][0] : raw_lines[k][1]].strip():
                contents.add(k)
        n = max(m, n + 1)  # always move on: every line is looked at a bounded number of times


def _join(source: str, lines: list[Line]) -> tuple[str, list[int]]:
    """Clean text: wrapped lines joined with a space, paragraphs with a blank line."""
    parts: list[str] = []
    offsets: list[int] = []
    prev: Line | None = None
    for line in lines:
        if prev is not None:
            sep = _separator(prev, line)
            parts.append(sep)
            offsets.extend([line.start] * len(sep))
        if line.tabular:
            parts.append(line.text)
            offsets.extend(range(line.start, line.start + len(line.text)))
        else:
            # Map each kept character back to the source, skipping collapsed spaces and tags.
            raw = source[line.start : line.end]
            parts.append(line.text)
            if "<" in raw or _SPACE_RUN.search(raw):
                offsets.extend([line.start + k for k in _map_collapsed(raw, line.text)])
            else:  # most lines: nothing collapsed or removed, each character is its own
                offsets.extend(range(line.start, line.start + min(len(raw), len(line.text))))
        prev = line
    offsets.append(prev.end if prev else 0)
    return "".join(parts), offsets


# (A line starts after its leading white space, so one character of white space alone is kept.)
_SPACE_RUN = re.compile(r"\s\s")
_PIECES = re.compile(rf"(?P<tag><{_SGML_TAG_NAMES}>)|(?P<space>\s+)|(?P<word>[^\s<]+|<)", re.I)


def _map_collapsed(raw: str, text: str) -> list[int]:
    """Index in ``raw`` of every character of ``text`` (raw with tags removed, spaces collapsed)."""
    out: list[int] = []
    after_space = True  # no space at the start, and never two in a row (even around a tag)
    for m in _PIECES.finditer(raw):
        if m.lastgroup == "word":
            out.extend(range(m.start(), m.end()))
            after_space = False
        elif m.lastgroup == "space" and not after_space:
            out.append(m.start())
            after_space = True
    # ``text`` is stripped: drop a trailing space position, and keep lengths in step.
    return out[: len(text)]


def _separator(prev: Line, line: Line) -> str:
    if line.gap is Gap.NONE:
        if prev.tabular or line.tabular or line.contents:
            return "\n"
        if prev.text.endswith("-") and line.text[:1].islower() and prev.text[-2:-1].isalpha():
            return ""
        if len(prev.text) < SHORT_LINE and not line.text[:1].islower() and not dangling(prev.text):
            return "\n"  # layout lines (titles, addresses, signature blocks) keep their breaks
        return " "
    if line.tabular or prev.tabular or _TERMINATOR.search(prev.text):
        return "\n\n"
    # No full stop before the gap: the sentence may run on across blank lines or a page break
    # ("… within the meaning of the" / "Securities and Futures Ordinance …").
    caption = line.text.isupper() and len(line.text) < SHORT_LINE
    if line.text[:1].islower() or (dangling(prev.text) and not caption):
        return " "
    if line.gap is Gap.PAGE and len(prev.text) >= SHORT_LINE and not caption:
        return " "
    return "\n\n"
