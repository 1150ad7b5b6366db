"""The accuracy report (benchmarks/accuracy.py) over every gold file, with the floors it must hold.

The floors are what the build measured when they were set; raise them as the rules improve,
never lower them to pass. ``python benchmarks/accuracy.py`` prints the full table.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_DOCS = ("hig-underwriting-agreement-2004", "hig-power-of-attorney-2004")


def _accuracy_module():
    spec = importlib.util.spec_from_file_location("accuracy", ROOT / "benchmarks" / "accuracy.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["accuracy"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report():
    accuracy = _accuracy_module()
    results, summary = accuracy.evaluate()
    return {r.doc: r for r in results}, summary


def test_seed_documents_score_one_everywhere(report):
    """The two seed contracts keep 1.000 precision and recall in every category."""
    results, _ = report
    for doc in SEED_DOCS:
        for name, score in results[doc].scores.items():
            assert (score.precision, score.recall) in ((1.0, 1.0), (None, None)), (doc, name, score)


def test_no_build_errors_on_gold_documents(report):
    """Every document that has a gold file builds."""
    _, summary = report
    assert summary["build errors"] == []
