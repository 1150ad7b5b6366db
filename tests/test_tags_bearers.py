"""Bearers and modalities follow the document: its own parties, however it names them (issue 8)."""

from __future__ import annotations

from clausegraph.build import document_from_text
from clausegraph.tagging import tag_document

PREAMBLE = (
    "This lease agreement was entered into on January 1, 2008, between Edward Hohman, an individual "
    'under the laws of the State of Nevada, referred to as "lessor," and Post Tension of Nevada, Inc., '
    'a corporation organized under the laws of the State of Nevada, referred to as "lessee."\n\n'
)


def _tag(body: str, preamble: str = PREAMBLE):
    return tag_document(document_from_text(preamble + body, "snippet"))


def _statements(body: str, preamble: str = PREAMBLE) -> list[tuple[str, str]]:
    return [(d.modality.value, d.bearer.lower()) for d in _tag(body, preamble).deontics]


def test_a_party_named_in_apposition_is_defined_by_its_name():
    terms = {t.term: t.definition for t in _tag("").terms}
    assert terms == {"lessor": "Edward Hohman", "lessee": "Post Tension of Nevada, Inc."}


def test_a_term_defined_in_lower_case_bears_duties_written_either_way():
    assert _statements("Lessee shall pay lessor the rent each month. lessor may enter the premises.") == [
        ("obligation", "lessee"),
        ("permission", "lessor"),
    ]


def test_an_acronym_alias_is_a_bearer():
    preamble = 'American International Group, Inc., a Delaware corporation ("AIG"), agrees as follows.\n\n'
    assert _statements("AIG shall provide capital to the insurer.", preamble) == [("obligation", "aig")]


def test_the_parties_as_a_class_bear_duties_but_a_third_party_does_not():
    found = _statements(
        "Neither Party may assign this lease. Each party shall give notice. "
        "Any third party shall be bound by the rules."
    )
    assert found == [("prohibition", "party"), ("obligation", "party")]


def test_covenants_and_agrees_that_it_will_not_is_a_prohibition():
    found = _statements("Lessee covenants and agrees that it will not sublet the premises. "
                        "Lessor covenants and agrees that it will repair the roof.")
    assert found == [("prohibition", "lessee"), ("obligation", "lessor")]


def test_need_not_and_may_or_may_not_give_no_statement():
    assert _statements("Lessee need not insure the contents. Lessor may or may not renew this lease.") == []


def test_a_lien_and_an_entitlement_are_rights():
    found = _statements("Lessor shall have a lien on the fixtures. Lessee shall be entitled to a refund.")
    assert found == [("right", "lessor"), ("right", "lessee")]


def test_a_term_that_names_no_party_bears_nothing():
    preamble = PREAMBLE + 'The premises ("Premises") are owned by the lessor. The term of the lease (the "Term") is one year.\n\n'
    assert _statements("The Term shall end on December 31. The Premises shall be kept clean.", preamble) == []


def test_an_address_after_the_name_is_an_appositive_of_the_party():
    preamble = ('This Sublease is by and between MERRIMACK PHARMACEUTICALS, INC., a Delaware corporation, having a '
                'mailing address at One Kendall Square, Cambridge, MA 02139 ("Sublandlord"), and IPSEN BIOSCIENCE, INC., '
                'a Massachusetts corporation, domiciled at 650 East Kendall Street, Cambridge, MA 02142 ("Subtenant").\n\n')
    document = _tag("Subtenant shall pay the rent. Sublandlord may enter the premises.", preamble)
    definitions = {t.term: t.definition.split(",")[0] for t in document.terms}
    assert definitions == {"Sublandlord": "MERRIMACK PHARMACEUTICALS", "Subtenant": "IPSEN BIOSCIENCE"}
    assert [(d.modality.value, d.bearer) for d in document.deontics] == [("obligation", "Subtenant"), ("permission", "Sublandlord")]


def _terms(text: str) -> dict[str, str]:
    document = document_from_text(text, "snippet")
    from clausegraph.tagging.terms import tag_terms

    return {t.term: t.definition for t in tag_terms(document)}


