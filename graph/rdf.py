"""Records → RDF: one named graph per document, one corpus graph for entities, plus the ontology.

IRIs are made from content only (document id, citation label, offsets, entity key), so building
the same input twice gives the same triples. Every node made from text carries its document
(``cg:inDocument``), its source offsets (``nif:beginIndex``/``nif:endIndex``, code points,
half-open) and its exact words (``nif:anchorOf`` = ``source[start:end]``); cleaned words, where
a record has them, go in ``cg:cleanText``.

IRI scheme (under ``https://w3id.org/clausegraph/id/``):

- document ``{doc}``; its named graph ``{doc}/graph``; its term scheme ``{doc}/terms``
- clause ``{doc}/{eId}`` with an Akoma-Ntoso-style eId: "8(c)" → ``sec_8__subsec_c``
- term ``{doc}/term/{term}``, its definition ``…/definition``, its uses ``…/use/{start}-{end}``
- statement ``{doc}/statement/{start}-{end}``, condition ``{doc}/condition/{start}-{end}``,
  reference ``{doc}/ref/{start}-{end}``, mention ``{doc}/mention/{start}-{end}``,
  party role ``{doc}/party/{entity key}``, finding ``{doc}/finding/{n}``
- entity ``entity/{key}`` and authority ``authority/{name}``, in the corpus graph
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Iterator, NamedTuple

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib import namespace as _ns
from rdflib.namespace import DefinedNamespace, Namespace

from . import __version__
from .model import ClauseKind, ConditionKind, Corpus, Document, Entity, Modality
from .resolve import term_facts
from .namespace import CG as _CG
from .store import (
    ENTITIES_GRAPH,
    ID_BASE,
    ONTOLOGY_GRAPH,
    PREFIX_ORDER,
    compact_iri,
    json_string,
    authority_iri,
    document_graph_iri,
    document_iri,
    entity_iri,
    iri_segment,
    match_key,
    ontology_dir,
)


class NIF(DefinedNamespace):
    """The NIF 2.0 Core terms clausegraph uses for offsets and exact words."""

    _fail = True
    _NS = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")

    Context: URIRef
    anchorOf: URIRef
    beginIndex: URIRef
    endIndex: URIRef
    isString: URIRef
    referenceContext: URIRef


class _Terms:
    """A vocabulary's terms as plain strings. The builder makes millions of triples, and each
    attribute of rdflib's DefinedNamespace costs microseconds; here the first lookup is cached."""

    def __init__(self, namespace):
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:
        value = str(getattr(self._namespace, name))
        setattr(self, name, value)
        return value


CG, RDF, RDFS, SKOS, XSD = _Terms(_CG), _Terms(_ns.RDF), _Terms(_ns.RDFS), _Terms(_ns.SKOS), _Terms(_ns.XSD)
DCTERMS, PROV, _NIF = _Terms(_ns.DCTERMS), _Terms(_ns.PROV), _Terms(NIF)

AGENT = f"{ID_BASE}agent/clausegraph"

MODALITY_CLASS = {
    Modality.OBLIGATION: CG.Obligation,
    Modality.PROHIBITION: CG.Prohibition,
    Modality.PERMISSION: CG.Permission,
    Modality.RIGHT: CG.Right,
    Modality.REPRESENTATION: CG.Representation,
}

# Akoma Ntoso eId prefixes per clause kind ("sec_8__subsec_c"); kinds without a number of
# their own (preamble, signatures) are the prefix alone.
EID_PREFIX = {
    ClauseKind.PREAMBLE: "preamble",
    ClauseKind.ARTICLE: "art",
    ClauseKind.SECTION: "sec",
    ClauseKind.SUBSECTION: "subsec",
    ClauseKind.CLAUSE: "clause",
    ClauseKind.SUBCLAUSE: "subclause",
    ClauseKind.ITEM: "item",
    ClauseKind.PARAGRAPH: "para",
    ClauseKind.HEADING: "heading",
    ClauseKind.LIST_ITEM: "item",
    ClauseKind.TABLE: "table",
    ClauseKind.SIGNATURES: "conclusions",
    ClauseKind.ANNEX: "annex",
    ClauseKind.SCHEDULE: "schedule",
    ClauseKind.EXHIBIT: "exhibit",
    ClauseKind.APPENDIX: "appendix",
}
UNNUMBERED_KINDS = {ClauseKind.PREAMBLE, ClauseKind.SIGNATURES}
# The word a label repeats before its number: "Article IV", "Annex I", "Schedule II", "p2".
LABEL_KIND_WORD = re.compile(r"^(?:article|section|annex|schedule|exhibit|appendix)\s+|^p(?=\d)", re.I)


