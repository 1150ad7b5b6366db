"""The index page: the corpus at a glance, and the way in to every document's pages.

Python gathers what each row shows; ``templates/index.html`` lays it out (autoescaped).
"""

from __future__ import annotations

from collections import Counter

from .common import NETWORK, READER, doc_page, nav_links, render_template, slug, statute_name
from .outputs import Outputs, kind_text

# A document without parties lists the entities it names: organisations first, then people.
NAMES_ORDER = {"organization": 0, "person": 2}  # other kinds (exchange, government body…) between
NAMES_MAX = 8  # e.g. a press release naming 12 entities shows 8 "and 4 more"


def render_index(outputs: Outputs) -> str:
    mentioned = {(m.doc, m.entity) for d in outputs.documents for m in d.mentions}
    documents = [_document_row(outputs, doc, mentioned) for doc in outputs.documents]
    return render_template(
        "index.html", title="clausegraph — corpus", up="", body_class="index-page", scripts=(), inline_style="",
        nav_links=nav_links(None, "index"), nav_title="Corpus",
        documents=documents, shared=_shared_entities(outputs, mentioned), findings=_findings_summary(outputs),
        authorities=_authorities(outputs),
    )


def _authorities(outputs: Outputs) -> list[dict]:
    """Each outside act the corpus cites (the reader's statute references link here), with every
    citation of it: the provision named and the clause, linked to the words in the reader."""
    from .reader import reference_anchors

    acts: dict[str, list[dict]] = {}
    for doc in outputs.documents:
        seen = set()
        for ref, anchor in zip(doc.references, reference_anchors(doc)):
            if not ref.external or anchor in seen:
                continue
            seen.add(anchor)
            acts.setdefault(ref.external, []).append({
                "doc": doc.doc, "clause": ref.source, "cited": statute_name(ref),
                "href": doc_page(doc.doc, READER, from_doc=None) + f"#{anchor}"})
    return [{"act": act, "id": f"act-{slug(act)}", "citations": citations}
            for act, citations in sorted(acts.items(), key=lambda kv: kv[0].lower())]


def _entity_link(entity, doc: str, mentioned: set) -> dict:
    """The entity's name, linked to its first mention in the document's reader when there is one."""
    href = doc_page(doc, READER, from_doc=None)
    if (doc, entity.key) in mentioned:
        href += f"#ent-{slug(entity.key)}"
    return {"name": entity.name, "href": href}


def _document_row(outputs: Outputs, doc, mentioned: set) -> dict:
    """A row: title, kind, counts, and the document's parties (entities whose ``parties_in``
    holds it) with their roles in it. A document without parties (a press release) shows the
    organisations and people it names instead, so that the index still says who it is about."""
    parties = [e for e in outputs.entities if doc.doc in e.parties_in]
    named = [] if parties else sorted(
        (e for e in outputs.entities if doc.doc in e.docs),
        key=lambda e: (NAMES_ORDER.get(kind_text(e.kind), 1), e.name.lower()))
    return {
        "doc": doc.doc, "title": doc.title or doc.doc, "kind": doc.kind,
        "reader": doc_page(doc.doc, READER, from_doc=None), "network": doc_page(doc.doc, NETWORK, from_doc=None),
        "parties": [dict(_entity_link(e, doc.doc, mentioned), roles=", ".join(sorted({r for d, r in e.roles if d == doc.doc})))
                    for e in parties],
        "names": [_entity_link(e, doc.doc, mentioned) for e in named[:NAMES_MAX]],
        "more": max(0, len(named) - NAMES_MAX),
        "counts": [("clauses", len(doc.clauses)), ("terms", len(doc.terms)),
                   ("obligations", len(doc.deontics)), ("references", len(doc.references))],
    }


def _shared_entities(outputs: Outputs, mentioned: set) -> list[dict]:
    shared = sorted((e for e in outputs.entities if len(e.docs) > 1), key=lambda e: (-len(e.docs), e.name))
    rows = []
    for e in shared:
        links = [dict(_entity_link(e, doc, mentioned), doc=doc, party=doc in e.parties_in) for doc in e.docs]
        roles = sorted({r for _, r in e.roles} - {kind_text(e.kind)})  # "exchange exchange" says it once
        rows.append({"name": e.name, "kind": kind_text(e.kind), "roles": ", ".join(roles), "links": links})
    return rows


def _findings_summary(outputs: Outputs) -> list[dict]:
    counts: dict[str, Counter] = {}
    for f in outputs.findings:
        counts.setdefault(f.doc, Counter())[f.kind] += 1
    return [{"doc": doc, "href": doc_page(doc, READER, from_doc=None), "kinds": sorted(kinds.items())}
            for doc, kinds in sorted(counts.items())]
