"""A named query about one document runs over that document's graphs only (store.GraphStore.run):
it must answer exactly what the query over the union of every graph answers."""

from __future__ import annotations

import pytest

from clausegraph.store import DOCUMENT_QUERIES, load_query, open_store

LABELS = ("1", "2", "5", "8", "8(c)", "9")


@pytest.fixture(scope="module")
def store(built):
    _, out = built
    return open_store(out)


def test_document_queries_answer_as_over_the_whole_corpus(store):
    docs = [row["doc"] for row in store.select(
        "PREFIX cg: <https://w3id.org/clausegraph/ontology#> SELECT ?doc WHERE { ?d a cg:Document ; cg:documentId ?doc }")]
    assert len(docs) >= 2
    compared = 0
    for name in sorted(DOCUMENT_QUERIES):
        text = load_query(name)
        for doc in docs:
            for label in (LABELS if "?label" in text else (None,)):
                bindings = {"doc": doc} | ({"label": label} if label else {})
                scoped, everywhere = store.run(name, bindings), store.select(text, bindings)
                key = lambda row: sorted((k, str(v)) for k, v in row.items())  # noqa: E731
                assert sorted(scoped, key=key) == sorted(everywhere, key=key), (name, bindings)
                compared += bool(everywhere)
    assert compared > 20  # most queries answered something to compare


def test_graphs_around_a_document_include_the_documents_it_cites(tmp_path):
    """A reference into another document brings that document's graph into the query."""
    from clausegraph.rdf import corpus_graphs
    from clausegraph.store import document_graph_iri, write_store
    from test_rdf import synthetic_corpus

    corpus = synthetic_corpus()
    write_store(corpus_graphs(corpus).quads(), tmp_path)
    store = open_store(tmp_path)
    for document in corpus.documents:
        around = set(store.graphs_around(document.doc_id))
        cited = {r.target_doc for r in document.references if r.target and r.target_doc and r.target_doc != document.doc_id}
        assert document_graph_iri(document.doc_id) in around
        assert {document_graph_iri(d) for d in cited} <= around
        others = around - {document_graph_iri(document.doc_id)} - {document_graph_iri(d) for d in cited}
        assert all("/entities/" in g or g.endswith("/ontology") for g in others), others
