"""Segmentation rules, one real or realistic snippet per row."""

from __future__ import annotations

import pytest

from clausegraph.clean import clean
from clausegraph.segment import segment


# Lettered parts (a) to (g), one paragraph each, for snippets that need a long list.
LETTERS = "".join(f"     ({c}) Item {c};\n\n" for c in "abcdefg")


def tree(text: str) -> dict:
    return {c.label: c for c in segment(clean(text))}


def labels(text: str) -> list[str]:
    return [c.label for c in segment(clean(text))]


@pytest.mark.parametrize(
    "text, expected",
    [
        # "(i)" after "(h)" at the same indent continues the letters
        (
            "1. First.\n\n2. Lead-in:\n\n" + LETTERS + "     (h) Eighth;\n\n     (i) Ninth;\n\n     (j) Tenth.\n",
            ["1", "2"] + [f"2({c})" for c in "abcdefghij"],
        ),
        # "(i)" under a lettered part, indented further, opens a roman list
        (
            "1. First.\n\n2. Lead-in:\n\n     (a) The opinion that:\n\n          (i) one;\n\n          (ii) two;\n\n     (b) Next.\n",
            ["1", "2", "2(a)", "2(a)(i)", "2(a)(ii)", "2(b)"],
        ),
        # "8. (a) The Company" — the first subsection starts on the section's own line
        (
            "1. First.\n\n2. (a) The Company will indemnify.\n\n     (b) Each Underwriter will indemnify.\n",
            ["1", "2", "2(a)", "2(b)"],
        ),
        # a wrapped line that begins "(a)" mid-sentence is the clause's own inline list
        (
            "1. First.\n\n2. The Company shall either\n(a) by the time of filing pay the fee or (b) at the time of filing submit the certificate.\n",
            ["1", "2", "2(a)", "2(b)"],
        ),
        # SECTION headings with dotted subsections and headings
        (
            "SECTION 1.  Amount and Terms of Credit.\n\n1.01  Loan Commitments.  Each Bank agrees.\n\n1.02  Minimum Amounts.  Each Borrowing.\n\nSECTION 2.  Letters of Credit.\n\n2.01  Letters of Credit.  The Borrower may.\n",
            ["1", "1.01", "1.02", "2", "2.01"],
        ),
        # "1.10  Increased Costs, etc.  (a)  In the event": (a) starts on the heading's line,
        # and "then, and in any such event" after its roman list goes on inside (a)
        (
            "SECTION 1.  Credit.\n\n1.10  Increased Costs, etc.  (a)  In the event that:\n\n"
            "          (i)  on any date the rate is unavailable; or\n\n"
            "         (ii)  at any time costs increase;\n\n"
            "then, and in any such event, the Bank shall give notice.\n\n"
            "           (b)  At any time the Borrower may convert.\n\nSECTION 2.  Fees.\n\nText.\n",
            ["1", "1.10", "1.10(a)", "1.10(a)(i)", "1.10(a)(ii)", "1.10(b)", "2"],
        ),
        # ARTICLE ONE is cited "Article 1"; sections inside keep their own numbers
        (
            "ARTICLE ONE\n\nDEFINITIONS\n\nSection 101 Definitions.\n\nTerms have meanings.\n\nSection 102 Certificates.\n\nText.\n\nARTICLE TWO\n\nFORMS\n\nSection 201 Forms Generally.\n\nText.\n",
            ["Article 1", "101", "102", "Article 2", "201"],
        ),
        # roman article numbers keep their numerals: "Article IV"
        (
            "ARTICLE I\n\nFirst article text.\n\nARTICLE II\n\nSecond article text.\n",
            ["Article I", "Article II"],
        ),
        # "ARTICLE 1 : TITLE"
        (
            "ARTICLE 1 : DEFINITIONS\n\nText one.\n\nARTICLE 2 : PAYMENT\n\nText two.\n",
            ["Article 1", "Article 2"],
        ),
        # "Section 106." wrapped onto a line start is a reference, not a heading
        (
            "ARTICLE ONE\n\nSection 105 Notices.\n\nNotice shall be given in the manner set forth in\nSection 106.\n\nSection 106 Waiver.\n\nText.\n\nARTICLE TWO\n\nSection 201 Forms.\n\nText.\n",
            ["Article 1", "105", "106", "Article 2", "201"],
        ),
        # a marker alone on its line: the item's text is the next paragraph
        (
            "POWER OF ATTORNEY\n\nThe undersigned appoints each of them to:\n\n(1)\n\nexecute forms;\n\n(2)\n\nfile them.\n\nThis power remains in effect.\n",
            ["p1", "p2", "p2(1)", "p2(2)", "p3"],
        ),
        # a document without numbering: paragraphs, inline items, the signature block
        (
            "POWER OF ATTORNEY\n\nThe undersigned appoints A to sign (i) any report and (ii) any form, as needed.\n\nIN WITNESS WHEREOF, I sign.\n\n/s/ A. Person\n",
            ["p1", "p2", "p2(i)", "p2(ii)", "signatures"],
        ),
        # references are not items: "clause (i) or (ii)", "Section 5(a)", "Rule 436(g)(2)"
        (
            "1. First.\n\n2. As described in clause (i) or (ii) of Section 5(a) and Rule 436(g)(2), nothing more.\n",
            ["1", "2"],
        ),
        # an enumeration must start at its first value: "(b) … (c)" alone is not one
        (
            "1. First.\n\n2. To an investor, (b) to a sophisticated investor or (c) otherwise.\n",
            ["1", "2"],
        ),
        # an enumeration may start at (x) when (y) follows (CONVENTIONS)
        (
            "1. First.\n\n2. The rate shall be the lower of (x) the first rate or (y) the second rate.\n",
            ["1", "2", "2(x)", "2(y)"],
        ),
        # half-bracket markers are a list of their own form; "(see Exhibit A)" closes a parenthesis
        (
            "1. First.\n\n2. The sites (see Exhibit A) are: 1) airports, 2) military bases; and 3) parks.\n",
            ["1", "2", "2(1)", "2(2)", "2(3)"],
        ),
        # "Section 8 or (ii)": (ii) does not continue the citation, it is the sentence's own item
        (
            "1. First.\n\n2. Licensor may terminate if (i) Licensee violates Section 8 or (ii) a sublicensee breaches.\n",
            ["1", "2", "2(i)", "2(ii)"],
        ),
        # the last item ends where the main clause resumes: (i)/(ii) belong to 2, not to 2(b)
        (
            "1. First.\n\n2. In the event that the capital (a) for each quarter is in excess or (b) as of each"
            " year end is in excess, the Company shall pay the lesser of (i) the amount or (ii) the maximum.\n",
            ["1", "2", "2(a)", "2(b)", "2(i)", "2(ii)"],
        ),
        # "(c) if neither (a) nor (b) …" names (c)'s earlier siblings; it is no list of its own
        (
            "1. First.\n\n2. Lead-in:\n\n     (a) repair it;\n\n     (b) replace it; or\n\n"
            "     (c) if neither (a) nor (b) is reasonable, terminate.\n",
            ["1", "2", "2(a)", "2(b)", "2(c)"],
        ),
        # an unmarked lead-in between (b) and (c) does not end the list: (c) is (b)'s sibling
        (
            "1. First.\n\n2. Lead-in:\n\n     (a) one;\n\n     (b) two;\n\n"
            "provided that the following conditions shall have been satisfied:\n\n     (c) three.\n",
            ["1", "2", "2(a)", "2(b)", "2(c)"],
        ),
        # capital roman items in all-capitals text
        (
            "1. First.\n\n2. OWNER SHALL INDEMNIFY OPERATOR FROM (I) ANY CLAIM, (II) ANY LOSS AND (III) ANY FINE.\n",
            ["1", "2", "2(I)", "2(II)", "2(III)"],
        ),
        # a scan's "(1)" after "(k)" at the same indent is the letter l
        (
            "1. First.\n\n2. Lead-in:\n\n" + "".join(f"     ({c}) Item {c};\n\n" for c in "abcdefghijk")
            + "     (1) Item l;\n\n     (m) Item m.\n",
            ["1", "2"] + [f"2({c})" for c in "abcdefghijklm"],
        ),
        # a definition whose defined term is redacted ("[ * ]") is a section like its neighbours
        (
            '1.1 "Affiliate" shall mean any controlled entity.\n\n'
            '1.2 "[ * ]" shall have the meaning as set forth in Section 1.3 below.\n\n'
            '1.3 "[ * ] Percentage" shall be determined by dividing the [ * ] by 100.\n\n'
            '1.4 "HIF" shall mean hypoxia inducible factor.\n',
            ["1.1", "1.2", "1.3", "1.4"],
        ),
        # "(i)" set flush after "(h) Waiver." is roman when "(ii)" comes next; the "(i)" after
        # "(ii)" is then the letter i, and the list goes on to (j)
        (
            "1. First.\n\n2. General Provisions.\n\n" + "".join(f"({c}) Item {c}.\n\n" for c in "abcdef")
            + "(g) Severability. Any part held invalid is severed.\n\n"
            "(h) Waiver.\n\n(i) No failure to exercise any right operates as a waiver.\n\n"
            "(ii) No party shall be deemed to have waived any claim.\n\n"
            "(i) Further Assurances. Each party will take further actions.\n\n"
            "(j) Publicity. No party shall issue a press release.\n",
            ["1", "2"] + [f"2({c})" for c in "abcdefgh"] + ["2(h)(i)", "2(h)(ii)", "2(i)", "2(j)"],
        ),
        # an address block closes "(i) If to …, to:" and the "(b)" it is in; "(ii)" goes on with
        # the closed list inside (b), and "(c)" with (b)'s own
        (
            "1. First.\n\n2. General Provisions.\n\n(a) Amendments. Only in writing.\n\n"
            "(b) Notices. Notices shall be delivered as follows:\n\n(i) If to the Shareholders, to:\n\n"
            "C/o Juniper Capital\n\n2727 Allen Parkway, #1850\n\nHouston, TX 77019\n\n"
            "Attention: Edward Geiser\n\nEmail: notices@example.com\n\n"
            "(ii) If to Company, to:\n\nLambda Resources Inc.\n\n"
            "(c) Interpretation. References are to this Agreement.\n\n(d) Counterparts. In counterparts.\n",
            ["1", "2", "2(a)", "2(b)", "2(b)(i)", "2(b)(ii)", "2(c)", "2(d)"],
        ),
        # a flattened table whose first row runs on after the column captions ("EVENT   AMOUNT
        # 1.   Upon …"), the next rows starting paragraphs, one marker alone on its line: the
        # rows are the section's numbered parts, cited "paragraph 4 of this Section 6.1.1" in a collaboration agreement
        (
            "1.1 Payments.\n\n1.1.1 Reimbursement Payments. Astellas agrees to make the following payments:"
            "       EVENT   AMOUNT 1.   Upon the first filing.   U.S. $10\n\n2.   Upon each approval.   U.S. $20\n\n"
            "3.\n\n\n\nUpon the first sale.   U.S. $30\n\n1.1.2 Other Payments. Astellas shall pay the costs.\n\n"
            "1.1.3 Sales Payments. Astellas shall pay on sales.\n\n1.2 Setoff. No setoff is allowed.\n",
            ["1.1", "1.1.1", "1.1.1(1)", "1.1.1(2)", "1.1.1(3)", "1.1.2", "1.1.3", "1.2"],
        ),
        # a weak "1." inside a sentence that no strong marker goes on with is no part
        (
            "1.1 Payments.\n\n1.1.1 Reimbursement Payments. The rate for the year is CPI 1. Then 2. The "
            "amount is due.\n\n1.1.2 Other Payments. Astellas shall pay the costs.\n\n"
            "1.1.3 Sales Payments. Astellas shall pay on sales.\n\n1.2 Setoff. No setoff is allowed.\n",
            ["1.1", "1.1.1", "1.1.2", "1.1.3", "1.2"],
        ),
        # attachments after the signatures, with items and captioned blocks
        (
            "1. First.\n\n2. Second.\n\nIf the foregoing is in accordance with your understanding, please sign.\n\n"
            "ANNEX I\n\nPRICING AGREEMENT\n\nLadies and Gentlemen:\n\nEach Underwriter represents that:\n\n"
            "i.   it has not offered\n     any securities;\n\nii.  it will comply with all\n     applicable laws.\n\n     Subject to the terms, the Company agrees.\n\n"
            "SCHEDULE II\n\nTIME OF DELIVERY:\n\n     10:00 a.m.\n\nINFORMATION:\n\n     Furnished:\n\n     (a)  The names;\n\n     (b)  The table.\n",
            ["1", "2", "signatures", "Annex I", "Annex I, preamble", "Annex I, i", "Annex I, ii", "Annex I, p1",
             "Schedule II", "Schedule II, p1", "Schedule II, p2", "Schedule II, (a)", "Schedule II, (b)"],
        ),
    ],
)
def test_labels(text, expected):
    """The labels a lawyer would cite, in reading order (the preamble aside)."""
    assert [x for x in labels(text) if x != "preamble"] == expected


