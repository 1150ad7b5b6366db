"""Bad input gets one clear line, never a traceback, and never leaves its folder (issue 9,
items 3, 10, 11 and 12)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, POA

POA_FILE = CORPUS / f"{POA}.txt"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clausegraph.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The run failed with exactly one line on stderr (no traceback); that line."""
    assert result.returncode != 0, result.stdout
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr, result.stderr
    return lines[-1] if lines else ""


# --- item 12: a named query never leaves ontology/queries/ -----------------------------------


def test_a_named_query_with_dot_dot_does_not_leave_the_queries_folder(tmp_path):
    from clausegraph.errors import QueryError
    from clausegraph.store import load_query, queries_dir

    (tmp_path / "outside.rq").write_text("SELECT ?secret WHERE { ?secret ?p ?o }", encoding="utf-8")
    name = os.path.relpath(tmp_path / "outside", queries_dir())
    assert ".." in name
    with pytest.raises(QueryError, match="unknown query"):
        load_query(name)
    with pytest.raises(QueryError, match="unknown query"):
        load_query("refs-from/../refs-to")
    assert "SELECT" in load_query("refs-from")  # a plain name still works


# --- item 3: one IRI per document, links that work for any file name ---------------------------

CONTRACT = """{title}

1. Parties. {party} ("the Company") shall pay Acme Holdings, Inc. the fees.

2. Term. The Company may end this Agreement under Section 1.
"""


def _write(folder: Path, name: str, title: str, party: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(CONTRACT.format(title=title, party=party), encoding="utf-8")
    return path


def test_documents_whose_names_differ_only_by_space_or_underscore_keep_their_own_graphs(tmp_path):
    """`my contract.txt` and `my_contract.txt` were both …/id/my_contract: their graphs merged."""
    from clausegraph.build import build
    from clausegraph.store import document_graph_iri, document_iri, open_store

    docs = tmp_path / "docs"
    _write(docs, "my contract.txt", "SUPPLY AGREEMENT", "Alpha Corp.")
    _write(docs, "my_contract.txt", "LICENCE AGREEMENT", "Beta Corp.")
    report = build([docs], tmp_path / "out", jobs=1)
    assert report.ok, report.errors
    assert document_iri("my contract") != document_iri("my_contract")
    store = open_store(tmp_path / "out")
    for doc, party, other in (("my contract", "Alpha Corp.", "Beta Corp."), ("my_contract", "Beta Corp.", "Alpha Corp.")):
        graph = f"<{document_graph_iri(doc)}>"
        ids = store.select(f"SELECT DISTINCT ?id WHERE {{ GRAPH {graph} {{ ?d "
                           "<https://w3id.org/clausegraph/ontology#documentId> ?id } }")
        assert [r["id"] for r in ids] == [doc]
        words = store.select(f"SELECT ?w WHERE {{ GRAPH {graph} {{ ?s "
                             "<http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf> ?w } }")
        text = " ".join(r["w"] for r in words)
        assert party in text and other not in text
        # over the union of all graphs, where merged nodes showed
        ids = store.select(f"SELECT ?id WHERE {{ <{document_iri(doc)}> "
                           "<https://w3id.org/clausegraph/ontology#documentId> ?id }")
        assert [r["id"] for r in ids] == [doc]


def test_two_documents_that_would_share_a_folder_are_an_error_naming_both(tmp_path):
    """`Contract.txt` and `contract.txt` (from two folders): one docs/ folder on a case-blind disk."""
    from clausegraph.build import build

    first = _write(tmp_path / "a", "Contract.txt", "SUPPLY AGREEMENT", "Alpha Corp.")
    second = _write(tmp_path / "b", "contract.txt", "LICENCE AGREEMENT", "Beta Corp.")
    report = build([first, second], tmp_path / "out", jobs=1)
    assert [d.doc_id for d in report.documents] == ["Contract"]
    [error] = report.errors
    assert str(second) in error and str(first) in error


@pytest.mark.parametrize("names", [("deal#1.txt", "what?.txt", "100%.txt", "a%23b.txt")])
def test_every_page_link_works_for_ids_with_hash_question_mark_and_percent(tmp_path, names):
    """Every href and src of every page points at a file that exists (ids with # ? % 404ed)."""
    from urllib.parse import unquote, urlsplit

    from bs4 import BeautifulSoup

    from clausegraph.build import build
    from clausegraph.store import current_build

    docs = tmp_path / "docs"
    for n, name in enumerate(names):
        _write(docs, name, f"AGREEMENT NUMBER {n}", "The Hartford Financial Services Group, Inc.")
    report = build([docs], tmp_path / "out", jobs=1)
    assert report.ok, report.errors
    root = current_build(tmp_path / "out")
    broken, checked = [], 0
    pages = sorted(root.rglob("*.html"))
    assert len(pages) == 2 + 2 * len(names)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        targets = [a.get("href") for a in BeautifulSoup(html, "html.parser").find_all(["a", "link"], href=True)]
        targets += [s.get("src") for s in BeautifulSoup(html, "html.parser").find_all("script", src=True)]
        # the networks' nodes carry their reader links in the page's JSON
        targets += [unquote_json(u) for u in re.findall(r'"(?:reader|url|href)":"([^"]+)"', html)]
        for target in targets:
            parts = urlsplit(target)
            if parts.scheme or not parts.path:
                continue
            checked += 1
            if not (page.parent / unquote(parts.path)).resolve().is_file():
                broken.append(f"{page.relative_to(root)} → {target}")
    assert checked > 4 * len(names)
    assert broken == []
    for name in names:  # every document is linked from the index
        assert (root / "docs" / Path(name).stem / "reader.html").is_file()


def unquote_json(text: str) -> str:
    import json

    return json.loads(f'"{text}"')