def test_definitions_the_dev_corpus_writes():
    text = (
        '"Total Adjusted Capital", "Company Action Level RBC" and "Surplus to Policyholders" shall have the '
        'meanings ascribed thereto under the insurance laws. The term "Specified Minimum Percentage" shall be '
        'equal to the percentage set forth on Schedule 1. Licensee has a right of first negotiation ("ROFN\'\') '
        'on new software. Sublandlord holds the Original Lease, as amended by the Fifth Amendment of Lease dated '
        'April 3, 2017 (the "Fifth Amendment" and collectively with the Original Lease, the First Amendment, the '
        'Second Amendment, the Third Amendment and the Fourth Amendment, and as may be further amended, the '
        '"Primary Lease").\n'
    )
    terms = _terms(text)
    assert set(terms) == {"Total Adjusted Capital", "Company Action Level RBC", "Surplus to Policyholders",
                          "Specified Minimum Percentage", "ROFN", "Fifth Amendment", "Primary Lease"}
    assert terms["Specified Minimum Percentage"].startswith("the percentage set forth on Schedule 1")
    assert terms["ROFN"] == "a right of first negotiation"


def test_a_second_verb_phrase_of_the_same_subject_is_its_own_statement():
    found = _statements("Lessee shall restrict its use to such purposes, and shall not use the premises for any "
                        "other purpose. Lessee shall keep the premises clean and may remove its fixtures.")
    assert found == [("obligation", "lessee"), ("prohibition", "lessee"), ("obligation", "lessee"), ("permission", "lessee")]


def test_time_to_act_discretion_and_reserved_rights_are_rights():
    found = _statements("Lessee shall have fifteen days after notice to correct the default. Lessor reserves the "
                        "right to enter the premises. Lessor shall have full discretion to choose the contractor. "
                        "Lessee shall have the right, at its option, to renew. Neither party shall be in default by "
                        "reason of a strike.")
    assert found == [("right", "lessee"), ("right", "lessor"), ("right", "lessor"), ("right", "lessee")]


def test_neither_nor_forbids_both_and_each_represent_binds_both():
    found = _statements("Neither lessor nor lessee shall assign this lease. Lessor and lessee each represent to the "
                        "other that it has not dealt with any broker. Lessee shall be permitted to use the gym.")
    assert sorted(found) == [("permission", "lessee"), ("prohibition", "lessee"), ("prohibition", "lessor"),
                             ("representation", "lessee"), ("representation", "lessor")]


def test_a_passive_permission_with_its_agent_is_the_agents():
    assert _statements("This lease may be signed by the parties in counterparts. The rent may be reduced by law.") == [
        ("permission", "parties")
    ]


def test_each_item_of_a_shall_lead_in_is_the_bearers_statement():
    body = ("1. DUTIES\n\n1.1 Lessee shall:\n\n(a) keep the premises clean;\n\n(b) not store fuel on the premises;"
            " and\n\n(c) Repair any damage it causes.\n")
    # (the clause labels are the segmenter's; the item letters are what matters here)
    assert [(d.clause[-3:], d.modality.value, d.bearer.lower()) for d in _tag(body).deontics] == [
        ("(a)", "obligation", "lessee"),
        ("(b)", "prohibition", "lessee"),
        ("(c)", "obligation", "lessee"),
    ]


def test_a_duty_set_in_capitals_is_read_like_any_other():
    body = ("1. INDEMNITY\n\nSUBJECT TO THE TERMS OF THIS LEASE, LESSEE SHALL INDEMNIFY, DEFEND AND HOLD HARMLESS "
            "LESSOR FROM ALL CLAIMS ARISING FROM THE USE OF THE PREMISES.\n")
    assert _statements(body) == [("obligation", "lessee")]


def test_neither_the_one_nor_the_other_is_a_prohibition_for_both():
    body = "Lessor has read the plans, and neither the lessor nor the lessee will take any action against them.\n"
    assert sorted(_statements(body)) == [("prohibition", "lessee"), ("prohibition", "lessor")]


def test_a_present_grant_is_the_grantees_right_or_permission():
    body = ("1. PREMISES\n\nLessor leases to lessee the premises at 1 Main Street.\n\n"
            "2. RENEWAL\n\nLessor grants to lessee an option to renew this lease.\n\n"
            "3. SIGNS\n\nLessor hereby grants to lessee a non-exclusive license to use its sign.\n\n"
            "4. GIFTS\n\nLessor grants to lessee nothing more.\n")
    assert _statements(body) == [("right", "lessee"), ("right", "lessee"), ("permission", "lessee")]


