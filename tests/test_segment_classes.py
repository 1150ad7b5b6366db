"""Error classes of the clause tree found on the development corpus, one synthetic snippet each
(written for these tests, not copied from any contract): what the numbering model must read."""

from __future__ import annotations

import pytest

from clausegraph.clean import clean
from clausegraph.numbering import to_roman
from clausegraph.segment import segment


def tree(text: str) -> dict:
    return {c.label: c for c in segment(clean(text))}


def starts(text: str) -> dict[str, str]:
    """Each label with the first words of its clause."""
    return {c.label: " ".join(c.text.split()[:3]) for c in segment(clean(text))}


# A scanned, hard-wrapped lease: sections and parts run on inside the lines.
REMEDIES = (
    "LEASE\n\n"
    "1. Premises. Landlord leases the Premises to Tenant for the Term. 2. Remedies. a. Upon an Event of\n"
    "Default Landlord may exercise any of the following remedies: 1. Landlord may repair the Premises at\n"
    "the cost of Tenant. n. Landlord may demand that Tenant vacate the Premises within three days. 111. Landlord\n"
    "may re-enter the Premises and change the locks. 1v. Landlord may re-let the Premises for the account of\n"
    "Tenant. v. Landlord may terminate this Lease by notice. b. Nothing herein limits any other right of the\n"
    "Landlord at law. 3. Notices. All notices shall be in writing and delivered by hand or by mail.\n"
)


def test_misread_roman_markers_are_read_by_their_sequence():
    """"1." "n." "111." "1v." "v." inside lines are the roman items i–v (a scan misread them)."""
    t = starts(REMEDIES)
    assert [label for label in t if label.startswith("2(a)(")] == [f"2(a)({r})" for r in ("i", "ii", "iii", "iv", "v")]
    assert t["2(a)(i)"].startswith("1. Landlord")  # the label reads the value; the text keeps the print
    assert t["2(a)(ii)"].startswith("n. Landlord")
    assert "2(b)" in t and "3" in t


CHARGES = (
    "LEASE\n\n"
    "1. Premises. Landlord leases the Premises to Tenant. 2. Term. The Term is five years. 3. Use. Tenant\n"
    "shall use the Premises as an office. 4. Charges. a. Rent. Tenant shall pay rent monthly in advance.\n"
    "b. Common Charges. Tenant shall pay its share of the charges. 1. Costs: Costs shall mean all costs of: 1.\n"
    "Cleaning the Building. 2. Paying personnel. 3. Removing rubbish. 4. Inspecting machinery. 5. Landscaping.\n"
    "6. Management fees. 7. Planting flowers. 8. Utilities of the Common Areas. 9. Seasonal decorations. 10.\n"
    "Renting equipment. II. Security services. 12. Storm water fees. ii. Taxes. Tenant shall pay its share of\n"
    "the taxes on the Building.iii. Insurance. Landlord shall insure the Building. c. Late Payment. A late\n"
    "payment bears interest.\n\n5. Repairs. Tenant shall repair the Premises.\n\n6. Alterations. Tenant shall make\n"
    "no alterations.\n\n7. Signs. Tenant may install signs.\n\n8. Insurance. Tenant shall insure its goods.\n\n"
    "9. Assignment. Tenant shall not assign.\n\n10. Default. Tenant shall not default.\n\n11. Notices. All\n"
    "notices shall be in writing.\n\n12. Governing Law. The law of the State governs.\n"
)


def test_a_misread_one_opens_the_list_its_next_item_continues():
    """"1. Costs:" followed by a list of its own "1." … "12." and then "ii. Taxes": the first
    "1." is roman i; "II." after "10." is 11; "iii." glued to the sentence before still counts."""
    t = tree(CHARGES)
    assert [label for label in t if label.startswith("4(b)(i)(")] == [f"4(b)(i)({n})" for n in range(1, 13)]
    assert "4(b)(ii)" in t and "4(b)(iii)" in t and "4(c)" in t
    assert t["4(b)(i)(11)"].text.startswith("II. Security")
    assert t["4(b)(iii)"].text.startswith("iii. Insurance")
    assert t["4(b)(iii)"].parent == "4(b)"
    assert [label for label in t if label.isdigit()] == [str(n) for n in range(1, 13)]


COVENANTS = (
    "LEASE\n\n"
    "1. Premises. Landlord leases the Premises to Tenant. 2. Covenants. Tenant covenants: a. To pay the rent\n"
    "when due. b. To keep the Premises clean and in good order. c. To park only in the spaces named in Paragraph\n"
    "I. Tenant shall give Landlord its license numbers. d. To keep the windows lit during business hours.\n"
    "e. To refrain from each of the following: i. Pasting signs on any window; ii. Placing goods outside; or\n"
    "iii. Vacating the Premises. f. To obey the rules of the Building. 3. Notices. All notices shall be in\n"
    "writing.\n"
)


