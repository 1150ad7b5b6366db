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


COMPOSED = (
    "SECTION 301. Amount.\n\n(b) The series may be issued.\n\n(1) the title;\n\n(2) any limit;\n\n(3) the dates;\n\n"
    "(f) Unless specified pursuant to paragraph (2) of Section 301(b), or under clauses (1) through (3) of "
    "Section 301(b), or under paragraph (4) of Section 301(b), or under paragraph (2) of Section 309(c).\n\n"
    "SECTION 401. Discharge.\n\n(a) This Indenture ceases if\n\n(1) either\n\n(A) all Securities are delivered; or\n\n"
    "(B) all Securities are due; and\n\n(2) the Company has paid.\n\n(b) If money has been deposited pursuant to "
    "subclause (B) of clause (1) of this Section, the Trustee holds it. See also subsection (a) of Section 401 "
    "and clause (ii) of Section 15 of the Securities Act.\n"
)


def test_a_composed_reference_cites_the_part_of_the_part_named_after_of():
    document = _document(COMPOSED, [
        ("301", ClauseKind.SECTION, None, "SECTION 301.", "SECTION 401."),
        ("301(b)", ClauseKind.SUBSECTION, "301", "(b) The series", "(f) Unless"),
        ("301(b)(1)", ClauseKind.CLAUSE, "301(b)", "(1) the title", "(2) any limit"),
        ("301(b)(2)", ClauseKind.CLAUSE, "301(b)", "(2) any limit", "(3) the dates"),
        ("301(b)(3)", ClauseKind.CLAUSE, "301(b)", "(3) the dates", "(f) Unless"),
        ("301(f)", ClauseKind.SUBSECTION, "301", "(f) Unless", "SECTION 401."),
        ("401", ClauseKind.SECTION, None, "SECTION 401.", None),
        ("401(a)", ClauseKind.SUBSECTION, "401", "(a) This Indenture", "(b) If money"),
        ("401(a)(1)", ClauseKind.CLAUSE, "401(a)", "(1) either", "(2) the Company"),
        ("401(a)(1)(A)", ClauseKind.SUBCLAUSE, "401(a)(1)", "(A) all Securities", "(B) all Securities"),
        ("401(a)(1)(B)", ClauseKind.SUBCLAUSE, "401(a)(1)", "(B) all Securities", "(2) the Company"),
        ("401(a)(2)", ClauseKind.CLAUSE, "401(a)", "(2) the Company", "(b) If money"),
        ("401(b)", ClauseKind.SUBSECTION, "401", "(b) If money", None),
    ])
    refs = _refs(document)
    # the words run over the whole composition, "(b)" included
    assert ("paragraph (2) of Section 301(b)", "301(b)(2)", None) in refs
    assert [t for w, t, _ in refs if w == "clauses (1) through (3) of Section 301(b)"] == ["301(b)(1)", "301(b)(2)", "301(b)(3)"]
    # no clause (4) and no "(4)" in 301(b)'s words: nothing rather than a guess
    assert ("paragraph (4) of Section 301(b)", None, None) in refs
    # an outer part the document does not have: nothing
    assert ("paragraph (2) of Section 309(c)", None, None) in refs
    # "clause (1) of this Section" is the section's part with that path, 401(a)(1)
    assert ("subclause (B) of clause (1) of this Section", "401(a)(1)(B)", None) in refs
    assert ("subsection (a) of Section 401", "401(a)", None) in refs
    # a part of a statute's section stays outside, whatever the agreement's own 15 holds
    assert [(t, e) for w, t, e in refs if w.startswith("clause (ii) of Section 15")] == [(None, "Securities Act of 1933")]


def test_a_composed_reference_to_an_inline_part_takes_the_clause_that_writes_it():
    text = ("1. Terms. The terms are (1) the price, (2) the term and (3) the place.\n\n"
            "2. Changes. A change of paragraph (2) of Section 1 needs consent; paragraph (7) of Section 1 does not exist.\n")
    document = _document(text, [("1", ClauseKind.SECTION, None, "1. Terms", "2. Changes"),
                                ("2", ClauseKind.SECTION, None, "2. Changes", None)])
    refs = _refs(document)
    assert ("paragraph (2) of Section 1", "1", None) in refs
    assert ("paragraph (7) of Section 1", None, None) in refs


