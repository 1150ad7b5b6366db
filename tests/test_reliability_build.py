"""A build never loses the previous one (issue 9, items 1 and 2).

A build that produces nothing leaves the old outputs as they were; a build appears all at once
(its own folder under ``outputs/builds/``, then one atomic rename of the ``current`` link), so
a build killed at any point leaves either the whole old build or the whole new one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import CORPUS, POA

POA_FILE = CORPUS / f"{POA}.txt"
CNA_FILE = CORPUS / "cna-group-benefits-sale-2003.txt"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clausegraph.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def snapshot(out: Path) -> dict[str, str]:
    """Every file reachable under ``out`` (links followed) → a hash of its bytes."""
    files = {}
    for dirpath, _, names in os.walk(out, followlinks=True):
        for name in names:
            path = Path(dirpath) / name
            if path.is_file():
                files[str(path.relative_to(out))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def manifest_docs(out: Path) -> list[str]:
    return [d["doc"] for d in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]]


# --- item 1: a failed build never wipes a good one ---------------------------------------------


@pytest.fixture()
def good_build(tmp_path) -> Path:
    out = tmp_path / "out"
    result = run("build", str(POA_FILE), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("bad_input", ["missing", "empty", "no documents"])
def test_a_build_that_builds_nothing_keeps_the_previous_outputs(good_build, tmp_path, bad_input):
    """A typo in the path, a corpus of one empty file, a folder without documents: exit 2, the old
    outputs untouched, byte for byte."""
    before = snapshot(good_build)
    path = tmp_path / "nonexistent-typo"
    if bad_input == "empty":
        path = tmp_path / "empty.txt"
        path.write_bytes(b"")
    elif bad_input == "no documents":
        path.mkdir()
        (path / "notes.csv").write_text("a,b\n")
    result = run("build", str(path), "--out", str(good_build))
    assert result.returncode == 2
    assert str(path) in result.stderr
    assert "previous outputs kept" in result.stdout + result.stderr
    assert snapshot(good_build) == before
    assert manifest_docs(good_build) == [POA]


def test_build_without_a_corpus_creates_no_outputs_folder(tmp_path):
    """`clausegraph build` in a folder with no corpus/ names the missing folder and creates nothing."""
    result = run("build", cwd=tmp_path)
    assert result.returncode == 2
    assert "corpus: no such file or folder" in result.stderr
    assert not (tmp_path / "outputs").exists()