def test_parts_at_the_start_of_wrapped_lines_and_after_or():
    """A run's part may begin a wrapped line ("e." above) or follow "; or"; a line that begins
    with the number a citation wrapped ("Paragraph" / "I. Tenant") is no part."""
    t = tree(COVENANTS)
    assert [label for label in t if label.startswith("2(")] == [
        "2(a)", "2(b)", "2(c)", "2(d)", "2(e)", "2(e)(i)", "2(e)(ii)", "2(e)(iii)", "2(f)",
    ]
    assert "Paragraph I. Tenant" in t["2(c)"].text


SUBLEASE = (
    "SUBLEASE\n\n1.Demise. Sublandlord subleases the Premises to Subtenant.\n\n2.Covenants.\n\n"
    "(a)Sublandlord represents that it is the tenant under the Primary Lease.\n\n"
    "(b)Sublandlord covenants that, so long as Subtenant is not in default, Sublandlord:\n\n"
    "(i)shall observe the terms of the Primary Lease;\n\n(ii)shall not cause the Primary Lease to terminate; and\n\n"
    "(iii)shall not amend the Primary Lease.\n\n3.Holdover; Insurance.\n\n"
    "(a) Any holding over by Subtenant shall be unlawful.\n\n(b) Subtenant shall indemnify Sublandlord.\n\n"
    "(d) Subtenant shall keep insurance in force.\n\n(e) This Section 3 shall survive.\n\n"
    "4.Notices. All notices shall be in writing.\n"
)


def test_glued_lower_case_items_and_a_skipped_letter():
    """"(i)shall observe …" after a lead-in is an item; "(d)" after "(b)" (the drafter skipped
    (c)) goes on the list with the letters as written."""
    assert [label for label in tree(SUBLEASE) if label[:1] in "23"] == [
        "2", "2(a)", "2(b)", "2(b)(i)", "2(b)(ii)", "2(b)(iii)", "3", "3(a)", "3(b)", "3(d)", "3(e)",
    ]


DEFINITIONS = (
    "1. Definitions.\n\n"
    "\"Subsidiary\" means (a) any corporation of which the Company owns a majority or (b) any "
    "partnership of which the Company is the general partner.\n\n"
    "\"Government Obligations\" means (x) any security that is (i) a direct obligation of the "
    "United States or (ii) an obligation guaranteed by the United States, or (y) any depositary "
    "receipt issued by a bank as custodian of such a security.\n\n"
    "2. Other Matters. The Company shall act in good faith.\n"
)


def test_an_inline_list_nests_in_an_item_of_a_later_list():
    """Each unnumbered definition has its own list: the roman items inside (x) belong to (x),
    though an earlier definition's (a)/(b) list came first."""
    t = tree(DEFINITIONS)
    assert [label for label in t if label.startswith("1(")] == ["1(a)", "1(b)", "1(x)", "1(x)(i)", "1(x)(ii)", "1(y)"]
    assert t["1(x)(i)"].parent == "1(x)"


NOTICE = (
    "SECTION 1. Notice of Redemption. Notices shall be mailed to each Holder.\n\n"
    "All notices of redemption shall state:\n\n(1) the Redemption Date,\n\n"
    "(2) if less than all the Securities are to be redeemed, the Securities to be redeemed, "
    "which shall be issued as provided in Section 6,\n\n"
    "(3) that on the Redemption Date the Redemption Price will become due, and\n\n"
    "(4) the place where such Securities are to be surrendered.\n\n"
    "SECTION 2. Payment. The Securities shall be paid.\n"
)


def test_an_item_after_a_reference_that_ends_with_a_comma():
    """"… as provided in Section 6," then "(3) that on …": the comma ends the item; (3) is not
    part of a citation of Section 6."""
    assert [label for label in tree(NOTICE) if label.startswith("1(")] == ["1(1)", "1(2)", "1(3)", "1(4)"]


def test_a_list_does_not_nest_in_an_item_of_its_own_style():
    """The second "(1) … or (2) …" of one sentence is that sentence listing again, not a list
    inside its first (2) (whose last item runs to the sentence end)."""
    t = tree(
        "1. Terms. Prior to the earlier of (1) the delivery of the agreements or (2) the approval of "
        "the holders, the Company may act if, prior to the earlier of (1) the delivery of the "
        "agreements or (2) the approval of the holders, the Board so decides.\n\n2. Other. Text.\n"
    )
    assert not any(label.startswith("1(2)(") for label in t)


MOVED_INTO_A_SENTENCE = (
    "1. Delivery. The Supplier shall deliver the Products to the Distributor's warehouse.\n\n"
    "2. Warranty. A copy of the warranty shall be included with all Products, with the cards and all other\n\n"
    "  (a) Deliveries may be made in partial shipments.\n\n"
    "  (b) Title shall pass to the Distributor at the time of tender to the carrier.\n\n"
    "packaging materials intact. The Supplier shall offer extended coverage.\n\n"
    "3. Notices. All notices shall be in writing.\n"
)