def clause_eids(document: Document) -> dict[str, str]:
    """Citation label → Akoma-Ntoso-style eId, unique within the document.

    The eId is the parent's eId, "__", the kind's prefix and the clause's own number:
    "8" → sec_8, "8(c)" → sec_8__subsec_c, "Annex I, v(i)" → annex_I__item_v__item_i.
    """
    eids: dict[str, str] = {}
    used: set[str] = set()
    for clause in document.clauses:
        prefix = EID_PREFIX.get(clause.kind, "hcontainer")
        own = prefix
        if clause.kind not in UNNUMBERED_KINDS:
            number = _own_number(clause.label, clause.parent)
            own = f"{prefix}_{number}" if number else prefix
        eid = f"{eids[clause.parent]}__{own}" if clause.parent in eids else own
        candidate, n = eid, 1
        while candidate in used:  # two labels that clean to the same eId: keep both, numbered
            n += 1
            candidate = f"{eid}_{n}"
        used.add(candidate)
        eids[clause.label] = candidate
    return eids


def _own_number(label: str, parent: str | None) -> str:
    rest = label[len(parent):] if parent and label.startswith(parent) else label
    rest = LABEL_KIND_WORD.sub("", rest.lstrip(", ").strip())
    return re.sub(r"[^A-Za-z0-9.\-]+", "-", rest).strip("-")


# --- building ----------------------------------------------------------------------------------


# Inside the builder an IRI is a plain ``str`` and a literal a ``Lit``: making rdflib terms cost
# most of the RDF stage at scale. ``corpus_graphs`` turns them into rdflib terms (for tests and
# small corpora); the build writes them straight as N-Quads (``document_nquads``).


class Lit(NamedTuple):
    """A literal: its lexical form and, unless it is a plain string, its datatype IRI."""

    value: str
    datatype: str | None = None


Triple = tuple[str, str, "str | Lit"]


@dataclass
class GraphParts:
    """The triples of each named graph, in a stable order (graph IRI → triples), as rdflib terms."""

    graphs: dict[str, list[tuple]] = field(default_factory=dict)

    def quads(self) -> Iterator[tuple]:
        for graph, triples in self.graphs.items():
            g = URIRef(graph)
            for s, p, o in triples:
                yield s, p, o, g

    def __len__(self) -> int:
        return sum(len(t) for t in self.graphs.values())


@dataclass
class DocumentContext:
    """What one document's graph needs from the rest of the corpus (and nothing more, so that
    a build can tell whether a document's graph changed from this and the document alone)."""

    term_keys: dict[str, str]  # defined term → the key of the entity it stands for
    entities: dict[str, Entity]  # the entities the graph names, by key
    entities_here: tuple[Entity, ...]  # those the document names or is between, in corpus order
    match_keys: dict[str, tuple[str, ...]]  # of each of ``entities``
    findings: tuple  # the document's lint findings
    target_eids: dict[tuple[str, str], str]  # (other document, label) → eid, for references into it


@dataclass
class CorpusContext:
    """What a document's graph needs from the rest of the corpus, indexed once per build, so
    that making one document's triples costs the same in a corpus of ten or of ten thousand."""

    built: set[str]
    term_keys: dict[str, dict[str, str]]  # document → defined term → entity key
    entities: dict[str, Entity]
    entities_of_doc: dict[str, list[Entity]]
    match_keys: dict[str, list[str]]
    findings_of_doc: dict[str, list]
    eids_of_doc: dict[str, dict[str, str]]  # of the documents references point into

    @classmethod
    def of(cls, corpus: Corpus) -> "CorpusContext":
        context = cls.index(corpus.entities, [(d.doc_id, d.mentions, term_facts(d)) for d in corpus.documents],
                            {d.doc_id: clause_eids(d) for d in corpus.documents})
        for finding in corpus.findings:
            context.findings_of_doc[finding.doc].append(finding)
        return context

    @classmethod
    def index(cls, entities, documents, eids_of_doc: dict[str, dict[str, str]]) -> "CorpusContext":
        """From the entities and, per document in corpus order, (doc id, its resolved mentions,
        its ``term_facts``): what the whole corpus's graphs need, without the documents."""
        documents = list(documents)
        term_keys = _terms_standing_for_entities(entities, documents)
        entities_of_doc: dict[str, list[Entity]] = defaultdict(list)
        for entity in entities:
            for doc in dict.fromkeys([*entity.docs, *entity.parties_in, *(d for d, _ in entity.roles)]):
                entities_of_doc[doc].append(entity)
        return cls(
            built={doc for doc, _, _ in documents},
            term_keys=term_keys,
            entities={e.key: e for e in entities},
            entities_of_doc=entities_of_doc,
            match_keys=_all_entity_keys(entities, documents, term_keys),
            findings_of_doc=defaultdict(list),
            eids_of_doc=eids_of_doc,
        )

    def for_document(self, doc: str, bearer_keys, targets, findings=None) -> DocumentContext:
        """The part of the context one document's graph reads. ``bearer_keys``: the entity keys
        its statements carry; ``targets``: the (document, label) its references point at;
        ``findings``: its lint findings (by default those the context holds)."""
        here = tuple(seen_from(e, doc) for e in self.entities_of_doc.get(doc, ()))
        named = {e.key: e for e in here}
        for key in sorted(set(bearer_keys)):
            if key in self.entities:
                named.setdefault(key, seen_from(self.entities[key], doc))
        target_eids = {}
        for target_doc, label in targets:
            if target_doc != doc and target_doc in self.built and label is not None:
                eid = self.eids_of_doc[target_doc].get(label)
                if eid:
                    target_eids[(target_doc, label)] = eid
        return DocumentContext(
            term_keys=self.term_keys.get(doc, {}),
            entities=named,
            entities_here=here,
            match_keys={key: tuple(self.match_keys[key]) for key in named},
            findings=tuple(self.findings_of_doc.get(doc, ()) if findings is None else findings),
            target_eids=target_eids,
        )


