"""Incremental builds: only documents whose content (or clausegraph's code) changed are processed
again; a removed document's named graph and pages go; the outputs equal a build from scratch."""

from __future__ import annotations

import json

import pytest

import clausegraph.build as build_module
from clausegraph.build import DocumentCache, build
from clausegraph.store import document_graph_iri, open_store

TEXTS = {
    "services": "SERVICES AGREEMENT\n\nThis Agreement is made between Acme Widgets, Inc. (the \"Provider\") and "
                "Beta Foods LLC (the \"Client\").\n\n1. Services. The Provider shall provide the Services to the "
                "Client.\n\n2. Fees. The Client shall pay the fees set out in Section 1 within 30 days.\n",
    "loan": "LOAN AGREEMENT\n\n1. Loan. The Lender shall lend the Borrower the Amount.\n\n2. Repayment. The "
            "Borrower shall repay the Amount under Section 1.\n\n3. Notices. Each party may give notice in writing.\n",
    "lease": "LEASE\n\n1. Premises. The Landlord shall lease the Premises to the Tenant.\n\n2. Rent. The Tenant "
             "shall pay rent monthly, subject to Section 1.\n",
}


@pytest.fixture
def processed(monkeypatch):
    """The files the per-document stage actually processed (cache misses), in order."""
    seen: list[str] = []
    real = build_module.process_document

    def counting(path):
        seen.append(path.name)
        return real(path)

    monkeypatch.setattr(build_module, "process_document", counting)
    return seen


def write_corpus(folder, texts):
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")


def graph_lines(out) -> list[str]:
    """The document and corpus graphs' quads (the ontology graph's blank nodes are relabelled per build)."""
    lines = (out / "dataset.nq").read_text(encoding="utf-8").splitlines()
    return sorted(line for line in lines if not line.endswith("<https://w3id.org/clausegraph/ontology> ."))


def store_lines(out) -> list[str]:
    """What the store holds, in the same form (the ontology graph by its size only)."""
    import pyoxigraph as ox

    store = open_store(out)
    try:
        lines = store.store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()
    finally:
        del store
    ontology = [line for line in lines if line.endswith("<https://w3id.org/clausegraph/ontology> .")]
    return sorted(line for line in lines if line not in set(ontology)) + [f"ontology: {len(ontology)} quads"]


def test_rebuild_processes_only_the_changed_document(tmp_path, processed, monkeypatch):
    corpus, out = tmp_path / "in", tmp_path / "out"
    write_corpus(corpus, TEXTS)
    build([corpus], out, jobs=1)
    assert sorted(processed) == ["lease.txt", "loan.txt", "services.txt"]

    processed.clear()
    build([corpus], out, jobs=1)
    assert processed == []  # nothing changed: nothing processed

    changed = dict(TEXTS, loan=TEXTS["loan"].replace("in writing", "by email"))
    write_corpus(corpus, changed)

    def no_bulk_load(*args):
        raise AssertionError("the rebuild loaded the whole dataset instead of updating the previous store")

    with monkeypatch.context() as patch:
        patch.setattr(build_module, "load_store", no_bulk_load)
        report = build([corpus], out, jobs=1)
    assert processed == ["loan.txt"]
    loan = next(d for d in report.documents if d.doc_id == "loan")
    assert "by email" in loan.source

    # The incremental outputs are those of a build from scratch.
    scratch = build([corpus], tmp_path / "scratch", jobs=1, cache=False)
    assert scratch.ok and graph_lines(out) == graph_lines(tmp_path / "scratch")
    # The store, updated from the previous build's, holds what a store loaded from scratch holds.
    assert store_lines(out) == store_lines(tmp_path / "scratch")
    for name in ("manifest.json", "entities.json", "lint.json", "docs/loan/clauses.json", "docs/loan/obligations.json"):
        assert (out / name).read_text() == (tmp_path / "scratch" / name).read_text(), name


