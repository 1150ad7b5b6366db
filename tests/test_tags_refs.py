"""References resolve onto the labels of CONVENTIONS.md, statutes stay outside (issue 8).

The clause trees here are written by hand, so that these tests hold the resolver to the
labels the conventions give whatever the segmenter makes of the words.
"""

from __future__ import annotations

import dataclasses

from clausegraph.build import document_from_text
from clausegraph.model import Clause, ClauseKind
from clausegraph.tagging.refs import _written_forms, tag_references
from clausegraph.tagging.terms import tag_terms


def _document(text: str, clauses: list[tuple[str, ClauseKind, str | None, str, str | None]]):
    """A document whose clauses start at the first words given and end before the last ones."""
    base = document_from_text(text, "hand")
    tree = []
    for order, (label, kind, parent, first, stop) in enumerate(clauses):
        start = text.index(first)
        end = text.index(stop, start) if stop else len(text)
        tree.append(Clause(label=label, kind=kind, parent=parent, start=start, end=end, order=order))
    return dataclasses.replace(base, clauses=tuple(tree))


def _refs(document) -> list[tuple[str, str | None, str | None]]:
    terms = tag_terms(document)
    return [(" ".join(r.text.split()), r.target, r.external) for r in tag_references(document, terms)]


def test_written_forms_of_a_designator():
    assert _written_forms("5.3.a") == ["5.3.a", "5.3(a)"]
    assert _written_forms("I.C.") == ["I.C", "I(C)"]
    assert _written_forms("Eighteen") == ["Eighteen", "18"]
    assert _written_forms('"C"') == ["C"]


ROMAN = (
    "I. APPOINTMENT\n\nA. The Agent is appointed.\n\nC. The Agent shall act as set out in Paragraph I.A. "
    "and in Section IV(A).\n\nIV. TERM\n\nA. The term is one year, as Paragraph I.C. says.\n"
)


def test_roman_sections_with_lettered_parts():
    document = _document(ROMAN, [
        ("I", ClauseKind.SECTION, None, "I. APPOINTMENT", "IV. TERM"),
        ("I(A)", ClauseKind.SUBSECTION, "I", "A. The Agent is", "C. The Agent"),
        ("I(C)", ClauseKind.SUBSECTION, "I", "C. The Agent", "IV. TERM"),
        ("IV", ClauseKind.SECTION, None, "IV. TERM", None),
        ("IV(A)", ClauseKind.SUBSECTION, "IV", "A. The term", None),
    ])
    assert _refs(document) == [
        ("Paragraph I.A.", "I(A)", None),
        ("Section IV(A)", "IV(A)", None),
        ("Paragraph I.C.", "I(C)", None),
    ]


ARTICLES = (
    "ARTICLE 2 SUPPLY\n\n2.1 Supply. The terms of this Article 2 govern.\n\n"
    "ARTICLE 8 GENERAL\n\n8.1 Force. See Article 8 below and Section 5.3.a of this Agreement, and Section 8 generally.\n\n"
    "5.3 Use.\n\na. Data may be used.\n"
)


def test_articles_sections_and_markdown_parts():
    document = _document(ARTICLES, [
        ("Article 2", ClauseKind.ARTICLE, None, "ARTICLE 2", "ARTICLE 8"),
        ("2.1", ClauseKind.SECTION, "Article 2", "2.1 Supply", "ARTICLE 8"),
        ("Article 8", ClauseKind.ARTICLE, None, "ARTICLE 8", "5.3 Use"),
        ("8.1", ClauseKind.SECTION, "Article 8", "8.1 Force", "5.3 Use"),
        ("5.3", ClauseKind.SECTION, None, "5.3 Use", None),
        ("5.3(a)", ClauseKind.SUBSECTION, "5.3", "a. Data", None),
    ])
    assert _refs(document) == [
        ("this Article 2", "Article 2", None),
        ("Article 8", "Article 8", None),
        ("Section 5.3.a", "5.3(a)", None),
        ("Section 8", "Article 8", None),
    ]


