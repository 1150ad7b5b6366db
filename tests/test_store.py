"""The embedded store (graph/store.py): written at build time, opened read-only, bound queries."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from clausegraph.errors import QueryError, StoreError
from clausegraph.rdf import corpus_dataset, corpus_graphs
from clausegraph.store import (
    DATASET_FILES, DEFAULT_FORMATS, ENTITIES_GRAPH, FORMATS, ONTOLOGY_GRAPH, document_graph_iri, load_query,
    open_store, query_names, to_term, write_store,
)
from test_rdf import DOC, POA_DOC, synthetic_corpus

# rdflib 7.6 and pyshacl warn about their own Dataset internals on every parse; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:.*(deprecated|ConjunctiveGraph).*:DeprecationWarning")


@pytest.fixture(scope="module")
def synthetic_out(tmp_path_factory):
    """An outputs-like folder holding the synthetic corpus's store and every dataset file."""
    out = tmp_path_factory.mktemp("synthetic-store")
    write_store(corpus_graphs(synthetic_corpus()).quads(), out, formats=FORMATS)
    return out


@pytest.fixture(scope="module")
def store(synthetic_out):
    return open_store(synthetic_out)


def rdflib_quads(corpus) -> set[str]:
    """The corpus's quads as N-Quads lines, made by rdflib (independent of Oxigraph)."""
    text = corpus_dataset(corpus).serialize(format="nquads")
    return {line for line in text.splitlines() if line.strip()}


def test_interface_named_graphs_and_document_graph_iri(store):
    """named_graphs() lists the ontology, corpus and per-document graphs under the stated IRIs."""
    assert store.named_graphs() == sorted([
        ONTOLOGY_GRAPH, ENTITIES_GRAPH,
        "https://w3id.org/clausegraph/id/synthetic-underwriting/graph",
        "https://w3id.org/clausegraph/id/synthetic-poa/graph",
    ])
    assert document_graph_iri(DOC) == "https://w3id.org/clausegraph/id/synthetic-underwriting/graph"


def test_store_holds_exactly_the_built_quads(store):
    """The store's quads equal rdflib's serialisation of the same records, quad for quad."""
    ours = {line for line in store.store.dump(format=ox.RdfFormat.N_QUADS).decode().splitlines() if line.strip()}
    theirs = rdflib_quads(synthetic_corpus())
    as_set = lambda lines: {q for q in rdflib.Dataset().parse(data="\n".join(lines), format="nquads").quads()}  # noqa: E731
    assert as_set(ours) == as_set(theirs)


@pytest.mark.parametrize("name, fmt", [("nq", "nquads"), ("trig", "trig"), ("jsonld", "json-ld")])
def test_dataset_files_read_back_to_the_same_graphs(synthetic_out, name, fmt):
    """dataset.nq, dataset.trig and dataset.jsonld each parse back to the built graphs."""
    expected = corpus_dataset(synthetic_corpus())
    parsed = rdflib.Dataset()
    parsed.parse(synthetic_out / DATASET_FILES[name], format=fmt)
    for graph in (document_graph_iri(DOC), document_graph_iri(POA_DOC), ENTITIES_GRAPH):
        assert isomorphic(parsed.graph(rdflib.URIRef(graph)), expected.graph(rdflib.URIRef(graph))), (name, graph)


def test_graph_dumps_hold_one_graph(store):
    """graph_ntriples / graph_nquads give one named graph's triples (for Graph Store PUT)."""
    graph = document_graph_iri(POA_DOC)
    triples = rdflib.Graph().parse(data=store.graph_ntriples(graph).decode(), format="nt")
    expected = corpus_dataset(synthetic_corpus()).graph(rdflib.URIRef(graph))
    assert isomorphic(triples, expected)
    quads = store.graph_nquads(graph).decode().splitlines()
    assert quads and all(line.rstrip(" .").endswith(f"<{graph}>") for line in quads)


def test_bound_value_is_a_term_not_query_text(store):
    """An injection attempt bound as a party key is a string that matches nothing."""
    evil = 'company" } ; DROP ALL ; #'
    assert store.run("obligations-by-party", {"partyKey": evil}) == []
    assert len(store.run("obligations-by-party", {"partyKey": "company"})) == 3
    assert len(store) > 0  # nothing was dropped


@pytest.mark.parametrize(
    "sparql, bindings, message",
    [
        ("SELEC ?x WHERE {}", None, "malformed SPARQL"),  # parser error, with its position
        ("SELECT ?s WHERE { ?s ?p ?o }", {"nope": "x"}, r"no variable \?nope"),  # typo in a binding
        ("SELECT ?s WHERE { ?s ?p ?o }", {"not a var": "x"}, "not a SPARQL variable"),  # bad name
        ("SELECT ?s WHERE { ?s ?p ?o }", {"s": 3.5}, "cannot bind"),  # unsupported Python value
    ],
)
def test_query_errors_are_query_errors(store, sparql, bindings, message):
    """Bad queries and bindings raise QueryError with a clear message."""
    with pytest.raises(QueryError, match=message):
        store.query(sparql, bindings)


def test_store_is_read_only(store):
    """The store opened for queries refuses updates."""
    with pytest.raises(RuntimeError):
        store.store.update("DROP ALL")
    assert len(store) > 0


@pytest.mark.parametrize(
    "value, expected",
    [
        ("8(c)", ox.Literal("8(c)")),  # strings are plain literals
        (rdflib.URIRef("https://example.org/x"), ox.NamedNode("https://example.org/x")),  # rdflib IRIs
        (rdflib.Literal("x", lang="en"), ox.Literal("x", language="en")),  # language tags survive
        (True, ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))),
        (7, ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
    ],
)
def test_to_term_converts_bindings(value, expected):
    """Bindings become RDF terms: str → literal, rdflib terms → pyoxigraph terms."""
    assert to_term(value) == expected


def test_open_store_without_a_build_fails_clearly(tmp_path):
    """No store: StoreError naming the folder and telling the user to build."""
    with pytest.raises(StoreError, match="nothing built yet"):
        open_store(tmp_path)
    (tmp_path / "manifest.json").write_text("{}")
    with pytest.raises(StoreError, match="rebuild"):
        open_store(tmp_path)


def test_named_queries_exist_and_unknown_names_fail():
    """Every issue query is a named file; an unknown name lists the known ones."""
    names = set(query_names())
    assert {"obligations-by-party", "refs-from", "refs-to", "refs-transitive", "term-uses", "parties",
            "conditions-of-clause", "authorities", "broken-references"} <= names
    with pytest.raises(QueryError, match="named queries: "):
        load_query("no-such-query")
    with pytest.raises(QueryError, match="no such query file"):
        load_query("missing.rq")


def test_real_build_writes_store_and_dataset(built):
    """`build` leaves store/ and the default dataset files in outputs/ (and no other), and the store opens."""
    _, out = built
    for fmt, name in DATASET_FILES.items():
        assert (out / name).exists() == (fmt in DEFAULT_FORMATS), name
        if fmt in DEFAULT_FORMATS:
            assert (out / name).stat().st_size > 0
    store = open_store(out)
    assert document_graph_iri("hig-underwriting-agreement-2004") in store.named_graphs()
    assert not list(out.glob(".build-*"))  # staging folder swapped away