def test_removing_a_document_removes_its_graph_and_pages(tmp_path, processed):
    corpus, out = tmp_path / "in", tmp_path / "out"
    write_corpus(corpus, TEXTS)
    build([corpus], out, jobs=1)
    assert (out / "docs" / "lease").is_dir()

    write_corpus(corpus, {k: v for k, v in TEXTS.items() if k != "lease"})
    processed.clear()
    build([corpus], out, jobs=1)
    assert processed == []  # the two kept documents come from the cache
    assert not (out / "docs" / "lease").exists()
    store = open_store(out)
    graphs = store.named_graphs()
    assert document_graph_iri("loan") in graphs and document_graph_iri("lease") not in graphs
    del store
    scratch = build([corpus], tmp_path / "scratch", jobs=1, cache=False)
    assert scratch.ok and store_lines(out) == store_lines(tmp_path / "scratch")
    # The removed document's cache entry is dropped with it: the cache holds what the build used.
    assert len(list((out / "builds" / ".cache").glob("*.pickle"))) == 2


def test_other_code_or_another_path_is_processed_again(tmp_path, processed, monkeypatch):
    corpus, out = tmp_path / "in", tmp_path / "out"
    write_corpus(corpus, {"loan": TEXTS["loan"]})
    build([corpus], out, jobs=1)
    processed.clear()
    monkeypatch.setattr(build_module, "_FINGERPRINT", ["another version of clausegraph"])
    build([corpus], out, jobs=1)
    assert processed == ["loan.txt"]


def test_a_build_of_nothing_creates_no_cache(tmp_path):
    """A build that produces nothing leaves no outputs folder behind, cache included."""
    corpus, out = tmp_path / "in", tmp_path / "out"
    corpus.mkdir()
    (corpus / "empty.txt").write_text("   \n", encoding="utf-8")
    report = build([corpus], out, jobs=1)
    assert not report.documents and not out.exists()


def test_an_unreadable_cache_entry_is_processed_again(tmp_path, processed):
    corpus, out = tmp_path / "in", tmp_path / "out"
    write_corpus(corpus, {"loan": TEXTS["loan"]})
    build([corpus], out, jobs=1)
    key = DocumentCache(out).key(corpus / "loan.txt")
    (out / "builds" / ".cache" / f"{key}.pickle").write_bytes(b"not a pickle")
    processed.clear()
    report = build([corpus], out, jobs=1)
    assert processed == ["loan.txt"] and report.ok


def test_progress_bar_counts_documents_words_and_time_left(tmp_path, capsys):
    """The bar names documents done, words per second and the time left (cached documents count too)."""
    corpus, out = tmp_path / "in", tmp_path / "out"
    write_corpus(corpus, TEXTS)
    build([corpus], out, jobs=1, progress=True)
    drawn = capsys.readouterr().err
    assert "3/3 documents" in drawn and "words/s" in drawn and "left]" in drawn


# A corpus whose documents depend on each other: "credit" cites Section 2 of "pledge" (the
# reference, its tip in the reader and pledge's "referred to by" come from the other document),
# and both name Acme Holdings, Inc.
LINKED = dict(
    TEXTS,
    pledge='PLEDGE AGREEMENT\n\nThis Pledge Agreement is made by Acme Holdings, Inc. (the "Pledgor").\n\n'
           "1. Pledge. Acme Holdings, Inc. pledges the shares.\n\n2. Delivery. The Pledgor shall deliver the shares.\n",
    credit='CREDIT AGREEMENT\n\nThis Credit Agreement is made between Acme Holdings, Inc. (the "Borrower") and '
           'Beta Bank, N.A. (the "Lender").\n\n1. Loan. The Lender shall lend the Borrower the Amount.\n\n'
           "2. Shares. The Borrower shall deliver the shares under Section 2 of the Pledge Agreement.\n",
    guaranty="GUARANTY\n\n1. Address. Notices to Beta Bank, N.A. go to its office.\n\n2. Copies. The Lender may "
           "ask for copies under Section 1.\n",
)


def build_files(out) -> dict[str, bytes]:
    """Every file of the build ``out`` shows (pages, records), but the store and dataset files."""
    from clausegraph.store import current_build

    root = current_build(out)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.parts[len(root.parts)] != "store" and not p.name.startswith(("dataset.", "pieces."))}


