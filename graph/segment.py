"""Cut a cleaned document into its clause tree, with the labels a lawyer cites.

Two passes. The *structural* pass walks the content lines and opens a clause wherever a
numbering marker starts a paragraph: ``ARTICLE ONE``, ``SECTION 1.``, ``Section 101``,
``1.01``, ``8.``, ``(a)``, ``(i)``, ``(A)``, ``i.``, attachment headings (``ANNEX I``), and
closings (``IN WITNESS WHEREOF``). A marker counts only where a paragraph can start (after a
blank line, a page break, or a line that ends a sentence or introduces a list) and only where
it continues a list that is open or starts a new one — so "(i)" after "(h)" is a letter, and a
wrapped line that happens to begin with "(a)" is not a subsection. The *inline* pass then finds
enumerations inside sentences ("(i) … and (ii) …") and labels them under their clause.

Documents without numbering (powers of attorney, press releases) become paragraph blocks
``p1``, ``p2``, … with their inline items as ``p2(i)``.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass, field

from . import numbering
from .labels import unrepeated
from .numbering import roman_value, to_roman  # one reading of roman numerals, for parts and headings alike
from .clean import _SGML_INLINE, DANGLING_WORDS, SHORT_LINE, CleanText, Gap, Line, dangling
from .model import Clause, ClauseKind

# --- numbering styles ------------------------------------------------------------------------

_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "ZERO ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE TEN ELEVEN TWELVE THIRTEEN FOURTEEN "
        "FIFTEEN SIXTEEN SEVENTEEN EIGHTEEN NINETEEN TWENTY".split()
    )
}


def alpha_value(s: str) -> int | None:
    """(a)=1 … (z)=26, (aa)=27 … as drafters double letters after (z)."""
    if len(set(s)) == 1 and s.isalpha() and s.isascii():
        return (ord(s[0].lower()) - 96) + 26 * (len(s) - 1)
    return None


def interpretations(token: str) -> list[tuple[str, int]]:
    """Every (style, ordinal) a marker can be: "i" is the 9th letter or roman one."""
    out = []
    if token.isdigit():
        return [("digit", int(token))]
    # Every letter repeated is a doubled letter too: "(cc)" after "(bb)", "(ii)" after "(hh)";
    # the sequence tells which reading holds.
    if token.islower():
        r, a = roman_value(token), alpha_value(token)
        if r is not None:
            out.append(("roman", r))
        if a is not None:
            out.append(("alpha", a))
    elif token.isupper():
        r, a = roman_value(token), alpha_value(token)
        if r is not None:
            out.append(("ROMAN", r))
        if a is not None:
            out.append(("ALPHA", a))
    return out


# --- line patterns ---------------------------------------------------------------------------

_ARTICLE = re.compile(
    r"^(?P<kw>ARTICLE|Article)\s+(?P<num>[IVXLC]+|\d+|[A-Z][A-Za-z]+(?:[- ][A-Z][A-Za-z]+)?)\b\.?\s*[:.\-–—]?\s*(?P<rest>.*)$"
)
_SECTION_KW = re.compile(r"^(?:SECTION|Section|§)\s+(?P<num>\d+(?:\.\d+)*[A-Za-z]?)\b\.?(?:\s+(?P<rest>.*))?$")
_BARE_SECTION = re.compile(r"^(?P<num>\d{1,3})\.\s+(?P<rest>\S.*)$")
_DOTTED_SECTION = re.compile(r"^(?P<num>\d{1,3}\.\d{1,3}(?:\.\d{1,3})?)\.?\s+(?P<rest>\S.*)$")
# "(a) The term …", and glued to its text as some filings print it: "(a)The term …",
# "(i)shall observe …" (a lead-in's item).
# Roman numerals run to eight letters: "(xxviii)", "(xxxviii)"; a typist may space the
# marker out: "( i )".
_PAREN = re.compile(r"^\( ?(?P<tok>[A-Za-z]{1,5}|[ivxlc]{6,8}|[IVXLC]{6,8}|\d{1,2}) ?\)(?:\s+(?P<rest>.*)|(?=[A-Z\"“]|[a-z]{3})(?P<glued>.+))?$")
_DOTTED_ITEM = re.compile(r"^(?P<tok>[ivxlc]{1,6}|[IVXLC]{1,6}|[a-zA-Z]|\d{1,2}|111|1v|lv|v1)\.\s+(?P<rest>\S.*)$")
_DOTTED_ALONE = re.compile(r"^(?P<tok>[A-Za-z0-9]{1,5})\.(?P<rest>)$")  # "h." ending a line, its text on the next
# "ANNEX I" on its line, or with its all-capitals title beside it ("EXHIBIT C   ADDENDUM TO LEASE").
_ATTACHMENT = re.compile(
    r"^(?P<kw>ANNEX|SCHEDULE|EXHIBIT|APPENDIX|Annex|Schedule|Exhibit|Appendix)(?:\s+|(?P<glued>(?=[A-Z]\s)))(?P<id>[A-Z0-9][A-Z0-9.\-]{0,8})"
    r"(?:\s+(?P<title>[A-Z][A-Z0-9 ,&'’/()\-]{2,80}|[\"“][^\"”]{2,60}[\"”]|[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*){0,5}))?$"
)
# "Exhibit C-1 Former Labs …": a part of Exhibit C named by its own label, with its caption.
_SUB_ATTACHMENT = re.compile(
    r"^(?P<kw>ANNEX|SCHEDULE|EXHIBIT|APPENDIX|Annex|Schedule|Exhibit|Appendix)\s+(?P<id>[A-Z0-9]{1,3}-\d{1,2})\s+\S"
)
_CLOSING = re.compile(
    r"^(?:IN\s+(?:WITNESS|TESTIMONY)(?:\s+WHEREOF|,)|If\s+the\s+foregoing\s+(?:is|correctly)|Very\s+truly\s+yours|"
    r"If\s+this\s+(?:letter\s+)?(?:agreement\s+)?(?:accurately|correctly)\s+(?:reflects|sets\s+forth)|"
    # a certificate's attestation: "The undersigned declare under penalty of perjury that …"
    r"(?:I|We|The\s+undersigned)\s+(?:hereby\s+)?declares?\s+under\s+penalty\s+of\s+perjury)",
    re.I,
)
_TERMINATED = re.compile(r"(?:[.;:!?][\"')\]”’]*|[;,]\s*(?:and|or|and/or))$")
_CAPTION = re.compile(r"^[A-Z][A-Z0-9 ,&'’/()\-]{2,80}:?$")
_HEADING_BEFORE_PART = re.compile(
    r"^(?P<heading>[A-Z][\w'’\-]*(?:\s+(?:[A-Z][\w'’\-]*|of|and|or|the|to|for|in|on|&)){0,7})\s+(?P<rest>\((?:a|A|1|i)\)\s+\S.*)$"
)
_HEADING_TEXT = re.compile(r"^(?P<heading>[A-Z][^.:]{1,90}?)\.(?:\s+(?P<rest>\S.*))?$")
_LEADING_NUMBER = re.compile(r"^(?:(?:SECTION|Section)\s+)?(?:\([A-Za-z0-9]{1,5}\)|\d+(?:\.\d+)*\.?|[ivxlc]{1,6}\.)\s+")
_MARKER_ONLY = re.compile(r"^(?:\((?:[A-Za-z]{1,5}|[ivxlc]{6,8}|\d{1,2})\)|(?:[ivxlc]{1,8}|[a-z]|\d{1,2})\.)$")
_MARKER_START = re.compile(r"^(?:\([A-Za-z0-9]{1,5}\)|[A-Za-z0-9]{1,6}\.\s)")
_LIST_BULLET = re.compile(r"^(?:[•·▪●◦]|[-*]\s)")
_BULLET = re.compile(r"^(?:(?:-\s*-|[-*·])\s+|•\s*)\S")  # "•If …": the glyph needs no space after it
# "Actual Payment Amount = [((Actual Result – Threshold) / …) * 50%] * Base Payment Amount"
_FORMULA = re.compile(r"^[^=.;:]{2,80}\s=\s\S[^.;:]*$")
# The item's text may open with a redaction: "(i) [ * ] after …".
_INLINE_MARKER = re.compile(r"(?<![\w(\[])\((?P<tok>[a-z]{1,4}|[ivxlc]{1,8}|[A-Z]|[IVXLC]{2,8}|\d{1,2})\)(?=\]?\s+[\w\"“$(\[])")
# A half-bracket marker "1)", "a)", "ii)" in running text (a list of its own form, never mixed
# with "(2)"); one that closes an open parenthesis ("(see Exhibit A)") is no marker.
_HALF_MARKER = re.compile(r"(?<=\s)(?P<tok>[ivxlc]{1,6}|[a-z]|[A-Z]|\d{1,2})\)(?=\s+[\w\"“$(])")
_CLOSE_BEFORE_SPACE = re.compile(r"\)(?=\s)")
_HALF_TOKEN = re.compile(r"\s(?P<tok>[ivxlc]{1,6}|[a-zA-Z]|\d{1,2})$")
_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:clauses?|subsections?|sections?|paragraphs?|subparagraphs?|items?|rules?|articles?|"
    r"schedules?|exhibits?|annex(?:es)?|regulations?|forms?)\s*"
    r"(?:(?:\d[\w.\-]*|\([A-Za-z0-9]{1,5}\))\s*(?:,|and/or|and|or|through|to|-)?\s*)*"
    r"|\d[\w.\-]*)$",
    re.I,
)
# Common abbreviations whose period does not end a sentence.
_ABBREVIATION = re.compile(r"\b(?:Inc|Co|Corp|Ltd|No|Nos|U\.S|N\.A|Esq|Jr|Sr|St|Mr|Ms|Mrs|Dr|etc|i\.e|e\.g|Cap|L\.P|p\.m|a\.m|S\.A|N\.Y|D\.C)\.$"
    r"|\b[A-Z](?:\.[A-Z])+\.$"  # initials: "A.M. Best", "U.K. law"
)


def _terminated(text: str) -> bool:
    return bool(_TERMINATED.search(text.rstrip()))


def _article_number(token: str) -> str | None:
    if token.isdigit():
        return token
    if roman_value(token.lower()) is not None and token.isupper():
        return token
    words = token.upper().replace("-", " ").split()
    if words and all(w in _NUMBER_WORDS for w in words):
        return str(sum(_NUMBER_WORDS[w] for w in words))
    return None


def _number_key(num: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", num))


# --- the tree being built --------------------------------------------------------------------


@dataclass
class _Node:
    label: str
    kind: ClauseKind
    start: int
    rank: int  # 0 attachment, 1 article/closing/preamble/p-block, 2 section, 3 dotted, 4+ items
    parent: "_Node | None"
    cite: str = ""  # how children cite from here: "8(c)" gives "8(c)(i)"
    prefix: str = ""  # "Annex I, " inside an attachment
    style: str | None = None  # numbering style of a list item
    ordinal: int = 0
    marker_indent: int = 0
    body_indent: int | None = None
    heading: str | None = None
    awaiting_body: bool = False  # a marker alone on its line: its text follows
    caption: bool = False  # a captioned block ("TIME OF DELIVERY:") in an attachment
    cells: bool = False  # a block of table cells laid out one a paragraph
    end: int = -1
    end_limit: int | None = None  # set when a following unnumbered paragraph closed this item
    children: list["_Node"] = field(default_factory=list)


class _Tree:
    def __init__(self, clean: CleanText, part_readings: dict[int, str] | None = None):
        self.clean = clean
        self.part_readings = part_readings or {}  # marker as the numbering model reads it, by offset
        self.root = _Node("", ClauseKind.PREAMBLE, 0, -1, None)
        self.stack: list[_Node] = [self.root]
        self.labels: set[str] = set()
        self.repeats: dict[str, int] = {}  # label -> the next " [n]" to try for it
        self.para_index: dict[str, int] = {}  # per attachment (or "" for the document): p1, p2, …
        self.displaced: list[tuple[int, int]] = []  # spans of text the file put out of place
        self.citations: dict[str, list[int]] | None = None  # "schedule a" -> where it is cited

    @property
    def top(self) -> _Node:
        return self.stack[-1]

    def unique(self, label: str) -> str:
        if label not in self.labels:
            return label
        # A second list restarting at (a) inside one clause: keep the citation, mark the repeat
        # (the count goes on from the last repeat: thousands of them stay linear).
        n = self.repeats.get(label, 2)
        while f"{label} [{n}]" in self.labels:
            n += 1
        self.repeats[label] = n + 1
        return f"{label} [{n}]"

    def open(self, label: str, kind: ClauseKind, start: int, rank: int, parent: _Node | None = None, **kw) -> _Node:
        if parent is not None and parent in self.stack:
            self.pop_to(parent)  # "10.4.1" under "10.4", both of rank 3
        else:
            while self.top.rank >= rank:
                self.stack.pop()
        parent = self.top
        label = self.unique(label)
        node = _Node(label, kind, start, rank, parent, **kw)
        parent.children.append(node)
        self.stack.append(node)
        self.labels.add(label)
        return node

    def pop_to(self, node: _Node) -> None:
        while self.top is not node:
            self.stack.pop()

    def attachment(self) -> _Node | None:
        for node in reversed(self.stack):
            if node.rank == 0:
                return node
        return None


# --- the structural pass ---------------------------------------------------------------------


def segment(clean: CleanText) -> list[Clause]:
    """The clause tree of ``clean``, in reading order, parents before children."""
    if not clean.lines:
        return []
    heads = numbering.headings(clean)
    # A heading that starts inside a line (hard wrapping ran the paragraphs together) starts a
    # line of its own from here on: the segmenter reads lines, the clean text is unchanged.
    parts = numbering.part_starts(clean, heads)
    cuts = (
        [(h.line, h.pos) for h in heads if h.mid_line]
        + [(p.line, p.pos) for p in parts]
        + numbering.closings_inside_lines(clean, heads)
        + numbering.attachments_inside_lines(clean)
    )
    clean = dataclasses.replace(clean, lines=_split_at(clean, cuts))
    readings = {p.pos: p.token for p in parts}
    tree = _structural(clean, numbered=True, heads={h.pos: h for h in heads}, part_readings=readings)
    if not _is_numbered(tree):
        tree = _structural(clean, numbered=False, heads={})
    _close_ends(tree, clean)
    _inline_items(tree, clean)
    _keep_tree_invariants(tree.root)
    return _flatten(tree, clean)


def _keep_tree_invariants(node: _Node) -> None:
    """Children in reading order, each inside its parent and ending where the next begins; an
    empty one dropped. The rules above keep these on real documents; a mangled file (an
    attachment heading moved into the body, found by the property tests) could make a part
    start before an earlier sibling ended — a lawyer must never see two clauses claim one word."""
    node.children.sort(key=lambda c: c.start)
    kept = []
    for i, child in enumerate(node.children):
        child.start = max(child.start, node.start)
        if node.end >= 0:  # the root has no end of its own
            child.end = min(child.end, node.end)
        if i + 1 < len(node.children):
            child.end = min(child.end, max(node.children[i + 1].start, child.start))
        if child.end > child.start:
            kept.append(child)
    node.children[:] = kept
    for child in kept:
        _keep_tree_invariants(child)


def _split_at(clean: CleanText, positions: list[tuple[int, int]]) -> tuple[Line, ...]:
    """The content lines, each cut at the (line index, source offset) positions given; a
    position at a line's own start makes that line start a paragraph (a part the numbering
    model accepted at the start of a wrapped line)."""
    if not positions:
        return clean.lines
    cuts: dict[int, list[int]] = {}
    for line_index, pos in positions:
        cuts.setdefault(line_index, []).append(pos)
    out: list[Line] = []
    for i, line in enumerate(clean.lines):
        if i not in cuts:
            out.append(line)
            continue
        if line.start in cuts[i] and line.gap is Gap.NONE:
            line = dataclasses.replace(line, gap=Gap.BLANK)
        bounds = [line.start] + sorted(p for p in cuts[i] if line.start < p < line.end) + [line.end]
        for k, (a, b) in enumerate(zip(bounds, bounds[1:])):
            piece = _SGML_INLINE.sub("", clean.source[a:b])
            text = piece.strip() if line.tabular else " ".join(piece.split())
            if not text:
                continue
            end = a + len(clean.source[a:b].rstrip())
            gap = line.gap if k == 0 else Gap.BLANK
            out.append(Line(line.number, a, end, line.indent, text, gap, line.tabular))
    return tuple(out)


def _is_numbered(tree: _Tree) -> bool:
    def count(node: _Node) -> int:
        return sum(1 for c in node.children if c.kind in (ClauseKind.SECTION, ClauseKind.ARTICLE))

    top = count(tree.root) + sum(count(c) for c in tree.root.children if c.rank == 0)
    return top >= 2


def _paragraph_start(line: Line, prev: Line | None, rest: str | None, token: str | None = None) -> bool:
    """May a new paragraph (and so a numbered part) begin at ``line``? ``token``: the marker
    the line starts with, if any."""
    if prev is None:
        return True
    if line.gap is Gap.NONE:
        # "as follows:" introduces a list; "(c)  Corporate Documents." is a heading line.
        return prev.text.rstrip().endswith(":") or _title_line(prev.text)
    if _terminated(prev.text) or prev.tabular or _is_caption(line) or _BULLET.match(line.text):
        return True
    if _MARKER_ONLY.match(prev.text):
        return True  # "(1)" alone on its line: its text is the next paragraph
    # No sentence end before it: a wrapped line, unless what follows reads as a new start.
    body = rest if rest is not None else line.text
    if not body[:1].isupper():
        # "… when" / blank line / "(a) either": a marked paragraph of its own after a lead-in
        # (or after a page break: "and" / page / "(2) all Events …"), unless the line before
        # cites it ("… pursuant to clause" / "(a) of Section 5"). "… as provided in Section
        # 1106," / "(4) that on …" does not: after a comma a marker is cited only when it goes
        # on the cited list.
        ref = _REFERENCE_BEFORE.search(prev.text.rstrip())
        return rest is not None and not (ref and (token is None or _cited(ref.group(), token)))
    if line.gap is Gap.PAGE:
        return _heading_like(prev.text)
    if line.indent < prev.indent and len(prev.text) >= SHORT_LINE and not _MARKER_START.match(line.text):
        # "(a) The Company has … the Registration" / blank lines / "Statement is declared …"
        # back at the margin where wrapped lines go: the sentence goes on.
        return False
    # After blank lines: "… within the meaning of the" goes on; "… Securities and Futures Act"
    # (a drafter's missing period) does not.
    return not dangling(prev.text)


def _title_line(text: str) -> bool:
    """A line that is only a (numbered) title: "(c)  Corporate Documents; Proceedings."."""
    body = _LEADING_NUMBER.sub("", text).strip()
    if not body.endswith(".") or len(body) > 90:
        return False
    words = [w for w in body.rstrip(".").split() if w.lower() not in DANGLING_WORDS]
    return bool(words) and all(w[:1].isupper() or not w[:1].isalpha() for w in words)


def _heading_like(text: str) -> bool:
    """A short line that can stand alone ("PRICING AGREEMENT", "March 4, 2004"), unlike the
    last line before a page break ("meaning of the")."""
    words = text.split()
    return len(text) < SHORT_LINE and bool(words) and not words[-1][:1].islower()


def _structural(
    clean: CleanText, numbered: bool, heads: dict[int, "numbering.Heading"], part_readings: dict[int, str] | None = None
) -> _Tree:
    tree = _Tree(clean, part_readings)
    lines = clean.lines
    displaced = _displaced_items(lines) if numbered else set()
    tree.displaced = sorted((lines[k].start, _paragraph_lines(lines, k)[-1].end) for k in displaced)
    after_orphan = moved_list = False
    last_paragraph: int | None = None  # the latest line that starts a paragraph
    body_started = False
    sections: dict[tuple[int, ...], _Node] = {}  # accepted section numbers, for parents
    prev: Line | None = None
    paragraph_ends = _paragraph_ends(lines)  # once: per line, a long paragraph was read again
    i = 0
    block_after_heading = -1
    while i < len(lines):
        line = lines[i]
        if i == block_after_heading and line.gap is Gap.NONE:
            line = dataclasses.replace(line, gap=Gap.BLANK)
        text = line.text
        handled = False
        if numbered and line.contents:
            # A table of contents lies in whatever encloses it (the preamble): no clause
            # starts or ends on its entries.
            prev = line
            i += 1
            continue
        starts = i == block_after_heading or _paragraph_start(line, prev, None)

        # Indentation of a list item's continuation lines tells its layout style.
        top = tree.top
        if line.gap is Gap.NONE and top.rank >= 4 and top.body_indent is None:
            top.body_indent = line.indent

        paragraph_lines = list(lines[i:paragraph_ends[i]])  # as _paragraph_lines(lines, i)

        if (
            # "IN WITNESS WHEREOF" in capitals opens a paragraph wherever it stands (after a
            # page break behind "[signature page follows]", too).
            (starts or line.gap is not Gap.NONE and text.startswith("IN WITNESS WHEREOF"))
            and (_CLOSING.match(_opening(paragraph_lines, 200)) or numbered and tree.attachment() and _signature_block(lines, i))
            and (body_started or not numbered)
            and not any(n.kind is ClauseKind.SIGNATURES for n in tree.stack)  # not in signatures yet
            and not (numbered and _numbering_follows(lines, i))
        ):
            att = tree.attachment()
            label = f"{att.label}, signatures" if att else "signatures"
            tree.open(label, ClauseKind.SIGNATURES, line.start, 1, prefix=att.prefix if att else "")
            handled = True
        elif (
            starts and (m := _ATTACHMENT.match(text)) and numbered and _new_attachment(tree, m, line.start)
            and (
                body_started or _has_signatures(tree) or tree.attachment() is not None
                or i < OPENING_LINES and "." not in m.group("id")
            )
        ):
            kw = m.group("kw").capitalize()
            label = f"{kw} {m.group('id')}"
            kind = {"Annex": ClauseKind.ANNEX, "Schedule": ClauseKind.SCHEDULE, "Exhibit": ClauseKind.EXHIBIT}.get(kw, ClauseKind.APPENDIX)
            node = tree.open(label, kind, line.start, 0, prefix=f"{label}, ")
            # An all-capitals line right under the heading (or beside it) is the attachment's title.
            if m.group("title"):
                title = m.group("title").strip().strip("\"“”")
                node.heading = title.title() if title.isupper() else title
                if i + 1 < len(lines) and not lines[i + 1].text.isupper():
                    # "EXHIBIT A The Premises" / "7,000 rentable square feet …": the heading
                    # line is a heading; the text under it is a block of its own.
                    block_after_heading = i + 1
            elif i + 1 < len(lines) and _attachment_title(lines, i + 1):
                node.heading = lines[i + 1].text.title() if lines[i + 1].text.isupper() else lines[i + 1].text
                i += 1
                line = lines[i]
                if i + 1 < len(lines) and not lines[i + 1].text.isupper():
                    block_after_heading = i + 1  # "[Floorplan attached]" under the title
            sections = {}
            handled = True
        elif (
            starts and numbered and (m := numbering.INSTRUMENT_HEADING.match(text))
            and _has_signatures(tree) and tree.attachment() is None
        ):
            # "AMENDMENT #2 TO THE DISTRIBUTION AGREEMENT" after the signatures: a second
            # instrument filed in the same document, attached under its own name.
            label = numbering.instrument_label(m)
            node = tree.open(label, ClauseKind.APPENDIX, line.start, 0, prefix=f"{label}, ")
            node.heading = text.title()
            sections = {}
            handled = True
        elif (
            numbered and line.gap is not Gap.NONE and (att := tree.attachment()) is not None
            and (sub := _SUB_ATTACHMENT.match(text)) and _part_of_attachment(tree, att, sub)
        ):
            # "Exhibit C-1 Former Labs …" inside Exhibit C, which the body cites by that name:
            # a part of the attachment, labelled as the document names it.
            label = f"{sub.group('kw').capitalize()} {sub.group('id')}"
            tree.open(label, att.kind, line.start, 1, prefix=f"{label}, ")
            handled = True
        elif numbered and line.start in heads:
            i = _open_heading(tree, heads[line.start], lines, i, sections)
            line = lines[i]
            body_started = True
            handled = True
        if not handled and line.gap is not Gap.NONE:
            marked = _capitalised_item(text)
            after_orphan = after_orphan and marked
            moved_list = moved_list and bool(_PAREN.match(text))
            if i in displaced or after_orphan or moved_list:
                handled = True  # no labels for text the file has put out of place
                if after_orphan or moved_list:
                    tree.displaced.append((line.start, paragraph_lines[-1].end))
        if not handled and (numbered and body_started or not numbered or tree.attachment()):
            handled = _list_item(tree, line, prev, numbered, lambda: _next_marker(lines, i, paragraph_ends))
            # "(c) Litigation: …" that no list goes on with or starts, after a section's last
            # sentence: a converter moved a page's items here; the items printed right after
            # it ("(a) Power and Authority: …") are the same moved text.
            after_orphan = (
                not handled and numbered and body_started and starts and line.gap is not Gap.NONE
                and _capitalised_item(text) and _list_restarts_after(lines, i)
            )
            if after_orphan:
                tree.displaced.append((line.start, paragraph_lines[-1].end))
            # "… and all" / page break / "month, (i) …; and (ii) …;" / "(b) promptly …" / "(c) …" /
            # "other regulatory filings …": items that go on with the list an earlier section
            # left at "(a)", after a page break, are that section's text the file moved here
            # (with the lower-case words before them that end its last item).
            moved_list = (
                not handled and numbered and body_started and line.gap is not Gap.NONE
                and (paren := _PAREN.match(text)) is not None and _continues_an_earlier_section(tree, paren.group("tok"))
                and (line.gap is Gap.PAGE or last_paragraph is not None and lines[last_paragraph].gap is Gap.PAGE
                     and lines[last_paragraph].text[:1].islower())
            )
            if moved_list:
                if line.gap is not Gap.PAGE:
                    tree.displaced.append((lines[last_paragraph].start, prev.end))
                tree.displaced.append((line.start, paragraph_lines[-1].end))
        if not handled and starts and line.gap is not Gap.NONE and not numbered and tree.top.kind is ClauseKind.SIGNATURES:
            # A form's signature block, then its reverse side: prose after the signatures (or
            # headings over prose: "REVERSE OF NOTE" / "CREDIT SUISSE AG" "SENIOR … NOTE" /
            # "This Note is one of …") is the document going on, not part of the signing.
            if _prose(paragraph_lines) or _headings_over_prose(lines, i):
                tree.pop_to(tree.root)
        if not handled and starts and line.gap is not Gap.NONE:
            _unmarked_paragraph(tree, line, numbered, paragraph_lines, _next_list_item(tree, lines, i, heads))
        if line.gap is not Gap.NONE:
            last_paragraph = i
        prev = line
        i += 1
    tree.displaced.sort()
    return tree


def _continues_an_earlier_section(tree: _Tree, token: str) -> bool:
    """Does the marker go on with the list that a section before the open ones ended with
    ("(b)" when 6.2 ended at "(a)"), and with no open list of its own?"""
    options = interpretations(token)
    if any(o == 1 for _, o in options) or tree.top.rank >= 4:
        return False
    for node in tree.stack:
        if node.parent is None or node.rank not in (1, 2, 3):
            continue
        siblings = node.parent.children
        k = siblings.index(node)
        last = siblings[k - 1] if k > 0 else None
        while last is not None:
            if last.rank >= 4 and any(last.style == s and o == last.ordinal + 1 for s, o in options):
                return True
            last = last.children[-1] if last.children else None
    return False


_ROLE_CAPTIONS = re.compile(r"^(?:[A-Z][A-Z&,.\- ]{2,30}:\s*){1,3}$")  # "FRANCHISOR:     FRANCHISEE:"
# "INGRAM MICRO INC.      NETGEAR, INC. 1600 East St. …": the parties' names over their blocks.
_PARTY_NAMES = re.compile(r"^[A-Z][A-Z&,.\- ]{1,40}?\b(?:INC|LLC|L\.L\.C|CORP|CORPORATION|COMPANY|LTD|LIMITED|L\.P|LP|PLC)\.?(?=\s|,|$)")
_SIGNATURE_LINE = re.compile(r"^(?:By|BY)\b:?")


def _signature_block(lines: tuple[Line, ...], i: int) -> bool:
    """A signature block with no closing line: the parties' role captions ("FRANCHISOR:
    FRANCHISEE:") or names ("INGRAM MICRO INC."), then, within two paragraphs, a "By" line."""
    if not (_ROLE_CAPTIONS.match(lines[i].text) or _PARTY_NAMES.match(lines[i].text)):
        return False
    seen = 0
    for k in range(i + 1, len(lines)):
        line = lines[k]
        if line.gap is Gap.NONE:
            continue
        if _SIGNATURE_LINE.match(line.text):
            return True
        seen += 1
        if seen >= 2:
            return False
    return False