MOVED_AFTER_A_SECTION = (
    "1. Licence. The Licensor grants the Licensee a licence to use its marks in the Territory.\n\n"
    "  (c) Litigation: There are no actions pending against the Licensor.\n\n"
    "  (d) Infringement: The Licensor knows of no infringement.\n\n"
    "  (a) Power and Authority: The Licensee has the power to sign this Agreement.\n\n"
    "  (b) No Conflicts: The Licensee is bound by no conflicting agreement.\n\n"
    "2. Trademarks. Each party keeps its own marks.\n"
)


def test_items_a_converter_printed_out_of_place_get_no_labels():
    """Items printed inside another section's sentence ("… all other" / items / "packaging
    materials intact") or after a section with no lead-in, starting mid-list ("(c)", "(d)",
    then "(a)"), are text the file moved: they stay in the enclosing section, unlabelled."""
    moved = tree(MOVED_INTO_A_SENTENCE)
    assert list(moved) == ["1", "2", "3"]
    assert "(a) Deliveries may be made" in moved["2"].text and "packaging materials intact" in moved["2"].text
    after = tree(MOVED_AFTER_A_SECTION)
    assert list(after) == ["1", "2"]
    assert "(a) Power and Authority" in after["1"].text


EXHIBIT_WITH_SECTIONS = (
    "AGREEMENT\n\n1. Sale. The Seller sells the Shares.\n\n2. Price. The price is paid at closing.\n\n"
    "IN WITNESS WHEREOF, the parties have signed this Agreement.\n\nSELLER\n\nBy: ____\n\n"
    "EXHIBIT A\n\nFORM OF SUPPORT AGREEMENT\n\n1. Support. Each Holder shall vote its Shares for the Sale.\n\n"
    "2. General Provisions.\n\n(a) Amendments. This Agreement may be amended only in writing.\n\n"
    "(b) Notices. Notices shall be delivered:\n\n(i) if to a Holder, to its address on Schedule A.\n\n"
    "(ii) if to the Buyer, to:\n\nAcme Corporation\n\n16 Park Place\n\nHouston, TX 77084\n\n"
    "Attention: General Counsel\n\nEmail: counsel@example.com\n\n"
    "(c) Interpretation. Headings do not affect the meaning of this Agreement.\n\n"
    "(d) Counterparts. This Agreement may be signed in counterparts.\n"
)


def test_paragraphs_inside_an_attachments_section_belong_to_it():
    """An address block under "(b) Notices" in an exhibit that numbers its own sections is text
    of that section, as in the main body: the list goes on with (c) and (d)."""
    t = tree(EXHIBIT_WITH_SECTIONS)
    assert [label for label in t if label.startswith("Exhibit A, 2")] == [
        "Exhibit A, 2", "Exhibit A, 2(a)", "Exhibit A, 2(b)", "Exhibit A, 2(b)(i)", "Exhibit A, 2(b)(ii)",
        "Exhibit A, 2(c)", "Exhibit A, 2(d)",
    ]
    assert not any(label.startswith("Exhibit A, p") for label in t)


SCANNED_EXHIBITS = (
    "LEASE\n\n1. Premises. Landlord leases the Premises to Tenant.\n\n2. Rent. Tenant shall pay the rent.\n\n"
    "IN WITNESS WHEREOF, the parties have signed this Lease.\n\nLANDLORD: By: Its:\n\n"
    "EXHIBIT A The Premises\n7,000 rentable square feet according to the BOMA method\n\n"
    "EXHIBIT B Landlord's Work\nLandlord shall deliver the Building with its shell complete.\n\n"
    "EXHIBITC Rentable Square Feet Certification\nTo be provided upon completion of construction.\n\n"
    "EXHIBITS\n\nThe exhibits are part of this Lease.\n"
)


def test_an_attachment_heading_line_and_a_scan_that_glued_its_letter():
    """The text under "EXHIBIT A The Premises" is the attachment's first block; "EXHIBITC"
    (the scan lost the space) is Exhibit C because it follows Exhibit B; "EXHIBITS" is no
    "Exhibit S"."""
    t = tree(SCANNED_EXHIBITS)
    attachments = [label for label in t if t[label].parent is None and label.startswith("Exhibit")]
    assert attachments == ["Exhibit A", "Exhibit B", "Exhibit C"]
    assert t["Exhibit A, p1"].text.startswith("7,000 rentable")
    assert t["Exhibit C, p1"].text.startswith("To be provided")


@pytest.mark.parametrize(
    "closing",
    [
        "                [signature page follows]\n\n                    3\n\n   IN WITNESS WHEREOF, the parties have signed.",
        "In witness, each party to this lease has caused it to be executed on the date below.",
        "IN TESTIMONY WHEREOF, witness the signatures of the parties as of the date above.",
        "The undersigned declare under penalty of perjury that the foregoing is true.",
    ],
)
def test_closing_formulas_open_the_signatures(closing):
    text = (
        "AGREEMENT\n\n1. Sale. The Seller sells the Shares to the Buyer.\n\n                    1\n\n"
        "2. Price. The Buyer pays the price.\n\n                    2\n\n"
        "3. Law. The law of New York governs.\n\n" + closing + "\n\nBy: ______\n"
    )
    t = tree(text)
    assert list(t) == ["preamble", "1", "2", "3", "signatures"]


