"""Defined terms: every defining form, the traps that are not definitions, uses, scope, lint."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
import json
import re
from pathlib import Path

import pytest

from clausegraph.build import document_from_text, read_document
from clausegraph.lint import term_findings
from clausegraph.model import Corpus, Document, DocumentKind
from clausegraph.tagging.terms import PATTERNS, load_patterns, rules, stands_for, tag_terms, term_forms

ROOT = Path(__file__).resolve().parent.parent
UA_PATH = ROOT / "corpus" / "hig-underwriting-agreement-2004.txt"


def make_document(text: str, doc_id: str = "snippet") -> Document:
    """A document from a text snippet, cut into clauses, with its terms tagged."""
    document = replace(document_from_text(text, doc_id), kind=DocumentKind.OTHER_CONTRACT, title=None)
    return dataclasses.replace(document, terms=tuple(tag_terms(document)))


def load_document(path: Path) -> Document:
    document = replace(read_document(path), kind=DocumentKind.OTHER_CONTRACT, title=None)
    return dataclasses.replace(document, terms=tuple(tag_terms(document)))


@pytest.fixture(scope="module")
def ua_terms() -> Document:
    return load_document(UA_PATH)


# (snippet, expected term, expected start of the definition text) — one row per defining form.
DEFINITION_FORMS = [
    # parenthetical after a name, with an appositive
    ('From time to time The Hartford Financial Services Group, Inc., a\nDelaware corporation (the "COMPANY"), proposes to enter into it.',
     "COMPANY", "The Hartford Financial Services Group, Inc., a Delaware corporation"),
    # "(each, a …)" after a noun phrase
    ('It proposes to enter into one or more Pricing Agreements in the form of Annex I hereto (each, a "PRICING AGREEMENT") which incorporates these terms.',
     "PRICING AGREEMENT", "one or more Pricing Agreements in the form of Annex I hereto"),
    # bare parenthetical quote after a statute's name
    ('(within the meaning of section 21 of the Financial Services and Markets Act 2000 ("FSMA")) received by it.',
     "FSMA", "the Financial Services and Markets Act 2000"),
    # "hereinafter collectively called"
    ('; the various parts of such registration statement, including all exhibits thereto, are hereinafter collectively called the "REGISTRATION STATEMENT"; the final prospectus',
     "REGISTRATION STATEMENT", "the various parts of such registration statement"),
    # "herein called" inside a parenthesis, curly quotes
    ("This Security is one of a duly authorized issue of securities of the Issuer (herein called the “Securities”), issued under an Indenture.",
     "Securities", "a duly authorized issue of securities of the Issuer"),
    # "X" shall mean
    ('14. Time shall be of the essence. As used herein, "BUSINESS DAY" shall mean any day other than a Saturday or Sunday.',
     "BUSINESS DAY", "any day other than a Saturday or Sunday"),
    # The term "X" as used … shall include
    ('The term "UNDERWRITER" as used in the Pricing Agreement shall include any person substituted under this Section.',
     "UNDERWRITER", "any person substituted under this Section"),
    # The term "X" also refers to
    ('The term "REPRESENTATIVES" also refers to a single firm acting as sole representative of the Underwriters.',
     "REPRESENTATIVES", "a single firm acting as sole representative"),
    # curly quotes, "shall mean", a list of definitions (Welltower indenture style)
    ("Section 101 Definitions.\n\n“Acceptance” shall mean the acceptance of an order by the Trustee.\n\n“Board” means the board of directors of the Issuer.\n",
     "Acceptance", "the acceptance of an order by the Trustee"),
    # straight quotes in a Definitions section (Ametek credit agreement style)
    ('          SECTION 10.  Definitions.\n\n          "Adjusted Working Investment" shall mean Consolidated Current Assets\nless Consolidated Current Liabilities.\n',
     "Adjusted Working Investment", "Consolidated Current Assets less Consolidated Current Liabilities"),
    # "has the meaning" with a qualifier between the term and the verb
    ("“Business Day,” when used with respect to any Place of Payment, means each Monday.",
     "Business Day", "each Monday"),
    # several terms in one parenthesis
    ('the lending institutions listed on Schedule I hereto (each a "Bank" and, collectively, the "Banks"), and others.',
     "Banks", "the lending institutions listed on Schedule I hereto"),
    # a date is one unit of a name, and an instrument is named with its date
    ('This Agreement is entered into as of March 18, 2010 (the "Effective Date") by the parties.', "Effective Date", "March 18, 2010"),
    ('(v) that certain Second Amendment of Lease dated September 12, 2013 (the "Second Amendment"); and', "Second Amendment",
     "that certain Second Amendment of Lease dated September 12, 2013"),
    # a party with its kind of company in capitals
    ('by and between AURA SYSTEMS INC., a Delaware Corporation ("Aura"), and ZANOTTI EAST INC.', "Aura", "AURA SYSTEMS INC., a Delaware Corporation"),
    # "such time and date being herein called": the words "such" points back to
    ('all at the place and time and date specified in such Pricing Agreement or at such other place and time and date as '
     'the Representatives may agree upon in writing, such time and date being herein called the "TIME OF DELIVERY".',
     "TIME OF DELIVERY", "time and date specified in such Pricing Agreement or at such other place"),
    # a party's kind of company and its offices, as one apposition
    ('is by and between Zhengzhou Xiangtian Information Technology Company Limited, a PRC Corporation with offices located at '
     '81 Hao Lou, Henan Province PRC, China, ("Licensee"), and China Soar', "Licensee",
     "Zhengzhou Xiangtian Information Technology Company Limited, a PRC Corporation with offices"),
    # a title on the same line before "This …" is not part of the name
    ('STRATEGIC ALLIANCE AGREEMENT    This STRATEGIC ALLIANCE AGREEMENT (the "Agreement") is entered into by Aura.',
     "Agreement", "This STRATEGIC ALLIANCE AGREEMENT"),
    # what a party "agrees to pay" is the phrase after the verb
    ('Subtenant agrees to pay base rent ("Base Rent") in equal monthly installments.', "Base Rent", "base rent"),
    # ", National Association" belongs to the name; a capacity in apposition stays in the definition
    ('between GCM Grosvenor Inc., a Delaware corporation, and Wilmington Trust, National Association, a national banking '
     'association, not in its individual capacity but solely as trustee (the "Trustee").', "Trustee",
     "Wilmington Trust, National Association, a national banking association, not in its individual capacity"),
    # a parenthesis between the name and the definition stays in the definition
    ('by and between ARE-MA Region No. 59, LLC (as successor to RB KENDALL FEE, LLC, a Delaware limited liability company) '
     '("Prime Landlord") and Sublandlord.', "Prime Landlord", "ARE-MA Region No. 59, LLC (as successor to"),
    # no sentence ends at an initialism
    ('the criteria of each of Moody\'s Investors Service ("Moody\'s") and A.M. Best Company ("A.M. Best").', "A.M. Best",
     "A.M. Best Company"),
    # an item's marker "a)" is no article
    ('This Sublease ("Sublease") is made.\n\n3. Term. a)The term of this Sublease ("Term") shall commence on the Commencement Date.',
     "Term", "The term of this Sublease"),
    # an acronym is defined by the words that spell it, small words giving no letter
    ('comply as to form with the accounting requirements of Title 12 of the Code of Federal Regulations and '
     'generally accepted accounting principles ("GAAP") (including those that require)', "GAAP",
     "generally accepted accounting principles"),
    ('filed with the Office of Thrift Supervision ("OTS") its application', "OTS", "Office of Thrift Supervision"),
]

# The Welltower indenture's opening (corpus-extra, line 893): the name comes before the
# appositive (", a corporation duly organized …", ", having its principal offices at …"), never
# the State named inside it; a collective term in the same parenthesis names no one thing.
WELLTOWER_PREAMBLE = (
    "This Indenture, dated as of ________, 20__, between Welltower Inc., a corporation duly organized and "
    "existing under the laws of the State of Delaware (the \u201cIssuer\u201d), having its principal offices at "
    "4500 Dorr Street, Toledo, Ohio 43615, Welltower OP LLC, a limited liability company duly organized and "
    "existing under the laws of the State of Delaware (the \u201cGuarantor\u201d and together with the Issuer, "
    "the \u201cObligors\u201d), having its principal offices at 4500 Dorr Street, Toledo, Ohio 43615, and The Bank "
    "of New York Mellon Trust Company, N.A., a national banking association, as Trustee (the \u201cTrustee\u201d), "
    "having its principal offices at 311 S. Wacker Drive, Suite 6200B, Floor 62, Chicago, Illinois 60606.\n"
)
APPOSITIVE_NAMES = [
    # ", a corporation duly organized and existing under the laws of …"
    ("Issuer", "Welltower Inc."),
    # after ", having its principal offices at …43615," comes the next party's own name
    ("Guarantor", "Welltower OP LLC"),
    # two appositives: ", a national banking association" and ", as Trustee"
    ("Trustee", "The Bank of New York Mellon Trust Company, N.A."),
    # "and together with the Issuer, the “Obligors”": a group, so no single name
    ("Obligors", None),
]


@pytest.mark.parametrize("term, name", APPOSITIVE_NAMES)
def test_name_before_appositive(term, name):
    """A party's term stands for the name before its appositive, never for the State in it."""
    document = make_document(WELLTOWER_PREAMBLE)
    found = [t for t in document.terms if t.term == term]
    assert found, [t.term for t in document.terms]
    assert found[0].stands_for == name
    assert "State of Delaware" != found[0].stands_for