def _displaced_items(lines: tuple[Line, ...]) -> set[int]:
    """First lines of the marked paragraphs a converter printed inside another paragraph's
    sentence (CONVENTIONS, "Text the file has put out of place"): "… and all other" / "(a)
    Deliveries may be made …" … "(c) …" / "packaging materials intact." — the sentence stops
    mid-phrase before the items and goes on in lower case after them, and the items are
    sentences of their own (capitalised), not the parts of a list that sentence leads into."""
    starts = [k for k, line in enumerate(lines) if k == 0 or line.gap is not Gap.NONE]
    out: set[int] = set()
    k = 1
    while k < len(starts):
        run_end = k
        while run_end < len(starts) and _capitalised_item(lines[starts[run_end]].text):
            run_end += 1
        if k < run_end < len(starts):
            before, after = lines[starts[k] - 1], lines[starts[run_end]]
            # Not a page break inside the last item's own sentence, nor an address line.
            if (
                before.text[-1:].isalpha() and len(before.text) >= SHORT_LINE
                and after.text[:1].islower() and after.gap is not Gap.PAGE
            ):
                out.update(starts[k:run_end])
        k = max(run_end, k + 1)
    return out | _lists_moved_after_a_lead_in(lines, starts)


MOVED_LIST_REACH = 6  # paragraphs from a lead-in left without its list to the list moved on