def test_a_number_written_twice_is_no_list():
    """"one (1) or more … two (2) opening parties" gives no items (1), (2)."""
    t = tree(
        "1. Opening. We will send one (1) or more representatives to train your staff, and you "
        "will host two (2) opening parties.\n\n2. Fees. You will pay the fees.\n"
    )
    assert list(t) == ["1", "2"]


def test_a_signature_block_without_a_closing_line():
    """In an exhibit, the parties' role captions followed by "By" lines are its signatures."""
    t = tree(
        "AGREEMENT\n\n1. Grant. We grant you a franchise.\n\n2. Term. Ten years.\n\n"
        "IN WITNESS WHEREOF, the parties have signed.\n\nBy: ____\n\n"
        "EXHIBIT B\n\nDESCRIPTION OF DESIGNATED AREA\n\n"
        "FRANCHISOR:                     FRANCHISEE:\n\nACME FRANCHISE SYSTEMS, INC.\n\nBy ________      By ________\n\n"
        "Its ________     Its ________\n"
    )
    assert [label for label in t if label.startswith("Exhibit B")] == ["Exhibit B", "Exhibit B, signatures"]


def test_a_list_after_a_cited_subsection_and_a_comma():
    """"… from the trust funds described in Section 4(d), (i) payment … and (ii) the benefit …":
    "(i)" opens the sentence's own list; it does not go on citing Section 4(d)."""
    t = tree(
        "1. Defeasance. The Holders keep (a) the right to receive, from the trust funds described "
        "in Section 4(d), (i) payment of principal and (ii) the benefit of any sinking fund; and "
        "(b) the rights of the Trustee.\n\n2. Other. Text.\n"
    )
    assert [label for label in t if label.startswith("1(")] == ["1(a)", "1(a)(i)", "1(a)(ii)", "1(b)"]


def test_parts_of_an_attachment_named_by_their_own_labels():
    """"Exhibit C-1 …" and "Exhibit C-2 …" inside Exhibit C, cited by those names in the body,
    are parts of Exhibit C; "[Floorplan attached]" under the title is its first block. A form's
    page label ("Exhibit A-1" over a form the body never cites so) opens nothing."""
    t = tree(
        "SUBLEASE\n\n1. Premises. The Former Labs are shown on Exhibit C-1 and Exhibit C-2.\n\n"
        "2. Rent. Rent is due monthly.\n\nIN WITNESS WHEREOF, the parties have signed.\n\nBy: ____\n\n"
        "EXHIBIT A\n\nFORM OF NOTICE\n\nExhibit A-1 Form of notice to be used\n\nThe notice text.\n\n"
        "EXHIBIT C\n\nAPPROXIMATE LOCATION OF FORMER LABS\n\n[Floorplan attached]\n\n"
        "Exhibit C-1 Former Labs Blue Labs 5,413 RSF Proposed premises\n\n"
        "Exhibit C-2 Former Labs fourth floor mezzanine 3,873 RSF\n"
    )
    assert t["Exhibit C-1"].parent == "Exhibit C" and t["Exhibit C-2"].parent == "Exhibit C"
    assert t["Exhibit C, p1"].text.startswith("[Floorplan attached]")
    assert "Exhibit A-1" not in t


def test_inline_lists_nest_and_the_outer_list_goes_on_after_them():
    """"(a) … (1) … (a) … (b) … (2) … (b) Notification …" in one line: the second "(b)" goes
    on the outer letters once the numbers and the inner letters are closed."""
    t = tree(
        "1. Sale. The Seller sells the Shares.\n\n"
        "2. Indemnity (a) Rights of Indemnity (1) The Seller shall indemnify the Buyer against "
        "losses arising by reason of: (a) any breach of this Agreement; or (b) any claim of a "
        "third party. (2) The Buyer shall give notice of any claim. (b) Notification of Claims "
        "The Buyer shall notify the Seller promptly.\n\n3. Law. The law of New York governs.\n"
    )
    assert [label for label in t if label.startswith("2(")] == [
        "2(a)", "2(a)(1)", "2(a)(1)(a)", "2(a)(1)(b)", "2(a)(2)", "2(b)",
    ]
    assert t["2(b)"].text.startswith("(b) Notification of Claims")


def test_a_caption_without_a_stop_then_the_first_part_on_the_section_line():
    """"2. Indemnity (a) Rights of Indemnity (1) …" and, after a page break, "(b) Notification
    of Claims …": the section's own "(a)" opens its list; (b) is not read back to an inner
    "(a)" nearer to it. "4. One (1) box …" is a number written twice, no part."""
    t = tree(
        "1. Sale. The Seller sells the Shares.\n\n"
        "2. Indemnity (a) Rights of Indemnity (1) The Seller shall indemnify the Buyer against "
        "losses, unless: (a) the Buyer consented to the loss; or (b) the loss is small. (2) The Buyer "
        "shall mitigate its losses, unless: (a) it cannot; or\n\n\f"
        "(b) Notification of Claims The Buyer shall notify the Seller promptly.\n\n"
        "3. Law. The law of New York governs.\n\n4. One (1) box is installed per office.\n"
    )
    assert t["2(a)"].text.startswith("(a) Rights of Indemnity")
    assert t["2(b)"].parent == "2" and t["2(a)(1)"].parent == "2(a)" and t["2(a)(1)(b)"].parent == "2(a)(1)"
    assert not any(label.startswith("4(") for label in t)


