"""Organisations are names, not legends, headings or descriptions (issue 8)."""

from __future__ import annotations

from clausegraph.build import document_from_text
from clausegraph.tagging.entities import find_mentions
from clausegraph.tagging.terms import tag_terms


def _names(text: str) -> list[str]:
    document = document_from_text(text, "snippet")
    return sorted({m.name for m in find_mentions(document, tag_terms(document))})


def test_a_legend_in_capitals_gives_only_the_name_inside_it():
    text = ("UNLESS THIS CERTIFICATE IS PRESENTED BY AN AUTHORIZED REPRESENTATIVE, AND ANY PAYMENT IS MADE TO "
            "CEDE & CO., OR ISSUED IS REGISTERED IN THE NAME OF CEDE & CO., ANY TRANSFER IS WRONGFUL.\n")
    assert _names(text) == ["CEDE & CO."]


def test_an_indefinite_description_is_not_an_organisation():
    text = ('This Agreement is between Acme Holdings, Inc., a New York Corporation ("Acme"), and '
            'Widget Co., a PRC Corporation ("Widget").\n')
    assert _names(text) == ["Acme Holdings, Inc.", "Widget Co."]


def test_names_with_letters_beyond_ascii_and_defined_terms_before_them():
    text = ('This Agreement is between Piñon Gathering Company, LLC, a Delaware limited liability company '
            '("Owner"), and Ipsen S.A.\n\nThe notice goes to Owner and Ipsen S.A. at 123 Robert S. Kerr Avenue.\n')
    assert _names(text) == ["Ipsen S.A.", "Piñon Gathering Company, LLC"]


def test_a_company_named_by_its_state_keeps_the_state_and_limited_stays_with_company():
    text = ('This Agreement is between Acme Holdings, Inc. ("Parent") and Northern Life Insurance Company of '
            'Delaware ("Insurer").\n\nIf to the Licensee:\nEASTERN SOFT TECHNOLOGY COMPANY LIMITED\n12 Main Road\n')
    assert _names(text) == ["Acme Holdings, Inc.", "EASTERN SOFT TECHNOLOGY COMPANY LIMITED",
                            "Northern Life Insurance Company of Delaware"]


def test_two_names_side_by_side_above_two_signatures_are_not_one_name():
    text = ('This Agreement is between Eastern Soft Technology Company Limited ("Licensee") and Bolt Soar '
            'Systems, Inc. ("Licensor").\n\nIN WITNESS WHEREOF the parties sign.\n\n'
            'Eastern Soft Technology                                  Bolt Soar\nSystems, Inc.\n')
    assert _names(text) == ["Bolt Soar Systems, Inc.", "Eastern Soft Technology Company Limited"]


def _mentions(text: str):
    document = document_from_text(text, "snippet")
    return find_mentions(document, tag_terms(document))


def _entities(text: str) -> dict[str, tuple[str, bool, set[str]]]:
    """name -> (kind, party, roles), over every mention of the name."""
    out: dict[str, tuple[str, bool, set[str]]] = {}
    for m in _mentions(text):
        kind, party, roles = out.get(m.name, (m.kind.value, False, set()))
        out[m.name] = (kind, party or m.party, roles | set(m.roles))
    return out


def test_bodies_named_without_a_suffix_by_the_noun_that_heads_their_name():
    text = ('GAAP is set forth in the opinions of the Accounting Principles Board of the American Institute of '
            'Certified Public Accountants and the statements of the Financial Accounting Standards Board. The '
            'deposits are insured by the Savings Association Insurance Fund ("SAIF"), the Office of Thrift '
            'Supervision (the "OTS") approved it, and Moody\'s Investors Service ("Moody\'s") rated it. Notices go '
            'to the Corporate Trust Office; the Board of Directors and the Company\'s Compensation Board meet; '
            'the Sinking Fund and the Customer Support Service Fee are paid.\n')
    assert _names(text) == ["Accounting Principles Board", "American Institute of Certified Public Accountants",
                            "Financial Accounting Standards Board", "Moody's Investors Service",
                            "Office of Thrift Supervision", "Savings Association Insurance Fund"]


def test_a_fee_the_document_defines_is_no_body():
    text = ('The Borrower shall pay a commitment commission ("Commitment Commission"). Accrued Commitment '
            'Commission shall be due and payable quarterly.\n')
    assert _names(text) == []


