"""The build's fast paths give what the rdflib path gives: N-Quads written straight, the store
bulk-loaded from them, the other formats from the store; entity resolution through indexes."""

from __future__ import annotations

import dataclasses
import gzip
import itertools
import json

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from clausegraph.errors import StoreError
from clausegraph.model import Corpus, EntityKind, Mention
from clausegraph.rdf import CorpusContext, Lit, _nquads, corpus_dataset, corpus_nquads, document_nquads, ontology_nquads
from clausegraph.resolve import resolve_entities
from clausegraph.store import ENTITIES_GRAPH, FORMATS, ONTOLOGY_GRAPH, document_graph_iri, load_store, parse_formats
from test_rdf import DOC, POA_DOC, synthetic_corpus

pytestmark = pytest.mark.filterwarnings("ignore:.*(deprecated|ConjunctiveGraph).*:DeprecationWarning")


def build_nquads(corpus) -> str:
    context = CorpusContext.of(corpus)
    return ontology_nquads() + corpus_nquads(corpus, context) + "".join(document_nquads(d, context) for d in corpus.documents)


@pytest.fixture(scope="module")
def all_formats(tmp_path_factory):
    out = tmp_path_factory.mktemp("formats")
    (out / "dataset.nq").write_text(build_nquads(synthetic_corpus()), encoding="utf-8")
    load_store(out, FORMATS)
    return out


def test_nquads_written_straight_equal_the_rdflib_graphs():
    """Every named graph of the N-Quads text is the graph corpus_dataset builds with rdflib."""
    corpus = synthetic_corpus()
    parsed = rdflib.Dataset()
    parsed.parse(data=build_nquads(corpus), format="nquads")
    expected = corpus_dataset(corpus)
    for graph in (document_graph_iri(DOC), document_graph_iri(POA_DOC), ENTITIES_GRAPH, ONTOLOGY_GRAPH):
        ours, theirs = parsed.graph(rdflib.URIRef(graph)), expected.graph(rdflib.URIRef(graph))
        assert len(ours) and isomorphic(ours, theirs), graph


@pytest.mark.parametrize("text", ['plain', 'a "quoted" word', "back\\slash", "two\nlines\r\n", "tab\there", "ünïcödé ¶"])
def test_literals_survive_nquads_escaping(text):
    line = _nquads([("https://example.org/s", "https://example.org/p", Lit(text))], "https://example.org/g")
    [quad] = list(ox.parse(line.encode(), format=ox.RdfFormat.N_QUADS))
    assert quad.object == ox.Literal(text)


def test_every_format_reads_back_to_the_same_graphs(all_formats):
    """nq.gz, compacted JSON-LD, Turtle per graph and the shards each hold the built graphs."""
    expected = corpus_dataset(synthetic_corpus())
    graphs = (document_graph_iri(DOC), document_graph_iri(POA_DOC), ENTITIES_GRAPH)
    zipped = rdflib.Dataset()
    zipped.parse(data=gzip.decompress((all_formats / "dataset.nq.gz").read_bytes()).decode(), format="nquads")
    jsonld = rdflib.Dataset()
    jsonld.parse(all_formats / "dataset.jsonld", format="json-ld")
    for graph in graphs:
        want = expected.graph(rdflib.URIRef(graph))
        assert isomorphic(zipped.graph(rdflib.URIRef(graph)), want), ("nq.gz", graph)
        assert isomorphic(jsonld.graph(rdflib.URIRef(graph)), want), ("jsonld", graph)
    for stem, graph in (("synthetic-underwriting", graphs[0]), ("entities", ENTITIES_GRAPH)):
        turtle = rdflib.Graph().parse(all_formats / "graphs" / f"{stem}.ttl", format="turtle")
        assert isomorphic(turtle, expected.graph(rdflib.URIRef(graph))), stem
        shard = rdflib.Dataset()
        shard.parse(data=gzip.decompress((all_formats / "shards" / f"{stem}.nq.gz").read_bytes()).decode(), format="nquads")
        assert isomorphic(shard.graph(rdflib.URIRef(graph)), expected.graph(rdflib.URIRef(graph))), stem


def test_jsonld_is_compacted_with_a_context(all_formats):
    data = json.loads((all_formats / "dataset.jsonld").read_text(encoding="utf-8"))
    assert data["@context"]["cg"] == "https://w3id.org/clausegraph/ontology#"
    text = json.dumps(data["@graph"])
    assert '"cg:Clause"' in text and '"nif:beginIndex"' in text
    assert "https://w3id.org/clausegraph/ontology#Clause" not in text


CG = "https://w3id.org/clausegraph/ontology#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