def _lists_moved_after_a_lead_in(lines: tuple[Line, ...], starts: list[int]) -> set[int]:
    """"3.2 … upon any of the following:" / "If any of the above occurs …" (the lead-in's list
    is gone) and then "3.3 … any of the following:" / "(a) …" "(b) …" "(c) …" "(a) …": the list
    starting again with no words between is the one the file moved from the lead-in before;
    the first run is that list, out of place (its items get no labels)."""
    out: set[int] = set()
    orphan_at = None  # the paragraph index of the latest lead-in left without its list
    k = 0
    while k < len(starts):
        text = lines[starts[k]].text
        last_line = _paragraph_lines(lines, starts[k])[-1].text
        if (
            k + 1 < len(starts) and last_line.rstrip().endswith(":") and not _PAREN.match(text)
            and not _PAREN.match(lines[starts[k + 1]].text) and lines[starts[k + 1]].text[:1].isupper()
        ):
            orphan_at = k
            k += 1
            continue
        first = _PAREN.match(text)
        if orphan_at is None or not first or k - orphan_at > MOVED_LIST_REACH:
            k += 1
            continue
        style = _first_style(first.group("tok"))
        run_end = k + 1
        while run_end < len(starts) and (m := _PAREN.match(lines[starts[run_end]].text)):
            if style[1] == 1 and (style[0], 1) in interpretations(m.group("tok")):
                out.update(starts[k:run_end])  # the list before its restart is the moved one
                orphan_at = None
                break
            run_end += 1
        k = run_end
    return out


ORPHAN_BLOCK_MAX = 20  # items looked at after an orphan (stays linear)


def _list_restarts_after(lines: tuple[Line, ...], i: int) -> bool:
    """Do the marked paragraphs right after ``lines[i]`` (no unmarked text between) start a
    list again at its first value, as "(c) … (d) … (a) Power and Authority: …" does? A list
    a page break only interrupted ("(b)" after a running header, then "(c)") does not."""
    seen = 0
    for k in range(i + 1, len(lines)):  # indices, not a slice: each call looks a few lines on
        line = lines[k]
        if line.gap is Gap.NONE:
            continue
        if not _capitalised_item(line.text) or seen >= ORPHAN_BLOCK_MAX:
            return False
        if any(o == 1 for _, o in interpretations(_PAREN.match(line.text).group("tok"))):
            return True
        seen += 1
    return False