# "shall have the meaning provided in …" points elsewhere: the term is defined, it names nothing.
POINTER_DEFINITIONS = [
    # credit_agreement_ametek_1994, Section 10
    ('"Dividends" shall have the meaning provided in Section 8.06.\n', "Dividends"),
    # indenture_welltower_form_2025, Section 101
    ("\u201cDefeasance\u201d has the meaning specified in Section 1402.\n", "Defeasance"),
]


@pytest.mark.parametrize("snippet, term", POINTER_DEFINITIONS)
def test_pointer_definitions_stand_for_nothing(snippet, term):
    """A definition by reference to another section is kept, with no stands_for."""
    document = make_document(snippet)
    found = [t for t in document.terms if t.term == term]
    assert found and found[0].stands_for is None


@pytest.mark.parametrize("snippet, term, definition", DEFINITION_FORMS)
def test_definition_forms(snippet, term, definition):
    """Each defining form yields the term, its exact source offsets and what it stands for."""
    document = make_document(snippet)
    found = [t for t in document.terms if " ".join(t.term.split()) == term]
    assert found, [t.term for t in document.terms]
    t = found[0]
    assert document.source[t.start : t.end] == t.term  # exactly as written
    assert t.definition.startswith(definition), t.definition
    assert " ".join(document.source[t.definition_start : t.definition_end].split()) == t.definition


