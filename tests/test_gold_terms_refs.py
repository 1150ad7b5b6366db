"""Defined terms and cross-references of the two contracts against the gold fixtures.

Prints precision and recall per category (run with ``pytest -s`` to see them) and holds the
issue's bar: at least 0.95 for definitions and for references.

Source labels: the gold was made when an inline enumeration's last item ran to the end of its
clause; segment.py now ends it at the end of its sentence (CONVENTIONS.md was changed after the
gold). So a gold record whose source is an inline item (6(viii), 8(d)(ii), p2(ii)) but whose
offset lies after that item's span is compared against the clause that actually holds the
offset (6, 8(d), p2) — see ``gold_source``.
"""

from __future__ import annotations

import pytest

from conftest import gold
from clausegraph.model import ClauseKind

# Offsets may differ by a character or two (a quote or a space counted in or out).
START_TOLERANCE = 3
BAR = 0.95
# The notes for the gold (hig-underwriting-agreement-2004.refs.notes.md, "Terms") call
# ("Wet toezicht effectenverkeer 1995") debatable: "An extractor that reports it should be
# judged leniently." It counts neither for nor against.
LENIENT_TERMS = {"wet toezicht effectenverkeer 1995"}


def norm(term: str) -> str:
    return " ".join(term.split()).casefold()


def gold_source(document, record: dict) -> str:
    """The gold's source label, moved to the clause that holds the offset when the gold label is
    an inline item whose (sentence-bounded) span no longer contains it."""
    clause = document.clause(record["source"])
    if clause is not None and clause.kind == ClauseKind.ITEM and not clause.start <= record["start"] < clause.end:
        actual = document.clause_at(record["start"])
        return actual.label if actual else record["source"]
    return record["source"]


def match(gold_keys: list[tuple], mine_keys: list[tuple]) -> int:
    """Greedy one-to-one matching; keys are (start, rest...) with a start tolerance."""
    used = [False] * len(mine_keys)
    hits = 0
    for g in gold_keys:
        for i, m in enumerate(mine_keys):
            if not used[i] and m[1:] == g[1:] and abs(m[0] - g[0]) <= START_TOLERANCE:
                used[i] = True
                hits += 1
                break
    return hits


def scores(name: str, hits: int, n_mine: int, n_gold: int) -> tuple[float, float]:
    precision = hits / n_mine if n_mine else 1.0
    recall = hits / n_gold if n_gold else 1.0
    print(f"\n{name}: precision {precision:.3f} ({hits}/{n_mine}), recall {recall:.3f} ({hits}/{n_gold})")
    return precision, recall


DOCS = ["hig-underwriting-agreement-2004", "hig-power-of-attorney-2004"]


@pytest.fixture(scope="module")
def documents(ua, poa):
    return {ua.doc_id: ua, poa.doc_id: poa}


def test_definitions_against_gold(documents):
    """Definitions (term and place) reach the bar; their home clauses agree with the gold."""
    hits = n_mine = n_gold = homes = text_agree = 0
    for doc_id in DOCS:
        document = documents[doc_id]
        expected = gold(f"{doc_id}.terms.json")
        mine = [t for t in document.terms if norm(t.term) not in LENIENT_TERMS]
        g_keys = [(r["start"], norm(r["term"])) for r in expected]
        m_keys = [(t.start, norm(t.term)) for t in mine]
        hits += match(g_keys, m_keys)
        homes += match([k + (r["defined_in"],) for k, r in zip(g_keys, expected)],
                       [k + (t.defined_in,) for k, t in zip(m_keys, mine)])
        for r in expected:
            t = next((t for t in mine if abs(t.start - r["start"]) <= START_TOLERANCE), None)
            want = norm(r["definition_first_words"]).removeprefix("the ")
            have = norm(t.definition).removeprefix("the ") if t else ""
            text_agree += bool(t) and (have.startswith(want) or want.startswith(have[:40]))
        n_mine += len(mine)
        n_gold += len(expected)
    precision, recall = scores("definitions", hits, n_mine, n_gold)
    scores("definitions with the same defined_in", homes, n_mine, n_gold)
    print(f"definition text agrees with the gold's first words: {text_agree}/{n_gold}")
    assert precision >= BAR and recall >= BAR
    assert homes == hits  # every found definition sits in the gold's clause
    assert text_agree / n_gold >= 0.75


def test_references_against_gold(documents):
    """References by (source, start, target or external) reach the bar, in both contracts."""
    hits = n_mine = n_gold = 0
    exact_spans = 0
    for doc_id in DOCS:
        document = documents[doc_id]
        expected = gold(f"{doc_id}.refs.json")
        g_keys = [(r["start"], gold_source(document, r), r["target"], r["external"]) for r in expected]
        m_keys = [(r.start, r.source, r.target, r.external) for r in document.references]
        hits += match(g_keys, m_keys)
        exact_spans += match([(r["start"], r["end"], r["target"]) for r in expected],
                             [(r.start, r.end, r.target) for r in document.references])
        n_mine += len(m_keys)
        n_gold += len(g_keys)
    precision, recall = scores("references", hits, n_mine, n_gold)
    print(f"references with the gold's exact span: {exact_spans}/{n_gold}")
    assert precision >= BAR and recall >= BAR


def test_trap_references_never_resolve_inside(documents):
    """"Section 11(f) of the Act" and "Sections 13(a) or 15(d) of the Exchange Act" cite statutes only."""
    ua = documents["hig-underwriting-agreement-2004"]
    for r in ua.references:
        if "Act" in r.text and r.kind == "section":
            assert r.target is None and r.external, r


def test_term_records_written_by_build(built):
    """build writes terms.json and refs.json with the SPEC fields."""
    import json

    _, out = built
    terms = json.loads((out / "docs" / "hig-underwriting-agreement-2004" / "terms.json").read_text())
    refs = json.loads((out / "docs" / "hig-underwriting-agreement-2004" / "refs.json").read_text())
    assert {"term", "defined_in", "definition", "start", "end", "used_in"} <= terms[0].keys()
    assert {"source", "text", "start", "end", "target", "external"} <= refs[0].keys()
    assert any(t["term"] == "COMPANY" and "2(a)" in t["used_in"] for t in terms)
