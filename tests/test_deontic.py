"""Deontic statements: table-driven rules on real snippets, and the patterns file."""

from __future__ import annotations

import re
import time

import pytest

from clausegraph.model import Clause, ClauseKind, Document, DocumentKind, Modality
from clausegraph.tagging.deontic import find_deontics
from clausegraph.tagging.entities import find_mentions, load_patterns
from clausegraph.tagging.terms import tag_terms


def snippet_document(text: str, clauses: list[tuple[str, ClauseKind, str | None, str]], kind=DocumentKind.UNDERWRITING_AGREEMENT) -> Document:
    """A document whose clean text is its source; clauses start at the given first words.

    A clause ends where the next clause with the same parent starts, else where its parent
    ends (the whole text for top-level clauses).
    """
    starts = {label: text.index(first) for label, _, _, first in clauses}
    ends = {}
    for i, (label, _, parent, _) in enumerate(clauses):
        later = [starts[l] for l, _, p, _ in clauses[i + 1:] if p == parent]
        ends[label] = min(later) if later else (ends[parent] if parent else len(text))
    records = tuple(
        Clause(label=label, kind=k, parent=parent, start=starts[label], end=ends[label], order=i)
        for i, (label, k, parent, _) in enumerate(clauses)
    )
    return Document(
        doc_id="snippet", path="snippet.txt", format="text", kind=kind, title=None, source=text, clean=text,
        clean_offsets=tuple(range(len(text) + 1)), clauses=records,
    )


def statements(document: Document, with_terms: bool = False):
    mentions = find_mentions(document, tag_terms(document) if with_terms else ())
    return [(d.clause, d.modality.value, d.bearer, d.counterparty) for d in find_deontics(document, mentions)]


SECTION = ClauseKind.SECTION
SUB = ClauseKind.SUBSECTION

# The credit agreement's preamble: it defines the Co-Agents and the Administrative Agent as parties.
AMETEK_PREAMBLE = (
    'CREDIT AGREEMENT, dated as of March 11, 1994, among AMETEK, INC., a Delaware corporation (the "Borrower"), the '
    'lending institutions listed from time to time on Schedule I hereto (each a "Bank" and, collectively, the "Banks"), '
    'BANK OF MONTREAL, CORESTATES BANK, N.A. and PNC BANK, NATIONAL ASSOCIATION, as Co-Agents (each a "Co-Agent" and, '
    'collectively, the "Co-Agents"), and THE CHASE MANHATTAN BANK, N.A., as administrative agent (in such capacity, and '
    'together with its successors in such capacity, the "Administrative Agent") for the Banks.\n\n'
)
AMETEK_CLAUSE = ("Preamble", ClauseKind.PREAMBLE, None, "CREDIT AGREEMENT")
# ... and its signature blocks, which make the Co-Agents parties of the agreement.
AMETEK_SIGNATURES = (
    "\n\nTHE CHASE MANHATTAN BANK, N.A.,\nIndividually and as the Administrative Agent\n\nBy /s/ DANA KLEIN\n"
    "Name: Dana Klein\nTitle: Vice President\n\nPNC BANK, NATIONAL ASSOCIATION,\nIndividually, as a Letter of Credit "
    "Issuer and as a Co-Agent\n\nBy /s/ VICKY RANDOLPH ZIFF\nName: Vicky Randolph Ziff\nTitle: Vice President\n"
)
AMETEK_SIGNATURE_CLAUSE = ("Signatures", ClauseKind.SIGNATURES, None, "\n\nTHE CHASE MANHATTAN")
# Two more of its statements: with this many parties no counterparty is guessed from the others.
AMETEK_OTHER_BEARERS = (
    "1.03 Notice of Borrowing. The Administrative Agent shall promptly give each Bank written notice of each proposed "
    "Borrowing. 12.02 Right of Setoff. Each Bank shall promptly notify the Borrower in writing after exercising any of "
    "its rights pursuant to this Section 12.02. "
)
AMETEK_OTHER_CLAUSES = [("1.03", SECTION, None, "1.03"), ("12.02", SECTION, None, "12.02")]