# Quoted text that defines nothing (captions, scare quotes, a borrowed term of art), and the
# terms a snippet may still define.
NOT_DEFINITIONS = [
    ('(iii) The discussion under the caption "United States Federal Income Tax Consequences" in the Prospectus Supplement fairly summarizes the matters.', set()),
    ("of the type ordinarily included in accountants' \"comfort letters\" to underwriters in connection with registered public offerings.", set()),
    ('(a) The names of the Underwriters in the table under the caption "Underwriting" in the Prospectus Supplement;', set()),
    ('at a price to be determined as set forth in the Prospectus under the caption "Description of the Notes - Optional Redemption".', set()),
    ('by any "nationally recognized statistical rating organization", as that term is defined by the Commission for purposes of Rule 436(g)(2).', set()),
    # "to a “Security” … refers to" extends Security within an Article; "the Securities" is a phrase
    ("Each reference in this Article Four to a “Security” or “the Securities” refers to the Securities of the series.", {"Security"}),
]


@pytest.mark.parametrize("snippet, allowed", NOT_DEFINITIONS)
def test_not_definitions(snippet, allowed):
    """Captions and scare quotes are not definitions."""
    assert {" ".join(t.term.split()) for t in make_document(snippet).terms} <= allowed


# (term form as written, expected forms) — singular and plural are the same term.
FORMS = [
    ("UNDERWRITERS", {"underwriters", "underwriter"}),
    ("SIGNIFICANT SUBSIDIARY", {"significant subsidiary", "significant subsidiaries"}),
    ("DTC", {"dtc", "dtcs"}),
]