DEFINITIONS = (
    "SECTION 101. Definitions.\n\n“Outstanding” means all Securities, except:\n\n(a) Securities cancelled;\n\n"
    "(b) Securities paid; provided, however, that\n\n(i) Securities owned by the Company are disregarded, and\n\n"
    "(ii) Securities pledged are counted.\n\n“Paying Agent” means any Person paying.\n\n"
    "SECTION 104. Acts.\n\n(c) Except as contemplated in clause (ii) of the proviso to the definition of “Outstanding”, "
    "and in clause (b) of the definition of “Outstanding”, the amount is proved.\n\n"
    "SECTION 504. Recommendation.\n\n(b) Neither (i) the Board shall (A) withhold its recommendation or (B) recommend a "
    "proposal (any action described in this clause (i) being referred to as a “Change”) nor (ii) shall Lambda sign.\n\n"
    "(c) The Board may make a Change described in clause (A) of the definition thereof if it so determines.\n"
)


def test_a_part_of_a_definition_is_the_part_where_that_term_is_defined():
    document = _document(DEFINITIONS, [
        ("101", ClauseKind.SECTION, None, "SECTION 101.", "SECTION 104."),
        ("101(a)", ClauseKind.ITEM, "101", "(a) Securities cancelled", "(b) Securities paid"),
        ("101(b)", ClauseKind.ITEM, "101", "(b) Securities paid", "(i) Securities owned"),
        ("101(i)", ClauseKind.ITEM, "101", "(i) Securities owned", "(ii) Securities pledged"),
        ("101(ii)", ClauseKind.ITEM, "101", "(ii) Securities pledged", "“Paying Agent”"),
        ("104", ClauseKind.SECTION, None, "SECTION 104.", "SECTION 504."),
        ("104(c)", ClauseKind.SUBSECTION, "104", "(c) Except", "SECTION 504."),
        ("504", ClauseKind.SECTION, None, "SECTION 504.", None),
        ("504(b)", ClauseKind.SUBSECTION, "504", "(b) Neither", "(c) The Board"),
        ("504(b)(i)", ClauseKind.ITEM, "504(b)", "(i) the Board", "nor (ii) shall"),
        ("504(b)(i)(A)", ClauseKind.ITEM, "504(b)(i)", "(A) withhold", "(B) recommend"),
        ("504(b)(i)(B)", ClauseKind.ITEM, "504(b)(i)", "(B) recommend", "nor (ii) shall"),
        ("504(b)(ii)", ClauseKind.ITEM, "504(b)", "(ii) shall Lambda", "(c) The Board"),
        ("504(c)", ClauseKind.SUBSECTION, "504", "(c) The Board", None),
    ])
    refs = _refs(document)
    assert ("clause (ii) of the proviso to the definition of “Outstanding”", "101(ii)", None) in refs
    assert ("clause (b) of the definition of “Outstanding”", "101(b)", None) in refs
    # "thereof": the term named just before; the definition closes its parts, so (A) comes before it
    assert ("clause (A) of the definition thereof", "504(b)(i)(A)", None) in refs


def test_thereof_reads_a_part_of_the_reference_named_just_before():
    text = ("8. Conditions.\n\n(g) A letter (i) stating the audit and (ii) stating that (A) no change occurred or "
            "(B) no decrease occurred.\n\n(h) A letter updating the letter delivered pursuant to subsection (g) of this "
            "Section 8, except that the date referred to in clause (ii)(B) thereof is a later one.\n")
    document = _document(text, [
        ("8", ClauseKind.SECTION, None, "8. Conditions", None),
        ("8(g)", ClauseKind.SUBSECTION, "8", "(g) A letter", "(h) A letter"),
        ("8(g)(i)", ClauseKind.ITEM, "8(g)", "(i) stating the audit", "(ii) stating"),
        ("8(g)(ii)", ClauseKind.ITEM, "8(g)", "(ii) stating", "(h) A letter"),
        ("8(g)(ii)(A)", ClauseKind.ITEM, "8(g)(ii)", "(A) no change", "(B) no decrease"),
        ("8(g)(ii)(B)", ClauseKind.ITEM, "8(g)(ii)", "(B) no decrease", "(h) A letter"),
        ("8(h)", ClauseKind.SUBSECTION, "8", "(h) A letter", None),
    ])
    assert _refs(document) == [("subsection (g) of this Section 8", "8(g)", None), ("clause (ii)(B)", "8(g)(ii)(B)", None)]