STATUTES = (
    "1. Trustee. The Trustee shall comply with TIA § 310(b) and with Trust Indenture Act § 311(a). "
    "The Company is subject to Code Section 409A, to 49 U.S.C. § 5101, to Section 326 of the U.S.A. "
    "Patriot Act, to Section 302 of Title IV of ERISA, to Section 203 of the DGCL and to Item 601 of "
    "Regulation S-K. Section 3.10(a)(1) of the Trust Indenture Act applies, and Regulation S-X under the "
    "Exchange Act.\n\n"
    "3.10 Other. Nothing here.\n"
)


def test_statute_references_never_resolve_inside():
    document = _document(STATUTES, [
        ("1", ClauseKind.SECTION, None, "1. Trustee", "3.10 Other"),
        ("3.10", ClauseKind.SECTION, None, "3.10 Other", None),
    ])
    found = _refs(document)
    assert all(target is None for _, target, _ in found), found
    assert {text: external for text, _, external in found} == {
        "TIA § 310(b)": "Trust Indenture Act of 1939",
        "Trust Indenture Act § 311(a)": "Trust Indenture Act of 1939",
        "Code Section 409A": "Internal Revenue Code of 1986",
        "49 U.S.C. § 5101": "United States Code",
        "Section 326 of the U.S.A. Patriot Act": "USA PATRIOT Act",
        "Section 302 of Title IV of ERISA": "Employee Retirement Income Security Act of 1974",
        "Section 203 of the DGCL": "Delaware General Corporation Law",
        "Item 601 of Regulation S-K": "Regulation S-K",
        "Section 3.10(a)(1) of the Trust Indenture Act": "Trust Indenture Act of 1939",
        "Regulation S-X under the Exchange Act": "Regulation S-X",
    }


AMENDMENT = (
    "AMENDMENT NO. 1 TO NON-COMPETITION AGREEMENT\n\n"
    "1. Section 2 of the Non-Competition Agreement is amended; such Section 2 and Sections 5 and 6 "
    "are amended as this Section 1 says, and Sections 4 (Confidentiality) and 6 (Miscellaneous) of the "
    "Master Framework Agreement stay in force.\n\n2. Other terms stay.\n"
)


def test_an_amendment_cites_the_amended_agreement():
    document = _document(AMENDMENT, [
        ("preamble", ClauseKind.PREAMBLE, None, "AMENDMENT NO. 1", "1. Section"),
        ("1", ClauseKind.SECTION, None, "1. Section", "2. Other"),
        ("2", ClauseKind.SECTION, None, "2. Other", None),
    ])
    assert _refs(document) == [
        ("Section 2 of the Non-Competition Agreement", None, "Non-Competition Agreement"),
        ("such Section 2", None, "Non-Competition Agreement"),
        ("Sections 5 and 6", None, "Non-Competition Agreement"),
        ("this Section 1", "1", None),
        ("Sections 4 (Confidentiality) and 6 (Miscellaneous) of the Master Framework Agreement", None,
         "Master Framework Agreement"),
    ]


EXHIBIT = (
    "1. Merger. The parties merge as Section 3(a) says.\n\n3. Votes.\n\n(a) Each holder votes.\n\n"
    "EXHIBIT A\n\nFORM OF SUPPORT AGREEMENT\n\n3. Voting.\n\n(a) Each Stockholder shall vote.\n\n"
    "5. Termination. This agreement ends as Section 3(a) and Exhibit \"A\" say.\n"
)


