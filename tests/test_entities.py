"""Entities: name rules on real snippets, roles and parties, resolution across the corpus, lint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clausegraph.model import ClauseKind, DocumentKind, EntityKind
from clausegraph.tagging.entities import find_mentions, load_patterns, normalise_name, short_forms
from test_deontic import snippet_document

from conftest import CORPUS_EXTRA, POA, UA

P = ClauseKind.PARAGRAPH

# (snippet, document kind, clause kind, expected {name: (kind, party, roles that must be there)})
CASES = [
    # a corporate suffix, "a Delaware corporation", and the defined term that stands for it
    ('From time to time The Hartford Financial Services Group, Inc., a Delaware corporation (the "COMPANY"), '
     'proposes to issue and sell.', DocumentKind.UNDERWRITING_AGREEMENT, P,
     {"The Hartford Financial Services Group, Inc.": (EntityKind.ORGANIZATION, False, {"issuer"})}),
    # a law firm "X & Y" and its role as counsel
    ("(b) Davis Polk & Wardwell, counsel for the Underwriters, shall have furnished such opinion.",
     DocumentKind.UNDERWRITING_AGREEMENT, P,
     {"Davis Polk & Wardwell": (EntityKind.ORGANIZATION, False, {"counsel for the underwriters"})}),
    # accountants named with an "and", not an "&"
    ("Deloitte and Touche LLP, the independent accountants of the Company, shall have furnished a letter.",
     DocumentKind.UNDERWRITING_AGREEMENT, P,
     {"Deloitte and Touche LLP": (EntityKind.ORGANIZATION, False, {"independent accountants"})}),
    # a name without a suffix, given by its role; the leading defined term is not part of the name
    ('Indenture to be dated March 9, 2004 between the Company and JP Morgan\nChase, as Trustee (the "TRUSTEE").',
     DocumentKind.UNDERWRITING_AGREEMENT, P, {"JP Morgan Chase": (EntityKind.ORGANIZATION, False, {"trustee"})}),
    # ticker notation names the exchange; a known regulator by its full name
    ("The Hartford Financial Services Group, Inc. (NYSE: HIG) filed with the Securities and Exchange Commission.",
     DocumentKind.PRESS_RELEASE, P,
     {"The Hartford Financial Services Group, Inc.": (EntityKind.ORGANIZATION, False, set()),
      "New York Stock Exchange": (EntityKind.EXCHANGE, False, {"exchange"}),
      "Securities and Exchange Commission": (EntityKind.GOVERNMENT_BODY, False, {"regulator"})}),
    # a signature block: the firm signs (a party), the officer is a signatory with titles (not a party)
    ("Very truly yours,\n\nTHE HARTFORD FINANCIAL\nSERVICES GROUP, INC.\n\nBy: /s/ John N. Giamalis\n"
     "Name: John N. Giamalis\nTitle: Senior Vice President and Treasurer\n", DocumentKind.UNDERWRITING_AGREEMENT,
     ClauseKind.SIGNATURES,
     {"THE HARTFORD FINANCIAL SERVICES GROUP, INC.": (EntityKind.ORGANIZATION, True, set()),
      "John N. Giamalis": (EntityKind.PERSON, False, {"signatory", "senior vice president", "treasurer"})}),
    # representatives sign "As Representatives"
    ("Accepted as of the date hereof:\n\nBANC OF AMERICA SECURITIES LLC\nBANC ONE CAPITAL MARKETS, INC.\n\n"
     "As Representatives of the Underwriters listed in Schedule I\n", DocumentKind.UNDERWRITING_AGREEMENT,
     ClauseKind.SIGNATURES,
     {"BANC OF AMERICA SECURITIES LLC": (EntityKind.ORGANIZATION, True, {"representative"}),
      "BANC ONE CAPITAL MARKETS, INC.": (EntityKind.ORGANIZATION, True, {"representative"})}),
    # "Name, Esq." followed by titles
    ("(d) Neal S. Wolin, Esq. Executive Vice President and General Counsel to The Company, shall have furnished.",
     DocumentKind.UNDERWRITING_AGREEMENT, P,
     {"Neal S. Wolin": (EntityKind.PERSON, False, {"executive vice president", "general counsel"})}),
    # a power of attorney: the list after "appoint", and the signer as principal
    ("KNOW ALL MEN BY THESE PRESENTS, that the undersigned does hereby nominate, constitute and appoint Neal S. Wolin, "
     "Amy B. Gallent and Amanda Grabowski Aquino, or any one or more of them, his true and lawful attorneys.\n\n"
     "/s/Edward J. Kelly, III", DocumentKind.POWER_OF_ATTORNEY, P,
     {"Neal S. Wolin": (EntityKind.PERSON, True, {"attorney-in-fact"}),
      "Amy B. Gallent": (EntityKind.PERSON, True, {"attorney-in-fact"}),
      "Amanda Grabowski Aquino": (EntityKind.PERSON, True, {"attorney-in-fact"}),
      "Edward J. Kelly, III": (EntityKind.PERSON, True, {"principal", "signatory"})}),
    # credit_agreement_ametek_1994, "Stock Option Plans": a plan "of AMETEK, Inc." names the company
    ("the 1987 Employees' Stock Incentive Plan of AMETEK, Inc., as amended; and any similar plans.",
     DocumentKind.OTHER_CONTRACT, P,
     {"AMETEK, Inc.": (EntityKind.ORGANIZATION, False, set())}),
]


@pytest.mark.parametrize("text, doc_kind, clause_kind, expected", CASES, ids=[str(i) for i in range(len(CASES))])
def test_entities_in_snippets(text, doc_kind, clause_kind, expected):
    """Each rule finds exactly the named entities, with kind, party flag and roles."""
    document = snippet_document(text, [("p1", clause_kind, None, text[:5])], kind=doc_kind)
    mentions = find_mentions(document)
    got = {m.name: m for m in mentions}
    assert set(got) == set(expected)
    for name, (kind, party, roles) in expected.items():
        assert got[name].kind is kind, name
        assert got[name].party is party, name
        assert roles <= set(got[name].roles), (name, got[name].roles)
    for m in mentions:
        assert document.source[m.start:m.end] == m.text


def test_defined_term_is_no_organisation():
    """'"Affected Company" shall mean …' (credit_agreement_ametek_1994, Section 10) names no company."""
    from clausegraph.tagging.terms import tag_terms

    text = ('"Affected Company" shall mean with respect to any Reinvestment Event the Subsidiary that owns '
            'the assets.\nThe Affected Company shall reinvest the proceeds.')
    document = snippet_document(text, [("10", ClauseKind.SECTION, None, text[:5])], kind=DocumentKind.OTHER_CONTRACT)
    mentions = find_mentions(document, tag_terms(document))
    assert "Affected Company" not in {m.name for m in mentions}


def test_defined_term_uses_become_alias_mentions():
    """'(the "EXCHANGE")' makes 'the Exchange' a mention of the NYSE, but never 'the Exchange Act'."""
    text = ('under the Securities Exchange Act of 1934 (the "EXCHANGE ACT"). Trading on the New York Stock Exchange '
            '(the "EXCHANGE") or in the Company\'s securities on the Exchange, as the Exchange Act requires.')
    mentions = find_mentions(snippet_document(text, [("p1", P, None, "under")]))
    nyse = [m.text for m in mentions if m.name == "New York Stock Exchange"]
    assert nyse == ["New York Stock Exchange", "EXCHANGE", "the Exchange"]


@pytest.mark.parametrize("name, key", [
    ("THE HARTFORD FINANCIAL\nSERVICES GROUP, INC.", "hartford-financial-services-group-inc"),  # case, wrap, article
    ("Hartford Financial Services Group, Inc.", "hartford-financial-services-group-inc"),  # no article
    ("Davis Polk & Wardwell", "davis-polk-and-wardwell"),  # "&" reads as "and"
    ("Neal S. Wolin, Esq.", "neal-s-wolin"),  # the honorific is not part of the name
])
def test_normalise_name(name, key):
    """Keys ignore case, wraps, punctuation, a leading 'The' and 'Esq.'."""
    assert normalise_name(name) == key


@pytest.mark.parametrize("name, forms", [
    ("The Hartford Financial Services Group, Inc.", ["The Hartford"]),
    ("CNA Financial Corporation", ["CNA"]),
    ("Banc of America Securities LLC", []),  # "Banc" alone would be a guess
    ("The Depository Trust Company", []),  # "The Depository" is generic
])
def test_short_forms(name, forms):
    """Only distinctive short forms are derived from a full name."""
    generic = frozenset(next(r["pattern"] for r in load_patterns("entities.jsonl") if r["label"] == "generic_word").split("|"))
    assert short_forms(name, generic) == forms


def test_one_entity_per_person_and_organisation_across_the_corpus(corpus):
    """Neal S. Wolin is one person in two documents; The Hartford is one company in all four."""
    by_name = {e.name: e for e in corpus.entities}
    wolin = by_name["Neal S. Wolin"]
    assert wolin.docs == (POA, UA)
    assert wolin.parties_in == (POA,)
    assert (UA, "general counsel") in wolin.roles and (POA, "attorney-in-fact") in wolin.roles
    hartford = by_name["The Hartford Financial Services Group, Inc."]
    assert len(hartford.docs) == 4
    assert {"the Company", "THE HARTFORD FINANCIAL SERVICES GROUP, INC.", "The Hartford"} <= set(hartford.aliases)
    assert hartford.parties_in == (UA,)
    keys = {e.key for e in corpus.entities}
    for d in corpus.documents:
        assert {m.entity for m in d.mentions} <= keys


def test_name_variants_are_aliases_and_lint_findings(corpus):
    """Schedule I's 'Bank One ...' is an alias of 'Banc One Capital Markets, Inc.' and a lint finding."""
    banc = next(e for e in corpus.entities if e.name == "Banc One Capital Markets, Inc.")
    assert {"Bank One Capital Markets, Inc.", "BANC ONE CAPITAL MARKETS, INC."} <= set(banc.aliases)
    assert {r for _, r in banc.roles} == {"underwriter", "representative"}
    variants = [f for f in corpus.findings if f.kind == "name variant"]
    assert [(f.doc, f.clause, f.text) for f in variants] == [(UA, "Schedule I, p1", "Bank One Capital Markets, Inc.")]