@pytest.mark.parametrize("term, expected", FORMS)
def test_term_forms(term, expected):
    """Uses match the term singular or plural, whatever its case."""
    assert expected <= term_forms(term)


# (definition text, the name it stands for)
STANDS_FOR = [
    ("the Securities Act of 1933, as amended", "Securities Act of 1933"),
    ("The Hartford Financial Services Group, Inc., a Delaware corporation", "The Hartford Financial Services Group, Inc."),
    ("JP Morgan Chase, as Trustee", "JP Morgan Chase"),
    ("the Securities and Futures Act, chapter 289 of Singapore", "Securities and Futures Act"),
]


@pytest.mark.parametrize("definition, name", STANDS_FOR)
def test_stands_for(definition, name):
    """The lookup other components use drops the article and the appositive."""
    assert stands_for(definition) == name


def test_uses_any_case_plural_and_longest_first(ua_terms):
    """COMPANY is used as "Company"; "Rule 462(b) Registration Statement" is not a use of REGISTRATION STATEMENT."""
    by = {(" ".join(t.term.split()), t.defined_in): t for t in ua_terms.terms}
    company = by[("COMPANY", "preamble")]
    assert any(u.text == "Company" for u in company.uses)
    underwriters = by[("UNDERWRITERS", "preamble")]
    assert {u.text for u in underwriters.uses} >= {"Underwriters", "Underwriter"}
    registration = by[("REGISTRATION STATEMENT", "2(a)")]
    rule_rs = by[("RULE 462(b) REGISTRATION STATEMENT", "2(a)")]
    for use in rule_rs.uses:
        assert not any(u.start < use.end and use.start < u.end for u in registration.uses)
    assert all(ua_terms.source[u.start : u.end] == u.text for u in company.uses)
    # lower-case "company"/"securities" are ordinary words, not uses
    assert all(u.text[:1].isupper() for u in by[("SECURITIES", "preamble")].uses)


def test_annex_scope(ua_terms):
    """Uses inside Annex I link to Annex I's COMPANY; uses in the main body to the main one."""
    main = next(t for t in ua_terms.terms if t.term == "COMPANY" and t.scope is None)
    annex = next(t for t in ua_terms.terms if t.term == "COMPANY" and t.scope == "Annex I")
    assert annex.used_in and all(label.startswith("Annex I") for label in annex.used_in)
    assert not any(label.startswith("Annex I") for label in main.used_in)
    assert "2(a)" in main.used_in


def test_stands_for_lookup(ua_terms):
    """ACT stands for the Securities Act of 1933; COMPANY for The Hartford."""
    by = {" ".join(t.term.split()): t.stands_for for t in ua_terms.terms if t.scope is None}
    assert by["ACT"] == "Securities Act of 1933"
    assert by["COMPANY"] == "The Hartford Financial Services Group, Inc."
    assert by["EXCHANGE ACT"] == "Securities Exchange Act of 1934"