def test_paragraph_after_page_break_continues_the_item():
    """After a page break, a paragraph at the item's body indent goes on in the same item (8(d))."""
    text = (
        "1. First.\n\n2. Lead-in:\n\n                  (a) Item.\n\n                  (b) If the indemnification\n"
        "         is unavailable, each party shall contribute.\n\n                                       2\n\n\n"
        "         No person guilty of fraud shall be entitled to contribution.\n\n"
        "                  (c) The obligations survive.\n"
    )
    clauses = tree(text)
    assert clauses["2(b)"].text.endswith("entitled to contribution.")
    assert "\n2" not in clauses["2(b)"].text


def test_closing_paragraph_returns_to_the_outer_item():
    """A paragraph indented like "(d)" after its roman items belongs to (d), not to (vii)."""
    text = (
        "1. First.\n\n2. Lead-in:\n\n                  (a) Counsel for the Company shall have\n         furnished an opinion that:\n\n"
        "                           (i) the Company exists;\n\n"
        "                           (ii) the notes are valid;\n\n"
        "                  In rendering such opinion, counsel may rely on certificates;\n\n"
        "                  (b) Next.\n"
    )
    clauses = tree(text)
    assert clauses["2(a)(ii)"].text == "(ii) the notes are valid;"
    assert clauses["2(a)"].text.endswith("counsel may rely on certificates;")