def test_this_article_without_articles_is_the_top_level_part_and_this_section_in_an_exhibit_its_own():
    text = ("25. Assignment. Tenant shall not assign.\n\nb. Procedure. Landlord shall answer the information required "
            "under this Article within thirty days.\n\nEXHIBIT A\n\n2. COVENANTS.\n\nG. SCOPE. The restrictions of this "
            "Section are reasonable.\n")
    document = _document(text, [
        ("25", ClauseKind.SECTION, None, "25. Assignment", "EXHIBIT A"),
        ("25(b)", ClauseKind.SUBSECTION, "25", "b. Procedure", "EXHIBIT A"),
        ("Exhibit A", ClauseKind.EXHIBIT, None, "EXHIBIT A", None),
        ("Exhibit A, 2", ClauseKind.SUBSECTION, "Exhibit A", "2. COVENANTS", None),
        ("Exhibit A, 2(G)", ClauseKind.CLAUSE, "Exhibit A, 2", "G. SCOPE", None),
    ])
    assert _refs(document) == [("this Article", "25", None), ("this Section", "Exhibit A, 2", None)]


def test_this_article_in_a_document_with_articles_but_outside_them_is_nothing():
    text = "Preliminary. As this Article says.\n\nARTICLE I\n\n1.1 Scope. This Article governs.\n"
    document = _document(text, [
        ("preamble", ClauseKind.PREAMBLE, None, "Preliminary.", "ARTICLE I"),
        ("Article I", ClauseKind.ARTICLE, None, "ARTICLE I", None),
        ("1.1", ClauseKind.SECTION, "Article I", "1.1 Scope", None),
    ])
    assert _refs(document) == [("this Article", None, None), ("This Article", "Article I", None)]


def test_an_exhibit_number_caption_and_a_contents_line_are_no_references():
    text = ("Confidential treatment requested.   Exhibit 10.11      COLLABORATION AGREEMENT\n\n"
            "TABLE OF CONTENTS 9.9 Waivers     24   9.10 Exhibits     24   9.11 Headings     24\n\n"
            "1. Scope. The services are listed in Exhibit A hereto.\n\nEXHIBIT A\n\nServices.\n")
    document = _document(text, [
        ("preamble", ClauseKind.PREAMBLE, None, "Confidential", "1. Scope"),
        ("1", ClauseKind.SECTION, None, "1. Scope", "EXHIBIT A"),
        ("Exhibit A", ClauseKind.EXHIBIT, None, "EXHIBIT A", None),
    ])
    assert _refs(document) == [("Exhibit A", "Exhibit A", None)]


def test_a_part_the_tree_does_not_split_is_the_clause_whose_words_enumerate_it():
    text = ("WHEREAS, the Board has (i) determined the merger advisable, (ii) (A) approved this Agreement and (B) approved "
            "the Support Agreement and (iii) resolved to recommend it (the recommendation referred to in this clause (iii), "
            "the “Recommendation”);\n\n1. Terms. The Company shall pay (a) the price and (b) the costs; clause (b) "
            "above excludes taxes, and clause (c) above does not exist.\n")
    document = _document(text, [
        ("preamble", ClauseKind.PREAMBLE, None, "WHEREAS", "1. Terms"),
        ("1", ClauseKind.SECTION, None, "1. Terms", None),
    ])
    refs = _refs(document)
    assert ("this clause (iii)", "preamble", None) in refs
    assert ("clause (b)", "1", None) in refs
    assert ("clause (c)", None, None) in refs


def test_a_list_that_starts_again_is_found_from_inside_it():
    text = ("1.01 Definitions.\n\n(4) any reference to a Section is to this Indenture; and\n\n(4) Securities paid, except "
            "that (A) the principal of a discount Security, (B) an indeterminate amount, (C) a foreign Security (or, for a "
            "Security described in Clause (A) or (B) above, the amount so determined).\n")
    document = _document(text, [
        ("1.01", ClauseKind.SECTION, None, "1.01 Definitions", None),
        ("1.01(4)", ClauseKind.SUBSECTION, "1.01", "(4) any reference", "(4) Securities paid"),
        ("1.01(4) [2]", ClauseKind.SUBSECTION, "1.01", "(4) Securities paid", None),
        ("1.01(4)(A)", ClauseKind.ITEM, "1.01(4) [2]", "(A) the principal", "(B) an indeterminate"),
        ("1.01(4)(B)", ClauseKind.ITEM, "1.01(4) [2]", "(B) an indeterminate", "(C) a foreign"),
        ("1.01(4)(C)", ClauseKind.ITEM, "1.01(4) [2]", "(C) a foreign", None),
    ])
    assert [t for w, t, _ in _refs(document) if w == "Clause (A) or (B)"] == ["1.01(4)(A)", "1.01(4)(B)"]


