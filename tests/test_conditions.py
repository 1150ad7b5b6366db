"""Conditions: triggers on real snippets, conditions precedent, the power of attorney's duration."""

from __future__ import annotations

import re

import pytest

from clausegraph.model import ClauseKind, ConditionKind
from clausegraph.tagging.conditions import find_conditions
from clausegraph.tagging.deontic import find_deontics
from clausegraph.tagging.entities import find_mentions, load_patterns
from test_deontic import snippet_document

SUB = ClauseKind.SUBSECTION

CASES = [
    # time limit and condition in 9(a)
    ("(a) If within thirty-six hours after such default the Representatives do not arrange for the purchase, "
     "then the Company shall be entitled to a further period.", "9(a)",
     [("condition", "If", "9(a)", "Company"),
      ("time limit", "within thirty-six hours", "9(a)", "Company")]),
    # a proviso limiting the Company's indemnity
    ("(a) The Company will indemnify each Underwriter against any losses; provided, however, that the Company "
     "shall not be liable to the extent that any loss arises out of information furnished by any Underwriter.", "8(a)",
     [("proviso", "provided, however, that", "8(a)", "Company")]),
    # "not later than ... the second business day" and "90 days after"
    ("(a) To file such Prospectus not later than the Commission's close of business on the second business day "
     "following the execution of the Pricing Agreement, and ending the date 90 days after the date of the Prospectus.", "5(a)",
     [("time limit", "not later than", "5(a)", None), ("time limit", "90 days after", "5(a)", None)]),
    # the power of attorney's duration and revocation
    ("This authorization shall remain in effect for so long as the undersigned has any obligations under Section 16 "
     "of the 1934 Act, unless earlier revoked by the undersigned in a signed writing.", "p2",
     [("duration", "for so long as", "p2", None), ("exception", "unless", "p2", None)]),
    # "subject to" and "except as"
    ("Subject to the terms and conditions set forth herein, the Company agrees to issue and sell the Securities, "
     "except as provided in Sections 6 and 8 hereof.", "p1",
     [("condition", "Subject to", "p1", "Company"), ("exception", "except as", "p1", "Company")]),
]


@pytest.mark.parametrize("text, label, expected", CASES, ids=[c[1] + "-" + c[2][0][0] for c in CASES])
def test_conditions_in_snippets(text, label, expected):
    """Each trigger gives its kind, the clause it governs and the bearer of the statement it qualifies."""
    document = snippet_document(text, [(label, SUB, None, text[:3])])
    deontics = find_deontics(document, find_mentions(document))
    got = [(c.kind.value, c.trigger, c.governs, c.governs_bearer) for c in find_conditions(document, deontics)]
    assert got == expected


def test_section_7_is_a_list_of_conditions_precedent(ua):
    """Each item of Section 7 is a condition precedent governing the Underwriters' obligations (clause 7)."""
    items = {c.label for c in ua.clauses if c.parent == "7"}
    precedent = [c for c in ua.conditions if c.kind is ConditionKind.CONDITION_PRECEDENT]
    assert {c.clause for c in precedent if c.trigger == "condition precedent"} == items
    assert {(c.governs, c.governs_bearer) for c in precedent} == {("7", "Underwriters")}
    assert len([c for c in precedent if c.trigger == "the condition that"]) == 2


def test_power_of_attorney_duration_and_revocation(poa):
    """The POA lasts 'for so long as' the Section 16 duties last, 'unless earlier revoked'."""
    got = [(c.clause, c.kind.value, c.text.split()[0]) for c in poa.conditions]
    assert got == [("p2", "duration", "for"), ("p2", "exception", "unless")]
    for c in poa.conditions:
        assert " ".join(poa.source[c.start:c.end].split()) == c.text


def test_condition_patterns_are_valid():
    """Every row of conditions.jsonl has an id, a known label, an example; triggers compile with {NUMBER}."""
    rows = load_patterns("conditions.jsonl")
    assert len({r["id"] for r in rows}) == len(rows)
    number = next(r["pattern"] for r in rows if r["label"] == "number")
    for row in rows:
        assert row["label"] in {"trigger", "number"} and row.get("example"), row
        pattern = re.compile(row["pattern"].replace("{NUMBER}", number))
        if row["label"] == "trigger":
            assert ConditionKind(row["kind"])
            assert pattern.search(row["example"]), row["id"]


def test_a_condition_inside_an_item_names_the_bearer_of_the_items_own_statement():
    from clausegraph.build import document_from_text
    from clausegraph.tagging import tag_document

    text = ('This lease is between Edward Hohman, an individual, referred to as "lessor," and Post Tension of Nevada, '
            'Inc., a Nevada corporation, referred to as "lessee."\n\n'
            "1. ACCESS\n\nDuring the term (i) lessor may enter the premises if lessee is absent, and (ii) lessee shall "
            "keep the premises open.\n\n"
            "2. NOTICES\n\nNotices shall be in writing.\n")
    document = tag_document(document_from_text(text, "snippet"))
    found = [(c.trigger, c.governs, c.governs_bearer) for c in document.conditions if c.trigger == "if"]
    assert found == [("if", "1", "lessor")]
