"""The index page: the corpus at a glance, and the way in to every document's pages."""

from __future__ import annotations

from .common import NETWORK, READER, doc_page, esc, nav, page, slug
from .outputs import Outputs, kind_text

# A document without parties lists the entities it names: organisations first, then people.
NAMES_ORDER = {"organization": 0, "person": 2}  # other kinds (exchange, government body…) between
NAMES_MAX = 8  # e.g. a press release naming 12 entities shows 8 "and 4 more"


def render_index(outputs: Outputs) -> str:
    mentioned = {(m.doc, m.entity) for d in outputs.documents for m in d.mentions}
    rows = []
    for doc in outputs.documents:
        reader = doc_page(doc.doc, READER, from_doc=None)
        network = doc_page(doc.doc, NETWORK, from_doc=None)
        rows.append(
            "<tr>"
            f'<td><a class="doc-title" href="{esc(reader)}">{esc(doc.title or doc.doc)}</a>'
            f'<div class="doc-id">{esc(doc.doc)}</div></td>'
            f'<td>{esc(doc.kind)}</td>'
            f'<td class="parties">{_parties_cell(outputs, doc.doc, mentioned)}</td>'
            f'<td class="num" data-label="clauses">{len(doc.clauses)}</td><td class="num" data-label="terms">{len(doc.terms)}</td>'
            f'<td class="num" data-label="obligations">{len(doc.deontics)}</td><td class="num" data-label="references">{len(doc.references)}</td>'
            f'<td class="links"><a href="{esc(reader)}">reader</a> · <a href="{esc(network)}">network</a></td>'
            "</tr>"
        )
    table = (
        '<table class="docs"><thead><tr><th>Document</th><th>Kind</th><th>Parties</th>'
        '<th class="num">Clauses</th><th class="num">Terms</th><th class="num">Obligations</th>'
        f'<th class="num">References</th><th>Pages</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    body = (
        nav(None, "index", "Corpus")
        + '<main class="index">'
        + f"<h1>Corpus</h1><p class=\"lede\">{len(outputs.documents)} documents · "
        + f'<a href="{NETWORK}">corpus network</a> (one node per section)</p>'
        + table
        + _shared_entities(outputs)
        + _findings_summary(outputs)
        + "</main>"
    )
    return page("clausegraph — corpus", body, depth=0, body_class="index-page")


def _entity_link(entity, doc: str, mentioned: set) -> str:
    """The entity's name, linked to its first mention in the document's reader when there is one."""
    href = doc_page(doc, READER, from_doc=None)
    if (doc, entity.key) in mentioned:
        href += f"#ent-{slug(entity.key)}"
    return f'<a class="entity" href="{esc(href)}">{esc(entity.name)}</a>'


def _parties_cell(outputs: Outputs, doc: str, mentioned: set) -> str:
    """The document's parties (entities whose ``parties_in`` holds it) with their roles in it.

    A document without parties (a press release) shows the organisations and people it names
    instead, under "Names", so that the index still says who the document is about.
    """
    parties = [e for e in outputs.entities if doc in e.parties_in]
    if parties:
        items = []
        for e in parties:
            roles = sorted({r for d, r in e.roles if d == doc})
            extra = f' <span class="roles">{esc(", ".join(roles))}</span>' if roles else ""
            items.append(f"<li>{_entity_link(e, doc, mentioned)}{extra}</li>")
        return f'<ul class="party-list">{"".join(items)}</ul>'
    named = sorted((e for e in outputs.entities if doc in e.docs),
                   key=lambda e: (NAMES_ORDER.get(kind_text(e.kind), 1), e.name.lower()))
    if not named:
        return '<span class="none">—</span>'
    shown = named[:NAMES_MAX]
    more = f' <span class="more">and {len(named) - NAMES_MAX} more</span>' if len(named) > NAMES_MAX else ""
    links = ", ".join(_entity_link(e, doc, mentioned) for e in shown)
    return f'<div class="names"><span class="names-label">No parties · names:</span> {links}{more}</div>'


def _shared_entities(outputs: Outputs) -> str:
    mentioned = {(m.doc, m.entity) for d in outputs.documents for m in d.mentions}
    shared = sorted((e for e in outputs.entities if len(e.docs) > 1), key=lambda e: (-len(e.docs), e.name))
    if not shared:
        return '<h2>Shared entities</h2><p class="none">No entity is named in more than one document.</p>'
    items = []
    for e in shared:
        links = []
        for doc in e.docs:
            href = doc_page(doc, READER, from_doc=None)
            if (doc, e.key) in mentioned:
                href += f"#ent-{slug(e.key)}"
            party = " (party)" if doc in e.parties_in else ""
            links.append(f'<a href="{esc(href)}">{esc(doc)}</a>{party}')
        roles = sorted({r for _, r in e.roles} - {kind_text(e.kind)})  # "exchange exchange" says it once
        extra = f' <span class="roles">{esc(", ".join(roles))}</span>' if roles else ""
        items.append(f'<li><span class="entity">{esc(e.name)}</span> <span class="kind">{esc(kind_text(e.kind))}</span>'
                     f'{extra}<div class="in">in {", ".join(links)}</div></li>')
    return f'<h2>Shared entities ({len(shared)})</h2><ul class="entities">{"".join(items)}</ul>'


def _findings_summary(outputs: Outputs) -> str:
    if not outputs.findings:
        return ""
    counts: dict[str, dict[str, int]] = {}
    for f in outputs.findings:
        counts.setdefault(f.doc, {}).setdefault(f.kind, 0)
        counts[f.doc][f.kind] += 1
    items = "".join(
        f'<li><a href="{esc(doc_page(doc, READER, from_doc=None))}">{esc(doc)}</a>: '
        + ", ".join(f"{n} {esc(kind)}" for kind, n in sorted(kinds.items())) + "</li>"
        for doc, kinds in sorted(counts.items())
    )
    return f'<h2>Lint findings</h2><ul class="findings-summary">{items}</ul>'
