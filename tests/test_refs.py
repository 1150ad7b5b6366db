"""Cross-references: every internal form, statutes named through the document's own terms,
the traps (the Act's Section 11 is not the agreement's Section 11), corpus-extra, lint."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
import json
import re
from pathlib import Path

import pytest

from clausegraph.build import document_from_text, read_document
from clausegraph.lint import reference_findings
from clausegraph.model import Corpus, Document, DocumentKind
from clausegraph.tagging.entities import find_mentions
from clausegraph.tagging.refs import PATTERNS, load_patterns, rules, tag_references
from clausegraph.tagging.terms import tag_terms
from conftest import CORPUS_EXTRA

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
EXTRA = CORPUS_EXTRA


def tagged(path: Path) -> Document:
    """A real document cut into clauses, with its terms and references tagged (no other taggers)."""
    document = replace(read_document(path), kind=DocumentKind.OTHER_CONTRACT, title=None)
    terms = tag_terms(document)
    mentions = find_mentions(document, terms)
    return dataclasses.replace(document, terms=tuple(terms), mentions=tuple(mentions),
                               references=tuple(tag_references(document, terms)))


@pytest.fixture(scope="module")
def ua() -> Document:
    return tagged(CORPUS / "hig-underwriting-agreement-2004.txt")


@pytest.fixture(scope="module")
def poa() -> Document:
    return tagged(CORPUS / "hig-power-of-attorney-2004.txt")


def refs_with_text(document: Document, words: str, near: int | None = None):
    """The records whose text (white space collapsed) is ``words`` — the first such reference."""
    hits = [r for r in document.references if " ".join(r.text.split()) == words]
    assert hits, f"no reference {words!r}"
    if near is not None:
        hits.sort(key=lambda r: abs(r.start - near))
    first = hits[0].start
    return [r for r in hits if r.start == first]


# (words of the reference, a source offset near it, expected source, targets, external)
UA_REFERENCES = [
    # absolute, with "hereof" left out of the span
    ("Section 5(a)", 6636, "2(a)", ["5(a)"], None),
    # two designators, one record each, in the order named
    ("Sections 8 and 10", 68746, "13", ["8", "10"], None),
    ("Sections 6 and 8", 66295, "11", ["6", "8"], None),
    # relative to the clause it sits in
    ("subsection (a) or (b)", 54051, "8(c)", ["8(a)", "8(b)"], None),
    ("clause (i) or (ii)", 46616, "7(f)(ii)", ["7(f)(i)", "7(f)(ii)"], None),
    ("clause (i)", 56894, "8(d)(ii)", ["8(d)(i)"], None),
    ("this clause (iv)", 49052, "7(h)(iv)", ["7(h)(iv)"], None),
    ("this subsection (d)", 58342, "8(d)", ["8(d)"], None),
    ("subsections (a) and (f) of this Section", 50029, "7(i)", ["7(a)", "7(f)"], None),
    ("this section", 53855, "8(c)", ["8"], None),
    ("this Section 8", 55659, "8(c)", ["8"], None),
    ("this Section", 62484, "9(a)", ["9"], None),
    # attachments, with the qualifier naming the other agreement kept in the span
    ("Schedule II to such Pricing Agreement", 1378, "preamble", ["Schedule II"], None),
    ("Annex I", 799, "preamble", ["Annex I"], None),
    ("Schedule II", 51897, "8(a)", ["Schedule II"], None),
    # across parts: Annex I cites the General Terms and Conditions
    ("Section 12 of the Underwriting Agreement General Terms and Conditions", 72818, "Annex I, preamble", ["12"], None),
    ("such Section 12", 72944, "Annex I, preamble", ["12"], None),
    # THE TRAPS: the Act's / the Exchange Act's sections, never the agreement's own 11, 13, 15
    ("Section 11(f) of the Act", 59687, "8(d)", [None], "Securities Act of 1933"),
    ("Section 11(a) of the Act", 27789, "5(d)", [None], "Securities Act of 1933"),
    ("Section 15 of the Act", 50357, "8(a)", [None], "Securities Act of 1933"),
    ("Sections 13(a) or 15(d) of the Exchange Act", 7771, "2(a)", [None], "Securities Exchange Act of 1934"),
    ("Section 13(a), 13(c), 14 or 15(d) of the Exchange Act", 23189, "5(a)", [None], "Securities Exchange Act of 1934"),
    # rules and regulations
    ("Rule 424(b)", 22344, "5(a)", [None], "Securities Act of 1933"),
    ("Rule 424(b) of the rules and regulations of the Commission under the Act", 5192, "2(a)", [None], "Securities Act of 1933"),
    ("Rule 436(g)(2) under the Act", 47373, "7(g)(i)", [None], "Securities Act of 1933"),
    ("Regulation S-X", 12811, "2(e)", [None], "Regulation S-X"),
    # foreign statutes, one named through a defined term (FSMA)
    ("section 21(1) of the FSMA", 74381, "Annex I, ii", [None], "Financial Services and Markets Act 2000"),
    ("Section 275 of the Securities and Futures Act", 78178, "Annex I, vii", [None], "Securities and Futures Act (Singapore)"),
    ("article 3(1) of the Securities Transactions Supervision Act 1995", 75500, "Annex I, iv", [None], "Securities Transactions Supervision Act 1995"),
]


@pytest.mark.parametrize("words, near, source, targets, external", UA_REFERENCES)
def test_underwriting_agreement_references(ua, words, near, source, targets, external):
    """Each form resolves to the right clauses or outside authority, from the right source."""
    records = refs_with_text(ua, words, near)
    assert [r.target for r in records] == targets
    assert {r.external for r in records} == {external}
    assert {r.source for r in records} == {source}
    for r in records:
        assert ua.source[r.start : r.end] == r.text


def test_defined_term_named_like_a_rule_is_not_a_reference(ua):
    """"Rule 462(b) Registration Statement" names a defined term; only the real citations count."""
    rule_refs = [r for r in ua.references if r.designator == "462(b)"]
    assert len(rule_refs) == 3
    for r in rule_refs:
        assert not ua.source[r.end : r.end + 25].split()[:1] == ["Registration"]


def test_power_of_attorney_acts_through_its_terms(poa):
    """"Section 16(a) of the 1934 Act" cites the Exchange Act because the POA defines "1934 Act" so."""
    assert [(r.target, r.external) for r in refs_with_text(poa, "Section 16(a) of the 1934 Act")] == [
        (None, "Securities Exchange Act of 1934")
    ]
    assert refs_with_text(poa, "Rule 144 of the 1933 Act")[0].external == "Securities Act of 1933"
    assert not any("Form" in r.text for r in poa.references)  # forms are not references


@pytest.fixture(scope="module")
def ametek() -> Document:
    return tagged(EXTRA / "credit_agreement_ametek_1994.txt")


def test_ametek_sibling_designators(ametek):
    """"Section 4.02(A)(c), (g) or (h)" resolves to 4.02(A)(c), 4.02(A)(g) and 4.02(A)(h)."""
    assert "4.02(A)(c)" in {c.label for c in ametek.clauses}
    records = refs_with_text(ametek, "Section 4.02(A)(c), (g) or (h)")
    assert [r.target for r in records] == ["4.02(A)(c)", "4.02(A)(g)", "4.02(A)(h)"]


def test_ametek_new_enumeration_is_not_a_sibling(ametek):
    """"Section 3.03(c) and (y)": (y) starts the sentence's own enumeration, it is not 3.03(y)."""
    assert not any(" ".join(r.text.split()) == "Section 3.03(c) and (y)" for r in ametek.references)
    assert not any(r.target and r.target.endswith("(y)") and r.kind == "section" for r in ametek.references)


