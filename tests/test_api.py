"""The Python API (README, "Python API"): `import clausegraph` and the functions a notebook uses."""

from __future__ import annotations

import subprocess
import sys

import pytest

import clausegraph
from clausegraph.errors import InputError, QueryError, StoreError
from conftest import CORPUS, POA, UA

pytestmark = pytest.mark.filterwarnings("ignore:.*(deprecated|ConjunctiveGraph).*:DeprecationWarning")


def test_import_is_light():
    """`import clausegraph` loads none of spaCy, rdflib, Oxigraph (each function imports its own)."""
    code = "import sys, clausegraph; print(sorted({m.split('.')[0] for m in sys.modules} & {'spacy', 'rdflib', 'pyoxigraph', 'networkx'}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_public_names_are_documented():
    for name in clausegraph.__all__:
        assert getattr(clausegraph, name) is not None
        if callable(getattr(clausegraph, name)):
            assert getattr(clausegraph, name).__doc__


def test_read_gives_a_tagged_document():
    doc = clausegraph.read(CORPUS / f"{POA}.txt")
    assert doc.doc_id == POA
    assert [c.label for c in doc.clauses][:2] == ["p1", "p2"]
    assert doc.clause("p2(i)") is not None
    assert doc.mentions and doc.conditions
    source = (CORPUS / f"{POA}.txt").read_text(encoding="utf-8")
    for m in doc.mentions:
        assert " ".join(source[m.start:m.end].split()) == " ".join(m.text.split())  # offsets into the file


def test_read_bad_input_raises_a_clear_error(tmp_path):
    blob = tmp_path / "blob.txt"
    blob.write_bytes(b"\x00\x01\x02")
    with pytest.raises(InputError, match="blob.txt"):
        clausegraph.read(blob)


@pytest.fixture(scope="module")
def corpus():
    return clausegraph.corpus(CORPUS)


def test_corpus_is_what_build_resolves(corpus, built):
    report, _ = built
    assert [d.doc_id for d in corpus.documents] == [d.doc_id for d in report.corpus.documents]
    assert corpus.entities == report.corpus.entities
    assert corpus.findings == report.corpus.findings
    ua = next(d for d in corpus.documents if d.doc_id == UA)
    assert any(r.source == "12" and r.target == "8(c)" for r in ua.references)


def test_corpus_names_every_file_it_cannot_read(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\x00")
    (tmp_path / "b.txt").write_text("", encoding="utf-8")
    with pytest.raises(InputError) as error:
        clausegraph.corpus([tmp_path])
    assert "a.txt" in str(error.value) and "b.txt" in str(error.value)


def test_dataset_of_a_corpus_and_of_the_built_store(corpus, built):
    from rdflib import Dataset, URIRef

    from clausegraph.store import document_graph_iri, open_store

    in_memory = clausegraph.dataset(corpus)
    assert isinstance(in_memory, Dataset)
    graphs = {str(g.identifier) for g in in_memory.graphs()}
    assert {document_graph_iri(d.doc_id) for d in corpus.documents} <= graphs
    labels = in_memory.query(
        "PREFIX cg: <https://w3id.org/clausegraph/ontology#> SELECT ?l WHERE { GRAPH ?g { ?c cg:label ?l } } ",
    )
    assert "8(c)" in {str(row.l) for row in labels}

    _, out = built
    from_store = clausegraph.dataset(out)
    assert sum(len(from_store.graph(URIRef(g))) for g in open_store(out).named_graphs()) == len(open_store(out))


def test_dataset_of_one_document():
    doc = clausegraph.read(CORPUS / f"{POA}.txt")
    graphs = {str(g.identifier) for g in clausegraph.dataset(doc).graphs()}
    assert any(POA in g for g in graphs)


def test_query_named_text_and_errors(built):
    _, out = built
    rows = clausegraph.query("refs-from", out, doc=UA, label="12")
    assert [(r["source"], r["target"]) for r in rows] == [("12", "8(c)")]
    (count,) = clausegraph.query("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?x <https://w3id.org/clausegraph/ontology#documentId> ?d }", out)
    assert count["n"] == 4
    assert clausegraph.query("obligations-by-party", out, party="the Company", doc=UA)  # as --bind party=
    with pytest.raises(QueryError, match=r"refs-from needs \?label"):
        clausegraph.query("refs-from", out, doc=UA)
    with pytest.raises(QueryError, match="unknown prefix 'cg:'"):
        clausegraph.query("SELECT * { ?s cg:label ?o }", out)
    with pytest.raises(QueryError, match="refused"):
        clausegraph.query("DROP ALL", out)
    with pytest.raises(StoreError, match="nothing built"):
        clausegraph.query("documents", out / "nowhere")


def test_named_queries():
    queries = {q.name: q for q in clausegraph.named_queries()}
    assert queries["refs-from"].required == ("doc", "label")
    assert queries["documents"].parameters == ()


def test_build_writes_the_outputs(tmp_path):
    report = clausegraph.build_outputs([CORPUS / f"{POA}.txt"], tmp_path / "out")
    assert report.ok and [d.doc_id for d in report.corpus.documents] == [POA]
    assert clausegraph.query("documents", tmp_path / "out")[0]["doc"] == POA


def test_api_functions_survive_importing_the_submodules():
    import clausegraph.build  # noqa: F401  (a submodule import sets the package attribute of its name)
    import clausegraph.store  # noqa: F401

    for name in ("read", "corpus", "build_outputs", "dataset", "query", "named_queries"):
        assert callable(getattr(clausegraph, name)) and not isinstance(getattr(clausegraph, name), type(clausegraph))