def test_inside_an_attachment_its_own_parts_come_first():
    document = _document(EXHIBIT, [
        ("1", ClauseKind.SECTION, None, "1. Merger", "3. Votes"),
        ("3", ClauseKind.SECTION, None, "3. Votes", "EXHIBIT A"),
        ("3(a)", ClauseKind.SUBSECTION, "3", "(a) Each holder", "EXHIBIT A"),
        ("Exhibit A", ClauseKind.EXHIBIT, None, "EXHIBIT A", None),
        ("Exhibit A, 3", ClauseKind.SECTION, "Exhibit A", "3. Voting", "5. Termination"),
        ("Exhibit A, 3(a)", ClauseKind.SUBSECTION, "Exhibit A, 3", "(a) Each Stockholder", "5. Termination"),
        ("Exhibit A, 5", ClauseKind.SECTION, "Exhibit A", "5. Termination", None),
    ])
    assert _refs(document) == [
        ("Section 3(a)", "3(a)", None),
        ("Section 3(a)", "Exhibit A, 3(a)", None),
        ('Exhibit "A"', "Exhibit A", None),
    ]


SUBLEASE = (
    "This Sublease recites the Fifth Amendment of Lease (the \"Fifth Amendment\").\n\n"
    "1. Premises. As Section 2(a) and Exhibit C-1 say.\n\n2. Term.\n\n(a) One year.\n\nEXHIBIT C\n\nPlan.\n\nEXHIBIT C-1\n\nPlan.\n"
)


def test_a_document_that_only_recites_an_amendment_is_no_amendment():
    document = _document(SUBLEASE, [
        ("preamble", ClauseKind.PREAMBLE, None, "This Sublease", "1. Premises"),
        ("1", ClauseKind.SECTION, None, "1. Premises", "2. Term"),
        ("2", ClauseKind.SECTION, None, "2. Term", "EXHIBIT C\n"),
        ("2(a)", ClauseKind.SUBSECTION, "2", "(a) One", "EXHIBIT C\n"),
        ("Exhibit C", ClauseKind.EXHIBIT, None, "EXHIBIT C\n", "EXHIBIT C-1"),
        ("Exhibit C-1", ClauseKind.EXHIBIT, None, "EXHIBIT C-1", None),
    ])
    assert _refs(document) == [("Section 2(a)", "2(a)", None), ("Exhibit C-1", "Exhibit C-1", None)]


RANGES = (
    "9.3 Waivers.\n\n(a) One.\n\n(b) Two.\n\n(c) Three.\n\n(d) Four.\n\n"
    "9.5 Effect. Clauses (a) through (d) of Section 9.3 and sub-paragraph (b) of Section 9.3 apply.\n"
)


def test_a_range_of_parts_names_every_part_between():
    document = _document(RANGES, [
        ("9.3", ClauseKind.SECTION, None, "9.3 Waivers", "9.5 Effect"),
        ("9.3(a)", ClauseKind.SUBSECTION, "9.3", "(a) One", "(b) Two"),
        ("9.3(b)", ClauseKind.SUBSECTION, "9.3", "(b) Two", "(c) Three"),
        ("9.3(c)", ClauseKind.SUBSECTION, "9.3", "(c) Three", "(d) Four"),
        ("9.3(d)", ClauseKind.SUBSECTION, "9.3", "(d) Four", "9.5 Effect"),
        ("9.5", ClauseKind.SECTION, None, "9.5 Effect", None),
    ])
    assert [target for _, target, _ in _refs(document)] == ["9.3(a)", "9.3(b)", "9.3(c)", "9.3(d)", "9.3(b)"]


def test_a_clause_number_where_the_clause_begins_is_its_heading():
    text = "Article 1 Definitions\n\nTerms.\n\nArticle 2 Grant. As Article 1 says.\n"
    document = _document(text, [
        ("Article 1", ClauseKind.ARTICLE, None, "Article 1 Definitions", "Article 2 Grant"),
        ("Article 2", ClauseKind.ARTICLE, None, "Article 2 Grant", None),
    ])
    assert _refs(document) == [("Article 1", "Article 1", None)]