def _capitalised_item(text: str) -> bool:
    m = _PAREN.match(text)
    return bool(m) and (m.group("rest") or m.group("glued") or "")[:1].isupper()


PROSE_MIN_WORDS = 30


def _prose(paragraph: list[Line]) -> bool:
    """Running sentences, as no signature block is: many words, mostly lower-case, a full stop."""
    words = " ".join(ln.text for ln in paragraph).split()
    lower = sum(1 for w in words if w[:1].islower())
    return len(words) >= PROSE_MIN_WORDS and lower >= 0.5 * len(words) and any(w.endswith(".") for w in words)


HEADINGS_OVER_PROSE = 3  # heading paragraphs looked through before the prose they stand over


def _headings_over_prose(lines: tuple[Line, ...], i: int) -> bool:
    """Does the heading paragraph at ``lines[i]`` stand over prose, directly or over a few more
    headings? Only titles in capitals stack ("REVERSE OF NOTE" / "CREDIT SUISSE AG" …);
    "Authorized Signatory" over a title is still the signature block."""
    paragraph = _paragraph_lines(lines, i)
    if not all(_heading_like(ln.text) for ln in paragraph):
        return False
    for _ in range(HEADINGS_OVER_PROSE):
        nxt = _next_paragraph(lines, i)
        if nxt <= i:
            return False
        if _prose(_paragraph_lines(lines, nxt)):
            return True
        following = _paragraph_lines(lines, nxt)
        if not all(ln.text.isupper() for ln in paragraph + following) or not all(_heading_like(ln.text) for ln in following):
            return False
        paragraph, i = following, nxt
    return False


def _next_paragraph(lines: tuple[Line, ...], i: int) -> int:
    j = i + 1
    while j < len(lines) and lines[j].gap is Gap.NONE:
        j += 1
    return min(j, len(lines) - 1)


def _numbering_follows(lines: tuple[Line, ...], i: int) -> bool:
    """Is this "IN WITNESS WHEREOF" inside a form (say, of a note) that the body goes on after?"""
    for line in lines[i + 1 :]:
        if line.gap is Gap.NONE:
            continue
        if _ATTACHMENT.match(line.text) or numbering.INSTRUMENT_HEADING.match(line.text):
            return False
        if _ARTICLE.match(line.text) or (
            (m := _SECTION_KW.match(line.text)) and (m.group("rest") or "X")[:1].isupper()
        ):
            return True
    return False


# A file that begins with an attachment's heading ("SCHEDULE 3", an excerpt of a larger
# agreement) is that attachment; "EXHIBIT 10.8" at the top is EDGAR's exhibit number.
OPENING_LINES = 3


def _new_attachment(tree: _Tree, m: re.Match, at: int) -> bool:
    """Does this heading open an attachment of the document? Not when it names the open one
    again ("Exhibit A Final Form" over the attached form), nor when it is that attachment's
    page label ("Exhibit A-1", "Annex I-3"), nor when it is the open attachment's own schedule
    ("Schedule A" of a form attached as Exhibit A, which cites "Schedule A hereto" and which
    the document before it never cites)."""
    kw, ident = m.group("kw").capitalize(), m.group("id")
    if m.group("glued") is not None:
        # "EXHIBITD Rentable Square Feet" (a scan lost the space): only as the next
        # attachment of its kind, never "EXHIBITS" or "SCHEDULES" as a heading of its own.
        return any(
            c.label == f"{kw} {chr(ord(ident) - 1)}" for c in tree.root.children if c.rank == 0
        ) and not any(c.label == f"{kw} {ident}" for c in tree.root.children)
    current = tree.attachment()
    if current is None:
        return True
    current_kw, current_id = current.label.split(" ", 1)
    if kw == current_kw and (ident == current_id or ident.startswith(current_id + "-")):
        return False
    body_end = next(c.start for c in tree.root.children if c.rank == 0)
    if kw != current_kw and _cited_only_inside(tree, f"{kw} {ident}", body_end, current.start, at):
        return False
    # Attachments come in order: a "Schedule 1" after "Schedule 4" is a schedule of the
    # agreement attached as Schedule 4 (an escrow form's own schedules), inside it.
    seen = [
        _attachment_ordinals(c.label.split(" ", 1)[1]) for c in tree.root.children
        if c.rank == 0 and c.label.split(" ", 1)[0] == kw
    ]
    # Later in every reading ("C" is the third letter, not roman 100; "II" follows "I").
    return any(
        all(value > v for earlier in seen for st, v in earlier if st == style)
        for style, value in _attachment_ordinals(ident)
    ) or not _attachment_ordinals(ident)


_ATTACHMENT_CITED = re.compile(r"\b(?:Annex|Schedule|Exhibit|Appendix)\s+[A-Z0-9]{1,4}(?:[.\-]\d{1,2})?(?![\w\-])", re.I)


def _citations(tree: _Tree) -> dict[str, list[int]]:
    """Every attachment citation of the document ("exhibit c-1" -> source offsets), found once."""
    if tree.citations is None:
        tree.citations = {}
        for m in _ATTACHMENT_CITED.finditer(tree.clean.text):
            tree.citations.setdefault(" ".join(m.group().split()).casefold(), []).append(tree.clean.offsets[m.start()])
    return tree.citations


def _cited_only_inside(tree: _Tree, name: str, body_end: int, opened: int, at: int) -> bool:
    """Is ``name`` ("Schedule A") cited in the open attachment (source offsets ``opened`` to
    ``at``) and nowhere in the document's body (before ``body_end``, its first attachment)?"""
    places = _citations(tree).get(name.casefold(), [])
    k = bisect.bisect_left(places, opened)
    return k < len(places) and places[k] < at and not (places and places[0] < body_end)


def _attachment_ordinals(ident: str) -> list[tuple[str, int]]:
    ident = ident.split(" [")[0]
    out = []
    if ident.isdigit():
        out.append(("digit", int(ident)))
    if ident.isupper() and (r := roman_value(ident.lower())) is not None:
        out.append(("roman", r))
    if len(ident) == 1 and ident.isalpha():
        out.append(("letter", ord(ident.upper()) - 64))
    return out


def _part_of_attachment(tree: _Tree, att: _Node, sub: re.Match) -> bool:
    """Is "Exhibit C-1 …" a part of the open Exhibit C? Only when the document also cites it
    by that name somewhere else (its own heading line is one mention): a form's page label
    ("Exhibit A-1" over each page) is no part."""
    kw, ident = sub.group("kw").capitalize(), sub.group("id")
    return att.label == f"{kw} {ident.split('-')[0]}" and len(_citations(tree).get(f"{kw} {ident}".casefold(), [])) >= 2


def _has_signatures(tree: _Tree) -> bool:
    return any(c.kind is ClauseKind.SIGNATURES for c in tree.root.children)


def _paragraph_lines(lines: tuple[Line, ...], i: int) -> list[Line]:
    j = i + 1
    while j < len(lines) and lines[j].gap is Gap.NONE:
        j += 1
    return list(lines[i:j])


def _paragraph_ends(lines: tuple[Line, ...]) -> list[int]:
    """For each line i, the end j of ``_paragraph_lines(lines, i)`` (``lines[i:j]``)."""
    ends = [len(lines)] * len(lines)
    for i in range(len(lines) - 2, -1, -1):
        ends[i] = i + 1 if lines[i + 1].gap is not Gap.NONE else ends[i + 1]
    return ends


def _opening(paragraph_lines: list[Line], limit: int) -> str:
    """``" ".join(ln.text for ln in paragraph_lines)[:limit]``, joining no more lines than needed."""
    parts, length = [], -1
    for ln in paragraph_lines:
        parts.append(ln.text)
        length += len(ln.text) + 1
        if length >= limit:
            break
    return " ".join(parts)[:limit]


# "Project Managers", "Form of Promissory Note": a title-case line, as a title is written.
_TITLE_LINE = re.compile(r"^[A-Z][\w'’\-]*(?:\s+(?:[A-Z][\w'’\-]*|of|and|or|the|to|for|in|on|a|an|&)){0,7}$")


def _attachment_title(lines: tuple[Line, ...], i: int) -> bool:
    """Whether ``lines[i]``, right under an attachment's heading, is its title: a capitals
    caption, or a title-case line standing alone ("SCHEDULE 3" / "Project Managers"); not a
    caption that leads into the text under it ("PROCEDURE:", "The Publishers:")."""
    text = lines[i].text
    if text.endswith(":"):
        return False
    alone = i + 1 >= len(lines) or lines[i + 1].gap is not Gap.NONE
    return bool(_CAPTION.match(text) or alone and _TITLE_LINE.match(text))


def _next_caption(lines: tuple[Line, ...], i: int) -> str | None:
    if i + 1 < len(lines) and _CAPTION.match(lines[i + 1].text):
        return lines[i + 1].text.rstrip(":")
    return None


def _open_heading(tree: _Tree, head: "numbering.Heading", lines, i: int, sections: dict) -> int:
    """Open the article or section the numbering model accepted at ``lines[i]``; the index of
    the last line its heading takes ("ARTICLE" alone, then "I." on the next line)."""
    line = lines[i]
    att = tree.attachment()
    prefix = att.prefix if att else ""
    if att is not None and not any(c.kind in (ClauseKind.SECTION, ClauseKind.ARTICLE) for c in att.children):
        # An attachment that numbers its own sections: what came before them is its preamble.
        tree.pop_to(att)
        _ensure_preamble(tree, att, captions_too=True)
    elif att is not None and tree.top.rank == 1 and tree.top.kind is not ClauseKind.ARTICLE:
        tree.pop_to(att)
    marker = numbering.marker_length(line.text)
    rest = line.text[marker:].strip()
    last = i
    if head.marker_end > line.end and i + 1 < len(lines):
        last = i + 1  # the number was on the next line: "ARTICLE" / "I."
        rest = lines[last].text[numbering.marker_length("ARTICLE " + lines[last].text) - len("ARTICLE ") :].strip()
    alone = last + 1 >= len(lines) or lines[last + 1].gap is not Gap.NONE
    if head.family == numbering.ARTICLE:
        node = tree.open(prefix + head.label, ClauseKind.ARTICLE, line.start, 1, cite=head.label, prefix=prefix)
        node.heading = rest.strip(" .:-–—") or _next_caption(lines, last)
        sections.clear()
        return last
    number = head.number
    parent = sections.get(number[:-1]) if len(number) > 1 else None
    if parent is not None and parent not in tree.stack:
        parent = None
    rank = 3 if parent is not None else 2
    kind = ClauseKind.SECTION if rank == 2 else ClauseKind.SUBSECTION
    node = tree.open(
        prefix + head.label, kind, line.start, rank, cite=head.label, prefix=prefix,
        marker_indent=line.indent, parent=parent,
    )
    sections[number] = node
    if rest:
        node.heading, remainder = _split_heading(rest, alone and bool(head.keyword))
    else:
        node.heading, remainder = (_split_heading(lines[last + 1].text, True)[0] if last + 1 < len(lines) else None), None
    if not node.heading and not rest:
        node.heading = _next_caption(lines, last)
    _same_line_item(tree, node, line, remainder)
    return last