def seen_from(entity: Entity, doc: str) -> Entity:
    """The entity as one document's graph and pages see it: its roles, party and presence in
    that document only (another document naming it does not change this one's outputs)."""
    return dataclasses.replace(entity, roles=tuple(r for r in entity.roles if r[0] == doc),
                               parties_in=(doc,) if doc in entity.parties_in else (),
                               docs=(doc,) if doc in entity.docs else ())


def document_context(document: Document, context: "CorpusContext | DocumentContext") -> DocumentContext:
    if isinstance(context, DocumentContext):
        return context
    bearers = [k for d in document.deontics for k in (d.bearer_entity, d.counterparty_entity) if k]
    targets = [(r.target_doc, r.target) for r in document.references if r.target and r.target_doc]
    return context.for_document(document.doc_id, bearers, targets)


def corpus_graphs(corpus: Corpus, *, with_ontology: bool = True) -> GraphParts:
    """All named graphs of a built corpus: the ontology, the corpus graph, one per document."""
    parts = GraphParts()
    if with_ontology:
        parts.graphs[ONTOLOGY_GRAPH] = list(ontology_graph())
    context = CorpusContext.of(corpus)
    parts.graphs[ENTITIES_GRAPH] = [_rdflib_triple(t) for t in _corpus_triples(corpus.entities, corpus_citations(corpus), context)]
    for document in corpus.documents:
        parts.graphs[document_graph_iri(document.doc_id)] = [
            _rdflib_triple(t) for t in _document_triples(document, context)
        ]
    return parts


def corpus_dataset(corpus: Corpus, *, with_ontology: bool = True) -> Dataset:
    """The corpus as an rdflib Dataset (for tests, SHACL and small corpora)."""
    dataset = Dataset()
    for graph, triples in corpus_graphs(corpus, with_ontology=with_ontology).graphs.items():
        g = dataset.graph(URIRef(graph))
        for triple in triples:
            g.add(triple)
    return dataset


def document_nquads(document: Document, context: "CorpusContext | DocumentContext") -> str:
    """One document's named graph as N-Quads text."""
    return _nquads(_document_triples(document, context), document_graph_iri(document.doc_id))


def document_graph_texts(document: Document, context: "CorpusContext | DocumentContext",
                         formats: "Iterable[str]" = ()) -> dict[str, str]:
    """One document's named graph as N-Quads text (``"nq"``) and, as ``formats`` asks, as its
    block of dataset.trig (``"trig"``) and of dataset.jsonld (``"jsonld"``)."""
    triples = _document_triples(document, context)
    graph = document_graph_iri(document.doc_id)
    texts = {"nq": _nquads(triples, graph)}
    if "trig" in formats:
        texts["trig"] = trig_block(triples, graph)
    if "jsonld" in formats:
        texts["jsonld"] = jsonld_block(triples, graph)
    return texts


def corpus_nquads(corpus: Corpus, context: CorpusContext) -> str:
    """The corpus graph (entities, outside authorities) as N-Quads text."""
    return entities_nquads(corpus.entities, corpus_citations(corpus), context)


def entities_nquads(entities, citations: "Citations", context: CorpusContext) -> str:
    """The corpus graph from the entities and what the documents cite outside the corpus."""
    return _nquads(_corpus_triples(entities, citations, context), ENTITIES_GRAPH)


@dataclass
class Citations:
    """The outside authorities documents cite: act names, and provisions by name (the last one
    seen of each name, as a corpus-wide dict would keep it)."""

    authorities: set[str] = field(default_factory=set)
    provisions: dict[str, "Provision"] = field(default_factory=dict)

    def add(self, other: "Citations") -> None:
        self.authorities |= other.authorities
        self.provisions.update(other.provisions)


def document_citations(document: Document) -> Citations:
    return Citations(authorities={r.external for r in document.references if r.external},
                     provisions={p.name: p for r in document.references for p in authority_provisions(r)})


def corpus_citations(corpus: Corpus) -> Citations:
    citations = Citations()
    for document in corpus.documents:
        citations.add(document_citations(document))
    return citations