def test_doubled_letters_that_read_as_roman_numerals():
    """"(cc)" after "(bb)" and "(ii)" after "(hh)" are letters, not roman 200 and 2."""
    letters = "a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg hh ii jj".split()
    body = " ".join(f"({x}) the Company holds licence {n};" for n, x in enumerate(letters))
    t = tree(f"1. Sale. The Seller sells the Shares.\n\n2. Warranties. The Seller warrants that: {body} and so on.\n")
    assert [label for label in t if label.startswith("2(")] == [f"2({x})" for x in letters]


SCHEDULE_RUN_IN = (
    "AGREEMENT\n\n1. Sale. The Seller sells the Shares.\n\n2. Price. The Buyer pays the price.\n\n"
    "IN WITNESS WHEREOF, the parties have signed this Agreement.\n\nBy: ____\n\n"
    "SCHEDULE A COMPLIANCE WITH SECURITIES LAWS As used in this Schedule, the following terms "
    "have the meanings indicated: (a) \"Buyer Affiliate\" means an affiliate of the Buyer; and "
    "(b) \"Rule\" means a rule of the Commission. Covenants of the Seller The Seller represents "
    "that: 1. The Seller is a foreign issuer. 2. The Seller has made no general solicitation. "
    "Covenants of the Buyer The Buyer represents that: 1. The Buyer is an accredited investor. "
    "2. The Buyer buys for its own account. 3. The Buyer will not resell the Shares.\n"
)


def test_a_schedule_heading_run_into_its_text():
    """"SCHEDULE A <TITLE> As used …" opens the schedule; the definitions its opening words lead
    into are its items; a second numbered list starting again at "1." is beside the first."""
    t = tree(SCHEDULE_RUN_IN)
    assert t["Schedule A"].heading == "Compliance With Securities Laws"
    assert t["Schedule A, preamble"].text.startswith("As used in this Schedule")
    assert t["Schedule A, preamble"].text.endswith("indicated:")
    assert [label for label in t if t[label].parent == "Schedule A"] == [
        "Schedule A, preamble", "Schedule A, (a)", "Schedule A, (b)", "Schedule A, 1", "Schedule A, 2",
        "Schedule A, 1 [2]", "Schedule A, 2 [2]", "Schedule A, 3",
    ]


MOVED_ACROSS_SECTIONS = (
    "1. Records. The Operator keeps complete books of account for the Owner.\n\n"
    "2. Statements.\n\n     The Operator shall deliver to the Owner its financial statements as follows:\n\n"
    "13\n\n  (a)   promptly upon availability, and in any event within 30 days after the end of each\n\n\n\n"
    "3. Taxes.\n\n     3.1 Income Tax Returns. The Operator shall provide the data for the returns.\n\n"
    "     3.2 Other Tax Returns. Unless the Owner instructs otherwise, the Operator shall prepare and file all\n\n"
    "14\n\n      month, (i) a balance sheet as of the end of such month; and (ii) a statement of income for the month;\n\n"
    "  (b)   promptly upon availability, and within 45 days after each quarter, a quarterly balance sheet;\n\n"
    "  (c)   promptly upon availability, and within 90 days after each year, the annual statements.\n\n\n\n"
    "other filings required of the Owner by law, no later than they are due.\n\n"
    "4. Banking. The Operator keeps the Owner's accounts.\n\n5. Notices. Notices are in writing.\n"
)


def test_items_that_go_on_with_an_earlier_sections_list_are_out_of_place():
    """2's list stops at "(a) … the end of each"; after a page break inside 3.2's sentence come
    "month, (i) … (ii) …", "(b)", "(c)" and 3.2 resumes in lower case: the moved items get no
    labels, neither as 3.2's items nor as inline (i)/(ii) of 3.2."""
    t = tree(MOVED_ACROSS_SECTIONS)
    assert [label for label in t if label.startswith(("2(", "3.2"))] == ["2(a)", "3.2"]
    assert "(b) promptly" in t["3.2"].text and "other filings" in t["3.2"].text


LEAD_IN_WITHOUT_ITS_LIST = (
    "1. Term. This Agreement runs for ten years.\n\n"
    "2. Owner Default.\n\n     The Operator may terminate this Agreement upon any of the following:\n\n"
    "If any of the above occurs, the Operator may give notice of termination to the Owner.\n\n"
    "3. Operator Default.\n\n     The Owner may terminate this Agreement upon any of the following:\n\n"
    "  (a)   the dissolution or bankruptcy of the Owner;\n\n  (b)   the Owner fails to pay when due any amount;\n\n"
    "  (c)   the Owner breaches any other term of this Agreement;\n\n"
    "  (a)   the dissolution or bankruptcy of the Operator;\n\n"
    "If any of the above occurs, the Owner may give notice of termination to the Operator.\n\n"
    "4. Notices. Notices are in writing.\n"
)


