"""The real `clausegraph` command: exit codes, messages, JSON on stdout, outputs on disk."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, POA, UA

SPEC_CLAUSE_FIELDS = {"label", "kind", "parent", "heading", "start", "end", "text"}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed console script (falling back to the module) and capture its output."""
    exe = shutil.which("clausegraph", path=str(Path(sys.executable).parent)) or shutil.which("clausegraph")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "clausegraph.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "outputs"
    result = run("build", str(CORPUS), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_build_reports_what_it_built(outputs):
    """build prints one summary line and writes a manifest listing the four documents."""
    manifest = json.loads((outputs / "manifest.json").read_text())
    assert sorted(d["doc"] for d in manifest["documents"]) == sorted(p.stem for p in CORPUS.glob("*.txt"))
    kinds = {d["doc"]: d["kind"] for d in manifest["documents"]}
    assert kinds[UA] == "underwriting agreement" and kinds[POA] == "power of attorney"
    assert kinds["hig-q2-2004-earnings-release"] == "press release"
    assert not list(outputs.glob(".build-*")), "no staging folders left behind"


def test_clauses_json_has_spec_fields_and_offsets(outputs):
    """clauses --json prints only a JSON array; source[start:end] cleans to the clause text."""
    result = run("clauses", UA, "--json", "--store", str(outputs))
    assert result.returncode == 0 and result.stderr == ""
    rows = json.loads(result.stdout)
    assert all(SPEC_CLAUSE_FIELDS <= set(r) for r in rows)
    source = (outputs / "docs" / UA / "source.txt").read_text(encoding="utf-8")
    by_label = {r["label"]: r for r in rows}
    s = by_label["8(c)"]
    assert source[s["start"] : s["end"]].startswith("(c) Promptly after receipt")
    # The same words, less the page number "17" that the page break left inside the span.
    assert [w for w in source[s["start"] : s["end"]].split() if w != "17"] == s["text"].split()


def test_clauses_table_shows_the_tree(outputs):
    """Without --json, a readable table with the traps right: 2(i), 7(d)(vii), Annex I, v(i)."""
    result = run("clauses", UA, "--store", str(outputs))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["label", "kind"]
    labels = [ln.split()[0] for ln in lines[2:]]
    for label in ["preamble", "2(i)", "7(d)(vii)", "5(f)(a)", "Annex", "Schedule"]:
        assert label in labels or any(x.startswith(label) for x in labels)


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["clauses", "no-such-doc"], 4, "unknown document 'no-such-doc'"),
        (["clauses", UA, "--store", "/nonexistent/outputs"], 3, "nothing built yet"),
    ],
)
def test_query_errors_are_one_line(outputs, args, code, message):
    """Unknown documents and missing builds: non-zero exit, one line on stderr, nothing on stdout."""
    if "--store" not in args:
        args = [*args, "--store", str(outputs)]
    result = run(*args)
    assert result.returncode == code
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_bad_documents_fail_alone(tmp_path):
    """An empty and a binary file fail with one line each; the good document still builds."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(CORPUS / f"{POA}.txt", docs)
    (docs / "empty.txt").write_bytes(b"")
    (docs / "blob.txt").write_bytes(b"\x00\x01PK\x03\x04" * 100)
    out = tmp_path / "out"
    result = run("build", str(docs), "--out", str(out))
    assert result.returncode == 1
    assert "empty.txt: empty file" in result.stderr and "blob.txt: binary file" in result.stderr
    assert "built 1 document" in result.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert [d["doc"] for d in manifest["documents"]] == [POA]
    assert len(manifest["errors"]) == 2


def test_nothing_buildable_exits_2_and_keeps_nothing_half_written(tmp_path):
    """Only bad input: exit 2; the output folder holds no partial document."""
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    result = run("build", str(tmp_path / "empty.txt"), "--out", str(out))
    assert result.returncode == 2
    assert not (out / "docs").exists() or not any((out / "docs").iterdir())


def test_rebuild_replaces_previous_outputs(tmp_path):
    """A second build replaces the first one's documents instead of mixing with them."""
    out = tmp_path / "out"
    assert run("build", str(CORPUS / f"{POA}.txt"), "--out", str(out)).returncode == 0
    assert run("build", str(CORPUS / "cna-group-benefits-sale-2003.txt"), "--out", str(out)).returncode == 0
    assert sorted(p.name for p in (out / "docs").iterdir()) == ["cna-group-benefits-sale-2003"]


def test_refuses_to_write_into_a_foreign_folder(tmp_path):
    """build never replaces files in a folder that an earlier build did not make."""
    (tmp_path / "precious.txt").write_text("keep me")
    result = run("build", str(CORPUS / f"{POA}.txt"), "--out", str(tmp_path))
    assert result.returncode != 0 and "refusing to write here" in result.stderr
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_progress_bar_on_stderr(tmp_path):
    """--progress draws a bar on stderr for several documents; stdout keeps the summary only."""
    result = run("build", str(CORPUS), "--out", str(tmp_path / "out"), "--progress")
    assert result.returncode == 0
    assert "[" in result.stderr and "4/4" in result.stderr
    assert result.stdout.startswith("built 4 documents")


def test_default_build_reads_corpus_and_writes_outputs(tmp_path):
    """With no arguments, build reads ./corpus and writes ./outputs (the README's command)."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    result = run("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "outputs" / "manifest.json").exists()
    assert os.path.exists(tmp_path / "outputs" / "docs" / UA / "clauses.json")
