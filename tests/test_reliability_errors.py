"""Bad input gets one clear line, never a traceback, and never leaves its folder (issue 9,
items 3, 10, 11 and 12)."""

from __future__ import annotations

import os
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
