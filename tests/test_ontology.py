"""The ontology (ontology/*.ttl), its generated Python namespace, and the named query files."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from clausegraph import namespace
from clausegraph.namespace import CG, CG_IRI
from clausegraph.rdf import corpus_graphs, ontology_graph
from clausegraph.store import ontology_dir, queries_dir
from test_rdf import synthetic_corpus

# rdflib 7.6 and pyshacl warn about their own Dataset internals on every parse; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:.*(deprecated|ConjunctiveGraph).*:DeprecationWarning")

LKIF = "http://www.estrellaproject.org/lkif-core/"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_dir() / "clausegraph.ttl", format="turtle")


@pytest.fixture(scope="module")
def alignment() -> Graph:
    return Graph().parse(ontology_dir() / "alignment.ttl", format="turtle")


def test_generated_namespace_matches_the_turtle():
    """graph/namespace.py's CG class is exactly what the generator makes from clausegraph.ttl."""
    module = Path(namespace.__file__)
    assert namespace.generated_block(module) == namespace.render_class(ontology_dir() / "clausegraph.ttl")


def test_namespace_fails_on_unknown_terms():
    """_fail = True: a misspelt term raises instead of minting a new IRI."""
    assert CG.Clause == URIRef(CG_IRI + "Clause")
    with pytest.raises(AttributeError):
        CG.Clasue  # noqa: B018


def test_every_term_has_label_and_comment(ontology):
    """Each class and property of the cg: namespace has an rdfs:label and an rdfs:comment."""
    terms = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(CG_IRI)}
    assert len(terms) >= 60
    missing = [t for t in terms if ontology.value(t, RDFS.label) is None or ontology.value(t, RDFS.comment) is None]
    assert missing == []


def test_ontology_has_stable_iri_and_version(ontology):
    """The ontology has its namespace IRI, a version IRI and owl:versionInfo."""
    header = URIRef("https://w3id.org/clausegraph/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert str(ontology.value(header, OWL.versionInfo)) == "0.1.0"
    assert ontology.value(header, OWL.versionIRI) is not None


def test_builder_uses_only_declared_terms():
    """Every cg: class and property in a built graph is declared in the ontology."""
    declared = {str(t) for t in CG.__annotations__}
    used = set()
    for graph, triples in corpus_graphs(synthetic_corpus(), with_ontology=False).graphs.items():
        for s, p, o in triples:
            used |= {str(x)[len(CG_IRI):] for x in (p, o) if str(x).startswith(CG_IRI)}
    assert used and used <= declared, used - declared


@pytest.mark.parametrize(
    "subject, predicate, obj",
    [
        ("cg:TextAnchor", RDFS.subClassOf, "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#String"),
        ("cg:inDocument", RDFS.subPropertyOf, "http://www.w3.org/ns/prov#wasDerivedFrom"),
        ("cg:DefinedTerm", RDFS.subClassOf, "http://www.w3.org/2004/02/skos/core#Concept"),
        ("cg:documentId", RDFS.subPropertyOf, "http://purl.org/dc/terms/identifier"),
        ("cg:Obligation", RDFS.subClassOf, "http://docs.oasis-open.org/legalruleml/ns/v1.0/Obligation"),
        ("cg:Prohibition", RDFS.subClassOf, "http://docs.oasis-open.org/legalruleml/ns/v1.0/Prohibition"),
        ("cg:bearer", RDFS.subPropertyOf, "http://www.w3.org/ns/odrl/2/assignee"),
        ("cg:counterparty", RDFS.subPropertyOf, "http://www.w3.org/ns/odrl/2/assigner"),
        ("cg:ContractParty", RDFS.subClassOf, "https://spec.edmcouncil.org/fibo/ontology/FND/Agreements/Contracts/ContractParty"),
        ("cg:ConditionPrecedent", RDFS.subClassOf, "https://spec.edmcouncil.org/fibo/ontology/FND/Agreements/Contracts/ConditionPrecedent"),
        ("cg:Obligation", SKOS.closeMatch, LKIF + "norm.owl#Obligation"),
    ],
)
def test_alignment_maps_to_standards(alignment, subject, predicate, obj):
    """alignment.ttl states the mappings the issue asks for (NIF, PROV, SKOS, DCTERMS, LRML, ODRL, FIBO, LKIF)."""
    assert (URIRef(CG_IRI + subject[3:]), predicate, URIRef(obj)) in alignment


def test_lkif_only_through_close_match(alignment):
    """LKIF appears only as the object of skos:closeMatch, never in a typing or subclass axiom."""
    for s, p, o in alignment:
        if LKIF in str(o) or LKIF in str(s):
            assert p == SKOS.closeMatch and LKIF in str(o), (s, p, o)


def test_no_built_node_is_typed_with_an_outside_deontic_class():
    """The builder never types statements with LKIF (or other outside deontic) classes."""
    for graph, triples in corpus_graphs(synthetic_corpus(), with_ontology=False).graphs.items():
        for s, p, o in triples:
            if p == RDF.type:
                assert LKIF not in str(o) and "legalruleml" not in str(o), (s, o)


def test_ontology_graph_holds_ontology_and_alignment():
    """The ontology graph loaded into every build holds both Turtle files."""
    graph = ontology_graph()
    assert (CG.Clause, RDF.type, OWL.Class) in graph
    assert (CG.DefinedTerm, RDFS.subClassOf, SKOS.Concept) in graph


@pytest.mark.parametrize("path", sorted(queries_dir().glob("*.rq")), ids=lambda p: p.stem)
def test_query_files_document_themselves_and_parse(path):
    """Each .rq begins with a comment (what it answers, parameters, example) and parses."""
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    comment = "\n".join(header)
    assert header and "Answers:" in comment and "Parameters" in comment and "Example:" in comment
    assert f"clausegraph query {path.stem}" in comment
    ox.Store().query(text)  # raises SyntaxError when malformed


@pytest.mark.slow
def test_non_editable_install_finds_ontology_and_queries(tmp_path, built):
    """`pip install .` (not editable) ships the ontology and queries, and query commands find them."""
    import shutil
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    source = tmp_path / "src"  # a copy, so the build leaves no build/ folder in the work tree
    for name in ("graph", "ontology"):
        shutil.copytree(root / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        if (root / name).exists():
            shutil.copy(root / name, source / name)
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(source)],
        capture_output=True, text=True, timeout=600,
    )
    if install.returncode != 0 and ("Could not find a version" in install.stderr or "connection" in install.stderr.lower()):
        pytest.skip(f"pip cannot fetch the build backend here: {install.stderr.strip().splitlines()[-1]}")
    assert install.returncode == 0, install.stderr[-2000:]
    check = (
        "import clausegraph, clausegraph.store as s, sys; "
        f"assert clausegraph.__file__.startswith({str(target)!r}), clausegraph.__file__; "
        f"assert str(s.ontology_dir()).startswith({str(target)!r}), s.ontology_dir(); "
        "print(len(s.query_names()))"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    found = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert found.returncode == 0, found.stderr[-2000:]
    assert int(found.stdout) == len(list(queries_dir().glob("*.rq")))
    command = subprocess.run(
        [sys.executable, "-m", "clausegraph.cli", "query", "documents", "--store", str(built[1]), "--format", "csv"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert command.returncode == 0, command.stderr[-2000:]
    assert "hig-underwriting-agreement-2004" in command.stdout