def test_term_lint():
    """An unused definition and a capitalised phrase used twice but never defined are findings."""
    document = make_document(
        'The Hartford Financial Services Group, Inc., a Delaware corporation (the "COMPANY"), and the '
        'Nasdaq Stock Market (the "MARKET") agree. The Company shall deliver the Closing Memorandum. '
        'The Company shall sign the Closing Memorandum, and the Blue Sky memorandum.'
    )
    findings = term_findings(Corpus(documents=(document,)))
    kinds = {(f.kind, f.text) for f in findings}
    assert ("unused definition", "MARKET") in kinds
    assert ("undefined term", "Closing Memorandum") in kinds
    assert not any(f.text in ("COMPANY", "Company", "Blue Sky") for f in findings)


def test_patterns_file_is_valid():
    """Every pattern row has an id, a label and a pattern that compiles; ids are unique."""
    rows = [json.loads(line) for line in PATTERNS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert rows
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        assert {"id", "label", "pattern", "example"} <= row.keys(), row
        re.compile(row["pattern"])
    groups = load_patterns()
    for label in ("paren_lead", "called", "means_verb", "appositive", "name_suffix", "small_word"):
        assert label in groups
    rules()  # the combined rules compile


def test_ua_tagging_is_fast(ua_terms):
    """Terms of the 84 KB underwriting agreement take well under the 2 s budget."""
    import time

    started = time.perf_counter()
    tag_terms(ua_terms)
    assert time.perf_counter() - started < 1.0


def test_word_before_and_stop_before_read_as_their_regular_expressions():
    # The two helpers of _inside_longer_name stand for regex searches that tried every position.
    import random

    from clausegraph.tagging.terms import _after_stop_and_one_word, _word_before

    rng = random.Random(6)
    alphabet = "aZ9_.&'’-; :\n\t\x1c(é²ΩK"
    for _ in range(20000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        word = re.search(r"([A-Za-z][\w.&'’-]*)\s+$", s)
        assert _word_before(s) == (word.group(1) if word else None), repr(s)
        assert _after_stop_and_one_word(s) == bool(re.search(r"[.;:]\s+\S+\s+$", s)), repr(s)


def test_forms_pattern_matches_as_the_plain_alternation():
    # The uses' alternation is factored by leading characters; the matches must not change.
    import random

    from clausegraph.tagging.terms import forms_pattern

    rng = random.Random(8)
    words = ["ac", "act", "acts", "a", "b.c", "co", "com", "ki", "ıa", "é", "s", "ss", "1a"]
    for _ in range(500):
        forms = sorted({" ".join(rng.sample(words, rng.randint(1, 2))) for _ in range(rng.randint(1, 8))},
                       key=len, reverse=True)
        plain = re.compile(r"(?<![\w-])(?:%s)(?![\w-])" % "|".join(
            r"\s+".join(re.escape(w) for w in f.split()) for f in forms), re.I)
        factored = re.compile(r"(?<![\w-])(?:%s)(?![\w-])" % forms_pattern(forms), re.I)
        for _ in range(20):
            text = " ".join(rng.choice(words + ["ACT", "Co", "K", "İ", "ſ", "x"]) for _ in range(rng.randint(0, 8)))
            assert [m.span() for m in factored.finditer(text)] == [m.span() for m in plain.finditer(text)], (forms, text)


def test_case_extras_are_what_re_matches_case_insensitively():
    import string
    import sys

    from clausegraph.tagging.rules import _CASE_EXTRAS

    every = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF)
    for ch in string.ascii_lowercase:
        assert set(re.findall(ch, every, re.I)) == {ch, ch.upper(), *_CASE_EXTRAS.get(ch, "")}, ch
    for ch in string.digits + string.punctuation:  # other ASCII characters match only themselves
        assert set(re.findall(re.escape(ch), every, re.I)) == {ch}, ch