def test_covenants_and_an_indemnity_in_the_present_tense_bind_without_shall():
    assert _statements("Lessee hereby covenants and agrees not to oppose any draw on the deposit.\n") == [
        ("prohibition", "lessee")]
    assert _statements("Lessee hereby covenants to perform the covenants of the tenant.\n") == [("obligation", "lessee")]
    assert _statements("Lessor and lessee each indemnify and hold harmless the other from all claims.\n") == [
        ("obligation", "lessor"), ("obligation", "lessee")]


def test_nothing_shall_prohibit_a_party_from_is_its_permission_and_passives_name_the_documents_parties():
    assert _statements("During the term, nothing in this Lease shall prohibit lessee from subletting a room.\n") == [
        ("permission", "lessee")]
    assert _statements("These options may be exercised or waived by lessor in its discretion.\n") == [
        ("permission", "lessor")]


def test_becoming_effective_and_what_another_is_made_to_agree_are_no_duties():
    assert _statements("The removal of the lessee shall become effective only upon written notice.\n") == []
    assert _statements("Lessor shall require lessee to agree in writing that lessee will hold the keys in trust.\n") == [
        ("obligation", "lessor")]


def test_will_in_no_way_is_a_prohibition():
    assert _statements("Lessee shall keep the plans secret and will in no way disclose them to any person.\n") == [
        ("obligation", "lessee"), ("prohibition", "lessee")]


def test_remedies_a_party_may_have_and_notices_it_may_desire_to_give_are_no_statements():
    assert _statements("This right is in addition to any other remedies which lessor may have at law or in equity.\n") == []
    assert _statements("Any notice which lessee may desire to give must be sent by mail.\n") == []


def test_a_further_verb_phrase_of_the_same_modality_is_the_same_statement():
    found = _statements("Lessee shall register the lease and shall request that it be recorded. Lessor shall repair "
                        "the roof and shall not enter the premises, and may inspect the roof.\n")
    assert found == [("obligation", "lessee"), ("obligation", "lessor"), ("prohibition", "lessor"), ("permission", "lessor")]


def test_a_statement_with_its_own_subject_inside_an_inline_item_is_the_items():
    body = ("1. APPROVALS\n\nLessee shall negotiate all service contracts, provided that (i) lessor shall have the right "
            "to approve any such contract, and (ii) if approved, lessor shall sign it. If lessee defaults in the case "
            "of (a) a failure to pay or (b) a failure to insure, lessor may terminate this lease.\n\n"
            "2. NOTICES\n\nNotices shall be in writing.\n")
    found = [(d.clause, d.modality.value, d.bearer.lower()) for d in _tag(body).deontics]
    assert found == [("1", "obligation", "lessee"), ("1(i)", "right", "lessor"), ("1(ii)", "obligation", "lessor"),
                     ("1", "permission", "lessor")]


def test_being_liable_or_responsible_binds_unless_negated():
    found = _statements("Lessee shall be liable for all expenses of the reletting. Each party shall be responsible for "
                        "its own costs. Lessor shall not be liable for any theft. Neither party will be liable for a "
                        "delay caused by a strike. No party shall be responsible for the acts of the other.\n")
    assert found == [("obligation", "lessee"), ("obligation", "party")]


def test_a_modal_verb_phrase_joined_to_a_subjects_own_verb_is_that_subjects():
    found = _statements("Lessee shall notify lessor of the defect, and lessor hereby releases and shall indemnify lessee "
                        "against all claims. Lessee hereby waives every such law, and covenants that it will not invoke "
                        "it, but will suffer the sale. Lessor is acting and shall act as an independent contractor.\n")
    assert found == [("obligation", "lessee"), ("obligation", "lessor"), ("prohibition", "lessee"),
                     ("obligation", "lessee"), ("obligation", "lessor")]


def test_a_verb_phrase_of_a_relative_clause_is_not_the_subjects():
    assert _statements("Each party reserves to itself all rights to which it is or may be entitled by law.\n") == []


def test_what_the_parties_agree_that_decides_the_statement():
    found = _statements("The parties agree that at no time shall either of them use the name. The parties further "
                        "agree that lessee shall not sublet the premises. The parties agree that in no event shall either "
                        "party be required to pay twice. The parties agree that the rent shall be paid monthly.\n")
    assert found == [("prohibition", "parties"), ("prohibition", "lessee"), ("obligation", "parties")]


