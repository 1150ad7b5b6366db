"""SHACL (ontology/shapes.ttl): the built corpus conforms, and the shapes catch broken graphs."""

from __future__ import annotations

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef

from clausegraph.namespace import CG
from clausegraph.rdf import NIF, corpus_graphs
from clausegraph.store import ontology_dir
from test_rdf import DOC, synthetic_corpus

# rdflib 7.6 and pyshacl warn about their own Dataset internals on every parse; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:.*(deprecated|ConjunctiveGraph).*:DeprecationWarning")

ID = "https://w3id.org/clausegraph/id/"


def data_graph(corpus) -> Graph:
    """The union of the corpus and document graphs (references cross graphs: entities, authorities)."""
    graph = Graph()
    for triples in corpus_graphs(corpus, with_ontology=False).graphs.values():
        for triple in triples:
            graph.add(triple)
    return graph


def validate(graph: Graph) -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(
        graph, shacl_graph=str(ontology_dir() / "shapes.ttl"), shacl_graph_format="turtle", inference="none",
    )
    return conforms, text


@pytest.mark.slow
def test_built_corpus_conforms(corpus):
    """The whole real corpus validates against the shapes with zero violations."""
    conforms, text = validate(data_graph(corpus))
    assert conforms, text[:3000]


def test_synthetic_corpus_with_every_record_type_conforms():
    """Every record type the builder emits conforms to its shape."""
    conforms, text = validate(data_graph(synthetic_corpus()))
    assert conforms, text[:3000]


CLAUSE = URIRef(f"{ID}{DOC}/sec_8__subsec_a")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda g: g.remove((CLAUSE, CG.label, None)), "label"),  # a clause without its label
        (lambda g: g.add((CLAUSE, NIF.beginIndex, Literal(-1))), "beginIndex"),  # a second, negative offset
        (lambda g: g.set((CLAUSE, CG.clauseKind, Literal("chapterette"))), "clauseKind"),  # unknown kind
        (lambda g: g.set((CLAUSE, CG.parent, URIRef(ID + "nowhere"))), "parent"),  # parent is no clause
        (lambda g: g.set((CLAUSE, NIF.endIndex, Literal(0))), "beginIndex"),  # end before start
        (lambda g: g.remove((None, CG.bearer, None)), "bearer"),  # statements without a bearer
        (lambda g: g.remove((None, CG.matchKey, None)), "matchKey"),  # party roles without match keys
    ],
)
def test_shapes_catch_broken_graphs(change, message):
    """A graph broken in one way fails validation, and the report names the property."""
    graph = data_graph(synthetic_corpus())
    change(graph)
    conforms, text = validate(graph)
    assert not conforms
    assert message in text