CASES = [
    # 8(b): the classic trap: the Underwriter indemnifies, the Company is only the counterparty.
    (
        "8. (a) The Company will indemnify and hold harmless each Underwriter against any losses. "
        "(b) Each Underwriter of Designated Securities will severally and not jointly indemnify and hold harmless "
        "the Company, its directors and officers, against any losses to which the Company may become subject.",
        [("8", SECTION, None, "8."), ("8(a)", SUB, "8", "(a)"), ("8(b)", SUB, "8", "(b)")],
        [("8(a)", "obligation", "Company", "Underwriter"), ("8(b)", "obligation", "Underwriter", "Company")],
    ),
    # Section 4: passive voice with the Company as agent; "as the Representatives may request" is no permission.
    (
        "4. Designated Securities to be purchased by each Underwriter, in such names as the Representatives may "
        "request upon at least forty-eight hours' prior notice to the Company, shall be delivered by or on behalf "
        "of the Company to the Representatives for the account of each such Underwriter.",
        [("4", SECTION, None, "4.")],
        [("4", "obligation", "Company", "Representatives")],
    ),
    # 8(c): "may" is a permission; "No indemnifying party shall" a prohibition; "shall not relieve" nothing.
    (
        "(c) Promptly after receipt of notice, such indemnified party shall notify the indemnifying party in writing; "
        "but the omission so to notify the indemnifying party shall not relieve it from any liability. An "
        "indemnifying party may participate at its own expense in the defense of any such action. No indemnifying "
        "party shall, without the prior written consent of the indemnified parties, settle any litigation.",
        [("8(c)", SUB, None, "(c)")],
        [
            ("8(c)", "obligation", "indemnified party", "indemnifying party"),
            ("8(c)", "permission", "indemnifying party", "indemnified party"),
            ("8(c)", "prohibition", "indemnifying party", "indemnified parties"),
        ],
    ),
    # 9(b): "shall have the right to" is a right; "nothing herein shall relieve" is nothing.
    (
        "(b) If the aggregate principal amount does not exceed one-eleventh, then the Company shall have the right "
        "to require each non-defaulting Underwriter to purchase its pro rata share; but nothing herein shall "
        "relieve a defaulting Underwriter from liability for its default.",
        [("9(b)", SUB, None, "(b)")],
        [("9(b)", "right", "Company", "Underwriter")],
    ),
    # 9(a): "shall be entitled to" is a right; a compound subject gives one record per party.
    (
        "(a) If any Underwriter shall default, then the Company shall be entitled to a further period of "
        "thirty-six hours. In the event that the Representatives notify the Company, the Representatives or the "
        "Company shall have the right to postpone a Time of Delivery.",
        [("9(a)", SUB, None, "(a)")],
        [("9(a)", "right", "Company", "Representatives"), ("9(a)", "right", "Representatives", "Company"), ("9(a)", "right", "Company", "Representatives")],
    ),
    # Section 5: an umbrella lead-in; "not to offer" is a prohibition; "shall not be required" limits a duty.
    (
        "5. The Company agrees with each of the Underwriters of the Designated Securities:\n\n"
        "(b) Promptly from time to time to take such action as the Representatives may reasonably request, "
        "provided that the Company shall not be required to qualify as a foreign corporation;\n\n"
        "(e) During the period ending 90 days after the date of the Prospectus Supplement, not to offer, sell or "
        "otherwise dispose of any securities of the Company.",
        [("5", SECTION, None, "5."), ("5(b)", SUB, "5", "(b)"), ("5(e)", SUB, "5", "(e)")],
        [("5(b)", "obligation", "Company", "Underwriters"), ("5(e)", "prohibition", "Company", "Underwriters")],
    ),
    # Section 7: what counsel and accountants must furnish are conditions, not the Company's obligations.
    (
        "7. The obligations of the Underwriters shall be subject, in the discretion of the Representatives, to the "
        "condition that the Company shall have performed all of its obligations, and the following additional conditions:\n\n"
        "(b) Davis Polk & Wardwell, counsel for the Underwriters, shall have furnished to the Representatives such opinion;\n\n"
        "(i) The Company shall have furnished to the Representatives a certificate of officers of the Company.",
        [("7", SECTION, None, "7."), ("7(b)", SUB, "7", "(b)"), ("7(i)", SUB, "7", "(i) The")],
        [],
    ),
    # Annex I: "represents and agrees that:" gives a representation per item, plus "it will not ..." a prohibition.
    (
        "Each Underwriter, severally and not jointly, represents and agrees that:\n\n"
        "i. it has not offered or sold and will not offer or sell any Designated Securities in the United Kingdom;\n\n"
        "iv. it has not offered or sold the Designated Securities in The Netherlands.\n\n"
        "Subject to the terms herein, the Company agrees to issue and sell to each of the Underwriters, and each of "
        "the Underwriters agrees, severally and not jointly, to purchase from the Company the Designated Securities.",
        [("Annex I", ClauseKind.ANNEX, None, "Each Underwriter,"), ("Annex I, preamble", ClauseKind.PREAMBLE, "Annex I", "Each Underwriter,"),
         ("Annex I, i", SUB, "Annex I", "i. it"), ("Annex I, iv", SUB, "Annex I", "iv. it"), ("Annex I, p1", ClauseKind.PARAGRAPH, "Annex I", "Subject to")],
        [
            ("Annex I, i", "representation", "Underwriter", "Company"),
            ("Annex I, i", "prohibition", "Underwriter", "Company"),
            ("Annex I, iv", "representation", "Underwriter", "Company"),
            ("Annex I, p1", "obligation", "Company", "Underwriters"),
            ("Annex I, p1", "obligation", "Underwriters", "Company"),
        ],
    ),
    # credit_agreement_ametek_1994, 4.04(a): the taxes are owed to no party of the agreement, so
    # no counterparty is guessed from the document's other bearers.
    (
        "4.04 Taxes. (a) The Borrower agrees to pay the full amount of such Taxes. "
        "(b) Each Bank shall deliver the forms to the Borrower. (c) The Administrative Agent shall notify the Borrower.",
        [("4.04", SECTION, None, "4.04"), ("4.04(a)", SUB, "4.04", "(a)"), ("4.04(b)", SUB, "4.04", "(b)"), ("4.04(c)", SUB, "4.04", "(c)")],
        [("4.04(a)", "obligation", "Borrower", None), ("4.04(b)", "obligation", "Bank", "Borrower"),
         ("4.04(c)", "obligation", "Administrative Agent", "Borrower")],
    ),
    # credit_agreement_ametek_1994, 7.01/7.02: "as X may request" stays a relative clause when a
    # capitalised modifier ("Required") or a list ("X, any Co-Agent or any Bank") sits before "may".
    (
        AMETEK_PREAMBLE
        + "7.01 Information Covenants. (h) such other information or documents (financial or otherwise) as the "
        "Administrative Agent on its own behalf or on behalf of the Required Banks may reasonably request from time to time. "
        "7.02 Books, Records and Inspections. The Borrower will permit officers of the Administrative Agent to visit its "
        "properties, all at such reasonable times and intervals and to such reasonable extent as the Administrative "
        "Agent, any Co-Agent or any Bank may request." + AMETEK_SIGNATURES,
        [AMETEK_CLAUSE, ("7.01", SECTION, None, "7.01"), ("7.02", SECTION, None, "7.02"), AMETEK_SIGNATURE_CLAUSE],
        [("7.02", "obligation", "Borrower", "Administrative Agent")],
    ),
    # 2.02(c): "If and to the extent such Participating Bank shall not have so made ..." is the
    # condition of the obligation that follows, not a prohibition.
    (
        "(c) If and to the extent such Participating Bank shall not have so made its Percentage of the amount of such "
        "payment available to the Administrative Agent for the account of such Letter of Credit Issuer, such "
        "Participating Bank agrees to pay to the Administrative Agent for the account of such Letter of Credit Issuer, "
        "forthwith on demand, such amount, together with interest thereon.",
        [("2.02(c)", SUB, None, "(c)")],
        [("2.02(c)", "obligation", "Bank", "Administrative Agent")],
    ),
    # 1.10(b), 8.01(f): a passive without an agent has no bearer: the party named is acted upon.
    (
        "(b) provided that if more than one Bank is affected at any time, then all affected Banks must be treated the "
        "same pursuant to this Section 1.10(b). "
        "(f) provided, further, that any promissory notes and equity interest so accepted by the Borrower or any "
        "Subsidiary Guarantor shall be pledged and promptly delivered to the Collateral Agent on behalf of the Banks.",
        [("1.10(b)", SUB, None, "(b)"), ("8.01(f)", SUB, None, "(f)")],
        [],
    ),
    # Section 10: "no such Indebtedness shall be guaranteed by the Borrower" forbids the agent;
    # the statement starts at its subject, not at the definition's first word.
    (
        '"Permitted Foreign Subsidiary WC Debt" shall mean Indebtedness of a Foreign Subsidiary the proceeds of which '
        "are used to finance working capital requirements of such Foreign Subsidiary, provided that (A) no such "
        "Indebtedness shall be guaranteed by the Borrower or any of its Subsidiaries (other than other Foreign Subsidiaries).",
        [("10", SECTION, None, '"Permitted')],
        [("10", "prohibition", "Borrower", None)],
    ),
    # 8.13(a), 12.15(a): a party named inside "except (i) ..." or a list of cases "(a) as ..." is
    # not whom the statement is owed to.
    (
        AMETEK_PREAMBLE
        + AMETEK_OTHER_BEARERS
        + "8.13 Limitations on Issuance of Capital Stock. (a) The Borrower will not permit any of its Subsidiaries to "
        "issue any shares of its capital stock except (i) pursuant to the Security Documents or (iv) to the Borrower, "
        "and then only if such stock is delivered to the Collateral Agent and pledged pursuant to the Pledge Agreement. "
        "12.15 Confidentiality. (a) provided that any Bank may disclose any such information (a) as has become generally "
        "available to the public or (b) to the Administrative Agent or any other Bank." + AMETEK_SIGNATURES,
        [AMETEK_CLAUSE, *AMETEK_OTHER_CLAUSES, ("8.13", SECTION, None, "8.13"), ("8.13(a)", SUB, "8.13", "(a) The"), ("12.15", SECTION, None, "12.15"),
         ("12.15(a)", SUB, "12.15", "(a) provided"), AMETEK_SIGNATURE_CLAUSE],
        [("1.03", "obligation", "Administrative Agent", "Bank"), ("12.02", "obligation", "Bank", "Borrower"),
         ("8.13(a)", "prohibition", "Borrower", None), ("12.15(a)", "permission", "Bank", None)],
    ),
    # 11.07-11.09: the office resigned from is no counterparty; "X or such Y may" asks nothing of
    # either; "shall have no obligation" and "shall have the same rights" are no duties;
    # "between A and B, C or D" makes no subject.
    (
        AMETEK_PREAMBLE
        + AMETEK_OTHER_BEARERS
        + "11.07 Indemnification. If any indemnity shall be insufficient, the Administrative Agent or such Co-Agent may "
        "call for additional indemnity. 11.08 Individual Capacity. The Administrative Agent and each Co-Agent shall "
        "have the same rights and powers under this Agreement as any Bank. 11.09 Resignation. The Administrative Agent "
        "and/or each Co-Agent may resign as the Administrative Agent or a Co-Agent, as the case may be, upon 20 days' "
        "notice to the Banks. It is understood that the Administrative Agent shall have no obligation to make any such "
        "other determinations. 12.05 No Waiver. No course of dealing between any Credit Party and the Administrative "
        "Agent, any Co-Agent or any Bank shall operate as a waiver thereof." + AMETEK_SIGNATURES,
        [AMETEK_CLAUSE, *AMETEK_OTHER_CLAUSES, ("11.07", SECTION, None, "11.07"), ("11.08", SECTION, None, "11.08"), ("11.09", SECTION, None, "11.09"),
         ("12.05", SECTION, None, "12.05"), AMETEK_SIGNATURE_CLAUSE],
        [("1.03", "obligation", "Administrative Agent", "Bank"), ("12.02", "obligation", "Bank", "Borrower"),
         ("11.07", "permission", "Administrative Agent", None), ("11.07", "permission", "Co-Agent", None),
         ("11.09", "permission", "Administrative Agent", None), ("11.09", "permission", "Co-Agent", "Banks")],
    ),
]