def _section(tree: _Tree, line: Line, lines, i: int, last_top: int | None) -> tuple[bool, int | None]:
    """SECTION 1. / Section 101 / 1.01 / 8. — with a same-line "(a)" after a bare number."""
    text = line.text
    att = tree.attachment()
    prefix = att.prefix if att else ""
    in_article = any(n.kind is ClauseKind.ARTICLE for n in tree.stack)

    if m := _SECTION_KW.match(text):
        num = m.group("num")
        rest = m.group("rest") or ""
        if rest and rest[:1].islower():
            return False, last_top  # "Section 106. of the Act" wrapped onto a line start
        label = prefix + num
        if label in tree.labels:
            return False, last_top
        dotted = "." in num and not in_article
        rank = 3 if dotted and any(n.rank == 2 and num.startswith(n.cite + ".") for n in tree.stack) else 2
        node = tree.open(label, ClauseKind.SECTION if rank == 2 else ClauseKind.SUBSECTION, line.start, rank, cite=num, prefix=prefix)
        alone = i + 1 >= len(lines) or lines[i + 1].gap is not Gap.NONE
        node.heading, remainder = _split_heading(rest, alone)
        if not node.heading and not rest:
            node.heading = _next_caption(lines, i)
        _same_line_item(tree, node, line, remainder)
        return True, (int(num) if num.isdigit() else last_top)

    if m := _DOTTED_SECTION.match(text):
        num = m.group("num")
        key = _number_key(num)
        parent_section = next((n for n in reversed(tree.stack) if n.rank == 2), None)
        if parent_section is None or _number_key(parent_section.cite)[:1] != key[:1]:
            return False, last_top
        siblings = [c for c in parent_section.children if c.rank == 3]
        if siblings and _number_key(siblings[-1].cite) >= key:
            return False, last_top
        node = tree.open(prefix + num, ClauseKind.SUBSECTION, line.start, 3, cite=num, prefix=prefix)
        node.heading, remainder = _split_heading(m.group("rest"))
        _same_line_item(tree, node, line, remainder)
        return True, last_top

    if m := _BARE_SECTION.match(text):
        value = int(m.group("num"))
        expected = 1 if last_top is None else last_top + 1
        if value != expected or prefix + str(value) in tree.labels:
            return False, last_top
        node = tree.open(prefix + str(value), ClauseKind.SECTION, line.start, 2, cite=str(value), prefix=prefix, marker_indent=line.indent)
        _same_line_item(tree, node, line, m.group("rest"))
        return True, value
    return False, last_top


def _same_line_item(tree: _Tree, section: _Node, line: Line, remainder: str | None) -> None:
    """"8. (a) The Company will …", "1.10  Increased Costs, etc.  (a)  In the event …": the
    first lettered part starts on the section's own line."""
    sub = _PAREN.match(remainder or "")
    if not sub or not any(o == 1 for _, o in interpretations(sub.group("tok"))):
        return
    token = sub.group("tok")
    raw = tree.clean.source[line.start : line.end]
    number_end = raw.find(section.cite) + len(section.cite) if section.cite in raw else 0
    at = raw.find(f"({token})", number_end)
    if at < 0:
        return
    style, ordinal = _first_style(token)
    if _runs_on_in_line(line.text, line.text.rfind(remainder)):
        return  # "10. Termination (a) … (b) …": the list runs on in the line; the inline pass reads it whole
    tree.open(
        f"{section.prefix}{section.cite}({token})", ClauseKind.SUBSECTION, line.start + at, 4,
        cite=f"{section.cite}({token})", prefix=section.prefix, style=style, ordinal=ordinal,
        marker_indent=line.indent,
    )


def _number_written_twice(before: str, marked: str) -> bool:
    """"One (1) variable air volume box": the number in words, then in figures — no item."""
    token = marked[1 : marked.index(")")]
    return token.isdigit() and numbering.word_number(before.rsplit(None, 1)[-1]) == int(token)


def _runs_on_in_line(text: str, start: int) -> bool:
    """Does the list whose first marker stands at ``text[start]`` go on inside ``text`` (its
    "(b)" in the same line, not cited as "paragraph (b) below", not an inner list's)?"""
    markers = []
    for m in _INLINE_MARKER.finditer(text, start):
        ref = _REFERENCE_BEFORE.search(text[max(0, m.start() - 60) : m.start()].rstrip())
        if not (ref and _cited(ref.group(), m.group("tok"))):
            markers.append((m.start(), m.group("tok"), "paren"))
    return any(run[0][0] == start for run in _runs(markers))


def _split_heading(rest: str | None, alone: bool = False) -> tuple[str | None, str | None]:
    """"Loan Commitments.  Subject to …" -> ("Loan Commitments", "Subject to …").

    ``alone``: the heading has the line to itself ("Section 105 Notices, Etc., to Trustee.").
    """
    if not rest:
        return None, None
    if alone and len(rest) <= 120:
        heading, remainder = rest.rstrip(". "), None
    elif (m := _HEADING_BEFORE_PART.match(rest)) and not _number_written_twice(m.group("heading"), m.group("rest")):
        # "11. Indemnity (a) Rights of Indemnity (1) The Corporation …": a caption with no full
        # stop, then the section's first part on the same line.
        heading, remainder = m.group("heading"), m.group("rest")
    else:
        m = _HEADING_TEXT.match(rest)
        if not m:
            return None, rest
        heading, remainder = m.group("heading").strip(), m.group("rest")
    words = heading.split()
    capitalised = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    if len(words) <= 16 and capitalised >= 0.6 * len(words) and not re.search(r"\b(shall|will|may|is|are)\b", heading):
        return heading, remainder
    return None, rest


def _first_style(token: str) -> tuple[str, int]:
    for style, ordinal in interpretations(token):
        if ordinal == 1:
            return style, 1
    style, ordinal = interpretations(token)[0]
    return style, ordinal


_ITEM_KINDS = [ClauseKind.SUBSECTION, ClauseKind.CLAUSE, ClauseKind.SUBCLAUSE]


def _next_marker(lines: tuple[Line, ...], i: int, paragraph_ends: list[int]) -> str | None:
    """The marker of the next paragraph that starts with one, within a few paragraphs of
    ``lines[i]`` ("(ii)" for "(i)" … "(ii)"), as written: "(ii)" or "ii."."""
    j = paragraph_ends[i]
    for _ in range(LOOKAHEAD_PARAGRAPHS + 1):
        if j >= len(lines):
            return None
        m = _PAREN.match(lines[j].text) or _DOTTED_ITEM.match(lines[j].text)
        if m:
            return f"({m.group('tok')})" if lines[j].text.startswith("(") else f"{m.group('tok')}."
        j = paragraph_ends[j]
    return None


def _list_item(tree: _Tree, line: Line, prev: Line | None, numbered: bool, next_marker=None) -> bool:
    """(a) / (i) / (A) / (1) / i. at the start of a paragraph, continuing or opening a list.

    ``next_marker``: a function giving the marker of the next marked paragraph (read only when
    a marker is both the next letter and a first roman: "(h) Waiver." / "(i) …" / "(ii) …")."""
    read = tree.part_readings.get(line.start)
    m = _PAREN.match(line.text) or _DOTTED_ITEM.match(line.text) or (read and _DOTTED_ALONE.match(line.text))
    if not m:
        return False
    rest = m.group("rest") or m.groupdict().get("glued")
    token = read or m.group("tok")  # "1." that the sequence reads as "i."
    if not read and not _paragraph_start(line, prev, rest or "X", m.group("tok")):  # a part the run accepted starts one
        return False
    suffix = "" if line.text.startswith("(") else "."
    options = interpretations(token)
    if not options:
        return False

    # A sibling: an open item of the same style whose next ordinal this is.
    sibling = None
    for node in reversed(tree.stack):
        if node.rank < 4:
            break
        match = next(((s, o) for s, o in options if node.style == s + suffix and o == node.ordinal + 1), None)
        if match:
            sibling = (node, *match)
            break
    if not sibling and not any(o == 1 for _, o in options):
        sibling = _closed_list_sibling(tree, options, suffix)
    if not sibling and (confusable := _ocr_sibling(tree, line, token, suffix)):
        sibling, token = confusable
    if not sibling and rest and rest[:1].isupper() and line.gap is not Gap.NONE:
        sibling = _skipping_sibling(tree, line, options, suffix)
    first = next(((s, o) for s, o in options if o == 1), None)
    if sibling and first and line.indent > sibling[0].marker_indent + 2:
        sibling = None  # "(i)" indented under "(h)": a new roman list, not the letter i
    elif sibling and first and first[0] in ("roman", "ROMAN") and next_marker is not None:
        # "(h) Waiver." / "(i) No failure …" / "(ii) No party …" set flush: the next marker
        # "(ii)" follows only a roman one (after the letter i comes (j)), so this "(i)" opens
        # a roman list under (h).
        two = to_roman(2) if first[0] == "roman" else to_roman(2).upper()
        if next_marker() == (f"({two})" if not suffix else f"{two}."):
            sibling = None
    if not sibling and not first and not suffix:
        sibling = _inline_first_item(tree, line, token, options)
    if sibling:
        node, style, ordinal = sibling
        tree.pop_to(node)
        tree.stack.pop()
        parent = tree.top
    elif first:
        style, ordinal = first
        parent = tree.top
        if abs(line.indent - parent.marker_indent) <= 2 and (
            parent.rank >= 4 and parent.style == style + suffix
            or parent.rank == 2 and parent.prefix and parent.cite.isdigit() and style + suffix == "digit."
        ):
            # "12. …" then "… of the Agents …: 1. The Offered Shares …": a list of the same
            # style starting again at the same indent is a second list beside the first, not
            # one inside its last item (an attachment's "12." is an item of the attachment).
            tree.pop_to(parent)
            tree.stack.pop()
            parent = tree.top
        att = tree.attachment()
        numbered_section = suffix and style == "digit"  # "1. REMODELING AND DECOR." under "AGREEMENT:"
        if numbered and att is not None and parent.rank == 1 and (not parent.caption or numbered_section):
            tree.pop_to(att)  # "i.  it has not offered …": an item of the attachment itself
            parent = att
            if numbered_section:
                _ensure_preamble(tree, att, captions_too=True)
    else:
        return False
    if parent is tree.root or parent.kind in (ClauseKind.SIGNATURES, ClauseKind.PREAMBLE):
        return False  # numbered lines before any clause, or in a signature block
    if parent.rank == 0:
        _ensure_preamble(tree, parent)
    depth = parent.rank - 4 if parent.rank >= 4 else 0
    if suffix:
        # "A." under "SECTION THREE" is cited 3(A); "i." in an attachment keeps its marker.
        cite = f"{parent.cite}({token})" if parent.cite else token
    else:
        cite = f"{parent.cite}({token})"
    tree.open(
        parent.prefix + cite, _ITEM_KINDS[min(depth + (parent.rank >= 4), 2)], line.start,
        max(parent.rank + 1, 4), cite=cite, prefix=parent.prefix, style=style + suffix,
        ordinal=ordinal, marker_indent=line.indent, awaiting_body=not rest,
    )
    return True


