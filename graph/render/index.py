"""The index page: the corpus at a glance, and the way in to every document's pages.

Python gathers what each row shows; ``templates/index.html`` lays it out (autoescaped).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from .common import NETWORK, READER, doc_page, nav_links, render_template, slug, statute_name
from .outputs import DocOutputs, Outputs, kind_text

# A document without parties lists the entities it names: organisations first, then people.
NAMES_ORDER = {"organization": 0, "person": 2}  # other kinds (exchange, government body…) between
NAMES_MAX = 8  # e.g. a press release naming 12 entities shows 8 "and 4 more"


@dataclass(frozen=True)
class IndexDoc:
    """What the index shows of one document (so that it is made without the documents)."""

    doc: str
    title: str | None
    kind: str
    counts: tuple[tuple[str, int], ...]
    mentioned: tuple[tuple[str, str], ...]  # (doc, entity key) of its mentions
    citations: tuple[tuple[str, str, str, str], ...]  # (act, clause, provision cited, anchor) per statute reference


def index_doc(doc: DocOutputs) -> IndexDoc:
    from .reader import reference_anchors

    citations, seen = [], set()
    for ref, anchor in zip(doc.references, reference_anchors(doc)):
        if not ref.external or anchor in seen:
            continue
        seen.add(anchor)
        citations.append((ref.external, ref.source, statute_name(ref), anchor))
    return IndexDoc(
        doc=doc.doc, title=doc.title, kind=doc.kind,
        counts=(("clauses", len(doc.clauses)), ("terms", len(doc.terms)),
                ("obligations", len(doc.deontics)), ("references", len(doc.references))),
        mentioned=tuple(dict.fromkeys((m.doc, m.entity) for m in doc.mentions)),
        citations=tuple(citations),
    )


def render_index(outputs: Outputs) -> str:
    return render_index_of([index_doc(d) for d in outputs.documents], outputs.entities, outputs.findings)


def render_index_of(documents: list[IndexDoc], entities, findings) -> str:
    mentioned = {pair for d in documents for pair in d.mentioned}
    parties_of, named_of = defaultdict(list), defaultdict(list)  # in the entities' order
    for e in entities:
        for doc in e.parties_in:
            parties_of[doc].append(e)
        for doc in e.docs:
            named_of[doc].append(e)
    rows = [_document_row(doc, parties_of[doc.doc], named_of[doc.doc], mentioned) for doc in documents]
    return render_template(
        "index.html", title="clausegraph — corpus", up="", body_class="index-page", scripts=(), inline_style="",
        nav_links=nav_links(None, "index"), nav_title="Corpus",
        documents=rows, shared=_shared_entities(entities, mentioned), findings=_findings_summary(findings),
        authorities=_authorities(documents),
    )


def _authorities(documents: list[IndexDoc]) -> list[dict]:
    """Each outside act the corpus cites (the reader's statute references link here), with every
    citation of it: the provision named and the clause, linked to the words in the reader."""
    acts: dict[str, list[dict]] = {}
    for doc in documents:
        for act, clause, cited, anchor in doc.citations:
            acts.setdefault(act, []).append({
                "doc": doc.doc, "clause": clause, "cited": cited,
                "href": doc_page(doc.doc, READER, from_doc=None) + f"#{anchor}"})
    return [{"act": act, "id": f"act-{slug(act)}", "citations": citations}
            for act, citations in sorted(acts.items(), key=lambda kv: kv[0].lower())]


def _entity_link(entity, doc: str, mentioned: set) -> dict:
    """The entity's name, linked to its first mention in the document's reader when there is one."""
    href = doc_page(doc, READER, from_doc=None)
    if (doc, entity.key) in mentioned:
        href += f"#ent-{slug(entity.key)}"
    return {"name": entity.name, "href": href}


def _document_row(doc: IndexDoc, parties: list, names: list, mentioned: set) -> dict:
    """A row: title, kind, counts, and the document's parties (entities whose ``parties_in``
    holds it) with their roles in it. A document without parties (a press release) shows the
    organisations and people it names instead, so that the index still says who it is about."""
    named = [] if parties else sorted(names, key=lambda e: (NAMES_ORDER.get(kind_text(e.kind), 1), e.name.lower()))
    return {
        "doc": doc.doc, "title": doc.title or doc.doc, "kind": doc.kind,
        "reader": doc_page(doc.doc, READER, from_doc=None), "network": doc_page(doc.doc, NETWORK, from_doc=None),
        "parties": [dict(_entity_link(e, doc.doc, mentioned), roles=", ".join(sorted({r for d, r in e.roles if d == doc.doc})))
                    for e in parties],
        "names": [_entity_link(e, doc.doc, mentioned) for e in named[:NAMES_MAX]],
        "more": max(0, len(named) - NAMES_MAX),
        "counts": list(doc.counts),
    }


def _shared_entities(entities, mentioned: set) -> list[dict]:
    shared = sorted((e for e in entities if len(e.docs) > 1), key=lambda e: (-len(e.docs), e.name))
    rows = []
    for e in shared:
        links = [dict(_entity_link(e, doc, mentioned), doc=doc, party=doc in e.parties_in) for doc in e.docs]
        roles = sorted({r for _, r in e.roles} - {kind_text(e.kind)})  # "exchange exchange" says it once
        rows.append({"name": e.name, "kind": kind_text(e.kind), "roles": ", ".join(roles), "links": links})
    return rows


def _findings_summary(findings) -> list[dict]:
    counts: dict[str, Counter] = {}
    for f in findings:
        counts.setdefault(f.doc, Counter())[f.kind] += 1
    return [{"doc": doc, "href": doc_page(doc, READER, from_doc=None), "kinds": sorted(kinds.items())}
            for doc, kinds in sorted(counts.items())]