def test_a_list_moved_after_the_next_lead_in():
    """2's lead-in is followed by no list; 3's "(a) (b) (c)" then "(a)" again with no words
    between: the first run is 2's list the file moved, so 3's own list starts at the second (a)."""
    t = tree(LEAD_IN_WITHOUT_ITS_LIST)
    assert [label for label in t if label.startswith(("2(", "3("))] == ["3(a)"]
    assert t["3(a)"].text.startswith("(a) the dissolution or bankruptcy of the Operator")


SECOND_INSTRUMENT = (
    "This Amendment is entered into by the Vendor and the Distributor.\n\n"
    "1.       The Territory is amended to be the United States.\n\n"
    "2.       All other terms of the Agreement remain in force.\n\n"
    "IN WITNESS WHEREOF, the parties have executed this Amendment.\n\nVENDOR:        DISTRIBUTOR:\n\n"
    "By: /s/ A. Smith        By: /s/ B. Jones\n\n"
    "                 AMENDMENT #2 TO THE                 DISTRIBUTION AGREEMENT\n\n"
    "THIS AMENDMENT is entered into this 15th day of July by the Distributor and the Vendor.\n\n"
    "1.       Section 2, TERRITORY, is amended to be Canada.\n\n"
    "2.       This Amendment remains in effect for the current term.\n\n"
    "DISTRIBUTOR INC.                          VENDOR, INC. 1600 Main Street\n\n"
    "By: /s/ C. Brown                          By: /s/ D. White\n"
)


def test_a_second_instrument_after_the_signatures():
    """"AMENDMENT #2 TO THE … AGREEMENT" after the first amendment's signatures is attached
    under its own name, numbering its own sections; its parties' names over "By" lines are its
    signatures."""
    t = tree(SECOND_INSTRUMENT)
    assert [label for label in t if t[label].parent is None] == ["preamble", "1", "2", "signatures", "Amendment #2"]
    assert [label for label in t if t[label].parent == "Amendment #2"] == [
        "Amendment #2, preamble", "Amendment #2, 1", "Amendment #2, 2", "Amendment #2, signatures",
    ]


def test_a_paragraph_that_cites_the_last_item_as_above_is_not_in_it():
    """After the letter's last item "(c)", "… the conditions noted in subparagraph (c) above …"
    is a block of its own, not more of (c)."""
    t = tree(
        "Dear Mr. Smith:\n\nYou will be compensated as follows:\n\n"
        "(a)  Base Salary. You will receive a base salary of $100 a year.\n\n"
        "(b)  Annual Bonus. You will take part in the bonus plan.\n\n"
        "(c)  Other Interests. You agree to resign from the board of any other company.\n\n"
        "It is anticipated that you will begin working once the conditions noted in subparagraph (c) "
        "above have been satisfied.\n\nIf this letter accurately reflects our agreement, please sign it.\n\nBy: ____\n"
    )
    assert [label for label in t if t[label].parent is None] == ["preamble", "(a)", "(b)", "(c)", "p1", "signatures"]
    assert t["p1"].text.startswith("It is anticipated")


def test_titles_over_the_reverse_side_after_the_signatures():
    """A note's face ends in its signatures ("By:" / "Authorized Signatory"); "REVERSE OF NOTE"
    over a two-line title over prose is the note going on, not more of the signing."""
    t = tree(
        "MASTER NOTE\n\nThis Note evidences the obligations of the Company to the Holder under the Indenture.\n\n"
        "IN WITNESS WHEREOF, the Company has caused this Note to be duly executed.\n\nACME BANK AG\n\n"
        "By:\n\nAuthorized Signatory\n\nREVERSE OF NOTE\n\nACME BANK AG\nSENIOR MEDIUM-TERM NOTE\n\n"
        "This Note is one of a duly authorized issue of notes of the Company, issued and to be issued in one "
        "or more series under the Indenture, to which reference is made for the rights of the Holders.\n"
    )
    assert list(t) == ["p1", "p2", "signatures", "p3", "p4", "p5"]
    assert t["p3"].text == "REVERSE OF NOTE" and t["p4"].text.startswith("ACME BANK AG")


def test_long_roman_markers_continue_their_list():
    """"(xxviii)" has six letters: it still follows "(xxvii)"."""
    items = "".join(f"({to_roman(n)}) \"Term {n}\" means the {n}th thing.\n\n" for n in range(1, 31))
    t = tree(f"1. Sale. The Seller sells the Shares.\n\n2. Definitions. In this Agreement:\n\n{items}3. Law. New York law governs.\n")
    assert [label for label in t if label.startswith("2(")][-3:] == ["2(xxviii)", "2(xxix)", "2(xxx)"]
    assert "3" in t