def _closed_list_sibling(tree: _Tree, options, suffix: str) -> tuple | None:
    """"(c) …;" then an unmarked lead-in ("provided that the following conditions shall have been
    satisfied:") then "(d) …": the list the lead-in closed goes on; (d) is the sibling of (c).

    The closed list may also be one inside the last item ("(b) Notices …" / "(i) If to the
    Shareholders, to:" / an address block, which closed both / "(ii) If to Company, to:"): the
    lists still open to a continuation are those along the last items, the innermost first —
    as for the open items on the stack. Each closed item is reopened with its parents."""
    chain = []
    last = next((c for c in reversed(tree.top.children) if c.rank >= 4), None)
    while last is not None:
        chain.append(last)
        last = next((c for c in reversed(last.children) if c.rank >= 4), None)
    for k in range(len(chain) - 1, -1, -1):
        node = chain[k]
        match = next(((s, o) for s, o in options if node.style == s + suffix and o == node.ordinal + 1), None)
        if match:
            for parent in chain[:k]:
                parent.end_limit = None  # it goes on to hold the new sibling
            tree.stack.extend(chain[: k + 1])  # reopened, so that the caller closes it as it closes any sibling
            return (node, *match)
    return None


def _skipping_sibling(tree: _Tree, line: Line, options, suffix: str) -> tuple | None:
    """"(b) …" then "(d) Subtenant shall …" at the same indent: a drafter's list that skips a
    letter goes on (the label keeps the letter as written; no "(c)" is invented). Only the
    innermost open item, only one value skipped, only a paragraph of its own."""
    node = tree.top
    if node.rank < 4 or abs(line.indent - node.marker_indent) > 2:
        return None
    match = next(((s, o) for s, o in options if node.style == s + suffix and o == node.ordinal + 2), None)
    return (node, *match) if match else None


_TOKEN_OF = {"digit": str, "alpha": lambda o: chr(96 + o), "roman": lambda o: to_roman(o).lower()}


def _ocr_sibling(tree: _Tree, line: Line, token: str, suffix: str) -> tuple | None:
    """A marker that continues no open list of its own form but reads, as a scan misreads it, as
    the next value of the open item at its own indent ("(k)" … "(1)" for "(l)"): that item's
    sibling, labelled by the value it stands for."""
    readings = numbering.OCR_READINGS.get(token)
    if not readings:
        return None
    for node in reversed(tree.stack):
        if node.rank < 4:
            break
        if abs(line.indent - node.marker_indent) > 2:
            continue
        for alt in readings:
            for s, o in interpretations(alt):
                if node.style == s + suffix and o == node.ordinal + 1 and s in _TOKEN_OF:
                    return (node, s, o), _TOKEN_OF[s](o)
        break  # only the innermost open item at this indent
    return None


FIRST_ITEM_WINDOW = 3000  # how far back a run-on first item is looked for (stays linear)
_FIRST_TOKEN = {"digit": "1", "alpha": "a", "ALPHA": "A", "roman": "i", "ROMAN": "I"}


def _inline_first_item(tree: _Tree, line: Line, token: str, options) -> tuple | None:
    """"… prior to the issuance of Securities of any series, (1) the title of …" and then a
    paragraph "(2) any limit upon …": the list's first item ran on inside the paragraph
    before. Open that first item where its marker stands, as the sibling of this one."""
    parent = tree.top
    if parent is tree.root or parent.kind in (ClauseKind.SIGNATURES, ClauseKind.PREAMBLE):
        return None
    for style, ordinal in options:
        if ordinal != 2:
            continue
        first_token = _FIRST_TOKEN[style]
        region_start = max([parent.start, line.start - FIRST_ITEM_WINDOW] + [c.start for c in parent.children[-1:]])
        src = tree.clean.source
        at = src.rfind(f"({first_token})", region_start, line.start)
        if at <= region_start:
            continue
        k = tree.clean.to_clean(at)  # read what comes before in the clean text: no page numbers
        before = tree.clean.text[max(tree.clean.to_clean(region_start), k - 60) : k].rstrip()
        if _REFERENCE_BEFORE.search(before) or not re.search(r"[,:;]$|\b(?:and|or)$", before):
            continue  # "clause (1) above", or a marker that does not follow a lead-in
        if not re.match(r"\s+[\w\"“]", src[at + len(first_token) + 2 : at + len(first_token) + 4]):
            continue
        cite = f"{parent.cite}({first_token})"
        depth = parent.rank - 4 if parent.rank >= 4 else 0
        node = tree.open(
            parent.prefix + cite, _ITEM_KINDS[min(depth + (parent.rank >= 4), 2)], at,
            max(parent.rank + 1, 4), cite=cite, prefix=parent.prefix, style=style,
            ordinal=1, marker_indent=line.indent,
        )
        return node, style, ordinal
    return None


def _ensure_preamble(tree: _Tree, att: _Node, captions_too: bool = False) -> None:
    """In an attachment, text before its first numbered item is "ATTACHMENT, preamble".

    ``captions_too``: the attachment numbers its own sections ("1.", "2."), so captioned
    blocks before them ("RECITALS:" with its lettered recitals) are its preamble as well.
    """
    if any(c.rank >= 4 for c in att.children) or (not captions_too and any(c.caption for c in att.children)):
        return
    blocks = [c for c in att.children if c.rank == 1 and c.kind is not ClauseKind.SIGNATURES]
    if not blocks:
        return
    # "PROCEDURE:" / "i. NCC will check …" … "iv. …" before the attachment's own sections: the
    # items a caption led into are the attachment's first numbered items, kept under it; the
    # text after them runs on in the last.
    items = _list_under_a_caption(blocks) if captions_too else []
    if items:
        blocks = [c for c in blocks if c.start < items[0].start] or blocks[:0]
        for c in [c for c in att.children if c.rank == 1 and c.start > items[0].start and c.kind is not ClauseKind.SIGNATURES]:
            att.children.remove(c)
            for gone in [c, *_walk(c)]:
                tree.labels.discard(gone.label)
        for item in items:
            item.parent.children.remove(item)
            item.parent = att
        att.children = sorted(att.children + items, key=lambda n: n.start)
    for c in blocks:
        att.children.remove(c)
        for gone in [c, *_walk(c)]:
            tree.labels.discard(gone.label)
    tree.para_index[att.label] = 0
    if not blocks:
        return
    label = tree.unique(f"{att.prefix}preamble")
    att.children.insert(0, _Node(label, ClauseKind.PREAMBLE, blocks[0].start, 1, att, prefix=att.prefix, cite="preamble"))
    tree.labels.add(label)


_RECITALS_LEAD_IN = re.compile(
    r"(?:^|\n)\s*(?:RECITALS|Recitals|WHEREAS|BACKGROUND|Background|PRELIMINARY|Preliminary|BETWEEN|Between|PARTIES|Parties)\s*:?\s*$"
)
_RECITALS_CAPTION = re.compile(r"^(?:RECITALS|WHEREAS|BACKGROUND|PRELIMINARY|PREAMBLE|W\s?I\s?T\s?N\s?E\s?S\s?S\s?E\s?T\s?H)\b", re.I)


def _list_under_a_caption(blocks: list[_Node]) -> list[_Node]:
    """The first list of items under a caption block ("PROCEDURE:" / "i." … "iv."), its items
    in sequence; none under "RECITALS:" (recitals are the preamble's)."""
    host = next((c for c in blocks if c.caption and any(ch.rank >= 4 and ch.style for ch in c.children)), None)
    if host is None or _RECITALS_CAPTION.match(host.heading or ""):
        return []
    run = [ch for ch in host.children if ch.rank >= 4 and ch.style][:1]
    for item in host.children[host.children.index(run[0]) + 1 :]:
        if item.style != run[0].style or item.ordinal != run[-1].ordinal + 1:
            break
        run.append(item)
    return run


def _close_items_for(tree: _Tree, line: Line) -> None:
    """An unnumbered paragraph closes the list items it cannot belong to, by indentation.

    First-line-indented items ("(d) Neal S. Wolin …" at column 18, body at 9) keep a later
    paragraph indented as far as their marker ("In rendering such opinion" stays in 7(d));
    hanging items ("vii.  it will not …" with the body at 9) and flush items hold one
    paragraph only. Right after a page break, a paragraph at the body's indentation is the
    same paragraph going on ("No person guilty …" stays in 8(d)).
    """
    while tree.top.rank >= 4:
        node = tree.top
        if node.awaiting_body:
            node.awaiting_body = False
            return
        body = node.body_indent if node.body_indent is not None else node.marker_indent
        if line.gap is Gap.PAGE and line.indent == body:
            return
        if line.text[:1].islower():
            # "…; (iii) … market;" + "then, and in any such event, …": the sentence of the
            # enclosing part goes on after its list; only the list's last item ends here.
            node.end_limit = line.start
            tree.stack.pop()
            return
        if node.marker_indent > line.indent or (
            body > node.marker_indent or body == node.marker_indent and line.indent <= node.marker_indent
        ):
            node.end_limit = line.start  # the paragraph that closed it is not part of it
            tree.stack.pop()
        else:
            return


LOOKAHEAD_PARAGRAPHS = 3


def _next_list_item(tree: _Tree, lines, i: int, heads) -> "_Node | None":
    """The open item whose list the next marked paragraph continues, if one comes within a
    few paragraphs and before any heading: "(xxi) …" / "In rendering such opinion, …" /
    "(2) The letter …" — the unmarked paragraph belongs to (1), whose sibling comes next."""
    if tree.top.rank < 4:
        return None
    seen = 0
    for line in lines[i + 1 :]:
        if line.gap is Gap.NONE:
            continue
        if line.start in heads or _ATTACHMENT.match(line.text) or _CLOSING.match(line.text):
            return None
        m = _PAREN.match(line.text) or _DOTTED_ITEM.match(line.text)
        if m:
            suffix = "" if line.text.startswith("(") else "."
            options = interpretations(m.group("tok"))
            for node in reversed(tree.stack):
                if node.rank < 4:
                    return None
                if any(node.style == st + suffix and o == node.ordinal + 1 for st, o in options):
                    return node
            return None
        seen += 1
        if seen > LOOKAHEAD_PARAGRAPHS:
            return None
    return None


