"""`build --formats shards` writes one gzipped N-Quads file per named graph for an external
store's bulk loader: Virtuoso's (ld_dir + rdf_loader_run, through isql-vt) loads them as they
are and then holds the same triples in each named graph as the local store."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from clausegraph.build import build
from clausegraph.store import open_store
from support.virtuoso import running_virtuoso, virtuoso_available
from test_incremental import TEXTS, write_corpus

pytestmark = pytest.mark.virtuoso

OURS = "https://w3id.org/clausegraph/"  # Virtuoso also lists system graphs of its own
DEFAULT_GRAPH = "urn:clausegraph:test:no-graph"  # where the loader puts triples without a graph


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shards")
    write_corpus(folder / "in", TEXTS)
    report = build([folder / "in"], folder / "out", jobs=1, cache=False, formats=("nq", "shards"))
    assert report.ok
    return folder / "out"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory, built):
    reason = virtuoso_available()
    if reason:
        pytest.skip(reason)
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso"), dirs_allowed=[built / "shards"]) as vt:
        yield vt


def select(vt, query: str) -> list[dict]:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(vt.sparql_url, data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["results"]["bindings"]


def local_graphs(out) -> dict[str, rdflib.Graph]:
    """Each named graph of the local store, as an rdflib graph (for comparing blank nodes by isomorphism)."""
    store = open_store(out)
    try:
        graphs = {}
        for iri in store.named_graphs():
            triples = (q.triple for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))
            text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
            graphs[iri] = rdflib.Graph().parse(data=text, format="nt")
        return graphs
    finally:
        del store


def remote_graph(vt, iri: str) -> rdflib.Graph:
    """One named graph as Virtuoso holds it (Graph Store Protocol GET, N-Triples)."""
    request = urllib.request.Request(vt.graph_url(iri), headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return rdflib.Graph().parse(data=response.read().decode("utf-8"), format="nt")


def test_virtuoso_bulk_loads_the_shards_into_the_same_named_graphs(built, virtuoso):
    shards = sorted((built / "shards").glob("*.nq.gz"))
    local = local_graphs(built)
    assert len(shards) == len(local) == 5  # three documents, the entities graph, the ontology

    loaded = virtuoso.bulk_load(built / "shards", "*.nq.gz", default_graph=DEFAULT_GRAPH)
    assert [name for name, _ in loaded] == [str(p.resolve()) for p in shards]
    assert [error for _, error in loaded if error] == []

    rows = select(virtuoso, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    counts = {r["g"]["value"]: int(r["n"]["value"]) for r in rows}
    assert DEFAULT_GRAPH not in counts  # every quad carried its own graph
    assert {g: n for g, n in counts.items() if g.startswith(OURS)} == {g: len(t) for g, t in local.items()}
    for iri, expected in local.items():
        held = remote_graph(virtuoso, iri)
        if not isomorphic(held, expected):
            _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(held))
            pytest.fail(f"{iri}: Virtuoso lacks {sorted(missing)[:3]} and adds {sorted(extra)[:3]}")
