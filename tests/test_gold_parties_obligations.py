"""Parties and obligations against the gold fixtures made by reading the documents.

Prints precision and recall; asserts the issue's bar for obligation bearers (>= 0.90).
Obligations are compared on (clause, modality, bearer) as multisets, with bearers compared
without case and in the singular ("Underwriters" = "Underwriter"). The gold covers Sections
4-6, 8, 9, 11 and Annex I of the underwriting agreement, and all of the power of attorney;
our records outside that scope are not counted.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from conftest import POA, UA, gold

OBLIGATION_SCOPE = {UA: re.compile(r"^(?:4|5|6|8|9|11)(?:\(|$)|^Annex I\b"), POA: re.compile(r".")}
BAR = 0.90


def singular(name: str | None) -> str:
    n = " ".join((name or "").lower().split())
    n = re.sub(r"ies$", "y", n)
    return re.sub(r"(?<=[a-z])s$", "", n)


def names_of(record) -> set[str]:
    return {" ".join(n.lower().split()) for n in [record["name"], *record.get("aliases", [])]}


def precision_recall(ours: Counter, theirs: Counter) -> tuple[float, float]:
    hit = sum((ours & theirs).values())
    return hit / max(1, sum(ours.values())), hit / max(1, sum(theirs.values()))


@pytest.mark.parametrize("doc", [UA, POA])
def test_obligation_bearers_meet_the_bar(corpus, doc):
    """(clause, bearer) precision and recall >= 0.90; modality agreement reported."""
    document = next(d for d in corpus.documents if d.doc_id == doc)
    expected = gold(f"{doc}.obligations.json")
    ours = [d for d in document.deontics if OBLIGATION_SCOPE[doc].search(d.clause)]
    full_ours = Counter((d.clause, d.modality.value, singular(d.bearer)) for d in ours)
    full_gold = Counter((r["clause"], r["modality"], singular(r["bearer"])) for r in expected)
    bearer_ours = Counter((d.clause, singular(d.bearer)) for d in ours)
    bearer_gold = Counter((r["clause"], singular(r["bearer"])) for r in expected)
    p, r = precision_recall(bearer_ours, bearer_gold)
    fp, fr = precision_recall(full_ours, full_gold)
    matched = sum((bearer_ours & bearer_gold).values())
    agree = sum((full_ours & full_gold).values()) / max(1, matched)
    print(f"\n{doc}: {len(ours)} statements, gold {len(expected)}; (clause, bearer) P={p:.3f} R={r:.3f}; "
          f"(clause, modality, bearer) P={fp:.3f} R={fr:.3f}; modality agreement {agree:.3f}")
    print("  missing:", sorted((full_gold - full_ours).elements()), "extra:", sorted((full_ours - full_gold).elements()))
    assert p >= BAR and r >= BAR


@pytest.mark.parametrize("doc", [UA, POA])
def test_parties_against_gold(corpus, doc):
    """Each gold party is found by name or alias with its party flag and roles (figures printed)."""
    expected = gold(f"{doc}.parties.json")
    ours = [e for e in corpus.entities if doc in e.docs]
    found = flags = roles_hit = roles_total = 0
    unmatched = []
    for record in expected:
        entity = next((e for e in ours if names_of({"name": e.name, "aliases": e.aliases}) & names_of(record)), None)
        if entity is None:
            unmatched.append(record["name"])
            continue
        found += 1
        flags += (doc in entity.parties_in) == record["party"]
        mine = {role for d, role in entity.roles if d == doc}
        roles_hit += len(mine & set(record["roles"]))
        roles_total += len(record["roles"])
    matched_ours = [e for e in ours if any(names_of({"name": e.name, "aliases": e.aliases}) & names_of(r) for r in expected)]
    precision = len(matched_ours) / max(1, len(ours))
    recall = found / len(expected)
    print(f"\n{doc}: parties P={precision:.3f} R={recall:.3f}; party flag {flags}/{found}; roles {roles_hit}/{roles_total}")
    print("  not found:", unmatched, "not in gold:", sorted(e.name for e in ours if e not in matched_ours))
    assert recall >= BAR and flags == found and roles_hit / max(1, roles_total) >= BAR


def test_entities_across_documents_match_gold(corpus):
    """Entities named in several documents have exactly the gold's documents."""
    for record in gold("corpus.entities.json"):
        entity = next(e for e in corpus.entities if names_of({"name": e.name, "aliases": e.aliases}) & {record["name"].lower()})
        assert sorted(entity.docs) == sorted(record["docs"]), record["name"]
