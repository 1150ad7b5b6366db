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


# --- item 10: one clear line for every bad input or output ------------------------------------


@pytest.fixture(scope="module")
def poa_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("poa") / "out"
    result = run("build", str(POA_FILE), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_a_file_named_dot_dot_txt_is_refused_in_one_line(tmp_path, poa_out):
    """`..txt` has the stem "." : its folder would be docs/ itself (today: a traceback)."""
    from test_reliability_build import snapshot

    (tmp_path / "..txt").write_text(POA_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    before = snapshot(poa_out)
    result = run("build", "..txt", "--out", str(poa_out), cwd=tmp_path)
    assert result.returncode == 2
    assert "..txt: the file name gives no usable document id" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(poa_out) == before


def build_in_process(argv: list[str], capsys) -> tuple[int, str, str]:
    from clausegraph.cli import main

    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_an_unreadable_file_and_folder_are_named(tmp_path, monkeypatch, capsys):
    """Permission denied on a document or on a folder: one line each naming it (as root, chmod
    cannot take the permission away, so the operating system's answer is simulated)."""
    import errno

    good = tmp_path / "good"
    good.mkdir()
    (good / "poa.txt").write_bytes(POA_FILE.read_bytes())
    (good / "locked.txt").write_bytes(POA_FILE.read_bytes())
    locked_folder = tmp_path / "locked-folder"
    locked_folder.mkdir()
    real_read_bytes, real_iterdir = Path.read_bytes, Path.iterdir

    def read_bytes(self):
        if self.name == "locked.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read_bytes(self)

    def iterdir(self):
        if self == locked_folder:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_iterdir(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(Path, "iterdir", iterdir)
    code, out, err = build_in_process(["build", str(good), str(locked_folder), "--out", str(tmp_path / "out"),
                                       "--jobs", "1"], capsys)
    assert code == 1
    assert f"{good / 'locked.txt'}: cannot read: Permission denied" in err
    assert f"{locked_folder}: cannot read the folder: Permission denied" in err
    assert "Traceback" not in err and "built 1 document" in out


@pytest.mark.parametrize("problem", ["read-only", "full", "unwritable parent"])
def test_an_output_folder_that_cannot_be_written_is_one_line_and_keeps_the_old_build(
        tmp_path, monkeypatch, capsys, problem):
    """A read-only or full disk, a parent without permission: exit 5, one line naming the path
    and the problem, the previous build as it was and no staging folder left."""
    import errno

    from test_reliability_build import snapshot

    from clausegraph import build as build_module

    out = tmp_path / "out"
    if problem != "unwritable parent":
        code, _, err = build_in_process(["build", str(POA_FILE), "--out", str(out), "--jobs", "1"], capsys)
        assert code == 0, err
    else:
        out = tmp_path / "locked" / "out"
    before = snapshot(out) if out.exists() else None
    real_mkdir, real_write_json = Path.mkdir, build_module._write_json

    def mkdir(self, *args, **kwargs):
        if problem == "read-only" and "staging" in self.name:
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        if problem == "unwritable parent" and self == out.parent:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    def write_json(path, data):
        if problem == "full" and path.name == "manifest.json":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_write_json(path, data)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    monkeypatch.setattr(build_module, "_write_json", write_json)
    code, _, err = build_in_process(["build", str(CORPUS / "cna-group-benefits-sale-2003.txt"), "--out", str(out),
                                     "--jobs", "1"], capsys)
    assert code == 5
    [line] = err.splitlines()
    message = {"read-only": "Read-only file system", "full": "No space left on device",
               "unwritable parent": "Permission denied"}[problem]
    assert message in line and "the previous outputs are kept" in line
    assert str(out.parent if problem == "unwritable parent" else out) in line
    if before is None:
        assert not out.exists()
    else:
        # The tagging cache (builds/.cache/, keyed by content, never served) may hold the
        # document tagged before the write failed: a valid entry for the next build, not output.
        def shown(folder):
            return {k: v for k, v in snapshot(folder).items() if not k.startswith("builds/.cache/")}

        assert shown(out) == {k: v for k, v in before.items() if not k.startswith("builds/.cache/")}
        assert not list((out / "builds").glob(".staging-*"))


def test_a_utf16_file_with_a_byte_order_mark_is_read(tmp_path):
    """Notepad's "Unicode" (UTF-16 LE with a BOM) was called a binary file."""
    from clausegraph.build import build
    from clausegraph.store import current_build

    text = POA_FILE.read_text(encoding="utf-8")
    for name, codec in (("le.txt", "utf-16-le"), ("be.txt", "utf-16-be")):
        bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
        (tmp_path / "docs").mkdir(exist_ok=True)
        (tmp_path / "docs" / name).write_bytes(bom + text.encode(codec))
    report = build([tmp_path / "docs"], tmp_path / "out", jobs=1)
    assert report.ok, report.errors
    reference = build([POA_FILE], tmp_path / "reference", jobs=1).documents[0]
    for document in report.documents:
        assert [c.label for c in document.clauses] == [c.label for c in reference.clauses]
        assert any("UTF-16" in w for w in document.warnings)
        saved = (current_build(tmp_path / "out") / "docs" / document.doc_id / "source.txt").read_text(encoding="utf-8")
        assert saved == text
        for clause in document.clauses[:3]:  # offsets point into the text as read
            assert saved[clause.start:clause.end].split()[:3] == clause.text.split()[:3]


def test_a_binding_with_undecodable_bytes_is_one_line(poa_out):
    exe = [sys.executable, "-m", "clausegraph.cli"]
    result = subprocess.run([*exe, "query", "refs-from", b"--bind", b"doc=\xff\xfe", "--bind", "label=p1",
                             "--store", str(poa_out)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 4
    assert one_line_error(result) == "clausegraph: --bind doc=…: the value is not valid text (undecodable bytes)"
    assert result.stderr.count("\n") == 1


def test_a_file_name_with_undecodable_bytes_is_one_line(tmp_path):
    name = os.fsdecode(b"\xff-contract.txt")
    (tmp_path / name).write_bytes(POA_FILE.read_bytes())
    result = run("build", str(tmp_path / name), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "the file name is not valid UTF-8" in result.stderr and "Traceback" not in result.stderr


# --- item 11: nothing skipped in silence, nothing read from outside the corpus ------------------


def test_every_entry_of_a_corpus_folder_that_is_not_read_is_named(tmp_path):
    """A link out of the folder (/etc/passwd was copied into the outputs and served), a broken
    and a looping link, a folder named x.txt, a hidden file and a .csv: one line each."""
    from clausegraph.store import current_build

    outside = tmp_path / "outside-secret.txt"
    outside.write_text("SECRET AGREEMENT\n\n1. The password is hunter2.\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "poa.txt").write_bytes(POA_FILE.read_bytes())
    (corpus / "secret.txt").symlink_to(outside)
    (corpus / "inside-link.txt").symlink_to(corpus / "poa.txt")  # a link inside the folder is read
    (corpus / "broken.txt").symlink_to(corpus / "nowhere.txt")
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    (corpus / "x.txt").mkdir()
    (corpus / ".hidden.txt").write_text("hidden")
    (corpus / "table.csv").write_text("a,b\n")
    result = run("build", str(corpus), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()

    def line_of(name: str) -> str:
        [line] = [ln for ln in lines if f"{corpus / name}:" in ln]
        return line

    assert "outside" in line_of("secret.txt") and "refused" in line_of("secret.txt")
    assert "broken link" in line_of("broken.txt")
    assert "loops" in line_of("loop.txt")
    assert "a folder named like a document" in line_of("x.txt")
    assert "hidden file" in line_of(".hidden.txt")
    assert "not a type clausegraph reads (.csv" in line_of("table.csv")
    built = current_build(tmp_path / "out")
    assert sorted(p.name for p in (built / "docs").iterdir()) == ["inside-link", "poa"]
    assert not [p for p in built.rglob("*") if p.is_file() and b"hunter2" in p.read_bytes()]


@pytest.mark.parametrize("markup", ["<!-- only a comment -->", "</p>", "<![CDATA[x]]>", "\f"])
def test_html_that_the_parser_finds_empty_is_one_line(tmp_path, markup):
    """Found by the fuzzing campaign: lxml's "Document is empty" escaped as an internal error."""
    path = tmp_path / "empty.htm"
    path.write_text(markup, encoding="utf-8")
    result = run("build", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"{path}: no text (only whitespace or markup)" in result.stderr
    assert "internal error" not in result.stderr


def test_a_folders_readme_is_named_not_built(tmp_path):
    """README.md beside Markdown contracts is the folder's notes: skipped in one line; named
    explicitly, it is built like any document."""
    from clausegraph.build import collect_inputs

    (tmp_path / "terms.md").write_text("1. Scope. The Provider shall provide the Service.\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# Our contracts\n\nSources and licences.\n", encoding="utf-8")
    files, errors, skipped = collect_inputs([tmp_path])
    assert [f.name for f in files] == ["terms.md"] and errors == []
    assert any("README.md: skipped" in s for s in skipped)
    assert collect_inputs([tmp_path / "README.md"])[0] == [tmp_path / "README.md"]