def ontology_nquads() -> str:
    """The ontology and its alignment, in the ontology graph, as N-Quads text."""
    import pyoxigraph as ox

    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    quads = []
    for name in ("clausegraph.ttl", "alignment.ttl"):
        quads += [ox.Quad(t.subject, t.predicate, t.object, graph)
                  for t in ox.parse(path=str(ontology_dir() / name), format=ox.RdfFormat.TURTLE)]
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")


def _escape(value: str) -> str:
    """An N-Quads string body: backslash, quote and line breaks escaped (str.replace beats
    str.translate here by far, and most values need none)."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if '"' in value:
        value = value.replace('"', '\\"')
    if "\n" in value:
        value = value.replace("\n", "\\n")
    if "\r" in value:
        value = value.replace("\r", "\\r")
    return value


def _nquads(triples: list[Triple], graph: str) -> str:
    """N-Quads lines; IRIs come from ``store``'s IRI makers, which percent-encode what N-Quads forbids."""
    g = f" <{graph}> .\n"
    lines = []
    for s, p, o in triples:
        if isinstance(o, Lit):
            value = '"' + _escape(o.value) + '"'
            obj = f"{value}^^<{o.datatype}>" if o.datatype else value
        else:
            obj = f"<{o}>"
        lines.append(f"<{s}> <{p}> {obj}{g}")
    return "".join(lines)


# TriG and JSON-LD of a graph written here, as N-Quads are: Oxigraph's serialisers take pyoxigraph
# terms, and parsing the N-Quads back into them cost more than writing both formats from the
# triples at hand. The blocks have the shape Oxigraph gives (store.dataset_blocks, which still
# writes the ontology's): a subject once with its predicates, "a" for rdf:type, integers and
# booleans bare; compact IRIs only under PREFIXES. Tests read them back with Oxigraph and rdflib.
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_BARE = {"http://www.w3.org/2001/XMLSchema#integer": re.compile(r"[+-]?[0-9]+\Z"),
         "http://www.w3.org/2001/XMLSchema#boolean": re.compile(r"(?:true|false)\Z")}
_PLAIN_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")  # a prefixed name's local part, kept simple


@lru_cache(maxsize=1 << 16)
def _trig_name(iri: str) -> str:
    """``cg:Clause`` under a known prefix (simple local names only), else ``<iri>``."""
    for prefix, base in PREFIX_ORDER:
        if iri.startswith(base) and _PLAIN_LOCAL.match(iri, len(base)):
            return f"{prefix}:{iri[len(base):]}"
    return f"<{iri}>"


def _trig_object(o: "str | Lit") -> str:
    if not isinstance(o, Lit):
        return _trig_name(o)
    if o.datatype is None:
        return '"' + _escape(o.value) + '"'
    bare = _BARE.get(o.datatype)
    if bare is not None and bare.match(o.value):
        return o.value
    return '"' + _escape(o.value) + '"^^' + _trig_name(o.datatype)


def trig_block(triples: list[Triple], graph: str) -> str:
    """The graph as a TriG block without prefix directives (``store.trig_head`` has them): runs
    of a subject's triples written as one statement, a predicate's objects joined by ",". """
    out = [_trig_name(graph), " {\n"]
    subject = predicate = None
    for s, p, o in triples:
        if s != subject:
            if subject is not None:
                out.append(" .\n")
            out += ["\t", _trig_name(s), " ", "a" if p == RDF_TYPE else _trig_name(p), " "]
            subject, predicate = s, p
        elif p != predicate:
            out += [" ;\n\t\t", "a" if p == RDF_TYPE else _trig_name(p), " "]
            predicate = p
        else:
            out.append(" , ")
        out.append(_trig_object(o))
    if subject is not None:
        out.append(" .\n")
    out.append("}\n")
    return "".join(out)


@lru_cache(maxsize=1 << 16)
def _json_iri(iri: str) -> str:
    return json_string(compact_iri(iri))


def jsonld_block(triples: list[Triple], graph: str) -> str:
    """The graph as its block of dataset.jsonld: ``{"@id": graph, "@graph": [node, …]}``, one node
    object per run of a subject's triples (a key never twice in one object: a predicate that
    comes again after another opens a second object of the same node, as Oxigraph writes it),
    IRIs compacted against dataset.jsonld's @context."""
    nodes: list[str] = []
    node: list[str] = []
    subject = predicate = None
    keys: set[str] = set()  # the node's keys so far: a predicate seen again opens a node of its own
    for s, p, o in triples:
        if s != subject or (p != predicate and p in keys):
            if subject is not None:
                node.append("]}")
                nodes.append("".join(node))
            node = ['{"@id":', _json_iri(s), ",", _json_iri(p), ":["]
            subject, predicate, keys = s, p, {p}
        elif p != predicate:
            node += ["],", _json_iri(p), ":["]
            predicate = p
            keys.add(p)
        else:
            node.append(",")
        if not isinstance(o, Lit):
            node += ['{"@id":', _json_iri(o), "}"]
        elif o.datatype is None:
            node += ['{"@value":', json_string(o.value), "}"]
        else:
            node += ['{"@type":', _json_iri(o.datatype), ',"@value":', json_string(o.value), "}"]
    if subject is not None:
        node.append("]}")
        nodes.append("".join(node))
    return '{"@id": ' + _json_iri(graph) + ', "@graph": [' + ",".join(nodes) + "]}"