def dataset_quads(out, name: str) -> set[str]:
    """The quads of one dataset file, the ontology graph left out (its blank nodes differ per build)."""
    import pyoxigraph as ox

    from clausegraph.store import current_build

    formats = {"dataset.nq": ox.RdfFormat.N_QUADS, "dataset.trig": ox.RdfFormat.TRIG, "dataset.jsonld": ox.RdfFormat.JSON_LD}
    return {str(q) for q in ox.parse(path=str(current_build(out) / name), format=formats[name])
            if q.graph_name.value != "https://w3id.org/clausegraph/ontology"}


def test_an_incremental_rebuild_gives_what_a_clean_build_gives(tmp_path, processed):
    """Change the cited document: only it is processed again; the citing one's outputs are made
    again (its page shows the cited clause's words), the others are kept from the previous build
    (hard links), which stays as it was; and every page, record and quad is that of a clean build
    (made here in worker processes)."""
    import os

    from clausegraph.store import current_build

    corpus, out = tmp_path / "in", tmp_path / "out"
    write_corpus(corpus, LINKED)
    build([corpus], out, jobs=1)
    previous = current_build(out)
    assert "refers to pledge: 2: Delivery" in (out / "docs" / "credit" / "reader.html").read_text()
    before = build_files(out)

    write_corpus(corpus, dict(LINKED, pledge=LINKED["pledge"].replace("2. Delivery.", "2. Delivery of Shares.")))
    processed.clear()
    build([corpus], out, jobs=1)
    assert processed == ["pledge.txt"]
    assert current_build(out) != previous
    assert {str(p.relative_to(previous)): p.read_bytes() for p in sorted(previous.rglob("*")) if p.is_file()
            and p.parts[len(previous.parts)] != "store" and not p.name.startswith(("dataset.", "pieces."))} == before
    assert "refers to pledge: 2: Delivery of Shares" in (out / "docs" / "credit" / "reader.html").read_text()

    def same_file(doc: str) -> bool:
        return os.stat(previous / "docs" / doc / "reader.html").st_ino == os.stat(out / "docs" / doc / "reader.html").st_ino

    assert same_file("lease") and same_file("services") and same_file("guaranty")
    assert not same_file("credit") and not same_file("pledge")

    clean = tmp_path / "clean"
    assert build([corpus], clean, jobs=2, cache=False).ok
    assert build_files(out) == build_files(clean)
    for name in ("dataset.nq", "dataset.trig", "dataset.jsonld"):
        assert dataset_quads(out, name) == dataset_quads(clean, name), name
    assert store_lines(out) == store_lines(clean)


def test_a_new_document_naming_a_known_entity_leaves_the_others_outputs(tmp_path, processed):
    """A document added that names Beta Bank, N.A. as the others do: the entity now appears in
    one more document, which changes nothing in the others' graphs and pages — they are kept
    (hard links to the previous build's files), and the build is that of a clean one."""
    import os

    from clausegraph.store import current_build

    corpus, out = tmp_path / "in", tmp_path / "out"
    write_corpus(corpus, LINKED)
    build([corpus], out, jobs=1)
    previous = current_build(out)
    escrow = ("ESCROW AGREEMENT\n\n1. Escrow. Beta Bank, N.A. holds the deposit.\n\n"
              "2. Release. Beta Bank, N.A. shall release the deposit under Section 1.\n")
    write_corpus(corpus, dict(LINKED, escrow=escrow))
    processed.clear()
    build([corpus], out, jobs=1)
    assert processed == ["escrow.txt"]
    entities = json.loads((out / "entities.json").read_text())
    bank = next(e for e in entities if e["name"].startswith("Beta Bank"))
    assert {"credit", "escrow"} <= set(bank["docs"])
    for doc in ("credit", "guaranty", "lease"):
        for page in ("reader.html", "network.html"):
            assert os.stat(previous / "docs" / doc / page).st_ino == os.stat(out / "docs" / doc / page).st_ino, doc

    clean = tmp_path / "clean"
    assert build([corpus], clean, jobs=1, cache=False).ok
    assert build_files(out) == build_files(clean)
    assert dataset_quads(out, "dataset.nq") == dataset_quads(clean, "dataset.nq")