def test_a_top_level_letter_is_found_from_an_unnumbered_paragraph():
    text = "(i) Planning. You may plan.\n\n(j) Other Interests. You shall resign.\n\nYou will start once the conditions in subparagraph (j) above are met.\n"
    document = _document(text, [
        ("(i)", ClauseKind.SECTION, None, "(i) Planning", "(j) Other"),
        ("(j)", ClauseKind.SECTION, None, "(j) Other", "You will start"),
        ("p1", ClauseKind.PARAGRAPH, None, "You will start", None),
    ])
    assert _refs(document) == [("subparagraph (j)", "(j)", None)]


def test_an_item_that_opens_its_line_is_no_inline_part():
    # The file put 3.2's list under 3.3: "(b)" opens its line, so it is a list the tree lacks
    # (or has misplaced), not an inline item of 3.3: no target rather than 3.3.
    text = ("3.2 Owner Default. Operator may terminate upon any of the following:\n\n3.3 Operator Default. Owner may "
            "terminate upon any of the following:\n\n(a) bankruptcy of Owner;\n\n(b) Owner fails to pay; or\n\n"
            "(c) other than as set forth in clause (b) above, Owner breaches.\n")
    document = _document(text, [("3.2", ClauseKind.SECTION, None, "3.2 Owner", "3.3 Operator"),
                                ("3.3", ClauseKind.SECTION, None, "3.3 Operator", None)])
    assert _refs(document) == [("clause (b)", None, None)]


def test_a_numbered_row_of_a_section_is_cited_as_paragraph_n_of_it():
    """A section's payment table numbers its rows 1., 2., 3. (labelled 6.1(1) …): "paragraph 3 of
    this Section 6.1" is that row, and a bare "paragraph 2" written in the section is its row 2,
    never Article 2 of a document whose top level is articles."""
    text = ("ARTICLE 2\n\nSCOPE\n\n2.1 Scope. The parties agree.\n\nARTICLE 6\n\nPAYMENTS\n\n6.1 Payments. "
            "Astellas shall pay the following:\n\n1. Upon filing, the sum set forth in paragraph 3 of this Section 6.1.\n\n"
            "2. Upon approval, one half.\n\n3. Upon launch, the rest, unless paid under paragraph 2.\n")
    document = _document(text, [
        ("Article 2", ClauseKind.ARTICLE, None, "ARTICLE 2", "ARTICLE 6"),
        ("2.1", ClauseKind.SECTION, "Article 2", "2.1 Scope", "ARTICLE 6"),
        ("Article 6", ClauseKind.ARTICLE, None, "ARTICLE 6", None),
        ("6.1", ClauseKind.SECTION, "Article 6", "6.1 Payments", None),
        ("6.1(1)", ClauseKind.CLAUSE, "6.1", "1. Upon filing", "2. Upon approval"),
        ("6.1(2)", ClauseKind.CLAUSE, "6.1", "2. Upon approval", "3. Upon launch"),
        ("6.1(3)", ClauseKind.CLAUSE, "6.1", "3. Upon launch", None),
    ])
    refs = _refs(document)
    assert ("paragraph 3 of this Section 6.1", "6.1(3)", None) in refs
    assert ("paragraph 2", "6.1(2)", None) in refs
    assert all(target != "Article 2" for _, target, _ in refs)


def test_a_reference_inside_a_longer_second_list_finds_its_own_list():
    """The second list runs past where the first stopped, so its items are "1(i) [2]",
    "1(ii) [2]" and a plain "1(iii)"; "clause (ii)" written in that 1(iii) is the (ii) beside it."""
    text = ("1. Definitions.\n\n\"Loss\" means (i) any damage or (ii) any cost.\n\n\"Tax\" means (i) any levy, "
            "(ii) any duty or (iii) any charge other than one within clause (ii).\n\n2. Other. Text.\n")
    document = document_from_text(text, "hand")
    assert [c.label for c in document.clauses if c.label.startswith("1(")] == [
        "1(i)", "1(ii)", "1(i) [2]", "1(ii) [2]", "1(iii)"]
    assert ("clause (ii)", "1(ii) [2]", None) in _refs(document)