def test_a_consent_not_to_be_unreasonably_withheld_binds_the_party_whose_consent_it_is():
    found = _statements("Lessee shall not sublet without the written consent of lessor, which consent shall not be "
                        "unreasonably withheld. Lessor's prior approval shall not be unreasonably delayed. Lessor shall "
                        "approve or reject the plans within ten days, such approval not to be unreasonably withheld. "
                        "Any change requires the consent of the lender, not to be unreasonably withheld.\n")
    assert found == [("prohibition", "lessee"), ("prohibition", "lessor"), ("prohibition", "lessor"),
                     ("obligation", "lessor"), ("prohibition", "lessor")]


def test_a_passive_names_its_agents_however_the_verb_is_written():
    found = _statements("The costs of the audit shall be borne by lessee. Any overpayment shall promptly be equitably "
                        "trued up by the parties. Such sums shall be due and payable by lessee to lessor. The rent shall be "
                        "agreed to by lessor and lessee each year. All goods shall be sold to Lessee by Lessor. "
                        "All payments required to be made hereunder by lessee shall be made in cash.\n")
    assert found == [("obligation", "lessee"), ("obligation", "parties"), ("obligation", "lessee"), ("obligation", "lessee"),
                     ("obligation", "lessor"), ("obligation", "lessor"), ("obligation", "lessee")]


def test_a_passive_that_restricts_or_limits_binds_no_agent():
    found = _statements("Withdrawals will be made only by lessor. No liability shall be incurred by either party as a "
                        "result. The Term may be extended by lessor, and no settlement may be made by lessee without "
                        "consent.\n")
    assert found == [("permission", "lessor"), ("prohibition", "lessee")]


def test_appointments_authorisations_receipts_and_access_are_what_they_grant():
    found = _statements("Lessor hereby appoints and retains lessee to manage the building. Lessor authorizes lessee to "
                        "use the sign. Lessee is expressly permitted to sublet one room. Lessee shall receive a rebate. "
                        "The prevailing party shall recover its costs. Lessee shall have view only access to the roof.\n")
    assert found == [("right", "lessee"), ("permission", "lessee"), ("permission", "lessee"), ("right", "lessee"),
                     ("right", "prevailing party"), ("right", "lessee")]


def test_refraining_and_acknowledging_that_it_will_bind():
    found = _statements("Each party shall comply with all laws and refrain from unfair practices. Lessee hereby "
                        "acknowledges that it shall be liable for all damages.\n")
    assert found == [("obligation", "party"), ("prohibition", "party"), ("obligation", "lessee")]


def test_subjects_the_dev_corpus_writes_with_words_between_party_and_modal():
    found = _statements("The parties hereto agree to review the rent. The prevailing party in any litigation hereunder "
                        "shall be entitled to its costs. Lessor, its agents, employees, or contractors shall use "
                        "reasonable efforts to avoid damage. Such party alone shall have the sole right to sue. Lessor "
                        "and lessee shall each maintain a generator, but each shall be entitled to pass on its costs.\n")
    assert found == [("obligation", "parties"), ("right", "prevailing party"), ("obligation", "lessor"), ("right", "party"),
                     ("obligation", "lessor"), ("obligation", "lessee"), ("right", "lessor"), ("right", "lessee")]


def test_a_relative_clause_or_an_absence_of_authority_binds_no_one():
    found = _statements("Lessee shall not file any plan to which plan lessor shall object. No party hereto shall have any "
                        "power to obligate the other. The roof may leak, in which case lessor shall repair it.\n")
    assert found == [("prohibition", "lessee"), ("obligation", "lessor")]


def test_items_of_a_passive_lead_in_that_name_their_agent_are_its_permissions():
    body = ("1. TERM\n\nThis lease runs for one year.\n\n2. TERMINATION\n\nThis lease may be terminated upon any of the "
            "following events:\n\n(a) By lessor, if the rent is unpaid for thirty days;\n\n(b) By either lessor or lessee "
            "upon sixty days notice;\n\n(c) Upon a sale of the building.\n")
    found = [(d.clause, d.modality.value, d.bearer.lower()) for d in _tag(body).deontics]
    assert found == [("2(a)", "permission", "lessor"), ("2(b)", "permission", "lessee"), ("2(b)", "permission", "lessor")]