def _rdflib_triple(triple: Triple) -> tuple:
    s, p, o = triple
    if isinstance(o, Lit):
        o = Literal(o.value, datatype=URIRef(o.datatype)) if o.datatype else Literal(o.value)
    else:
        o = URIRef(o)
    return URIRef(s), URIRef(p), o


def ontology_graph() -> Graph:
    """The ontology and its alignment to other vocabularies, as one graph."""
    graph = Graph()
    folder = ontology_dir()
    for name in ("clausegraph.ttl", "alignment.ttl"):
        graph.parse(folder / name, format="turtle")
    return graph


def _text(value: str) -> Lit:
    return Lit(value)


_XSD_INTEGER = str(_ns.XSD.integer)
_XSD_BOOLEAN = str(_ns.XSD.boolean)


def _offset(value: int) -> Lit:
    # xsd:integer, not NIF's xsd:nonNegativeInteger: Oxigraph stores every integer type as
    # xsd:integer, and the dataset must read back exactly as built. shapes.ttl pins >= 0.
    return Lit(str(value), _XSD_INTEGER)


def _boolean(value: bool) -> Lit:
    return Lit("true" if value else "false", _XSD_BOOLEAN)


class _Emitter:
    """Collects one graph's triples, without duplicates, each subject's together and within it
    each predicate's (in the order first seen): the TriG and JSON-LD serialisers, which write
    triples as they come, then write a subject once and each of its predicates once."""

    def __init__(self) -> None:
        # subject → predicate → objects (a dict as an ordered set: a triple made twice is kept once)
        self._by_subject: dict[str, dict[str, dict]] = {}
        self._document: Document | None = None
        self._document_iri = ""

    @property
    def triples(self) -> list[Triple]:
        return [(s, p, o) for s, predicates in self._by_subject.items() for p, objects in predicates.items() for o in objects]

    def add(self, s, p, o) -> None:
        if o is None:
            return
        predicates = self._by_subject.get(s)
        if predicates is None:
            predicates = self._by_subject[s] = {}
        objects = predicates.get(p)
        if objects is None:
            predicates[p] = {o: None}
        else:
            objects[o] = None

    def anchor(self, node: URIRef, document: Document, start: int, end: int) -> None:
        """Document, offsets and exact words of a node made from text."""
        if document is not self._document:
            self._document, self._document_iri = document, document_iri(document.doc_id)
        self.add(node, CG.inDocument, self._document_iri)
        self.add(node, _NIF.beginIndex, _offset(start))
        self.add(node, _NIF.endIndex, _offset(end))
        self.add(node, _NIF.anchorOf, _text(document.source[start:end]))


class _Names:
    """Hands out node IRIs inside one document; a second record at the same place gets "-2"."""

    def __init__(self, doc: str):
        self.base = document_iri(doc) + "/"
        self._used: set[str] = set()

    def mint(self, path: str) -> URIRef:
        iri, n = self.base + path, 1
        while iri in self._used:
            n += 1
            iri = f"{self.base}{path}-{n}"
        self._used.add(iri)
        return iri


