"""The other real EDGAR exhibits: every one builds with unique, sensible labels."""

from __future__ import annotations

import re

import pytest

from clausegraph.build import process_document
from conftest import CORPUS_EXTRA

EXTRA = sorted(p for p in CORPUS_EXTRA.glob("*.*") if p.suffix in {".txt", ".htm"})
LABEL = re.compile(
    r"^(preamble|signatures|p\d+|Article [\dIVXLC]+|\d+(\.\d+)*|"
    r"(Annex|Schedule|Exhibit|Appendix) [\w.\-]+(, .+)?)"
    r"(\([A-Za-z0-9]+\))*( \[\d+\])?$"
)


@pytest.mark.parametrize("path", EXTRA, ids=lambda p: p.name)
def test_builds_with_unique_sensible_labels(path):
    """No error; labels unique and of the citation forms SPEC.md lists."""
    document = process_document(path)
    labels = [c.label for c in document.clauses]
    assert len(labels) == len(set(labels))
    assert [x for x in labels if not LABEL.match(x)] == []


@pytest.mark.parametrize(
    "name, expected",
    [
        ("credit_agreement_ametek_1994.txt", ["1", "1.01", "1.14", "4.02", "4.02(A)(c)", "4.02(A)(g)", "4.02(B)", "12.16", "signatures"]),
        ("indenture_welltower_form_2025.txt", ["Article 1", "101", "101(a)", "117", "Article 14", "1406", "signatures"]),
        ("poa_aar_garascia_2023.txt", ["p4", "p4(1)", "p4(2)", "p4(3)", "signatures"]),
        ("poa_aar_garascia_2023.htm", ["p4", "p4(1)", "p4(2)", "p4(3)", "signatures"]),
    ],
)
def test_expected_labels(name, expected):
    """Section numbering styles: "1.01", "Section 101" under "ARTICLE ONE", items on own lines."""
    labels = {c.label for c in process_document(CORPUS_EXTRA / name).clauses}
    assert [x for x in expected if x not in labels] == []


def test_credit_agreement_sections_have_headings():
    """"SECTION 1.  Amount and Terms of Credit." and "1.01  Loan Commitments." give headings."""
    document = process_document(CORPUS_EXTRA / "credit_agreement_ametek_1994.txt")
    assert document.clause("1").heading == "Amount and Terms of Credit"
    assert document.clause("1.01").heading == "Loan Commitments"
    assert document.kind.value == "credit agreement"


def test_indenture_table_of_contents_is_not_clauses():
    """The indenture's table of contents repeats every heading; only the body makes clauses."""
    document = process_document(CORPUS_EXTRA / "indenture_welltower_form_2025.txt")
    sections = [c for c in document.clauses if c.kind.value == "section"]
    assert len(sections) == len({c.label for c in sections}) == 104
    assert document.clause("101").heading == "Definitions"
    assert document.clause("Article 1").parent is None