def test_a_pronoun_after_a_condition_naming_one_party_is_that_partys():
    found = _statements("If the premises are sold and lessor wants to end the lease, it shall notify the tenant. If "
                        "lessor or lessee defaults, it shall pay the costs.\n")
    assert found == [("obligation", "lessor")]


def test_inverted_negatives_a_duty_of_none_and_not_being_entitled_forbid():
    found = _statements("At no time may lessee store fuel on the roof. In no event shall lessor's workmen block the "
                        "door. Lessee shall make no alterations. Lessee shall not be entitled to renew. In no event shall "
                        "lessor or lessee be liable for lost profits. No such lessee shall have any rights against the "
                        "owner. No lessee is required to insure the roof.\n")
    assert found == [("prohibition", "lessee"), ("prohibition", "lessor"), ("prohibition", "lessee"), ("prohibition", "lessee")]


def test_how_a_right_is_exercised_is_no_duty_and_an_entitlement_may_be_interrupted():
    found = _statements("To exercise this option to renew, lessee must give lessor written notice. Lessee must exercise "
                        "the option (if at all) within five days. Lessor shall be entitled, at its option, to terminate "
                        "this lease.\n")
    assert found == [("right", "lessor")]


def test_holders_of_securities_or_policies_bear_their_rights_and_objects_of_verbs_bear_nothing():
    found = _statements("Securityholders of any Series may communicate with each other. No policyholder of the Company "
                        "may sue the tenant. Lessee shall furnish to whomever lessor may direct such plans. Any event "
                        "affecting lessor shall occur on notice.\n")
    assert found == [("permission", "securityholders"), ("prohibition", "policyholder"), ("obligation", "lessee")]


def test_a_list_of_subjects_names_each_party_once_and_a_result_clause_binds_no_one():
    found = _statements("If no contribution is available from lessor or lessee, lessor and lessee shall contribute in such "
                        "proportion so that lessee is responsible for one half and lessor shall be responsible for the "
                        "balance. Lessor shall ask the owner on behalf of lessee and lessee shall provide the plans.\n")
    assert found == [("obligation", "lessee"), ("obligation", "lessor"), ("obligation", "lessor"), ("obligation", "lessee")]


def test_agreements_and_clauses_with_words_before_the_infinitive_or_the_pronoun():
    found = _statements("Lessor agrees upon written request from lessee to pursue the owner. Lessee hereby acknowledges "
                        "that, as in the past, it will keep the premises insured. Lessor may sell the building and, if so, "
                        "lessee shall attorn to the buyer. Lessee shall have up until two years after the end of the term "
                        "in which to audit the costs.\n")
    assert found == [("obligation", "lessor"), ("obligation", "lessee"), ("permission", "lessor"), ("obligation", "lessee"),
                     ("right", "lessee")]


def test_no_right_vesting_and_a_case_of_whether_are_no_statements():
    found = _statements("Lessee shall not acquire any interest in the stored goods. Lessee shall pay all taxes regardless "
                        "of whether such taxes must be collected by lessor. If it is determined that lessor is required "
                        "to repay the deposit, lessor shall pay interest.\n")
    assert found == [("obligation", "lessee"), ("obligation", "lessor")]


def test_a_covenant_inside_a_represented_item_is_its_own_statement_but_a_foretold_state_is_not():
    body = ("1. REPRESENTATIONS\n\nLessor represents and warrants to lessee as follows:\n\n(a) The roof is sound, and "
            "lessor will not take any action against the tenants.\n\n(b) Lessor will have no other tenant and the "
            "premises will be owned by lessor.\n\n2. NOTICES\n\nNotices shall be in writing.\n")
    found = [(d.clause, d.modality.value, d.bearer.lower()) for d in _tag(body).deontics]
    assert found == [("1(a)", "representation", "lessor"), ("1(a)", "prohibition", "lessor"),
                     ("1(b)", "representation", "lessor")]


def test_what_shall_be_a_partys_responsibility_binds_it():
    assert _statements("Any penalty resulting from a late filing shall be the responsibility of lessee.\n") == [
        ("obligation", "lessee")]
