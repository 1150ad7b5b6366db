"""PDF files: the text layer in reading order, page furniture out, hyphens joined."""

from __future__ import annotations

import re

import pytest

from clausegraph.build import read_document
from clausegraph.formats.pdf import PdfLine, pages_to_text
from clausegraph.load import load
from conftest import CORPUS_DEV
from support.formats_make import numbered_docx, text_pdf

MORGAN_STANLEY = CORPUS_DEV / "license_morganstanley_dlf_2019.pdf"
BONTERMS_NDA = CORPUS_DEV / "nda_bonterms_mutual_2021.pdf"


def blocks(text: str) -> list[str]:
    return [" ".join(b.split()) for b in re.split(r"\n\s*\n", text) if b.strip()]


def test_running_footer_and_page_numbers_are_layout():
    text = load(MORGAN_STANLEY).text
    assert "Source:" not in text
    assert text.count("\f") == 6  # 7 pages
    assert not re.search(r"(?m)^\d{1,2}$", text)  # no bare page number left


def test_line_end_hyphen_kept_when_the_document_hyphenates_the_word():
    text = load(MORGAN_STANLEY).text
    assert "non-exclusive, non-transferable, and" in " ".join(text.split())


def test_every_run_in_section_starts_a_paragraph():
    starts = [b.split(". ")[0] for b in blocks(load(MORGAN_STANLEY).text)]
    sections = [s for s in starts if s.startswith("Section ")]
    assert sections[:3] == ["Section 1.1", "Section 1.2", "Section 3.1"]
    # every run-in "Section N.N. Caption" of the text is the start of a paragraph
    assert len(sections) == len(re.findall(r"Section \d+\.\d+\. [A-Z]", load(MORGAN_STANLEY).text)) == 25


def test_morgan_stanley_clause_tree():
    labels = [c.label for c in read_document(MORGAN_STANLEY).clauses]
    for label in ("1", "1.1", "1.2", "2", "3", "3.3", "4.5", "5", "6.1(a)", "9", "9.10", "signatures"):
        assert label in labels


def test_bonterms_nda_sections_are_paragraphs():
    starts = [b.split(".")[0] for b in blocks(load(BONTERMS_NDA).text)]
    numbered = [s for s in starts if s.isdigit()]
    assert numbered == [str(n) for n in range(1, 13)]


def test_hyphenation_joined_unless_the_document_writes_the_hyphen():
    pages = [[PdfLine("The licence is non-"), PdfLine("exclusive and the agree-"), PdfLine("ment is binding."),
              PdfLine("A non-exclusive licence.")]]
    text = pages_to_text(pages)
    assert "non-exclusive and the agreement is binding." in " ".join(text.split())


def test_hyphen_joined_across_a_page_break():
    pages = [[PdfLine("Payment is due upon termi-")], [PdfLine("nation of this Agreement.")]]
    assert " ".join(pages_to_text(pages).split()) == "Payment is due upon termination of this Agreement."


def test_repeated_header_removed_only_when_it_repeats():
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    pages = [
        [PdfLine("ACME CONFIDENTIAL")] + [PdfLine(f"The {w} clause of part {n} reads {words[(k + n) % 8]}.") for k, w in enumerate(words)]
        + [PdfLine(f"Page {n} of 3")]
        for n in (1, 2, 3)
    ]
    text = pages_to_text(pages)
    assert "ACME CONFIDENTIAL" not in text and "Page" not in text
    assert text.count("clause of part") == 24 and text.count("\f") == 2
    # a line that is not on every page's edge stays: a two-page document's own title
    two = pages_to_text([[PdfLine("SUPPLY AGREEMENT"), PdfLine("Body one.")], [PdfLine("Body two."), PdfLine("Annex")]])
    assert "SUPPLY AGREEMENT" in two and "Annex" in two


def test_same_contract_as_docx_pdf_and_text_gives_the_same_clauses(tmp_path):
    docx_text = load(numbered_docx(tmp_path / "contract.docx")).text
    pdf = load(text_pdf(tmp_path / "contract.pdf", docx_text))
    assert pdf.format == "pdf" and "Services Agreement - Page" not in pdf.text
    (tmp_path / "contract.txt").write_text(docx_text, encoding="utf-8")
    trees = []
    for path in ("contract.docx", "contract.pdf", "contract.txt"):
        document = read_document(tmp_path / path)
        trees.append([(c.label, c.parent, " ".join(c.text.split())) for c in document.clauses])
    assert len(trees[0]) >= 10
    assert trees[0] == trees[1] == trees[2]


def test_pdf_of_the_made_contract_keeps_its_paragraphs(tmp_path):
    docx_text = load(numbered_docx(tmp_path / "contract.docx")).text
    pdf_text = load(text_pdf(tmp_path / "contract.pdf", docx_text)).text
    assert blocks(pdf_text) == blocks(docx_text)


@pytest.mark.slow
def test_five_hundred_pages(tmp_path):
    # Three clauses a page, each page opening with a line like the last page's first line.
    body = "\n\n".join(
        f"{n}. Clause {n}. The Supplier shall deliver the goods described in Schedule {n} to the Customer at the "
        "delivery point, in the quantities and at the times set out in the Schedule." for n in range(1, 1501)
    )
    starts = tuple(f"{n}. " for n in range(1, 1501, 3))
    path = text_pdf(tmp_path / "long.pdf", body, footer="Supply Agreement, page {page}", new_page_before=starts)
    from pypdf import PdfReader

    assert len(PdfReader(str(path)).pages) == 500
    document = read_document(path)
    assert "Supply Agreement, page" not in document.source
    assert document.source.count("\f") == 499
    assert document.source.count("The Supplier shall deliver") == 1500
    assert [b.split(".")[0] for b in blocks(document.source)] == [str(n) for n in range(1, 1501)]


def test_a_semicolon_drawn_as_its_greek_look_alike_is_a_semicolon():
    """U+037E (which Unicode folds to ";") ends "… hereunder; and" as a typed semicolon does,
    so the list item after it starts a paragraph of its own."""
    pages = [[PdfLine("(b) The party is bound by no order hereunder\u037e and")]]
    assert pages_to_text(pages) == "(b) The party is bound by no order hereunder; and\n"