def _unmarked_paragraph(tree, line, numbered, paragraph_lines, keep: "_Node | None" = None) -> None:
    if tree.top.rank >= 4 and any(ln.tabular for ln in paragraph_lines):
        return  # a table inside an item (a repayment schedule in 4.02(b)) stays in it
    if keep is not None and not line.text[:1].islower():
        # The items below ``keep`` end here; the paragraph is ``keep``'s own.
        while tree.top is not keep:
            tree.top.end_limit = line.start
            tree.stack.pop()
        return
    _close_items_for(tree, line)
    top = tree.top
    if top.rank >= 4 or top.kind is ClauseKind.SIGNATURES:
        return  # the paragraph goes on an open item, or is part of the signature block
    text = " ".join(ln.text for ln in paragraph_lines)
    if _FORMULA.match(text) and top.rank == 1 and top.kind in (ClauseKind.PARAGRAPH, ClauseKind.LIST_ITEM) and _ends_lead_in(tree, top, line):
        return  # "… pursuant to the formula set forth below:" / the formula: one block
    caption = False
    if numbered:
        container = tree.attachment()
        if top.rank in (2, 3) and _cites_as_above(text, top):
            # "… the conditions noted in subparagraph (j) above …" after the last item: a clause
            # does not cite itself as "above"; the paragraph is a block of the level above.
            tree.pop_to(top.parent)
            top = tree.top
        elif container is None or top.rank in (2, 3):
            return  # in the main body or a section, a paragraph belongs to the clause it follows
        if container is None:
            key, prefix = "", ""
        elif top.caption and not _is_block_caption(line, tree, top):
            return  # the text of a captioned block ("TIME OF DELIVERY:" and what follows)
        else:
            caption = _is_block_caption(line, tree, top if top.caption else None)
            key, prefix = container.label, container.prefix
    else:
        key, prefix = "", ""
    kind = ClauseKind.PARAGRAPH if caption else _block_kind(paragraph_lines, text)
    if kind is ClauseKind.TABLE and top.kind is ClauseKind.TABLE and top.rank == 1 and not top.children:
        return  # a blank line inside a table: still the same table
    # A table exported one cell a paragraph ("Period" / "Monthly Rent" / "$ 1,894.00"): in an
    # attachment, cells that follow cells are one table block, not a block each.
    if numbered and _LIST_BULLET.match(text) and top.rank == 1 and top.kind is not ClauseKind.HEADING:
        return  # "… include but are not limited to:" and its bullets are one block
    cell = numbered and not caption and _table_cell(paragraph_lines, text)
    if cell and top.cells and top.rank == 1 and not top.children:
        return
    n = tree.para_index.get(key, 0) + 1
    tree.para_index[key] = n
    node = tree.open(
        f"{prefix}p{n}", kind, line.start, 1,
        cite="" if numbered else f"p{n}", prefix=prefix, caption=caption, cells=cell,
    )
    if caption:
        node.heading = line.text.rstrip(":").strip()


def _cites_as_above(text: str, clause: _Node) -> bool:
    """Does ``text`` cite ``clause`` by its own number as something before it ("subparagraph
    (j) above", "Section 2 above")?"""
    if not clause.cite:
        return False
    return bool(re.search(
        rf"\b(?:sub)?(?:section|paragraph|clause|article)s?\s+{re.escape(clause.cite)}(?![\w(.])\s*,?\s*(?:above|hereof above)\b",
        text, re.I,
    ))


TABLE_CELL_MAX_WORDS = 8


def _table_cell(paragraph_lines: list[Line], text: str) -> bool:
    """One short line that is no sentence and no caption: a table cell laid out alone."""
    return (
        len(paragraph_lines) == 1 and len(text.split()) <= TABLE_CELL_MAX_WORDS
        and not _terminated(text) and not _is_caption(paragraph_lines[0])
    )


def _is_caption(line: Line) -> bool:
    return bool(_CAPTION.match(line.text)) and line.text.isupper() and len(line.text.split()) <= 10


def _is_block_caption(line: Line, tree: _Tree, open_caption: _Node | None) -> bool:
    """A caption that heads a block of an attachment: "TIME OF DELIVERY:", or a title-case
    line leading into what follows ("The Publishers:" over a contact's details) — unless it
    is indented under the captioned block open before it ("INFORMATION:" / "   Furnished:")."""
    text = line.text
    if _is_caption(line):
        return True
    if _SALUTATION.match(text) or not (text.endswith(":") and _TITLE_LINE.match(text[:-1])):
        return False  # "Ladies and Gentlemen:" opens a letter's text; it heads no block
    if open_caption is None:
        return True
    source = tree.clean.source
    column = len(source[source.rfind("\n", 0, open_caption.start) + 1 : open_caption.start].expandtabs(8))
    return line.indent <= column


_SALUTATION = re.compile(r"^(?:Dear\b.*|(?:Ladies\s+and\s+)?Gentlemen|Sirs?)[:,]$")


def _ends_lead_in(tree: _Tree, block: _Node, line: Line) -> bool:
    """Does the text of ``block`` up to ``line`` end with a colon (a lead-in)?"""
    return tree.clean.source[block.start : line.start].rstrip().endswith(":")


TITLE_LINE_MAX_WORDS = 8


def _block_kind(lines: list[Line], text: str) -> ClauseKind:
    if any(ln.tabular for ln in lines):
        return ClauseKind.TABLE
    if _BULLET.match(text):
        return ClauseKind.LIST_ITEM
    words = text.split()
    # A title of a few short lines ("Power of Attorney" / "for Executing Forms 3, 4 and 5" under
    # one <H2> with a <BR>) is a heading as its first line alone would be.
    title_lines = len(lines) > 1 and len(words) <= 14 and all(
        len(ln.text.split()) <= TITLE_LINE_MAX_WORDS and not _terminated(ln.text) for ln in lines
    )
    if text.isupper() and len(words) <= 14 or len(words) <= 6 and not _terminated(text) or title_lines:
        return ClauseKind.HEADING
    return ClauseKind.PARAGRAPH


# --- spans -----------------------------------------------------------------------------------


def _close_ends(tree: _Tree, clean: CleanText) -> None:
    """Each clause ends where the next clause at its level (or above) begins."""
    line_ends = [ln.end for ln in clean.lines]
    line_starts = [ln.start for ln in clean.lines]
    doc_end = clean.lines[-1].end

    def last_content_end(before: int) -> int:
        k = bisect.bisect_left(line_starts, before) - 1
        return line_ends[k] if k >= 0 else before

    def close(node: _Node, limit: int) -> None:
        for idx, child in enumerate(node.children):
            nxt = node.children[idx + 1].start if idx + 1 < len(node.children) else limit
            if child.end_limit is not None:
                nxt = min(nxt, child.end_limit)
            child.end = max(child.start, min(last_content_end(nxt), limit))
            close(child, child.end)

    # Text before the first clause is the preamble.
    first = tree.root.children[0].start if tree.root.children else doc_end
    if tree.root.children and clean.lines[0].start < first and tree.root.children[0].kind is not ClauseKind.PARAGRAPH:
        pre = _Node("preamble", ClauseKind.PREAMBLE, clean.lines[0].start, 1, tree.root, cite="preamble")
        tree.root.children.insert(0, pre)
    close(tree.root, doc_end)


# --- inline enumerations ---------------------------------------------------------------------


def _inline_items(tree: _Tree, clean: CleanText) -> None:
    src = clean.source
    breaks = [nl.start() for nl in re.finditer("\n", src)]

    def visit(node: _Node) -> None:
        for child in list(node.children):
            visit(child)
        if node.kind is ClauseKind.PREAMBLE and node.parent is not None and node.parent.rank == 0:
            _attachment_list_in_preamble(node, src, breaks)
            return
        if node is tree.root or node.kind in (ClauseKind.TABLE, ClauseKind.SIGNATURES, ClauseKind.HEADING, ClauseKind.PREAMBLE):
            return  # a preamble's recitals and cross-reference tables get no labels of their own
        regions, cursor = [], node.start
        for child in node.children:
            regions.append((cursor, child.start))
            cursor = child.end
        regions.append((cursor, node.end))
        found: list[_Node] = []
        for a, b in _without(regions, tree.displaced):
            if b > a:
                found += _enumerations(src, a, b, node, breaks)
        if found:
            node.children = sorted(node.children + found, key=lambda n: n.start)

    visit(tree.root)


def _attachment_list_in_preamble(preamble: _Node, src: str, breaks: list[int]) -> None:
    """"SCHEDULE A … As used in this Schedule, the following terms shall have the meanings
    indicated: (a) "Accredited Investors" means …; (b) …": a list that the attachment's
    opening paragraph leads into (after a colon) is the attachment's own list of items; its
    preamble ends where the list begins. Recitals after "Preliminary:" further on stay in it."""
    if preamble.children:
        return
    att = preamble.parent
    items = _enumerations(src, preamble.start, preamble.end, att, breaks)
    lead_in = src[preamble.start : items[0].start] if items else ""
    if not lead_in.rstrip().endswith(":") or "\n\n" in lead_in.strip():  # in its opening paragraph only
        return
    preamble.end = _trim_end(src, preamble.start, items[0].start)
    att.children = sorted(att.children + items, key=lambda n: n.start)