def test_a_schedule_of_an_attached_form_stays_in_its_exhibit():
    """The form attached as Exhibit A cites "Schedule A hereto" and the agreement never does:
    its "Schedule A" is part of Exhibit A, not an attachment of the agreement."""
    t = tree(
        "AGREEMENT\n\n1. Merger. The Company merges into the Buyer.\n\n2. Support. Each Holder signs Exhibit A.\n\n"
        "IN WITNESS WHEREOF, the parties have signed.\n\nBy: ____\n\n"
        "EXHIBIT A\n\nFORM OF SUPPORT AGREEMENT\n\n1. Holders. Each holder named on Schedule A hereto votes its shares.\n\n"
        "2. Notices. Notices go to the address on Schedule A hereto.\n\nIN WITNESS WHEREOF, the holders have signed.\n\n"
        "By: ____\n\nSchedule A\n\nName and Address of Holder          Shares\n\n"
        "EXHIBIT B\n\nFORM OF LETTER\n\n1. Letter. The letter text.\n\n2. Other. More text.\n"
    )
    assert [label for label in t if t[label].parent is None] == ["preamble", "1", "2", "signatures", "Exhibit A", "Exhibit B"]


def test_lines_ending_in_a_citation_or_an_l_are_no_contents_entries():
    """"1.2.3 … as detailed in Schedule 3" ends in a citation, "2.10 … destroy the Material" in
    a word ending in "l": neither is a table of contents entry with its page number."""
    t = tree(
        "1.     Release\n\n1.1 The Licensee may claim the Material.\n\n1.2 The Licensee must deliver:\n\n"
        "1.2.1 such documentation as NCC shall reasonably require;\n\n1.2.2 a copy of the Licence Agreement; and\n\n"
        "1.2.3 a signed confidentiality undertaking as detailed in Schedule 3\n\n"
        "then NCC will release the Material.\n\n2.     Termination\n\n"
        + "".join(f"2.{n} NCC may terminate this Agreement on notice number {n}.\n\n" for n in range(1, 10))
        + "2.10 NCC may forthwith terminate this Agreement and destroy the Material\n\n"
        "if it is unable to trace the Owner.\n\n3.     Arbitration\n\n3.1 Disputes go to a panel.\n"
    )
    assert t["1.2.3"].parent == "1.2" and t["2.10"].parent == "2"


FORM_WITH_A_PROCEDURE = (
    "AGREEMENT\n\n1. Licence. The Licensor grants a licence.\n\n2. Escrow. The parties sign Schedule 4.\n\n"
    "IN WITNESS WHEREOF, the parties have signed.\n\nBy: ____\n\n"
    "SCHEDULE 4\n\nESCROW AGREEMENT\n\nThis document is to be used where an Owner deposits source code.\n\n"
    "PROCEDURE:\n\n      The information sheet should be completed and returned to the agent.\n\n"
    "i.    The agent will check the information and send out copies.\n\n"
    "ii.   When the parties have signed, all copies go back to the agent.\n\n"
    "iii.  The Owner should then lodge the Material.\n\n"
    "NB: Until all parties sign no binding arrangement has been made.\n\n"
    "Preliminary:\n\n(A)   The Licensee has been granted a licence.\n\n(B)   The Owner keeps the source code.\n\n"
    "1     Definitions\n\n1.1 \"Material\" means the source code.\n\n2     Deposit\n\n2.1 The Owner shall deliver the Material.\n"
)


def test_a_procedure_before_an_attached_forms_sections():
    """An attachment numbering its own sections: the "PROCEDURE:" items before them are its
    items; the text before those is its preamble; the recitals after "Preliminary:" get no labels."""
    t = tree(FORM_WITH_A_PROCEDURE)
    assert [label for label in t if t[label].parent == "Schedule 4"] == [
        "Schedule 4, preamble", "Schedule 4, i", "Schedule 4, ii", "Schedule 4, iii", "Schedule 4, 1", "Schedule 4, 2",
    ]
    assert t["Schedule 4, preamble"].text.startswith("This document is to be used")
    assert not any("(A)" in label for label in t)


def test_a_line_ending_in_exhibit_a_does_not_run_on():
    """"… AGREEMENT Exhibit A" ends on a designator, not on the article "a": the next exhibit's
    heading starts a paragraph."""
    t = tree(
        "AGREEMENT\n\n1. Sale. The Seller sells the Products.\n\n2. Price. The Buyer pays the price.\n\n"
        "IN WITNESS WHEREOF, the parties have signed.\n\nBy: ____\n\n"
        "  Exhibit A  \"Products\"\n\n\n\n  V3.03/17/10 ALLIANCE AGREEMENT Exhibit A\n\n\n\n"
        "  Exhibit B  Product Prices\n\n\n\n  V3.03/17/10 ALLIANCE AGREEMENT Exhibit B\n"
    )
    assert [label for label in t if t[label].parent is None][-2:] == ["Exhibit A", "Exhibit B"]


def test_an_inline_item_keeps_its_joining_or():
    """An inline item runs to the next item: "(i) three (3) months or" keeps its "or"."""
    t = tree(
        "1. Term. The Agreement runs for ten years.\n\n2. Notice. Either party may end it on the shorter of "
        "(i) three (3) months or (ii) the time left in the term.\n"
    )
    assert t["2(i)"].text == "(i) three (3) months or"