def _document_triples(document: Document, context: "CorpusContext | DocumentContext") -> list[Triple]:
    context = document_context(document, context)
    out = _Emitter()
    doc = document.doc_id
    doc_node = document_iri(doc)
    graph_node = document_graph_iri(doc)
    names = _Names(doc)
    eids = clause_eids(document)
    clause_node = {label: document_iri(doc) + "/" + eid for label, eid in eids.items()}

    def clause_in(target_doc: str, label: str | None) -> URIRef | None:
        if label is None:
            return None
        if target_doc == doc:
            return clause_node.get(label)
        eid = context.target_eids.get((target_doc, label))
        return document_iri(target_doc) + "/" + eid if eid else None

    # the graph itself: where it came from and what made it
    out.add(graph_node, RDF.type, PROV.Entity)
    out.add(graph_node, PROV.wasDerivedFrom, doc_node)
    out.add(graph_node, PROV.wasAttributedTo, AGENT)
    out.add(AGENT, RDF.type, PROV.SoftwareAgent)
    out.add(AGENT, RDFS.label, _text(f"clausegraph {__version__}"))

    # the document
    out.add(doc_node, RDF.type, CG.Document)
    out.add(doc_node, RDF.type, _NIF.Context)
    out.add(doc_node, CG.documentId, _text(doc))
    out.add(doc_node, DCTERMS.identifier, _text(doc))
    out.add(doc_node, RDFS.label, _text(document.title or doc))
    if document.title:
        out.add(doc_node, DCTERMS.title, _text(document.title))
    out.add(doc_node, CG.documentKind, _text(document.kind.value))
    out.add(doc_node, CG.sourceFormat, _text(document.format))
    out.add(doc_node, _NIF.beginIndex, _offset(0))
    out.add(doc_node, _NIF.endIndex, _offset(len(document.source)))
    out.add(doc_node, _NIF.isString, _text(document.source))

    # the clause tree
    for clause in document.clauses:
        node = clause_node[clause.label]
        out.add(node, RDF.type, CG.Clause)
        out.anchor(node, document, clause.start, clause.end)
        out.add(node, CG.label, _text(clause.label))
        out.add(node, RDFS.label, _text(clause.label))
        out.add(node, CG.eId, _text(eids[clause.label]))
        out.add(node, CG.clauseKind, _text(clause.kind.value))
        out.add(node, CG.order, _offset(clause.order))
        if clause.heading:
            out.add(node, CG.heading, _text(clause.heading))
        if clause.text:
            out.add(node, CG.cleanText, _text(clause.text))
        if clause.parent is not None and clause.parent in clause_node:
            out.add(node, CG.parent, clause_node[clause.parent])

    # defined terms, as SKOS concepts of the document's scheme
    scheme = document_iri(doc) + "/terms"
    if document.terms:
        out.add(scheme, RDF.type, SKOS.ConceptScheme)
        out.add(scheme, RDFS.label, _text(f"Defined terms of {doc}"))
        out.add(scheme, DCTERMS.source, doc_node)
    for term in document.terms:
        node = names.mint("term/" + iri_segment(term.term))
        out.add(node, RDF.type, CG.DefinedTerm)
        out.add(node, RDF.type, SKOS.Concept)
        out.add(node, SKOS.inScheme, scheme)
        # The label reads as the term does ("DESIGNATED SECURITIES"); the anchor keeps the
        # exact source words, line break included.
        label = " ".join(term.term.split())
        out.add(node, SKOS.prefLabel, _text(label))
        out.add(node, CG.termText, _text(label))
        out.anchor(node, document, term.start, term.end)
        out.add(node, CG.definedIn, clause_node.get(term.defined_in))
        entity = context.term_keys.get(term.term)
        if entity:
            out.add(node, CG.standsFor, entity_iri(entity))
        if term.definition_end > term.definition_start:
            definition = str(node) + "/definition"
            out.add(node, CG.hasDefinition, definition)
            out.add(node, SKOS.definition, _text(term.definition))
            out.add(definition, RDF.type, CG.Definition)
            out.anchor(definition, document, term.definition_start, term.definition_end)
            out.add(definition, CG.cleanText, _text(term.definition))
        for label in term.used_in:
            out.add(node, CG.usedIn, clause_node.get(label))
        for use in term.uses:
            use_node = f"{node}/use/{use.start}-{use.end}"
            out.add(use_node, RDF.type, CG.TermUse)
            out.add(use_node, CG.ofTerm, node)
            out.anchor(use_node, document, use.start, use.end)
            where = document.clause_at(use.start)
            if where is not None:
                out.add(use_node, CG.inClause, clause_node[where.label])

    # entity mentions
    for mention in document.mentions:
        node = names.mint(f"mention/{mention.start}-{mention.end}")
        out.add(node, RDF.type, CG.Mention)
        out.add(node, CG.mentionOf, entity_iri(mention.entity))
        out.anchor(node, document, mention.start, mention.end)
        out.add(node, CG.inClause, clause_node.get(mention.clause))

    # parties and roles in this document; a statement's bearer (and counterparty) is the party
    # as it acts here: the role of the entity it resolves to, or, when the words name no
    # entity ("each Party", "Licensee" of a form), a role of its own. Every role carries the
    # match keys a name in any spelling is found by (see store.match_key).
    entities = context.entities
    roles_made: dict[str, URIRef] = {}

    def party_role(entity_key: str | None, words: str) -> URIRef:
        key = entity_key or match_key(words)
        if key in roles_made:
            return roles_made[key]
        node = f"{document_iri(doc)}/party/{iri_segment(key)}"
        roles_made[key] = node
        entity = entities.get(entity_key) if entity_key else None
        out.add(node, RDF.type, CG.PartyRole)
        out.add(node, CG.inDocument, doc_node)
        if entity is None:
            out.add(node, CG.name, _text(words))
            out.add(node, CG.isParty, _boolean(False))
            out.add(node, CG.matchKey, _text(key))
            return node
        roles = sorted({role for d, role in entity.roles if d == doc})
        is_party = doc in entity.parties_in
        if is_party:
            out.add(node, RDF.type, CG.ContractParty)
        out.add(node, CG.player, entity_iri(entity.key))
        out.add(node, CG.name, _text(entity.name))
        out.add(node, CG.isParty, _boolean(is_party))
        for role in roles:
            out.add(node, CG.role, _text(role))
        for match in context.match_keys[entity.key]:
            out.add(node, CG.matchKey, _text(match))
        return node

    for entity in context.entities_here:
        party_role(entity.key, entity.name)

    # obligations, prohibitions, permissions, rights, representations
    for statement in document.deontics:
        node = names.mint(f"statement/{statement.start}-{statement.end}")
        out.add(node, RDF.type, CG.DeonticStatement)  # the superclass too: queries need no reasoner
        out.add(node, RDF.type, MODALITY_CLASS[statement.modality])
        out.add(node, CG.modality, _text(statement.modality.value))
        out.anchor(node, document, statement.start, statement.end)
        out.add(node, CG.cleanText, _text(statement.text))
        out.add(node, CG.inClause, clause_node.get(statement.clause))
        out.add(node, CG.trigger, _text(statement.trigger))
        out.add(node, CG.bearerName, _text(statement.bearer))
        out.add(node, CG.bearer, party_role(statement.bearer_entity, statement.bearer))
        if statement.counterparty:
            out.add(node, CG.counterpartyName, _text(statement.counterparty))
            out.add(node, CG.counterparty, party_role(statement.counterparty_entity, statement.counterparty))

    # conditions
    for condition in document.conditions:
        node = names.mint(f"condition/{condition.start}-{condition.end}")
        out.add(node, RDF.type, CG.Condition)
        if condition.kind is ConditionKind.CONDITION_PRECEDENT:
            out.add(node, RDF.type, CG.ConditionPrecedent)
        out.add(node, CG.conditionKind, _text(condition.kind.value))
        out.anchor(node, document, condition.start, condition.end)
        out.add(node, CG.cleanText, _text(condition.text))
        out.add(node, CG.inClause, clause_node.get(condition.clause))
        out.add(node, CG.trigger, _text(condition.trigger))
        if condition.governs:
            out.add(node, CG.governsLabel, _text(condition.governs))
            out.add(node, CG.governs, clause_node.get(condition.governs))

    # cross-references, one node per (reference, target)
    for reference in document.references:
        node = names.mint(f"ref/{reference.start}-{reference.end}")
        source = clause_node.get(reference.source)
        out.add(node, RDF.type, CG.CrossReference)
        out.anchor(node, document, reference.start, reference.end)
        out.add(node, CG.sourceClause, source)
        out.add(node, CG.inClause, source)
        out.add(node, CG.referenceKind, _text(reference.kind))
        if reference.designator:
            out.add(node, CG.designator, _text(reference.designator))
        if reference.target:
            out.add(node, CG.targetLabel, _text(reference.target))
            target = clause_in(reference.target_doc or doc, reference.target)
            out.add(node, CG.targetClause, target)
            if source is not None and target is not None:
                out.add(source, CG.refersTo, target)
        if reference.external:
            authority = authority_iri(reference.external)
            out.add(node, CG.targetAuthority, authority)
            if source is not None:
                out.add(source, CG.citesAuthority, authority)
            for provision in authority_provisions(reference):
                provision_node = authority_iri(provision.name)
                if provision.cited:
                    out.add(node, CG.targetProvision, provision_node)
                if source is not None:  # every level: "cites § 11" holds for a clause citing § 11(f)
                    out.add(source, CG.citesAuthority, provision_node)

    # lint findings
    for number, finding in enumerate(context.findings, start=1):
        node = names.mint(f"finding/{number}")
        out.add(node, RDF.type, CG.Finding)
        out.add(node, CG.inDocument, doc_node)
        out.add(node, CG.findingKind, _text(finding.kind))
        out.add(node, CG.message, _text(finding.message))
        out.add(node, CG.cleanText, _text(finding.text))
        if finding.clause:
            out.add(node, CG.inClause, clause_node.get(finding.clause))
        if finding.start is not None and finding.end is not None:
            out.add(node, _NIF.beginIndex, _offset(finding.start))
            out.add(node, _NIF.endIndex, _offset(finding.end))
            out.add(node, _NIF.anchorOf, _text(document.source[finding.start:finding.end]))
    return out.triples