def test_the_preamble_is_a_target():
    text = 'This Agreement is made by Acme Inc. ("Owner").\n\n1. Definitions. "Owner" has the meaning set forth in the preamble.\n'
    document = _document(text, [
        ("preamble", ClauseKind.PREAMBLE, None, "This Agreement", "1. Definitions"),
        ("1", ClauseKind.SECTION, None, "1. Definitions", None),
    ])
    assert _refs(document) == [("the preamble", "preamble", None)]


PARENTHESIS = (
    "1. PREMISES\n\nThe Premises are shown on Schedule 1.\n\n"
    "2. OTHER TERMS\n\nThe Subtenant is bound by the Second Amendment (except for Schedule 1).\n\n"
    "SCHEDULE 1\n\nThe plan of the Premises.\n"
)


def test_a_schedule_in_a_parenthesis_after_another_instrument_is_that_instruments():
    document = _document(PARENTHESIS, [
        ("1", ClauseKind.SECTION, None, "1. PREMISES", "2. OTHER"),
        ("2", ClauseKind.SECTION, None, "2. OTHER", "SCHEDULE 1"),
        ("Schedule 1", ClauseKind.SCHEDULE, None, "SCHEDULE 1", None),
    ])
    assert _refs(document) == [("Schedule 1", "Schedule 1", None), ("Schedule 1", None, "Second Amendment")]


CAPITALS = (
    "1. INDEMNITY\n\nSUBJECT TO THE TERMS OF THIS AGREEMENT, INCLUDING, WITHOUT LIMITATION, SECTION 2 OF THIS "
    "AGREEMENT, OWNER SHALL INDEMNIFY OPERATOR. THE DUTY UNDER THIS SECTION 1 SHALL SURVIVE.\n\n"
    "SECTION 2 LIMITS\n\nNo party is liable for lost profits.\n"
)


def test_capitals_cite_sections_mid_sentence_but_a_capital_heading_is_no_reference():
    document = _document(CAPITALS, [
        ("1", ClauseKind.SECTION, None, "1. INDEMNITY", "SECTION 2 LIMITS"),
        ("2", ClauseKind.SECTION, None, "SECTION 2 LIMITS", None),
    ])
    assert _refs(document) == [("SECTION 2", "2", None), ("THIS SECTION 1", "1", None)]


def test_regulations_cited_by_their_own_codes_stay_outside():
    text = (
        "1. Compliance. The Buyer shall comply with Title 12 of the Code of Federal Regulations, "
        "Section 571.2(c)(3), and with FAR section 12.212 and DFAR section 227.7202, and shall not "
        "process data enumerated in European Union Regulation 2016/679, Article 9(1).\n\n"
        "2. Other. See Section 1.\n"
    )
    document = _document(text, [("1", ClauseKind.SECTION, None, "1. Compliance", "2. Other"),
                                ("2", ClauseKind.SECTION, None, "2. Other", None)])
    refs = _refs(document)
    assert ("Title 12 of the Code of Federal Regulations, Section 571.2(c)(3)", None, "Code of Federal Regulations") in refs
    assert ("FAR section 12.212", None, "Federal Acquisition Regulation") in refs
    assert ("DFAR section 227.7202", None, "Defense Federal Acquisition Regulation Supplement") in refs
    assert ("European Union Regulation 2016/679, Article 9(1)", None, "European Union Regulation 2016/679") in refs
    assert ("Section 1", "1", None) in refs


def test_a_designator_across_a_blank_line_is_no_reference():
    # A table of contents: the caption "Applicability of Article" and, after a blank line, its page.
    text = "SECTION 11.01 Applicability of Article\n\n50\n\n11. Redemption. As set out in Article\n11, the Company may redeem.\n"
    document = _document(text, [("11", ClauseKind.ARTICLE, None, "11. Redemption", None)])
    refs = _refs(document)
    assert [r for r in refs if r[0].startswith("Article") and r[0].endswith("50")] == []
    assert ("Article 11", "11", None) in refs
