"""The reader page: a document laid out as text, every reference and defined term a link.

The page is built entirely here, in Python, so that highlighting never depends on JavaScript
counting characters (records count Unicode code points into ``source.txt``; JavaScript would
count UTF-16 units). The text shown is the *clean* text of :mod:`clausegraph.clean` (page
numbers and running headers gone, wrapped lines joined), and every record's source span is
mapped onto it through the clean text's offset map.

Structure: sections, subsections and attachments are nested ``<section>`` blocks, each with
its citation label in the margin and the list of what refers to it; items enumerated inside a
sentence (``7(h)(iv)``) stay inline in their sentence, as anchored ``<span>`` s. Inline marks
(references, defined terms and their uses, obligations by bearer, conditions, lint findings)
are nested properly even where they cross: a mark that crosses another is closed and reopened.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

from ..clean import clean
from .common import (
    NETWORK,
    READER,
    bearer_groups,
    bearer_key,
    clause_href,
    clause_id,
    colour,
    counterparty_key,
    doc_page,
    esc,
    nav,
    page,
    slug,
)
from .outputs import DocOutputs, Outputs, kind_text

# Longest definition text shown in a hover tip (the link leads to the whole definition).
TIP_MAX_CHARS = 400  # e.g. a 1,200-character definition shows its first 400 characters + "…"

# Nesting order of inline marks: lower ranks are the outer elements.
RANK_ITEM, RANK_OBLIGATION, RANK_CONDITION, RANK_TABLE, RANK_ANCHOR, RANK_LINK = range(6)
BLOCK_BREAK_KINDS = {"annex", "schedule", "exhibit", "appendix"}  # a rule before attachments


@dataclass
class _Mark:
    """An inline element over clean-text positions [start, end)."""

    start: int
    end: int
    rank: int
    open_first: str  # opening tag the first time (may carry an id)
    close: str
    open_again: str = ""  # opening tag when reopened after a crossing mark (never an id)
    after: str = ""  # emitted once, after the final close (e.g. the act of an external reference)
    seq: int = 0

    def __post_init__(self):
        if not self.open_again:
            self.open_again = self.open_first

    @property
    def order(self):
        return (self.rank, self.start, -self.end, self.seq)


@dataclass
class Incoming:
    """A reference pointing at a clause, seen from the clause: where it sits and its anchor."""

    doc: str
    label: str
    anchor: str


@dataclass
class _Context:
    outputs: Outputs
    doc: DocOutputs
    incoming: dict[tuple[str, str], list[Incoming]]
    text: str = ""
    offsets: tuple[int, ...] = ()
    party_index: dict[str, int] = field(default_factory=dict)


def reference_anchors(doc: DocOutputs) -> list[str | None]:
    """The anchor id of each of ``doc.references`` (one per distinct span, in reading order)."""
    spans = sorted({(r.start, r.end) for r in doc.references})
    number = {span: i + 1 for i, span in enumerate(spans)}
    return [f"ref-{number[(r.start, r.end)]}" for r in doc.references]


def incoming_references(outputs: Outputs) -> dict[tuple[str, str], list[Incoming]]:
    """(doc, label) -> the references that point at that clause, from any document."""
    incoming: dict[tuple[str, str], list[Incoming]] = defaultdict(list)
    for doc in outputs.documents:
        for ref, anchor in zip(doc.references, reference_anchors(doc)):
            if ref.target:
                incoming[(ref.target_doc or doc.doc, ref.target)].append(Incoming(doc.doc, ref.source, anchor))
    return incoming


def definition_anchors(doc: DocOutputs) -> list[str]:
    """The anchor id of each of ``doc.terms``: ``def-SLUG``, then ``def-SLUG-2`` for a redefinition."""
    seen: dict[str, int] = defaultdict(int)
    anchors = []
    for term in doc.terms:
        key = slug(term.term)
        seen[key] += 1
        anchors.append(f"def-{key}" if seen[key] == 1 else f"def-{key}-{seen[key]}")
    return anchors


def render_reader(outputs: Outputs, doc: DocOutputs, incoming) -> str:
    ctx = _Context(outputs, doc, incoming)
    cleaned = clean(doc.source)
    ctx.text, ctx.offsets = cleaned.text, cleaned.offsets
    parties = bearer_groups(doc.deontics, {e.key: e for e in outputs.entities})
    ctx.party_index = {key: i for i, key in enumerate(parties)}

    marks = _marks(ctx, cleaned)
    body = _blocks(ctx, marks)
    title = doc.title or doc.doc
    head = (
        nav(doc.doc, "reader", doc.doc)
        + '<header class="doc-head">'
        + f'<h1>{esc(title)}</h1><p class="doc-meta"><span class="kind">{esc(doc.kind)}</span>'
        + f' · {_count(len(doc.clauses), "clause")} · {_count(len(doc.terms), "defined term")}'
        + f' · {_count(len(doc.references), "reference")} · {_count(len(doc.deontics), "obligation")}'
        + f' · <a href="{NETWORK}">open the network</a></p>'
        + _who_html(ctx)
        + _findings_html(ctx)
        + _terms_html(ctx)
        + "</header>"
        + _party_bar(ctx, parties)
    )
    style = "".join(
        f".p{i}{{--party:{colour(i)}}}" for i in range(len(parties))
    )
    return page(
        f"{title} — reader",
        head + f'<main class="reader">{body}</main><div id="cg-tip" class="tip" role="tooltip" hidden></div>',
        depth=2,
        scripts=("reader.js",),
        inline_style=style,
        body_class="reader-page",
    )


# --- marks ---------------------------------------------------------------------------------


def _range(ctx: _Context, start: int | None, end: int | None) -> tuple[int, int] | None:
    """The clean-text range of the source span [start, end), white space trimmed; None if empty."""
    if start is None or end is None or end <= start:
        return None
    last = len(ctx.offsets) - 1
    a = bisect.bisect_left(ctx.offsets, start, 0, last)
    b = bisect.bisect_left(ctx.offsets, end, 0, last)
    while a < b and ctx.text[a].isspace():
        a += 1
    while b > a and ctx.text[b - 1].isspace():
        b -= 1
    return (a, b) if a < b else None


def _marks(ctx: _Context, cleaned) -> list[_Mark]:
    doc = ctx.doc
    marks: list[_Mark] = []

    def add(span, rank, open_first, close, **kw):
        if span:
            marks.append(_Mark(span[0], span[1], rank, open_first, close, seq=len(marks), **kw))

    # Items inside a sentence: anchored inline.
    for clause in doc.clauses:
        if _inline_clause(doc, clause):
            refby = _refby_links(ctx, clause.label)
            badge = f'<sup class="refby">← {refby}</sup>' if refby else ""
            add(_range(ctx, clause.start, clause.end), RANK_ITEM,
                f'<span class="item" id="{esc(clause_id(clause.label))}" data-label="{esc(clause.label)}">{badge}',
                "</span>", open_again='<span class="item">')

    # Obligations (and the other modalities), coloured by bearer.
    for d in doc.deontics:
        key = bearer_key(d)
        i = ctx.party_index.get(key, 0)
        owed = f" · owed to {d.counterparty}" if d.counterparty else ""
        tip = f"{d.bearer} — {kind_text(d.modality)} (“{d.trigger}”){owed} · {d.clause}"
        tag = (f'<mark class="ob p{i} m-{esc(slug(kind_text(d.modality)))}" data-party="{esc(key)}"'
               f' data-owed="{esc(counterparty_key(d) or "")}" data-tip="{esc(tip)}">')
        add(_range(ctx, d.start, d.end), RANK_OBLIGATION, tag, "</mark>")

    for c in doc.conditions:
        tip = f"{kind_text(c.kind)} (“{c.trigger}”) · governs {c.governs}"
        add(_range(ctx, c.start, c.end), RANK_CONDITION,
            f'<span class="cond" data-tip="{esc(tip)}">', "</span>")

    for line in cleaned.lines:  # columns keep their alignment in a fixed-width font
        if line.tabular:
            add(_range(ctx, line.start, line.end), RANK_TABLE, '<span class="tab">', "</span>")

    for n, finding in enumerate(_doc_findings(ctx), start=1):
        add(_range(ctx, finding.start, finding.end), RANK_ANCHOR,
            f'<span class="finding" id="finding-{n}" data-tip="{esc(finding.kind)}: {esc(finding.message)}">',
            "</span>", open_again='<span class="finding">')

    first_mention: dict[str, object] = {}
    for m in sorted(doc.mentions, key=lambda m: m.start):
        first_mention.setdefault(m.entity, m)
    for key, m in first_mention.items():
        add(_range(ctx, m.start, m.end), RANK_ANCHOR,
            f'<span class="mention" id="ent-{esc(slug(key))}">', "</span>", open_again='<span class="mention">')

    marks += _links(ctx)
    return sorted(marks, key=lambda m: m.order)


def _links(ctx: _Context) -> list[_Mark]:
    """References, definitions and term uses; where two would overlap, the first kind wins."""
    doc = ctx.doc
    candidates: list[_Mark] = []
    by_span: dict[tuple[int, int], list] = defaultdict(list)
    for ref, anchor in zip(doc.references, reference_anchors(doc)):
        by_span[(ref.start, ref.end)].append((ref, anchor))
    for (start, end), group in sorted(by_span.items()):
        candidates.append(_reference_mark(ctx, _range(ctx, start, end), group))

    def_anchors = definition_anchors(doc)
    definition_spans = set()
    for term, anchor in zip(doc.terms, def_anchors):
        tip = f"“{term.term}” is defined in {term.defined_in} as: {_shorten(term.definition)}"
        definition_spans.add((term.start, term.end))
        span = _range(ctx, term.start, term.end)
        if span:
            candidates.append(_Mark(span[0], span[1], RANK_LINK,
                                    f'<dfn class="defined" id="{anchor}" data-tip="{esc(tip)}">', "</dfn>",
                                    open_again='<dfn class="defined">'))
    for term, anchor in zip(doc.terms, def_anchors):
        tip = f"“{term.term}” ({term.defined_in}): {_shorten(term.definition)}"
        for use in term.uses:
            if (use.start, use.end) in definition_spans:
                continue
            span = _range(ctx, use.start, use.end)
            if span:
                candidates.append(_Mark(span[0], span[1], RANK_LINK,
                                        f'<a class="term" href="#{anchor}" data-tip="{esc(tip)}">', "</a>"))

    taken: list[tuple[int, int]] = []  # links never nest: <a> inside <a> is not HTML
    links = []
    for mark in candidates:
        if mark is None:
            continue
        i = bisect.bisect_left(taken, (mark.start, mark.start))
        overlaps = (i > 0 and taken[i - 1][1] > mark.start) or (i < len(taken) and taken[i][0] < mark.end)
        if overlaps:
            continue
        taken.insert(i, (mark.start, mark.end))
        links.append(mark)
    return links


def _reference_mark(ctx: _Context, span, group) -> _Mark | None:
    if not span:
        return None
    anchor = group[0][1]
    targets = [r for r, _ in group if r.target]
    externals = sorted({r.external for r, _ in group if r.external})
    if targets:
        first = targets[0]
        target_doc = first.target_doc or ctx.doc.doc
        href = doc_page(target_doc, READER, from_doc=ctx.doc.doc) if target_doc != ctx.doc.doc else ""
        href += clause_href(first.target)
        names = ", ".join(
            (f"{r.target_doc}: " if r.target_doc and r.target_doc != ctx.doc.doc else "") + r.target
            for r in targets
        )
        tip = f"refers to {names}" + _target_words(ctx, first)
        return _Mark(span[0], span[1], RANK_LINK,
                     f'<a class="ref" id="{anchor}" href="{esc(href)}" data-target="{esc(first.target)}" data-tip="{esc(tip)}">',
                     "</a>", open_again=f'<a class="ref" href="{esc(href)}">')
    if externals:
        act = "; ".join(externals)
        return _Mark(span[0], span[1], RANK_LINK,
                     f'<span class="ref ext" id="{anchor}" data-tip="{esc("cites the " + act)}">', "</span>",
                     open_again='<span class="ref ext">', after=f'<span class="act">{esc(act)}</span>')
    return _Mark(span[0], span[1], RANK_LINK,
                 f'<span class="ref broken" id="{anchor}" data-tip="does not resolve to a clause in this corpus">',
                 "</span>", open_again='<span class="ref broken">')


def _target_words(ctx: _Context, ref) -> str:
    target_doc = ctx.outputs.document(ref.target_doc or ctx.doc.doc)
    clause = target_doc.clause(ref.target) if target_doc else None
    if clause is None:
        return ""
    words = clause.heading or " ".join(clause.text.split()[:14])
    return f": {words}…" if words else ""


def _shorten(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= TIP_MAX_CHARS else text[: TIP_MAX_CHARS - 1] + "…"


# --- blocks --------------------------------------------------------------------------------


def _inline_clause(doc: DocOutputs, clause) -> bool:
    """Items enumerated in a sentence, and everything inside them, stay in the sentence."""
    while clause is not None:
        if kind_text(clause.kind) == "item":
            return True
        clause = doc.clause(clause.parent) if clause.parent else None
    return False


def _blocks(ctx: _Context, marks: list[_Mark]) -> str:
    doc = ctx.doc
    children: dict[str | None, list] = defaultdict(list)
    for clause in doc.clauses:
        if not _inline_clause(doc, clause):
            children[clause.parent].append(clause)
    writer = _InlineWriter(ctx.text, marks)
    out: list[str] = []
    cursor = 0
    for top in children[None]:
        span = _range(ctx, top.start, top.end)
        if span is None:
            continue
        if span[0] > cursor:
            out.append(writer.piece(cursor, span[0], css="txt between"))
        out.append(_block(ctx, top, span, children, writer, depth=1))
        cursor = max(cursor, span[1])
    if cursor < len(ctx.text):
        out.append(writer.piece(cursor, len(ctx.text), css="txt between"))
    if not children[None]:  # nothing segmented: the text alone is still worth reading
        out.append(writer.piece(0, len(ctx.text), css="txt"))
    return "".join(out)


def _block(ctx: _Context, clause, span, children, writer: "_InlineWriter", depth: int) -> str:
    kind = kind_text(clause.kind)
    refby = _refby_links(ctx, clause.label)
    heading = f'<span class="cl-heading">{esc(clause.heading)}</span>' if clause.heading else ""
    meta = (f'<span class="refby">referred to by {refby}</span>' if refby else "")
    rule = '<hr class="attachment">' if depth == 1 and kind in BLOCK_BREAK_KINDS else ""
    parts = [
        f'{rule}<section class="clause k-{esc(slug(kind))} d-{min(depth, 6)}" id="{esc(clause_id(clause.label))}"'
        f' data-label="{esc(clause.label)}">',
        f'<a class="cl-label" href="{esc(clause_href(clause.label))}" title="Link to {esc(clause.label)}">{esc(clause.label)}</a>',
        f'<a class="to-net" href="{NETWORK}{esc(clause_href(clause.label))}" title="Show {esc(clause.label)} in the network">network</a>',
    ]
    if heading or meta:
        parts.append(f'<div class="cl-meta">{heading}{meta}</div>')
    cursor = span[0]
    for child in children.get(clause.label, ()):
        child_span = _range(ctx, child.start, child.end)
        if child_span is None:
            continue
        if child_span[0] > cursor:
            parts.append(writer.piece(cursor, child_span[0]))
        parts.append(_block(ctx, child, child_span, children, writer, depth + 1))
        cursor = max(cursor, child_span[1])
    if cursor < span[1]:
        parts.append(writer.piece(cursor, span[1]))
    parts.append("</section>")
    return "".join(parts)


def _refby_links(ctx: _Context, label: str) -> str:
    """ "12, 13, Annex I, ii" — one link per referring clause, to its first reference."""
    seen: dict[tuple[str, str], Incoming] = {}
    for inc in ctx.incoming.get((ctx.doc.doc, label), ()):
        seen.setdefault((inc.doc, inc.label), inc)
    links = []
    for (doc, source_label), inc in seen.items():
        href = (doc_page(doc, READER, from_doc=ctx.doc.doc) if doc != ctx.doc.doc else "") + "#" + inc.anchor
        text = source_label if doc == ctx.doc.doc else f"{doc}: {source_label}"
        links.append(f'<a href="{esc(href)}">{esc(text)}</a>')
    return ", ".join(links)


class _InlineWriter:
    """Writes pieces of the clean text with the marks that overlap them, properly nested."""

    def __init__(self, text: str, marks: list[_Mark]):
        self.text = text
        self.marks = sorted(marks, key=lambda m: (m.start, m.order))
        self.starts = [m.start for m in self.marks]
        self.opened: set[int] = set()  # marks whose first opening tag (with its id) is out
        self.longest = max((m.end - m.start for m in self.marks), default=0)

    def piece(self, a: int, b: int, css: str = "txt") -> str:
        while a < b and self.text[a].isspace():
            a += 1
        while b > a and self.text[b - 1].isspace():
            b -= 1
        if a >= b:
            return ""
        lo = bisect.bisect_left(self.starts, a - self.longest)
        hi = bisect.bisect_left(self.starts, b)
        marks = [m for m in self.marks[lo:hi] if m.end > a and m.start < b]
        bounds = sorted({a, b, *(max(a, m.start) for m in marks), *(min(b, m.end) for m in marks)})
        out: list[str] = [f'<div class="{css}">']
        stack: list[_Mark] = []
        for lo_, hi_ in zip(bounds, bounds[1:]):
            active = sorted((m for m in marks if m.start <= lo_ and m.end >= hi_), key=lambda m: m.order)
            keep = 0
            while keep < len(stack) and keep < len(active) and stack[keep] is active[keep]:
                keep += 1
            for m in reversed(stack[keep:]):
                out.append(self._close(m, lo_))
            del stack[keep:]
            for m in active[keep:]:
                out.append(m.open_again if id(m) in self.opened else m.open_first)
                self.opened.add(id(m))
                stack.append(m)
            out.append(_escape_text(self.text[lo_:hi_]))
        for m in reversed(stack):
            out.append(self._close(m, b))
        out.append("</div>")
        return "".join(out)

    @staticmethod
    def _close(mark: _Mark, at: int) -> str:
        return mark.close + (mark.after if at >= mark.end else "")


def _escape_text(text: str) -> str:
    return esc(text).replace("&#x27;", "'").replace("&quot;", '"')


# --- the header ----------------------------------------------------------------------------


def _doc_findings(ctx: _Context):
    return sorted(
        (f for f in ctx.outputs.findings if f.doc == ctx.doc.doc),
        key=lambda f: (f.start if f.start is not None else -1, f.kind),
    )


def _findings_html(ctx: _Context) -> str:
    findings = _doc_findings(ctx)
    if not findings:
        return '<p class="findings none">No lint findings.</p>'
    items = []
    for n, f in enumerate(findings, start=1):
        has_anchor = _range(ctx, f.start, f.end) is not None
        href = f"#finding-{n}" if has_anchor else (clause_href(f.clause) if f.clause else "")
        where = f'<a href="{esc(href)}">{esc(f.clause or "see text")}</a>' if href else ""
        words = f' <q>{esc(_shorten(f.text)[:80])}</q>' if f.text else ""
        items.append(f'<li><span class="badge">{esc(f.kind)}</span> {esc(f.message)}{words} {where}</li>')
    return (f'<details class="findings" open><summary>Lint findings ({len(findings)})</summary>'
            f'<ul>{"".join(items)}</ul></details>')


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _who_html(ctx: _Context) -> str:
    """ "Parties: Banc One Capital Markets, Inc. (representative, underwriter), …", or for a
    document without parties (a press release) the entities it names; each links to its first
    mention in the text."""
    doc = ctx.doc.doc
    mentioned = {m.entity for m in ctx.doc.mentions}
    parties = [e for e in ctx.outputs.entities if doc in e.parties_in]
    label, entities = ("Parties", parties) if parties else ("Names", [e for e in ctx.outputs.entities if doc in e.docs])
    if not entities:
        return ""
    items = []
    for e in entities:
        roles = sorted({r for d, r in e.roles if d == doc}) if parties else []
        name = esc(e.name)
        if e.key in mentioned:
            name = f'<a href="#ent-{esc(slug(e.key))}">{name}</a>'
        items.append(name + (f' <span class="roles">{esc(", ".join(roles))}</span>' if roles else ""))
    return f'<p class="who"><span class="who-label">{label}:</span> {" · ".join(items)}</p>'


def _terms_html(ctx: _Context) -> str:
    if not ctx.doc.terms:
        return ""
    items = "".join(
        f'<li><a href="#{anchor}">{esc(" ".join(t.term.split()))}</a> <span class="where">{esc(t.defined_in)}</span></li>'
        for t, anchor in sorted(zip(ctx.doc.terms, definition_anchors(ctx.doc)), key=lambda p: p[0].term.lower())
    )
    return f'<details class="terms"><summary>Defined terms ({len(ctx.doc.terms)})</summary><ul>{items}</ul></details>'


def _party_bar(ctx: _Context, parties: dict[str, str]) -> str:
    if not parties:
        return ""
    counts: dict[str, int] = defaultdict(int)
    for d in ctx.doc.deontics:
        counts[bearer_key(d)] += 1
    buttons = ['<button type="button" class="party-filter on" data-party="" aria-pressed="true">All parties</button>']
    for key, name in parties.items():
        if not counts.get(key):
            continue  # owed obligations only: a colour in the tips, not a filter
        i = ctx.party_index[key]
        buttons.append(
            f'<button type="button" class="party-filter p{i}" data-party="{esc(key)}" aria-pressed="false"'
            f' title="Show only the obligations of the {esc(name)}"><span class="swatch"></span>{esc(name)}'
            f' <span class="count">{counts.get(key, 0)}</span></button>'
        )
    return (f'<div class="party-bar" role="toolbar" aria-label="Obligations by bearer">'
            f'<span class="bar-label">Obligations by bearer:</span>{"".join(buttons)}</div>')