def test_a_running_header_glued_on_a_pages_first_line():
    """"CONFIDENTIAL   EXECUTION COPY   (b) Initiate …" at the top of each page: the header is
    layout; "(b)" starts its part, and "(i) [ * ] after …" (a redaction) is an item."""
    header = "CONFIDENTIAL   EXECUTION COPY   "
    t = tree(
        f"{header}AGREEMENT\n\n1. Development. Astellas shall develop the compound.\n\n"
        "2. Diligence. Astellas shall:\n\n(a) Initiate Phase I trials within [ * ] of the Effective Date.\n\n   -2-\n\n"
        f"{header}(b) Initiate Phase II trials within the later of (i) [ * ] after the start of Phase II, "
        "and (ii) [ * ] after the end of Phase I.\n\n   -3-\n\n"
        f"{header}(c) Initiate Phase III trials when Phase II ends.\n\n3. Law. New York law governs.\n"
    )
    assert [label for label in t if label.startswith("2(")] == ["2(a)", "2(b)", "2(b)(i)", "2(b)(ii)", "2(c)"]
    assert "CONFIDENTIAL" not in t["2(b)"].text


def test_a_label_used_again_counts_its_own_uses():
    """A second (i) list in one clause is "(i) [2]" and "(ii) [2]"; its "(iii)" is plain, for the
    first list stopped at (ii) and this is the only 1(iii) (CONVENTIONS: the suffix counts each
    label's earlier uses); an (a) list after them is plain; a third list is "[3]"."""
    t = tree(
        "1. Definitions.\n\n\"Loss\" means (i) any damage or (ii) any cost.\n\n"
        "\"Tax\" means (i) any levy, (ii) any duty or (iii) any charge of a government.\n\n"
        "\"Law\" means (a) any statute or (b) any rule.\n\n"
        "\"Fee\" means (i) any charge or (ii) any toll.\n\n2. Other. Text.\n"
    )
    assert [label for label in t if label.startswith("1(")] == [
        "1(i)", "1(ii)", "1(i) [2]", "1(ii) [2]", "1(iii)", "1(a)", "1(b)", "1(i) [3]", "1(ii) [3]",
    ]


def test_a_child_of_a_repeated_item_is_suffixed_only_where_its_own_label_repeats():
    """The second 1(a) is "1(a) [2]"; its (i) and (ii) repeat the first (a)'s and are "[2]", its
    (iii) is the only 1(a)(iii) and is plain; each keeps "1(a) [2]" as its parent."""
    t = tree(
        "1. Terms.\n\n\"Cost\" means (a) any fee, including (i) a levy or (ii) a duty, or (b) any toll.\n\n"
        "Text between.\n\n\"Debt\" means (a) any loan, including (i) any note, (ii) any bond or (iii) any bill, "
        "or (b) any lease.\n\n2. Other. Text.\n"
    )
    assert [(label, c.parent) for label, c in t.items() if label.startswith("1(a)")] == [
        ("1(a)", "1"), ("1(a)(i)", "1(a)"), ("1(a)(ii)", "1(a)"), ("1(a) [2]", "1"),
        ("1(a)(i) [2]", "1(a) [2]"), ("1(a)(ii) [2]", "1(a) [2]"), ("1(a)(iii)", "1(a) [2]"),
    ]


def test_a_marker_spaced_out_inside_its_parentheses():
    """"( i )  When any person …" then "(ii) The occurrence …": one list, (i) as typed with spaces."""
    t = tree(
        "1. Grants. The Board grants options.\n\n2. Change in Control.\n\n"
        "       (a)    Definition.  A Change in Control means any of the following:\n\n"
        "       ( i )  When any person becomes the owner of half the shares; or\n\n"
        "       (ii)   The sale of all or substantially all of the assets.\n\n3. Law. Text.\n"
    )
    assert [label for label in t if label.startswith("2(")] == ["2(a)", "2(a)(i)", "2(a)(ii)"]


def test_a_formula_finishes_its_bullet_and_a_glued_bullet_starts_one():
    """"•If … pursuant to the formula set forth below:" / "Payment = [(Result – Threshold) / …] *
    Base" is one block; "•If …" right after the formula (no space after the glyph) is the next."""
    t = tree(
        "VARIABLE COMPENSATION PLAN\n\nThe Payment for each Participant is determined as follows:\n\n"
        "•If the Result is less than the Threshold, no Payment is earned.\n\n"
        "•If the Result exceeds the Threshold, each Participant earns a Payment pursuant to the formula set forth below:\n\n"
        "Payment = [((Result – Threshold) / (Base – Threshold)) * 50%] * Base Payment\n\n"
        "•If the Result equals the Base, each Participant earns the Base Payment.\n"
    )
    assert list(t) == ["p1", "p2", "p3", "p4", "p5"]
    assert "Payment = [" in t["p4"].text and t["p5"].text.startswith("•If the Result equals")