@pytest.mark.parametrize("text, clauses, expected", CASES, ids=[next((c[0] for c in clauses if c[1] is not ClauseKind.PREAMBLE), "-") for _, clauses, _ in CASES])
def test_statements_in_snippets(text, clauses, expected):
    """Each rule gives exactly the statements a lawyer reads in the snippet (bearer, modality, counterparty)."""
    # A snippet that quotes a preamble gets its defined parties ("Co-Agent") as the pipeline would.
    with_terms = clauses[0][1] is ClauseKind.PREAMBLE
    assert sorted(statements(snippet_document(text, clauses), with_terms), key=str) == sorted(expected, key=str)


def test_passive_of_choice_is_a_right():
    """'counsel ... shall be selected by the Representatives' is the Representatives' power to choose."""
    text = "(c) In the case of parties indemnified pursuant to Section 8(a) above, counsel to the indemnified parties shall be selected by the Representatives."
    got = statements(snippet_document(text, [("8(c)", SUB, None, "(c)")]))
    assert [(c, m, b) for c, m, b, _ in got] == [("8(c)", "right", "Representatives")]


def test_ua_statement_records_point_at_their_words(ua):
    """Every statement's offsets cut its first words out of the source; bearers resolve to entities."""
    assert ua.deontics
    for d in ua.deontics:
        assert collapse_ws(ua.source[d.start:d.end])[:40] == d.text[:40]
        assert isinstance(d.modality, Modality)
    company = [d for d in ua.deontics if d.bearer == "Company"]
    assert company and all(d.bearer_entity == "hartford-financial-services-group-inc" for d in company)
    assert not [d for d in ua.deontics if d.clause.startswith("7")]  # conditions, not obligations


