"""Invariants of the clause tree on arbitrary text and on mutated real documents (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clausegraph.clean import clean
from clausegraph.segment import segment
from conftest import CORPUS, UA, read_source

UA_LINES = read_source(CORPUS / f"{UA}.txt").split("\n")
PIECES = [
    "1. ", "2. ", "(a) ", "(b) ", "(i) ", "(ii) ", "(h) ", "ARTICLE ONE", "Section 101 ", "SECTION 2.",
    "ANNEX I", "SCHEDULE II", "IN WITNESS WHEREOF", "i. ", "\n", "\n\n", "\n\n   7\n\n", "<PAGE>",
    "- more -", "TABLE OF CONTENTS", "shall ", "the Company", ";", ".", ":", "\t", "\r\n", "\f",
    "Section 5(a) hereof", "“", "”", "é", "  ",
]


def check_tree(text: str) -> None:
    clauses = segment(clean(text))
    labels = [c.label for c in clauses]
    assert len(labels) == len(set(labels)), "labels unique"
    by_label = {c.label: c for c in clauses}
    for c in clauses:
        assert 0 <= c.start <= c.end <= len(text), "span in bounds"
        if c.parent is not None:
            parent = by_label[c.parent]
            assert parent.start <= c.start and c.end <= parent.end, f"{c.label} inside {c.parent}"
    siblings: dict = {}
    for c in clauses:
        siblings.setdefault(c.parent, []).append(c)
    for group in siblings.values():
        for a, b in zip(group, group[1:]):
            assert a.end <= b.start, f"{a.label} and {b.label} disjoint and in order"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_arbitrary_text(text):
    """Any text at all: no exception, and the tree invariants hold."""
    check_tree(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=30), max_size=120).map("".join))
def test_contract_like_text(text):
    """Text made of numbering markers, page breaks and headings: the invariants hold."""
    check_tree(text)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_underwriting_agreement(data):
    """The real agreement with lines deleted, duplicated and swapped: the invariants hold."""
    lines = list(UA_LINES)
    for _ in range(data.draw(st.integers(1, 25))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["delete", "duplicate", "swap", "blank"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines.insert(i, "")
    check_tree("\n".join(lines))