def test_heading_of_sections_and_attachments():
    """Headings come from the section line ("Loan Commitments") and the attachment's title line."""
    text = "SECTION 1.  Amount and Terms of Credit.\n\n1.01  Loan Commitments.  Each Bank agrees.\n\nSECTION 2.  Fees.\n\nText.\n"
    clauses = tree(text)
    assert clauses["1"].heading == "Amount and Terms of Credit"
    assert clauses["1.01"].heading == "Loan Commitments"


def test_spans_nest_and_cover_subtrees():
    """A section's span covers its subsections; siblings do not overlap."""
    text = "1. First.\n\n2. Lead-in:\n\n     (a) One;\n\n     (b) Two.\n\n3. Third.\n"
    clauses = tree(text)
    assert clauses["2"].start <= clauses["2(a)"].start < clauses["2(a)"].end <= clauses["2(b)"].start
    assert clauses["2(b)"].end <= clauses["2"].end <= clauses["3"].start


def test_an_attachment_title_in_title_case_and_its_captioned_blocks():
    """"SCHEDULE 3" / "Project Managers": the title-case line under the heading is the schedule's
    title, not its first paragraph; "The Publishers:" and "HealthGate:" each head a block with
    the lines under them. (A letter's "Ladies and Gentlemen:" is no caption: the seed
    underwriting agreement's Annex I holds that.)"""
    text = ("1. Escrow. The agent holds the material.\n\n2. Release. As Schedule 3 says.\n\n"
            "IN WITNESS WHEREOF the parties have signed.\n\nSigned: A. Owner\n\n"
            "SCHEDULE 3\n\nProject Managers\n\nThe Publishers:\n\nProject Manager - Ian Smith, Oxford\n\n"
            "HealthGate:\n\nProject Manager - Mark Jones, Boston\n")
    clauses = {c.label: c for c in segment(clean(text))}
    assert [label for label in clauses if label.startswith("Schedule 3")] == [
        "Schedule 3", "Schedule 3, p1", "Schedule 3, p2"]
    p1, p2 = clauses["Schedule 3, p1"], clauses["Schedule 3, p2"]
    assert " ".join(text[p1.start:p1.end].split()) == "The Publishers: Project Manager - Ian Smith, Oxford"
    assert text[p2.start:p2.end].startswith("HealthGate:")


def test_an_inline_item_that_closes_a_bracketed_insertion():
    """A form's "[if applicable, insert - (1) on … and (2)] at any time": the bracket that closes
    the optional words after "(2)" does not stop "(2)" being the list's second item."""
    text = ("1. Redemption. The Securities are subject to redemption [if applicable, insert - (1) on any date "
            "through operation of the sinking fund, and (2)] at any time, as a whole or in part.\n\n"
            "2. Other. The Company may not redeem as contemplated by Clause (2) of the preceding paragraph.\n")
    assert labels(text) == ["1", "1(1)", "1(2)", "2"]
