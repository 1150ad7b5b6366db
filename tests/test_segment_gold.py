"""The clause trees of the two contracts against gold fixtures made by reading them."""

from __future__ import annotations

import pytest

from clausegraph.build import process_document
from conftest import CORPUS, POA, UA, gold, read_source


def first_words(text: str, n: int) -> str:
    return " ".join(text.split()[:n])


@pytest.mark.parametrize("doc", [UA, POA])
def test_clause_tree_matches_gold(doc):
    """Every gold label is found, with its parent and its first words; nothing extra."""
    source = read_source(CORPUS / f"{doc}.txt")
    document = process_document(CORPUS / f"{doc}.txt")
    mine = {c.label: c for c in document.clauses}
    expected = gold(f"{doc}.clauses.json")
    found = [g for g in expected if g["label"] in mine]
    parents_ok = [g for g in found if mine[g["label"]].parent == g["parent"]]
    starts_ok = [
        g for g in found
        if first_words(source[mine[g["label"]].start : mine[g["label"]].end], len(g["first_words"].split()))
        == g["first_words"]
    ]
    extra = sorted(set(mine) - {g["label"] for g in expected})
    print(
        f"\n{doc}: gold {len(expected)} clauses; labels found {len(found)} "
        f"(recall {len(found) / len(expected):.3f}); extra {len(extra)} "
        f"(precision {len(found) / len(mine):.3f}); parents right {len(parents_ok)}; "
        f"text-start matches {len(starts_ok)}"
    )
    assert [g["label"] for g in expected if g["label"] not in mine] == []
    assert extra == []
    assert [g["label"] for g in found if g not in parents_ok] == []
    assert [g["label"] for g in found if g not in starts_ok] == []


def test_reading_order_matches_gold():
    """Clauses come out in the order a reader meets them, parents before children."""
    document = process_document(CORPUS / f"{UA}.txt")
    assert [c.label for c in document.clauses] == [g["label"] for g in gold(f"{UA}.clauses.json")]


@pytest.mark.parametrize(
    "label, starts, ends",
    [
        # 8(d) runs on past the page number "18" to the end of its last paragraph
        ("8(d)", "(d) If the indemnification", "respective underwriting obligations and not joint."),
        # the closing paragraph "In rendering such opinion" is 7(d)'s, not 7(d)(vii)'s
        ("7(d)", "(d) Neal S. Wolin", "are made available to you;"),
        ("7(d)(vii)", "(vii) Based upon", "(or any such amendment or supplement);"),
        # Section 11 is split by the page number "20", which is not in its text
        ("11", "11. If any Pricing Agreement", "except as provided in Sections 6 and 8 hereof."),
        # the last inline item ends with its sentence; "It is understood" belongs to 6
        ("6(viii)", "(viii) all other costs", "specifically provided for in this Section."),
        ("6", "6. The Company covenants", "any offers they may make."),
        # a hanging-indent item ends before the paragraph that follows the list
        ("Annex I, vii", "vii. it will not circulate", "applicable provision of the Securities and Futures Act"),
    ],
)
def test_spans_of_the_hard_clauses(label, starts, ends):
    """Spans start at the marker and end at the clause's last words, whatever the layout."""
    document = process_document(CORPUS / f"{UA}.txt")
    clause = document.clause(label)
    assert clause.text.startswith(starts)
    assert clause.text.endswith(ends)


def test_page_numbers_are_not_in_clause_text():
    """Section 11's text joins across the page break without the page number."""
    clause = process_document(CORPUS / f"{UA}.txt").clause("11")
    assert "Designated Securities governed by such Pricing Agreement" in clause.text
    assert " 20 " not in clause.text