def _block_quads(blocks: dict[str, bytes]) -> tuple[set, set]:
    from clausegraph.store import JSONLD_FIRST, JSONLD_HEAD, JSONLD_TAIL, trig_head

    trig = set(ox.parse(trig_head() + blocks["trig"], format=ox.RdfFormat.TRIG))
    jsonld = (JSONLD_HEAD + JSONLD_FIRST).encode() + blocks["jsonld"] + JSONLD_TAIL.encode()
    return trig, set(ox.parse(jsonld, format=ox.RdfFormat.JSON_LD))


def test_a_graphs_blocks_hold_its_quads_and_leave_literal_text_alone():
    """The byte-level JSON-LD compaction touches IRIs only: literals that look like IRIs, keys
    or "@id" stay as they are; an IRI whose local part opens with "//" stays whole."""
    from clausegraph.store import dataset_blocks

    graph = "https://example.org/g"
    hostile = [CG, f'"{CG}Clause":', f'{{"@id":"{CG}x"}}', f',"{CG}label":"', 'a \\"' + CG + 'q"', RDFS + "label"]
    quads = [ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode(RDFS + "label"), ox.Literal(text), ox.NamedNode(graph))
             for text in hostile]
    quads += [ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode(CG + "//odd"), ox.NamedNode(CG + "Clause"), ox.NamedNode(graph)),
              ox.Quad(ox.NamedNode(CG + "x"), ox.NamedNode(CG + "order"), ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), ox.NamedNode(graph))]
    blocks = dataset_blocks(graph, ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode(), ("trig", "jsonld"))
    trig, jsonld = _block_quads(blocks)
    assert trig == set(quads) and jsonld == set(quads)
    nodes = json.loads(blocks["jsonld"])["@graph"]
    labels = {v["@value"] for node in nodes for v in node.get("rdfs:label", [])}
    assert labels == set(hostile)
    assert any(CG + "//odd" in node for node in nodes)  # kept whole: "cg://odd" would read as an IRI
    assert any(node["@id"] == "cg:x" and node["cg:order"] == [{"@type": "xsd:integer", "@value": "3"}] for node in nodes)


def test_a_subject_is_written_once_in_a_documents_blocks():
    """rdf.py puts each subject's triples together, so TriG and JSON-LD write each subject once
    even where its triples were made at different times (a reference's target, a term's uses)."""
    from clausegraph.store import dataset_blocks

    corpus = synthetic_corpus()
    context = CorpusContext.of(corpus)
    graph = document_graph_iri(DOC)
    document = next(d for d in corpus.documents if d.doc_id == DOC)
    blocks = dataset_blocks(graph, document_nquads(document, context), ("trig", "jsonld"))
    ids = [node["@id"] for node in json.loads(blocks["jsonld"])["@graph"]]
    assert len(ids) > 20 and len(ids) == len(set(ids))


def _document_blocks_both_ways(document, context):
    """rdf.py's own TriG and JSON-LD blocks of a document's graph, and Oxigraph's of its N-Quads."""
    from clausegraph.rdf import document_graph_texts
    from clausegraph.store import dataset_blocks

    ours = document_graph_texts(document, context, ("trig", "jsonld"))
    theirs = dataset_blocks(document_graph_iri(document.doc_id), ours["nq"], ("trig", "jsonld"))
    return ours, theirs


@pytest.mark.parametrize("name", ["alliance_aura_zanotti_2010.txt", "amendment_netgear_ingram_1996.txt"])
def test_a_documents_trig_and_jsonld_blocks_are_oxigraphs_to_the_byte(name):
    """The blocks written from the triples are what Oxigraph's serialisers write from the N-Quads."""
    from pathlib import Path

    from clausegraph.build import process_document

    document = process_document(Path(__file__).parent / "corpus" / "dev" / name)
    ours, theirs = _document_blocks_both_ways(document, CorpusContext.of(Corpus(documents=(document,))))
    assert len(ours["nq"].splitlines()) > 500
    assert ours["trig"].encode("utf-8") == theirs["trig"]
    assert ours["jsonld"].encode("utf-8") == theirs["jsonld"]