def _corpus_triples(entities, citations: Citations, context: CorpusContext) -> list[Triple]:
    """Entities and outside authorities: one node each across the whole corpus."""
    out = _Emitter()
    graph_node = ENTITIES_GRAPH
    out.add(graph_node, RDF.type, PROV.Entity)
    out.add(graph_node, PROV.wasAttributedTo, AGENT)
    out.add(AGENT, RDF.type, PROV.SoftwareAgent)
    out.add(AGENT, RDFS.label, _text(f"clausegraph {__version__}"))
    for entity in entities:
        node = entity_iri(entity.key)
        out.add(node, RDF.type, CG.Entity)
        out.add(node, CG.name, _text(entity.name))
        out.add(node, RDFS.label, _text(entity.name))
        out.add(node, CG.entityKind, _text(entity.kind.value))
        for alias in entity.aliases:
            out.add(node, CG.alias, _text(alias))
        for title in entity.titles:
            out.add(node, CG.jobTitle, _text(title))
        for doc in entity.docs:
            if doc in context.built:
                out.add(node, CG.appearsIn, document_iri(doc))
        for key in context.match_keys[entity.key]:
            out.add(node, CG.matchKey, _text(key))
    for name in sorted(citations.authorities):
        node = authority_iri(name)
        out.add(node, RDF.type, CG.ExternalAuthority)
        out.add(node, CG.name, _text(name))
        out.add(node, RDFS.label, _text(name))
    provisions = citations.provisions
    for name in sorted(provisions):
        provision = provisions[name]
        node = authority_iri(name)
        out.add(node, RDF.type, CG.ExternalAuthority)
        out.add(node, RDF.type, CG.AuthorityProvision)
        out.add(node, CG.name, _text(name))
        out.add(node, RDFS.label, _text(name))
        out.add(node, CG.designator, _text(provision.designator))
        out.add(node, CG.provisionOf, authority_iri(provision.parent))
    return out.triples