def test_notice_addressees_are_people_and_a_desk_or_a_street_is_not():
    text = ('To Subtenant at:\n\nIpsen Widget, Inc.\n\nAttn: John Kehoe with a copy to:\n\n'
            'Francois Garnier, EVP General Counsel\n\n65 quai Georges Gorse\n\nAttention: General Counsel\n\n'
            'Attention: Corporate Trust Administration\n\n         Attention: R. Blair Thomas         Fax Number: 213\n\n'
            'Attention: 100 Bloor Street East\n')
    people = {n: v for n, v in _entities(text).items() if v[0] == "person"}
    assert sorted(people) == ["Francois Garnier", "John Kehoe", "R. Blair Thomas"]
    assert "notice addressee" in people["John Kehoe"][2] and not any(v[1] for v in people.values())


def test_signers_under_blank_lines_and_in_a_signature_table():
    text = ('IN WITNESS WHEREOF, the parties have signed.\n\nACME SYSTEMS, INC.\n\nBy: By:     '
            '_____________________________ _____________________________  Melvin Gagerman Zoltan Lemperth  CEO [title]\n\n'
            '_____________________________  Greg Demetri  [title]\n\nSUBTENANT:\n\nIPSEN WIDGET, INC.\n\n'
            'By / s/ Alexandre Lebeaut\n\nName:\n\nAlexandre Lebeaut\n\nTitle:\n\nPresident\n')
    people = {n: v for n, v in _entities(text).items() if v[0] == "person"}
    assert sorted(people) == ["Alexandre Lebeaut", "Greg Demetri", "Melvin Gagerman", "Zoltan Lemperth"]
    assert {"signatory", "president"} <= people["Alexandre Lebeaut"][2]
    assert not any(v[1] for v in people.values())  # signers are not parties


def test_professional_suffixes_partner_lists_and_numbered_names():
    text = ('The Association has received an opinion of its counsel, Malizia,  Spidi,  Sloane & Fisch,  P.C., and '
            'Sean T. Wheeler, P.C. advised. Zanotti s.p.a is the owner of the marks. The lease is between '
            'ARE-MA Region No. 59, LLC and Acme Robotics GmbH.\n')
    assert _names(text) == ["ARE-MA Region No. 59, LLC", "Acme Robotics GmbH", "Malizia, Spidi, Sloane & Fisch, P.C.",
                            "Sean T. Wheeler", "Zanotti s.p.a"]


OPENING = ('This Agreement is made by and between American Widget Group, Inc., a corporation organized under the '
           'laws of the State of Delaware ("AWG"), and Northern Widget Life Company, a Delaware corporation (the '
           '"Insurer"), whose deposits are insured by the Savings Association Insurance Fund ("SAIF").\n\n'
           'WHEREAS, the Insurer leases its office under a lease by and between Kendall Region No. 5, LLC '
           '("Prime Landlord") and the Insurer.\n\n1. Capital. AWG shall pay.\n\n2. Term. This Agreement ends.\n\n')


def test_the_parties_are_the_names_the_contract_opens_with():
    entities = _entities(OPENING + "IN WITNESS WHEREOF, the parties sign.\n")
    parties = sorted(n for n, v in entities.items() if v[1])
    # not the fund that insures one of them, nor the landlord a recital names
    assert parties == ["American Widget Group, Inc.", "Northern Widget Life Company"]
    assert {"Savings Association Insurance Fund", "Kendall Region No. 5, LLC"} <= set(entities)


def test_a_person_who_is_a_party():
    text = ('This lease agreement was entered into on January 1, 2008, between Edward Hohman, an individual\n'
            'under the laws of the State of Nevada, referred to as "lessor," and Post Widget of Nevada, Inc.,\n'
            'a corporation organized under the laws of the State of Nevada, referred to as "lessee."\n\n'
            'SECTION ONE\n\nPREMISES\n\nLessor leases to lessee the premises.\n\nSECTION TWO\n\nTERM\n\nOne year.\n')
    entities = _entities(text)
    assert entities["Edward Hohman"][:2] == ("person", True)
    assert entities["Post Widget of Nevada, Inc."][:2] == ("organization", True)


