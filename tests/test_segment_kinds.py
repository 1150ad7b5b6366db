"""Document kinds read from the document itself: contracts are contracts, whatever their
numbering; a plan that mentions what was "announced" is not a press release."""

from __future__ import annotations

import pytest

from clausegraph.build import document_from_text, read_document
from clausegraph.model import DocumentKind
from conftest import CORPUS, CORPUS_DEV


@pytest.mark.parametrize(
    "text, kind",
    [
        # a compensation plan: headings, no numbers, and the word "today"
        (
            "Variable Compensation Plan - Fiscal Year 2027\n\nOverview\n\nThe Compensation Committee today "
            "approved this plan. Participants shall be eligible for a payment as set out below.\n",
            DocumentKind.OTHER_CONTRACT,
        ),
        # a lease with its sections as spelled-out headings only
        (
            "LEASE AGREEMENT\n\nThis lease agreement was entered into on January 1, 2008, between the lessor "
            "and the lessee. Lessor hereby leases to lessee the premises. The rent shall be paid monthly.\n",
            DocumentKind.OTHER_CONTRACT,
        ),
        # a cover page that names the document in title case, before a long cross-reference table
        ("Exhibit 4.1\n\nACME, INC.\n\nIndenture\n\nDated as of , 20\n\n" + "§ 310(a)(1)\n\n609\n\n" * 200, DocumentKind.INDENTURE),
        # a press release stays one
        (
            "NEWS RELEASE\n\nACME REPORTS SECOND QUARTER RESULTS\n\nACME today reported net income of $5 million.\n",
            DocumentKind.PRESS_RELEASE,
        ),
        ("ACME today announced that it has completed the sale of its unit to Buyer Co. for $10 million.\n", DocumentKind.PRESS_RELEASE),
    ],
)
def test_document_kind(text, kind):
    assert document_from_text(text, "doc").kind is kind


@pytest.mark.parametrize(
    "path, kind",
    [
        (CORPUS / "hig-underwriting-agreement-2004.txt", DocumentKind.UNDERWRITING_AGREEMENT),
        (CORPUS / "hig-power-of-attorney-2004.txt", DocumentKind.POWER_OF_ATTORNEY),
        (CORPUS / "hig-q2-2004-earnings-release.txt", DocumentKind.PRESS_RELEASE),
        (CORPUS_DEV / "lease_posttension_hohman_2008.txt", DocumentKind.OTHER_CONTRACT),
        (CORPUS_DEV / "plan_nvidia_variablecomp_2026.htm", DocumentKind.OTHER_CONTRACT),
        (CORPUS_DEV / "indenture_vincerx_form_2025.htm", DocumentKind.INDENTURE),
    ],
)
def test_corpus_document_kinds(path, kind):
    assert read_document(path).kind is kind