@dataclass(frozen=True)
class Provision:
    """A provision of an outside act a reference cites: "Securities Act of 1933 § 11(f)"."""

    name: str
    designator: str  # "11(f)"
    parent: str  # the provision or act it is part of: "Securities Act of 1933 § 11"
    cited: bool  # named by the reference itself (not only an enclosing level of one it names)


# How a provision is written after its act's name, by the kind of reference.
PROVISION_SIGNS = {"section": "§", "rule": "Rule", "regulation": "Regulation", "item": "Item"}
# "13, 15(d)", "13 or 15(d)", "5 and 6" name several provisions.
_DESIGNATOR_SPLIT = re.compile(r"\s*(?:,|\bor\b|\band\b|&)\s*")
_LAST_PART = re.compile(r"\([^()]*\)$")


def authority_provisions(reference) -> list[Provision]:
    """The provisions of the outside act a statute reference cites, each with every enclosing
    level: "Section 11(f) of the Act" gives § 11(f) (cited) and § 11, part of the Act."""
    if not reference.external or not reference.designator:
        return []
    sign = PROVISION_SIGNS.get(reference.kind, "§")
    out: dict[str, Provision] = {}
    for designator in filter(None, _DESIGNATOR_SPLIT.split(reference.designator.strip())):
        if not re.match(r"^[\w.\-]+(?:\([\w.\-]+\))*$", designator):
            continue  # not a designator (free words): no provision node
        level, cited = designator, True
        while level:
            enclosing = _LAST_PART.sub("", level)
            parent = f"{reference.external} {sign} {enclosing}" if enclosing and enclosing != level else reference.external
            name = f"{reference.external} {sign} {level}"
            out[name] = Provision(name, level, parent, cited or (name in out and out[name].cited))
            if enclosing == level:
                break
            level, cited = enclosing, False
    return list(out.values())


def _all_entity_keys(entities, documents, term_keys: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """Every match key of every entity: name, aliases, the words of its mentions, its defined terms."""
    names: dict[str, list[str]] = {e.key: [e.name, *e.aliases] for e in entities}
    for terms in term_keys.values():
        for term, key in terms.items():
            names.setdefault(key, []).append(term)
    for _, mentions, _ in documents:
        for mention in mentions:
            names.setdefault(mention.entity, []).append(mention.text)
    return {key: sorted({k for k in map(match_key, words) if k}) for key, words in names.items()}


def _terms_standing_for_entities(entities, documents) -> dict[str, dict[str, str]]:
    """doc → term → Entity.key for a defined term that names one entity of that document.

    A term stands for an entity when the term is one of the entity's aliases (or the words of
    its mentions), or when its definition begins with the entity's name ("COMPANY": "The
    Hartford Financial Services Group, Inc., a Delaware corporation"). Ambiguous terms stand
    for nothing: a missing edge is better than a wrong one.
    """
    mention_words: dict[str, set[str]] = defaultdict(set)
    for _, mentions, _ in documents:
        for mention in mentions:
            mention_words[mention.entity].add(match_key(mention.text))
    here_of: dict[str, list[Entity]] = defaultdict(list)
    for entity in entities:
        for doc in dict.fromkeys([*entity.docs, *entity.parties_in]):
            here_of[doc].append(entity)
    alias_keys = {e.key: {match_key(a) for a in (e.name, *e.aliases)} | mention_words[e.key] for e in entities}
    name_keys = {e.key: match_key(e.name) for e in entities}
    found: dict[str, dict[str, str]] = {}
    for doc, _, terms in documents:
        here = here_of.get(doc, [])
        for term, key, definition in terms:
            by_alias = {e.key for e in here if key in alias_keys[e.key]}
            by_definition = {e.key for e in here if name_keys[e.key] and definition.startswith(name_keys[e.key] + " ")}
            candidates = by_alias or by_definition
            if len(candidates) == 1:
                found.setdefault(doc, {})[term] = candidates.pop()
    return found
