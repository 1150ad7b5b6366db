"""The reader page: a document laid out as text, every reference and defined term a link.

The page is built entirely here, in Python, so that highlighting never depends on JavaScript
counting characters (records count Unicode code points into ``source.txt``; JavaScript would
count UTF-16 units). The text shown is the *clean* text of :mod:`clausegraph.clean` (page
numbers and running headers gone, wrapped lines joined), and every record's source span is
mapped onto it through the clean text's offset map.

Around the text (``templates/reader.html``, filled by ``static/reader.js``): an outline of the
clause tree, a "go to" box for labels, a search over the text, the terms panel (each term once,
its definition's words, its uses listed in a drawer), and the obligations of a chosen party
listed with clause, modality, counterparty and conditions. A reference naming several targets
("subsection (a) or (b)") links each one where its designator is written.

Structure: sections, subsections and attachments are nested ``<section>`` blocks, each with
its citation label in the margin and the list of what refers to it; items enumerated inside a
sentence (``7(h)(iv)``) stay inline in their sentence, as anchored ``<span>`` s. Inline marks
(references, defined terms and their uses, obligations by bearer, conditions, lint findings)
are nested properly even where they cross: a mark that crosses another is closed and reopened.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..clean import clean, tabular_lines
from .common import (
    NETWORK,
    READER,
    authority_href,
    bearer_groups,
    bearer_key,
    clause_href,
    clause_id,
    colour,
    counterparty_key,
    doc_page,
    esc,
    markup,
    nav_links,
    render_template,
    slug,
    statute_name,
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
    if doc.cleaned is not None:  # handed over by the build
        ctx.text, ctx.offsets, tabular = doc.cleaned
    else:
        cleaned = clean(doc.source)
        ctx.text, ctx.offsets, tabular = cleaned.text, cleaned.offsets, tabular_lines(cleaned)
    parties = bearer_groups(doc.deontics, {e.key: e for e in outputs.entities})
    ctx.party_index = {key: i for i, key in enumerate(parties)}

    marks = _marks(ctx, tabular)
    body = _blocks(ctx, marks)
    title = doc.title or doc.doc
    terms = _term_rows(ctx)
    counts = [_count(len(doc.clauses), "clause"), _count(len(terms), "defined term"),
              _count(len(doc.references), "reference"), _count(len(doc.deontics), "obligation")]
    return render_template(
        "reader.html",
        title=f"{title} — reader", up="../../", body_class="reader-page", scripts=("reader.js",),
        inline_style="".join(f".p{i}{{--party:{colour(i)}}}" for i in range(len(parties))),
        nav_links=nav_links(doc.doc, "reader"), nav_title=doc.doc,
        doc_title=title, kind=doc.kind, counts=counts,
        who=markup(_who_html(ctx)), findings=markup(_findings_html(ctx)), terms=terms,
        parties=_party_rows(ctx, parties), outline=_outline(ctx), text=markup(body),
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


def _marks(ctx: _Context, tabular: tuple[tuple[int, int], ...]) -> list[_Mark]:
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

    # Obligations (and the other modalities), coloured by bearer; the first element of each
    # carries what the "obligations of a party" list shows (clause, modality, owed to, conditions).
    names = bearer_groups(doc.deontics, {e.key: e for e in ctx.outputs.entities})
    for n, d in enumerate(doc.deontics, start=1):
        key = bearer_key(d)
        i = ctx.party_index.get(key, 0)
        owed = f" · owed to {d.counterparty}" if d.counterparty else ""
        tip = f"{d.bearer} — {kind_text(d.modality)} (“{d.trigger}”){owed} · {d.clause}"
        css = f"ob p{i} m-{esc(slug(kind_text(d.modality)))}"
        common = f'data-party="{esc(key)}" data-owed="{esc(counterparty_key(d) or "")}" data-tip="{esc(tip)}"'
        owed_name = names.get(counterparty_key(d) or "", d.counterparty or "")
        first = (f'<mark class="{css}" id="ob-{n}" {common} data-clause="{esc(d.clause)}"'
                 f' data-modality="{esc(kind_text(d.modality))}" data-trigger="{esc(d.trigger)}"'
                 f' data-counterparty="{esc(owed_name)}" data-conditions="{esc(_conditions_of(doc, d))}">')
        add(_range(ctx, d.start, d.end), RANK_OBLIGATION, first, "</mark>", open_again=f'<mark class="{css}" {common}>')

    for c in doc.conditions:
        tip = f"{kind_text(c.kind)} (“{c.trigger}”) · governs {c.governs}"
        add(_range(ctx, c.start, c.end), RANK_CONDITION,
            f'<span class="cond" data-tip="{esc(tip)}">', "</span>")

    for start, end in tabular:  # columns keep their alignment in a fixed-width font
        add(_range(ctx, start, end), RANK_TABLE, '<span class="tab">', "</span>")

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
        candidates += _reference_marks(ctx, _range(ctx, start, end), group)

    def_anchors = definition_anchors(doc)
    definition_spans = set()
    for term, anchor in zip(doc.terms, def_anchors):
        tip = f"“{term.term}” is defined in {term.defined_in} as: {_shorten(term.definition)}"
        definition_spans.add((term.start, term.end))
        span = _range(ctx, term.start, term.end)
        if span:
            candidates.append(_Mark(span[0], span[1], RANK_LINK,
                                    f'<dfn class="defined" id="{anchor}" data-term="{slug(term.term)}" data-tip="{esc(tip)}">',
                                    "</dfn>", open_again='<dfn class="defined">'))
    for term, anchor in zip(doc.terms, def_anchors):
        tip = f"“{term.term}” ({term.defined_in}): {_shorten(term.definition)}"
        for use in term.uses:
            if (use.start, use.end) in definition_spans:
                continue
            span = _range(ctx, use.start, use.end)
            if span:
                candidates.append(_Mark(span[0], span[1], RANK_LINK,
                                        f'<a class="term" href="#{anchor}" data-term="{slug(term.term)}" data-tip="{esc(tip)}">',
                                        "</a>"))

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


def _reference_marks(ctx: _Context, span, group) -> list[_Mark]:
    """The link(s) of one reference span: one per target ("subsection (a) or (b)" links "(b)" too)."""
    if not span:
        return []
    anchor = group[0][1]
    targets = list({(r.target_doc or ctx.doc.doc, r.target): r for r, _ in group if r.target}.values())
    externals = list({(r.external, r.kind, r.designator): r for r, _ in group if r.external}.values())
    if targets:
        pieces = _target_pieces(ctx.text[span[0]:span[1]], [r.target for r in targets]) if len(targets) > 1 else None
        if pieces is None:  # one target, or the words do not show where each one is named
            pieces = [(0, span[1] - span[0])] + [None] * (len(targets) - 1)
        marks, also = [], []
        for n, (ref, piece) in enumerate(zip(targets, pieces)):
            href = _reference_href(ctx, ref)
            tip = f"refers to {_target_name(ctx, ref)}" + _target_words(ctx, ref)
            if piece is None:  # named in the tip and as a small link after the reference
                also.append(f'<a class="ref also" href="{esc(href)}" data-target="{esc(ref.target)}"'
                            f' data-tip="{esc(tip)}">{esc(_target_name(ctx, ref))}</a>')
                continue
            ident = f' id="{anchor}"' if n == 0 else ""
            marks.append(_Mark(span[0] + piece[0], span[0] + piece[1], RANK_LINK,
                               f'<a class="ref"{ident} href="{esc(href)}" data-target="{esc(ref.target)}" data-tip="{esc(tip)}">',
                               "</a>", open_again=f'<a class="ref" href="{esc(href)}" data-tip="{esc(tip)}">'))
        if also:
            marks[0].after = f'<span class="also-refs">(also {", ".join(also)})</span>'
        return marks
    if externals:
        acts = "; ".join(sorted({r.external for r in externals}))
        cited = "; ".join(statute_name(r) for r in externals)
        # a link to the act's entry on the index page: every provision of it the corpus cites,
        # and every clause that cites each (the pages work from disk: no outside site is linked)
        href = authority_href(externals[0].external, from_doc=ctx.doc.doc)
        return [_Mark(span[0], span[1], RANK_LINK,
                      f'<a class="ref ext" id="{anchor}" href="{esc(href)}" data-tip="{esc("cites " + cited)}">', "</a>",
                      open_again=f'<a class="ref ext" href="{esc(href)}" data-tip="{esc("cites " + cited)}">',
                      after=f'<span class="act" title="{esc(cited)}">{esc(acts)}</span>')]
    return [_Mark(span[0], span[1], RANK_LINK,
                  f'<span class="ref broken" id="{anchor}" data-tip="does not resolve to a clause in this corpus">',
                  "</span>", open_again='<span class="ref broken">')]


def _reference_href(ctx: _Context, ref) -> str:
    target_doc = ref.target_doc or ctx.doc.doc
    href = doc_page(target_doc, READER, from_doc=ctx.doc.doc) if target_doc != ctx.doc.doc else ""
    return href + clause_href(ref.target)


def _target_name(ctx: _Context, ref) -> str:
    return (f"{ref.target_doc}: " if ref.target_doc and ref.target_doc != ctx.doc.doc else "") + ref.target


_LAST_DESIGNATOR = re.compile(r"(\([^()\s]+\)|[A-Za-z0-9.-]+)$")


def _target_pieces(words: str, targets: list[str]) -> list[tuple[int, int]] | None:
    """Where in a reference's words each target is named, in order: "Sections 8 and 11" →
    [(0, 10), (15, 17)] (the first piece keeps the lead word). None if one cannot be found."""
    pieces, cursor = [], 0
    for target in targets:
        last = _LAST_DESIGNATOR.search(target)
        if not last:
            return None
        token = last.group(1)
        pattern = re.escape(token) if token.startswith("(") else rf"(?<![0-9A-Za-z]){re.escape(token)}(?![0-9A-Za-z])"
        found = re.compile(pattern, re.I).search(words, cursor)
        if not found:
            return None
        pieces.append((found.start(), found.end()))
        cursor = found.end()
    pieces[0] = (0, pieces[0][1])
    return pieces


def _conditions_of(doc: DocOutputs, d) -> str:
    """The conditions that qualify an obligation: inside its words, or governing its clause."""
    found = []
    for c in doc.conditions:
        inside = c.start < d.end and d.start < c.end
        same_clause = c.governs == d.clause and c.clause == d.clause
        if c.governs_bearer and c.governs_bearer.lower() not in (d.bearer or "").lower():
            continue  # qualifies another party's obligations
        if inside or same_clause:
            found.append(_shorten(f"{c.trigger}: {c.text}")[:160])
    return " | ".join(dict.fromkeys(found))


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


def _term_rows(ctx: _Context) -> list[dict]:
    """The terms panel: each term once (by its slug), with its definition's own words; a term
    defined again (a schedule's own "Company") lists the other definitions under it."""
    rows: dict[str, dict] = {}
    for term, anchor in zip(ctx.doc.terms, definition_anchors(ctx.doc)):
        key = slug(term.term)
        words = _shorten(term.definition)
        if key in rows:
            rows[key]["also"].append({"anchor": anchor, "defined_in": term.defined_in, "definition": words})
            rows[key]["uses"] += len(term.uses)
            continue
        rows[key] = {"slug": key, "anchor": anchor, "name": " ".join(term.term.split()),
                     "defined_in": term.defined_in, "definition": words, "also": [], "uses": len(term.uses)}
    return sorted(rows.values(), key=lambda r: r["name"].lower())


def _party_rows(ctx: _Context, parties: dict[str, str]) -> list[dict]:
    """The party filter's buttons: bearers of at least one statement (owed-only parties are a
    colour in the tips, not a filter)."""
    counts = Counter(bearer_key(d) for d in ctx.doc.deontics)
    return [{"key": key, "name": name, "index": ctx.party_index[key], "count": counts[key]}
            for key, name in parties.items() if counts.get(key)]


def _outline(ctx: _Context) -> list[dict]:
    """The clause tree as the outline shows it: blocks only (items inside a sentence are not)."""
    doc = ctx.doc
    nodes: dict[str, dict] = {}
    roots: list[dict] = []
    for clause in doc.clauses:
        if _inline_clause(doc, clause):
            continue
        words = clause.heading or _without_label(clause.label, clause.text)
        node = {"label": clause.label, "href": clause_href(clause.label), "title": _first_words(words), "children": []}
        nodes[clause.label] = node
        parent = nodes.get(clause.parent) if clause.parent else None
        (parent["children"] if parent else roots).append(node)
    return roots


def _without_label(label: str, text: str) -> str:
    """A clause's first words without the designator it starts with ("(a) To prepare" → "To prepare")."""
    words = text.split()[:10]
    last = _LAST_DESIGNATOR.search(label)
    if words and last and words[0].strip("().,:").lower() == last.group(1).strip("()").lower():
        words = words[1:]
    return " ".join(words)


def _first_words(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
