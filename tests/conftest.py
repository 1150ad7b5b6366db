"""Shared fixtures: the real corpus, built once per test session into a temporary folder."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = Path(__file__).resolve().parent / "gold"
# Real documents the tests read, copied into the project (public filings and standard forms;
# sources and licences in each folder's README) so that a fresh clone runs every test.
CORPUS_EXTRA = Path(__file__).resolve().parent / "corpus" / "extra"
CORPUS_DEV = Path(__file__).resolve().parent / "corpus" / "dev"
UA = "hig-underwriting-agreement-2004"
POA = "hig-power-of-attorney-2004"


def read_source(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def gold(name: str):
    return json.loads((GOLD / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """``clausegraph build`` of corpus/ (in-process): (report, outputs folder)."""
    from clausegraph.build import build

    out = tmp_path_factory.mktemp("outputs")
    shutil.rmtree(out)
    report = build([CORPUS], out)
    assert report.ok, report.errors
    return report, out


@pytest.fixture(scope="session")
def corpus(built):
    """The built Corpus record (documents with every tagged record, entities, findings)."""
    report, _ = built
    return report.corpus


@pytest.fixture(scope="session")
def ua(corpus):
    return next(d for d in corpus.documents if d.doc_id == UA)


@pytest.fixture(scope="session")
def poa(corpus):
    return next(d for d in corpus.documents if d.doc_id == POA)


# --- CI runs everything: a skip for a missing component is a failure there -------------------

_SKIPPED: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.append(f"{report.nodeid}: {report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr}")


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CLAUSEGRAPH_FAIL_ON_SKIP") == "1" and _SKIPPED:
        print("\nCLAUSEGRAPH_FAIL_ON_SKIP=1 and these tests skipped:\n  " + "\n  ".join(_SKIPPED))
        session.exitstatus = 1