def test_in_the_signature_block_a_manager_signs_for_a_party_and_a_variant_name_is_the_party():
    text = (OPENING + 'IN WITNESS WHEREOF, the parties sign.\n\nAMERICAN WIDGET GROUP, INC.\n\n'
            'By: Kendall Asset Management Company, its Manager\n\nAWG USA  A Delaware Corporation\n')
    entities = _entities(text)
    manager = entities["Kendall Asset Management Company"]
    assert not manager[1] and {"signatory", "manager"} <= manager[2]
    assert "AWG USA" not in entities and "AWG USA A Delaware Corporation" not in entities
    awg = [m for m in _mentions(text) if m.text == "AWG USA"]
    assert [m.name for m in awg] == ["American Widget Group, Inc."]


def test_a_regulator_named_among_the_signatures_signs_nothing():
    text = ('IN WITNESS WHEREOF, the parties sign.\n\nACME SYSTEMS, INC.\n\nPortions have been filed with the '
            'Securities and Exchange Commission; the dealer is a member of the Financial Industry Regulatory '
            'Authority, Inc.\n')
    entities = _entities(text)
    assert entities["ACME SYSTEMS, INC."][1]
    assert not entities["Securities and Exchange Commission"][1]
    assert not entities["Financial Industry Regulatory Authority, Inc."][1]


def test_titles_headings_and_a_new_sentence_before_a_name_are_not_part_of_it():
    text = ('Delivery of Offered Shares The Corporation shall deliver. Under Regulation D. The Corporation shall '
            'sell. Notices go to Chief Executive Officer FibroGen, Inc. and to Medical Affairs Department Astellas '
            'Pharma Inc. Except for Barclays Capital Inc. no broker acts. The Executive Vice President and Chief '
            'Operating Officer of FirstEnergy Corp. signs.\n')
    assert _names(text) == ["Astellas Pharma Inc.", "Barclays Capital Inc.", "FibroGen, Inc.", "FirstEnergy Corp."]


def test_words_that_look_like_people_are_not():
    text = ('Dear Mr. Harris: "Substantial U.S. Market Interest" means a market. The U.S. Affiliate will offer. '
            'You join the Executive and Director Incentive Compensation Plan. Title: Vice President Purchasing Date: '
            '4/30/97\n')
    assert _names(text) == []


def test_capitals_that_are_a_legal_form_or_an_instrument_give_only_the_name():
    text = ('EXHIBIT C\n\nFORM OF A&R LIMITED LIABILITY COMPANY AGREEMENT\n\nAMENDED AND RESTATED LIMITED LIABILITY '
            'COMPANY AGREEMENT\n\nCERTIFICATE OF AMENDMENT\n\nOF\n\nRESTATED ARTICLES OF INCORPORATION\n\nOF\n\n'
            'APPLE WIDGET, INC.\n\nThe Board of Directors of Merger Sub Inc. approved the Merger of Merger Sub Inc.\n')
    assert _names(text) == ["APPLE WIDGET, INC.", "Merger Sub Inc."]


def test_one_person_with_and_without_a_middle_name_is_one_person():
    text = ('Notices to the Agent, Attention: Catherine Kozlow Rochester, and to the Company, Attention: John Smith.\n\n'
            'Accepted: Catherine K. Rochester, President. Witness: John Q. Smith and John R. Smith.\n')
    people = sorted({m.name for m in _mentions(text) if m.kind.value == "person"})
    assert people == ["Catherine K. Rochester", "John Q. Smith", "John R. Smith", "John Smith"]


def test_defined_terms_around_a_name_and_initials_inside_it():
    text = ('"Closing Date" means the date of the closing. As of the Closing Date Merger Sub Inc. exists. The '
            'report of W.D. Von Gonten & Co. (“Von Gonten”) is attached; copies go to Fogler, Rubinoff LLP and '
            'to A.M. Best Company ("A.M. Best").\n')
    assert _names(text) == ["A.M. Best Company", "Fogler, Rubinoff LLP", "Merger Sub Inc.", "W.D. Von Gonten & Co."]


def test_a_defined_term_before_a_firm_is_not_one_of_its_partners():
    text = ('the Corporation shall obtain an opinion of U.S. counsel to the Corporation, Troutman Sanders LLP, and of '
            'Designated Securities, Deloitte and Touche LLP.\n')
    assert _names(text) == ["Deloitte and Touche LLP", "Troutman Sanders LLP"]


def test_a_known_body_written_in_capitals_is_found():
    # The capitals form of a known body of several words: its spaces must stay spaces.
    text = "ALL FILINGS ARE MADE WITH THE SECURITIES AND EXCHANGE COMMISSION IN WASHINGTON.\n"
    assert any(name.upper() == "SECURITIES AND EXCHANGE COMMISSION" for name in _names(text))