@pytest.fixture(scope="module")
def welltower() -> Document:
    return tagged(EXTRA / "indenture_welltower_form_2025.txt")


# (words, expected targets, expected external) in the Welltower indenture
WELLTOWER_REFERENCES = [
    ("Section 101", ["101"], None),
    ("Article Eleven", ["Article 11"], None),
    ("this Article Four", ["Article 4"], None),
    ("Sections 310 through 318, inclusive, of the Trust Indenture Act of 1939", [None], "Trust Indenture Act of 1939"),
    ("Section 13 or 15(d) of the Exchange Act", [None], "Securities Exchange Act of 1934"),
]


@pytest.mark.parametrize("words, targets, external", WELLTOWER_REFERENCES)
def test_welltower_styles(welltower, words, targets, external):
    """Article Four / Section 101 numbering and statute qualifiers after "inclusive,"."""
    records = refs_with_text(welltower, words)
    assert [r.target for r in records] == targets
    assert {r.external for r in records} == {external}


@pytest.mark.parametrize("path", sorted(p for p in EXTRA.glob("*") if p.suffix in (".txt", ".htm")), ids=lambda p: p.name)
def test_corpus_extra_tags_without_error(path):
    """Every corpus-extra exhibit tags; every record's text is its source span; most refs resolve."""
    document = tagged(path)
    for r in document.references:
        assert document.source[r.start : r.end] == r.text
    for t in document.terms:
        assert document.source[t.start : t.end] == t.term
    if document.references:
        resolved = sum(1 for r in document.references if r.target or r.external)
        assert resolved / len(document.references) >= 0.8