def test_entity_patterns_are_valid():
    """Every row of entities.jsonl has an id, a known label and an example; regexes compile."""
    rows = load_patterns("entities.jsonl")
    labels = {"org_suffix", "known_body", "role_term", "role_context", "title_words", "not_name_start",
              "not_person_start", "generic_word", "institution_head", "institution_head_weak", "institution_head_first"}
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert row["label"] in labels and row.get("example") and row.get("pattern"), row
        if row["label"] in ("role_context", "title_words"):
            re.compile(row["pattern"])
        if row["label"] == "known_body":
            assert EntityKind(row["kind"]) and row["role"]


@pytest.mark.parametrize("path", sorted(p for p in CORPUS_EXTRA.glob("*") if p.suffix in {".txt", ".htm"}), ids=lambda p: p.name)
def test_corpus_extra_tags_without_error(path: Path):
    """Every extra exhibit tags; every mention, statement and condition points at its own words."""
    from clausegraph.build import process_document

    document = process_document(path)
    labels = {c.label for c in document.clauses}
    for m in document.mentions:
        assert document.source[m.start:m.end] == m.text
    for record in document.deontics + document.conditions:
        assert record.clause in labels and 0 <= record.start < record.end <= len(document.source)
    if "poa" in path.name:
        assert {d.bearer for d in document.deontics} == {"Katherine Kwiat", "Kim Loies", "Jamie Brown"}