def test_a_page_break_inside_a_sentence_leaves_a_reference_at_the_line_start():
    """"… the rights granted pursuant to" / (a page's blank lines) / "Article 2 above shall …":
    the reference opens the next page's first line and is still a reference, while "Article 3
    Term" opening a line after a finished sentence is a heading."""
    text = ("  Article 2  Grant of Rights    2.1 Appointment. Aura grants Zanotti the exclusive right to sell the "
            "Products in the Territory for the Term of this Agreement.\n\n"
            "  Article 3  Term    3.1 Pricing. If, within five (5) business days of receipt of such notice from Aura, "
            "Zanotti does not agree to match such price, the exclusive supplier rights granted pursuant to\n"
            + "\n" * 10 + "  Article 2 above shall, upon Aura's sole election, immediately become non-exclusive.\n")
    document = document_from_text(text, "hand")
    assert [c.label for c in document.clauses] == ["Article 2", "2.1", "Article 3", "3.1"]
    assert "pursuant to\n\nArticle 2 above" in document.clean  # the page's gap is kept
    assert _refs(document) == [("Article 2", "Article 2", None)]


def test_a_bare_paragraph_number_is_no_parenthesised_item():
    """Inside 1, whose items are written "(1)", "(2)": "paragraph 2" is the agreement's
    paragraph 2, not the item 1(2) (an item written "(2)" is cited "(2)")."""
    text = ("1. Payment. The Tenant shall pay (1) the rent and (2) the costs, as paragraph 2 says.\n\n"
            "2. Costs. The costs are the landlord's outlays.\n")
    document = _document(text, [
        ("1", ClauseKind.SECTION, None, "1. Payment", "2. Costs"),
        ("1(1)", ClauseKind.CLAUSE, "1", "(1) the rent", "(2) the costs"),
        ("1(2)", ClauseKind.CLAUSE, "1", "(2) the costs", "2. Costs"),
        ("2", ClauseKind.SECTION, None, "2. Costs", None),
    ])
    assert ("paragraph 2", "2", None) in _refs(document)


def test_a_codes_title_and_section_with_its_act_after_a_page_break():
    """"Section 18 (S) 5005 (B) of the" / (a page's blank lines) / "Insurance Law of the State":
    EDGAR's "(S)" is the section sign, 18 the code's title; the act named after the page break
    is the reference's outside authority, and nothing of this document is its target."""
    text = ("1. Dividends. The Company shall not pay any dividend which would trigger the\n\n"
            "   extraordinary dividend provisions of Section 18 (S) 5005 (B) of the\n" + "\n" * 6 +
            "   Insurance Law of the Domiciliary State, nor one under Section 18 § 5005(b) of the Insurance Law.\n\n"
            "18. Notices. Notices are in writing, as Section 18 says.\n")
    document = _document(text, [
        ("1", ClauseKind.SECTION, None, "1. Dividends", "18. Notices"),
        ("18", ClauseKind.SECTION, None, "18. Notices", None),
    ])
    assert _refs(document) == [
        ("Section 18 (S) 5005 (B) of the Insurance Law of the Domiciliary State", None, "Insurance Law of the Domiciliary State"),
        ("Section 18 § 5005(b) of the Insurance Law", None, "Insurance Law"),
        ("Section 18", "18", None),
    ]


def test_ocr_ones_in_a_paragraph_number():
    """An OCR'd lease numbered 1, 2, 3 cites "Paragraph I 0" (OCR's "I" for "1" and a space:
    paragraph 10) and "Paragraph I." (paragraph 1); where the document numbers its parts in roman
    numerals, "Paragraph I" stays its part I."""
    text = ("1. Premises. The Tenant leases the Premises.\n\n"
            "2. Removal. The Tenant shall restore the Premises as provided in Paragraph I 0 hereof, and park as set forth in Paragraph\n"
            "I. The Landlord agrees.\n\n"
            "10. Surrender. The Tenant shall surrender the Premises.\n")
    document = _document(text, [
        ("1", ClauseKind.SECTION, None, "1. Premises", "2. Removal"),
        ("2", ClauseKind.SECTION, None, "2. Removal", "10. Surrender"),
        ("10", ClauseKind.SECTION, None, "10. Surrender", None),
    ])
    assert _refs(document) == [("Paragraph I 0", "10", None), ("Paragraph I.", "1", None)]
    roman = text.replace("1. Premises", "I. Premises").replace("2. Removal", "II. Removal")
    document = _document(roman, [
        ("I", ClauseKind.SECTION, None, "I. Premises", "II. Removal"),
        ("II", ClauseKind.SECTION, None, "II. Removal", "10. Surrender"),
        ("10", ClauseKind.SECTION, None, "10. Surrender", None),
    ])
    assert ("Paragraph I.", "I", None) in _refs(document)