def test_the_written_blocks_keep_every_literal_and_iri_exactly():
    """Literals with quotes, backslashes, tabs, control characters, line breaks, JSON or TriG
    syntax and IRIs in them, and datatyped values, read back (Oxigraph and rdflib) as written."""
    from clausegraph.rdf import Lit, _nquads, jsonld_block, trig_block
    from clausegraph.store import JSONLD_FIRST, JSONLD_HEAD, JSONLD_TAIL, trig_head

    graph, s = "https://w3id.org/clausegraph/id/x/graph", "https://w3id.org/clausegraph/id/x/sec_1"
    texts = ['say "no"', "back\\slash\\", "tab\there", "bell\x07", "two\nlines\r\n", "ünï ¶ 😀", "} .\n<a> <b> <c> .",
             '{"@id": "cg:x"}', CG + "Clause", "", " ", "a ; b , c ."]
    triples = [(s, RDFS + "label", Lit(t)) for t in texts]
    triples += [(s, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", CG + "Clause"),
                (s, CG + "order", Lit("7", "http://www.w3.org/2001/XMLSchema#integer")),
                (s, CG + "order", Lit("07x", "http://www.w3.org/2001/XMLSchema#integer")),  # ill-typed: quoted
                (s, CG + "isParty", Lit("true", "http://www.w3.org/2001/XMLSchema#boolean")),
                (s, CG + "when", Lit("2020-01-02", "http://www.w3.org/2001/XMLSchema#date")),
                (s, "https://example.org/odd.name", "https://example.org/o"),
                (CG + "//odd", CG + "parent", s)]
    # a predicate again after others, for the same subject
    triples.insert(-1, (s, CG + "order", Lit("8", "http://www.w3.org/2001/XMLSchema#integer")))
    want = set(ox.parse(_nquads(triples, graph).encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    trig = trig_head() + trig_block(triples, graph).encode("utf-8")
    jsonld = (JSONLD_HEAD + JSONLD_FIRST + jsonld_block(triples, graph) + JSONLD_TAIL).encode("utf-8")
    assert set(ox.parse(trig, format=ox.RdfFormat.TRIG)) == want
    assert set(ox.parse(jsonld, format=ox.RdfFormat.JSON_LD)) == want

    def once_each(pairs):  # no key twice in one object (a JSON reader would keep only one)
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    json.loads(jsonld_block(triples, graph), object_pairs_hook=once_each)
    expected = rdflib.Dataset()
    expected.parse(data=_nquads(triples, graph), format="nquads")
    for data, fmt in ((trig, "trig"), (jsonld, "json-ld")):
        parsed = rdflib.Dataset()
        parsed.parse(data=data.decode("utf-8"), format=fmt)
        assert isomorphic(parsed.graph(rdflib.URIRef(graph)), expected.graph(rdflib.URIRef(graph))), fmt


def test_parse_formats():
    assert parse_formats("trig,jsonld") == ("nq", "trig", "jsonld")
    assert parse_formats("all") == tuple(FORMATS)
    assert parse_formats("") == ("nq",)
    with pytest.raises(StoreError, match="unknown format 'xml'"):
        parse_formats("trig,xml")


# --- entity resolution through indexes --------------------------------------------------------


def pairwise_variants(keys: list[str]) -> set[frozenset[str]]:
    """The definition, checked on every pair: same number of words (3 or more), one word differs,
    by one letter, in a word of four letters or more, not a roman numeral."""
    import re

    pairs = set()
    for a, b in itertools.combinations(keys, 2):
        ta, tb = a.split("-"), b.split("-")
        if len(ta) != len(tb) or len(ta) < 3:
            continue
        diff = [(x, y) for x, y in zip(ta, tb) if x != y]
        if len(diff) != 1:
            continue
        x, y = diff[0]
        if len(x) == len(y) >= 4 and x.isalpha() and y.isalpha() and not re.fullmatch(r"[ivxlc]+", x) \
                and not re.fullmatch(r"[ivxlc]+", y) and sum(p != q for p, q in zip(x, y)) == 1:
            pairs.add(frozenset((a, b)))
    return pairs


def test_name_variants_found_by_index_are_those_of_the_pairwise_definition():
    names = ["bank-one-capital-markets-inc", "banc-one-capital-markets-inc", "bank-one-capital-market-inc",
             "acme-widget-holdings-llc", "acme-widget-holding-llc", "acme-gadget-holdings-llc",
             "fund-ii-partners-lp", "fund-iv-partners-lp", "beta-foods-co", "beta-food-co", "delta-air-lines-inc",
             "delta-air-linez-inc", "delta-air-lines-corp"]
    document = synthetic_corpus().documents[0]
    mentions = tuple(
        Mention(entity=key, doc=document.doc_id, clause="", start=i, end=i + 1, text=key, name=key.replace("-", " "),
                kind=EntityKind.ORGANIZATION, form="name")
        for i, key in enumerate(names)
    )
    [resolved], _ = resolve_entities([dataclasses.replace(document, mentions=mentions, deontics=())])
    final = {m.text: m.entity for m in resolved.mentions if m.form == "name"}  # mention words → entity
    assert set(final) == set(names)
    by_entity: dict[str, set[str]] = {}
    for key, entity in final.items():
        by_entity.setdefault(entity, set()).add(key)
    groups = [group for group in by_entity.values() if len(group) > 1]
    # Connected components of the pairwise relation.
    expected: list[set[str]] = []
    for pair in pairwise_variants(names):
        touching = [g for g in expected if g & pair]
        union = set(pair).union(*touching)
        expected = [g for g in expected if not (g & pair)] + [union]
    assert sorted(map(sorted, groups)) == sorted(map(sorted, expected))