def _without(regions: list[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``regions`` less the ``holes`` (both sorted spans)."""
    if not holes:
        return regions
    out = []
    for a, b in regions:
        k = max(0, bisect.bisect_left(holes, (a, a)) - 1)
        while k < len(holes) and holes[k][0] < b:
            ha, hb = holes[k]
            if hb > a:
                out.append((a, max(a, min(ha, b))))
                a = max(a, hb)
            k += 1
        out.append((a, b))
    return [(a, b) for a, b in out if b > a]


_BLANK_SPAN = re.compile(r"\s*")


def _enumerations(src: str, a: int, b: int, parent: _Node, breaks: list[int]) -> list[_Node]:
    text = src[a:b]
    markers = []
    found = [(m, "paren") for m in _INLINE_MARKER.finditer(text)]
    if ")" in text:
        found += _half_markers(text)
        found.sort(key=lambda f: f[0].start())
    for m, form in found:
        before = text[max(0, m.start() - 60) : m.start()].rstrip()
        k = bisect.bisect_left(breaks, a + m.start())  # the document's line breaks: long lines stay linear
        line_start = max(breaks[k - 1] + 1 - a, 0) if k else 0
        line_end = min(breaks[k] - a, len(text)) if k < len(breaks) else len(text)
        ref = _REFERENCE_BEFORE.search(before)
        if ref and not (ref.group()[:1].isdigit() and line_start == m.start()) and _cited(ref.group(), m.group("tok")):
            continue  # "Section 5 (a)"; but a page number before a line break is no citation
        if m.start() == 0:
            continue  # the clause's own marker
        if m.group("tok").isdigit() and before and numbering.word_number(before.rsplit(None, 1)[-1]) == int(m.group("tok")):
            continue  # "one (1) or more", "two (2) opening parties": a number written twice
        if _BLANK_SPAN.fullmatch(text, line_start, m.start()) and _BLANK_SPAN.fullmatch(text, m.end(), line_end):
            continue  # a marker alone on its line is a table cell or layout, not running text
        markers.append((a + m.start(), m.group("tok"), form))
    if len(markers) < 2:
        return []
    # Recitals and a parties block get no labels: "Preliminary:" / "(A) The Licensee has been
    # granted …", "Between:" / "(1) … ("the Owner")".
    runs = [run for run in _runs(markers) if not _RECITALS_LEAD_IN.search(src[max(a, run[0][0] - 40) : run[0][0]])]
    if not runs:
        return []
    # The outermost run: the one that starts first; others nest inside its items.
    return _build_items(src, runs, parent, b)


def _cited(reference: str, token: str) -> bool:
    """Whether the marker after ``reference`` ("Section 5", "Section 5(a) and") is part of that
    citation. After a joining word it is only when it continues the cited list: "Section 5(a) and
    (b)" is one citation, "Section 8 or (ii)" and "Section 3.03(c) and (y)" are followed by the
    sentence's own enumeration."""
    joined = re.search(r"(?:,|\band/or|\band|\bor|\bthrough|\bto|-)\s*$", reference)
    if not joined:
        return True
    last = re.search(r"\(([A-Za-z0-9]{1,5})\)\s*$", reference[: joined.start()])
    if not last:
        return False
    before = dict(interpretations(last.group(1)))
    readings = interpretations(token)
    # "Section 8.3(d), (i) payment …": a marker that can open a list of its own ("(i)") goes
    # on the cited one only as its very next value ("Section 5(h) and (i)").
    step = 1 if any(o == 1 and style not in before for style, o in readings) else 8
    return any(style in before and 0 < ordinal - before[style] <= step for style, ordinal in readings)


def _half_markers(text: str) -> list[tuple[re.Match, str]]:
    """"1)" / "a)" markers outside any open parenthesis."""
    out = []
    depth, cursor = 0, 0
    for close in _CLOSE_BEFORE_SPACE.finditer(text):
        # Find candidates by their ")" (cheap), then match the marker there.
        token = _HALF_TOKEN.search(text, max(0, close.start() - 7), close.start())
        m = token and _HALF_MARKER.match(text, token.start("tok"))
        if not m:
            continue
        piece = text[cursor : m.start()]
        depth = max(0, depth + piece.count("(") - piece.count(")"))
        cursor = m.end()
        if depth == 0:
            out.append((m, "half"))
        else:
            depth -= 1  # it closes the open parenthesis
    return out


MAX_OPEN_INLINE_RUNS = 8  # enumerations nest a few deep; each marker looks at all open ones


def _runs(markers: list[tuple[int, str, str]]) -> list[list[tuple[int, str, str]]]:
    """Sequences (a),(b),(c) / (i),(ii) / 1), 2) in order, each starting at its first value, each
    of one marker form. The runs nest as the items do: a marker continues the innermost open run
    it can (closing the runs opened inside it) or opens a run at its first value, so in "(a) …
    (1) … (a) … (e) (2) … (b) Notification …" the second "(b)" goes on the outer letters after
    the inner ones and the numbers."""
    open_runs: list[tuple[str, str, list]] = []  # (style, form, markers so far)
    runs: list[list[tuple[int, str, str]]] = []

    def close(from_index: int) -> None:
        runs.extend(run for _, _, run in open_runs[from_index:] if len(run) >= 2)
        del open_runs[from_index:]

    for pos, tok, form in markers:
        readings = interpretations(tok)
        going_on = next(
            (
                (k, style) for k in range(len(open_runs) - 1, -1, -1)
                for style, ordinal in readings
                if open_runs[k][1] == form and open_runs[k][0] == style and ordinal == len(open_runs[k][2]) + _first_ordinal(open_runs[k])
            ),
            None,
        )
        if going_on:
            k, style = going_on
            close(k + 1)
            open_runs[k][2].append((pos, tok, style))
            continue
        # A list starts at its first value; drafters also run "(x) … (y) … (z)".
        style = next((s for s, o in readings if o == 1 or s == "alpha" and tok == "x"), None)
        if style is None:
            continue
        open_runs.append((style, form, [(pos, tok, style)]))
        if len(open_runs) > MAX_OPEN_INLINE_RUNS:
            runs.extend(run for _, _, run in open_runs[:1] if len(run) >= 2)
            del open_runs[:1]
    close(0)
    return sorted(runs, key=lambda run: run[0][0])


def _first_ordinal(open_run: tuple[str, str, list]) -> int:
    style, _, run = open_run
    return dict(interpretations(run[0][1]))[style]


_SENTENCE_STOP = re.compile(r"\.(?=[\"”’)]*\s+[A-Z(\"“])|\.(?=[\"”’)]*\s*$)")


def _sentence_end(src: str, start: int, limit: int) -> int:
    for m in _SENTENCE_STOP.finditer(src, start, limit):
        head = src[max(0, m.start() - 6) : m.start() + 1]
        if _ABBREVIATION.search(head):
            continue
        return m.end()
    return limit


# Where a sentence's main clause resumes after its enumeration: "… or (b) as of each fiscal year
# end …, the Company shall …", "… or (z) a combination … so that such funds are sufficient …".
# The last item ends there; what follows governs the whole list.
_MAIN_CLAUSE_RESUMES = re.compile(
    r",\s+the\s+(?:[A-Z]\w+\s+){1,3}(?:shall|will|must|may)\b|\s+so\s+that\s"
)


def _last_item_end(src: str, start: int, limit: int) -> int:
    """The last item runs to the end of its sentence, or to where the sentence's main clause
    resumes (a parenthesis in the item does not count)."""
    end = _sentence_end(src, start, limit)
    piece = src[start:end]
    for m in _MAIN_CLAUSE_RESUMES.finditer(piece):
        head = piece[: m.start()]
        if head.count("(") == head.count(")"):
            return start + m.start()
    return end


def _build_items(src: str, runs, parent: _Node, limit: int) -> list[_Node]:
    """Items of the runs in ``parent``'s text: the first run at the top, later runs inside the
    item that holds them, or beside the others. Labels are the plain citations; repeats get
    their " [k]" when the tree is flattened (``_renumber_repeats``)."""
    runs = sorted((r for r in runs if not _refers_back(r, parent)), key=lambda r: r[0][0])
    if not runs:
        return []

    def make(run, container: _Node, region_end: int) -> list[_Node]:
        items = []
        for k, (pos, tok, style) in enumerate(run):
            end = run[k + 1][0] if k + 1 < len(run) else _last_item_end(src, pos, region_end)
            end = _trim_end(src, pos, end)
            cite = f"{container.cite}({tok})"
            items.append(
                _Node(container.prefix + cite, ClauseKind.ITEM, pos, container.rank + 1, container, cite=cite,
                      prefix=container.prefix, style=style, ordinal=dict(interpretations(tok)).get(style, 0), end=end)
            )
        return items

    tops = make(runs[0], parent, limit)  # the items directly in ``parent``, in reading order
    starts = [item.start for item in tops]
    for run in runs[1:]:
        first, last = run[0][0], run[-1][0]
        k = bisect.bisect_left(starts, first) - 1  # the top item that starts before the run
        host = _deepest_host(tops[k], first, last) if k >= 0 else None
        if host is not None:
            if _refers_back(run, host) or (host.style or "").rstrip(".") == run[0][2] and run[0][1] != "x":
                # A list never nests in an item of its own style ("(a) … (x) … (y)" aside):
                # "(1) … or (2) …, … (1) … or (2) …" is the sentence listing again, past where
                # its last item really ended.
                continue
            inner = make(run, host, host.end)
            if all(_disjoint(inner, c) for c in host.children):
                host.children = sorted(host.children + inner, key=lambda n: n.start)
        elif (k < 0 or tops[k].end <= first) and (k + 1 >= len(tops) or last < tops[k + 1].start):
            at = k + 1
            new = make(run, parent, limit)
            tops[at:at] = new
            starts[at:at] = [item.start for item in new]
        # else: a run that straddles another's items is no enumeration we can trust; drop it
    return tops


def _refers_back(run, container: _Node) -> bool:
    """"(c) if neither (a) nor (b) are reasonable": inside an item, a run of its own style that
    ends at the value just before its own names its earlier siblings ("(xiii) … (i) … (ii)" is
    a list of its own)."""
    style = run[0][2]
    if not container.ordinal or (container.style or "").rstrip(".") != style:
        return False
    return dict(interpretations(run[-1][1])).get(style, 0) == container.ordinal - 1


def _deepest_host(item: _Node, first: int, last: int) -> _Node | None:
    """The innermost item, ``item`` or one inside it, whose text holds both the first and the
    last marker of a run."""
    if not (item.start < first and last < item.end):
        return None
    starts = [child.start for child in item.children]
    k = bisect.bisect_left(starts, first) - 1
    inner = _deepest_host(item.children[k], first, last) if k >= 0 else None
    return inner or item


def _disjoint(new: list[_Node], other: _Node) -> bool:
    return all(n.end <= other.start or n.start >= other.end for n in new)


def _trim_end(src: str, start: int, end: int) -> int:
    """An inline item runs to the next item: its joining "; or" stays with it (CONVENTIONS);
    only the white space before the next marker is left out."""
    return start + len(src[start:end].rstrip())


# --- output ----------------------------------------------------------------------------------


def _walk(node: _Node):
    for child in node.children:
        yield child
        yield from _walk(child)


def _renumber_repeats(tree: _Tree) -> None:
    """A label used again (a list that starts again inside one clause) gets " [k]" after it,
    k counting that label's uses so far in reading order ("9.1(i)", then "9.1(i) [2]"). Each
    label counts on its own, as CONVENTIONS.md asks: where the second list runs longer than the
    first, its "9.1(iii)" is plain, for it is the only 9.1(iii); the children of a repeated item
    are suffixed only where their own label repeats."""
    groups: dict[str, list[_Node]] = {}
    for node in _walk(tree.root):
        groups.setdefault(unrepeated(node.label), []).append(node)
    for base, nodes in groups.items():
        if len(nodes) > 1:
            for n, node in enumerate(sorted(nodes, key=lambda x: x.start), start=1):
                node.label = base if n == 1 else f"{base} [{n}]"


def _flatten(tree: _Tree, clean: CleanText) -> list[Clause]:
    _renumber_repeats(tree)
    out: list[Clause] = []
    for order, node in enumerate(_walk(tree.root)):
        parent = node.parent.label if node.parent and node.parent is not tree.root else None
        out.append(
            Clause(
                label=node.label,
                kind=node.kind,
                parent=parent or None,
                start=node.start,
                end=node.end,
                heading=node.heading,
                text=clean.slice(node.start, node.end),
                order=order,
            )
        )
    return out