def test_broken_reference_is_a_lint_finding(ua):
    """A reference to a part the document lacks is reported; resolved ones are not."""
    text = "1. The Company shall comply with Section 5(a) hereof and with Section 2.\n\n2. See Section 3(z).\n"
    document = replace(document_from_text(text, "snippet"), kind=DocumentKind.OTHER_CONTRACT, title=None)
    document = dataclasses.replace(document, references=tuple(tag_references(document, [])))
    findings = reference_findings(Corpus(documents=(document,)))
    assert {f.text for f in findings} == {"Section 5(a)", "Section 3(z)"}
    assert all(f.kind == "broken reference" for f in findings)
    assert reference_findings(Corpus(documents=(ua,))) == []


def test_patterns_file_is_valid():
    """Every row has id, label, pattern and example; patterns compile; statutes have names."""
    rows = [json.loads(line) for line in PATTERNS.read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        assert {"id", "label", "pattern", "example"} <= row.keys(), row
        re.compile(row["pattern"])
        if row["label"] in ("statute", "rule_family"):
            assert row["name"], row
        if row["label"] == "keyword":
            assert row["kind"] in ("section", "subsection", "clause", "article", "rule", "regulation",
                                   "schedule", "annex", "exhibit", "appendix", "item")
    assert set(load_patterns()) >= {"keyword", "statute", "rule_family", "self"}
    rules()


# (a designator and the outside authority its number alone implies)
RULE_FAMILIES = [("144A", "Securities Act of 1933"), ("462(b)", "Securities Act of 1933"), ("10b-5", "Securities Exchange Act of 1934")]


@pytest.mark.parametrize("designator, act", RULE_FAMILIES)
def test_rule_families(designator, act):
    """A bare rule number says which Act's rules it is (17 CFR 230 vs 240 numbering)."""
    family = next(name for pattern, name in rules().rule_families if pattern.fullmatch(designator))
    assert family == act


def test_ua_references_are_fast(ua):
    """References of the 84 KB underwriting agreement take well under the 2 s budget."""
    import time

    started = time.perf_counter()
    tag_references(ua, list(ua.terms))
    assert time.perf_counter() - started < 1.0


def snippet_document(text: str, doc_id: str, title: str | None = None) -> Document:
    document = replace(document_from_text(text, doc_id), kind=DocumentKind.OTHER_CONTRACT, title=title)
    terms = tag_terms(document)
    mentions = find_mentions(document, terms)
    return dataclasses.replace(document, terms=tuple(terms), mentions=tuple(mentions),
                               references=tuple(tag_references(document, terms)))


def test_reference_into_another_document_of_the_corpus():
    """"Section 2 of the Pledge Agreement" points into the corpus document titled Pledge Agreement."""
    from clausegraph.resolve import resolve_references

    pledge = snippet_document("1. Acme Holdings, Inc. pledges the shares.\n\n2. The Pledgor shall deliver the shares.\n",
                              "pledge", title="Pledge Agreement")
    credit = snippet_document("1. Acme Holdings, Inc. shall deliver the shares under Section 2 of the Pledge Agreement.\n\n"
                              "2. Nothing else.\n", "credit")
    before = refs_with_text(credit, "Section 2 of the Pledge Agreement")
    assert [(r.target, r.external) for r in before] == [(None, "Pledge Agreement")]
    after = {d.doc_id: d for d in resolve_references([pledge, credit])}["credit"]
    record = refs_with_text(after, "Section 2 of the Pledge Agreement")[0]
    assert (record.target, record.target_doc, record.external) == ("2", "pledge", None)


def test_a_title_alone_does_not_make_another_document_the_target():
    """Another issuer's "Indenture" is not the indenture a note cites: no party in common, no edge."""
    from clausegraph.resolve import resolve_references

    pledge = snippet_document("1. Zenith Partners LLC pledges the shares.\n\n2. The Pledgor shall deliver the shares.\n",
                              "pledge", title="Pledge Agreement")
    credit = snippet_document("1. Acme Holdings, Inc. shall deliver the shares under Section 2 of the Pledge Agreement.\n\n"
                              "2. Nothing else.\n", "credit")
    after = {d.doc_id: d for d in resolve_references([pledge, credit])}["credit"]
    record = refs_with_text(after, "Section 2 of the Pledge Agreement")[0]
    assert (record.target, record.target_doc, record.external) == (None, None, "Pledge Agreement")