def test_short_forms_the_builds_workers_find_are_those_found_in_memory(tmp_path):
    """With workers, the build looks for short forms ("The Hartford") in the stored documents in
    the worker processes; it must find the same mentions, keyed to the same entities, as
    resolution over the documents in memory."""
    import json
    import shutil

    from clausegraph.build import PARALLEL_MIN_DOCUMENTS, build, process_document
    from clausegraph.resolve import resolve_corpus

    from conftest import CORPUS

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(CORPUS.glob("*.txt")):
        shutil.copy(path, corpus / path.name)
    for k in range(PARALLEL_MIN_DOCUMENTS - 4):  # enough documents for the workers
        shutil.copy(CORPUS / f"{POA}.txt", corpus / f"poa-copy-{k}.txt")
    report = build([corpus], tmp_path / "out", jobs=2, cache=False)
    assert report.ok, report.errors
    memory = resolve_corpus([process_document(p) for p in sorted(corpus.iterdir())])
    found = 0
    for document in memory.documents:
        rows = json.loads((tmp_path / "out" / "docs" / document.doc_id / "mentions.json").read_text(encoding="utf-8"))
        built = sorted((r["start"], r["end"], r["entity"]) for r in rows if r["form"] == "short")
        assert built == sorted((m.start, m.end, m.entity) for m in document.mentions if m.form == "short"), document.doc_id
        found += len(built)
    assert found > 0