def test_poa_grants_a_permission_per_attorney(poa):
    """The power of attorney gives each of the six attorneys-in-fact a permission owed by the principal."""
    grants = [(d.bearer, d.counterparty, d.modality.value, d.clause) for d in poa.deontics]
    assert len(grants) == 6
    assert {g[1:] for g in grants} == {("Edward J. Kelly, III", "permission", "p2")}
    assert "Neal S. Wolin" in {g[0] for g in grants}


def collapse_ws(text: str) -> str:
    return " ".join(text.split())


def test_deontic_patterns_are_valid():
    """Every row of deontic.jsonl has an id, a known label, an example, and compiles."""
    rows = load_patterns("deontic.jsonl")
    labels = {"party_noun", "modal", "not_a_duty", "duty_when_positive", "not_a_subject_after", "counterpart", "statement", "condition_lead_in"}
    assert len({r["id"] for r in rows}) == len(rows)
    party = "|".join(r["pattern"] for r in rows if r["label"] == "party_noun")
    for row in rows:
        assert row["label"] in labels, row
        assert row.get("example"), row
        re.compile(row["pattern"].replace("{PARTY}", party))
        if row["label"] in ("modal", "statement"):
            assert Modality(row["modality"])
    assert {r["modality"] for r in rows if r["label"] == "modal"} == {m.value for m in Modality}


def test_tagging_speed_on_the_underwriting_agreement(ua):
    """Entities, statements and conditions of the 84 KB agreement take well under two seconds together."""
    from clausegraph.tagging.conditions import find_conditions

    started = time.perf_counter()
    mentions = find_mentions(ua)
    deontics = find_deontics(ua, mentions)
    find_conditions(ua, deontics)
    assert time.perf_counter() - started < 2.0
