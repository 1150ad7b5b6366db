"""Word files: the numbers Word displays, computed from numbering.xml and styles."""

from __future__ import annotations

import re

import pytest

from clausegraph.build import read_document
from clausegraph.formats.docx import format_number
from clausegraph.load import load
from conftest import CORPUS_DEV
from support.formats_make import CONTRACT, EXPECTED_LABELS, W, numbered_docx, rewrite_part

COMMON_PAPER = CORPUS_DEV / "license_commonpaper_software_2025.docx"
SAFE = CORPUS_DEV / "safe_ycombinator_valuationcap_2023.docx"


def paragraphs(text: str) -> list[str]:
    return [block.strip() for block in text.split("\n\n") if block.strip()]


def test_made_docx_shows_every_computed_label(tmp_path):
    loaded = load(numbered_docx(tmp_path / "contract.docx"))
    assert loaded.format == "docx"
    blocks = paragraphs(loaded.text)
    assert len(blocks) == len(CONTRACT)
    for block, (_, _, _, text), label in zip(blocks, CONTRACT, EXPECTED_LABELS):
        assert block == (f"{label} {text}" if label else text)


def test_made_docx_segments_with_the_displayed_labels(tmp_path):
    document = read_document(numbered_docx(tmp_path / "contract.docx"))
    labels = [c.label for c in document.clauses]
    for label in ("1", "1.1", "1.2", "2", "2.1", "2.1(a)", "2.1(b)", "2.1(b)(i)", "2.1(b)(ii)", "2.2", "3", "3.1", "3.2"):
        assert label in labels


def test_headers_and_footers_are_not_body_text(tmp_path):
    loaded = load(numbered_docx(tmp_path / "contract.docx"))
    assert "Confidential - Services Agreement" not in loaded.text


def test_tracked_changes_read_as_accepted_with_a_warning(tmp_path):
    path = numbered_docx(tmp_path / "tracked.docx")

    def track(xml: bytes) -> bytes:
        xml = xml.decode()
        body = (
            '<w:p><w:r><w:t xml:space="preserve">Customer shall pay </w:t></w:r>'
            '<w:del w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>sixty</w:delText></w:r></w:del>'
            '<w:ins w:id="2" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r><w:t>thirty</w:t></w:r></w:ins>'
            '<w:r><w:t xml:space="preserve"> days after notice.</w:t></w:r></w:p>'
        )
        return xml.replace("<w:body>", "<w:body>" + body, 1).encode()

    loaded = load(rewrite_part(path, "word/document.xml", track))
    assert paragraphs(loaded.text)[0] == "Customer shall pay thirty days after notice."
    assert "sixty" not in loaded.text
    assert any("tracked changes" in w and "accepted" in w for w in loaded.warnings)


def test_no_warning_without_revisions(tmp_path):
    assert load(numbered_docx(tmp_path / "plain.docx")).warnings == ()


def test_tables_are_read_as_rows(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("The parties sign below:")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "COMPANY:", "INVESTOR:"
    table.cell(1, 0).text, table.cell(1, 1).text = "By: Jane Roe", "By: John Doe"
    document.save(str(tmp_path / "table.docx"))
    blocks = paragraphs(load(tmp_path / "table.docx").text)
    assert blocks[1:] == ["COMPANY:    INVESTOR:", "By: Jane Roe    By: John Doe"]


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [(1, "decimal", "1"), (3, "lowerLetter", "c"), (28, "lowerLetter", "bb"), (4, "upperLetter", "D"),
     (4, "lowerRoman", "iv"), (14, "upperRoman", "XIV"), (7, "decimalZero", "07"), (2, "ordinal", "2nd")],
)
def test_number_formats(value, fmt, shown):
    assert format_number(value, fmt) == shown


def test_lvl_restart_and_legal_numbering(tmp_path):
    numbering = f"""<w:numbering xmlns:w="{W}">
      <w:abstractNum w:abstractNumId="1">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="ARTICLE %1"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlRestart w:val="0"/><w:isLgl/><w:lvlText w:val="%1.%2"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>
    </w:numbering>"""
    spec = [("Normal", "1", 0, "Definitions"), ("Normal", "1", 1, "One."), ("Normal", "1", 0, "Terms"),
            ("Normal", "1", 1, "Two."), ("Normal", "1", 1, "Three.")]
    blocks = paragraphs(load(numbered_docx(tmp_path / "legal.docx", spec, numbering)).text)
    # isLgl shows the article number in decimal; lvlRestart 0 never restarts the second level.
    assert blocks == ["ARTICLE I Definitions", "1.1 One.", "ARTICLE II Terms", "2.2 Two.", "2.3 Three."]


def test_common_paper_numbers_match_its_own_cross_references():
    """No number is typed in this file; every "Section 10.6 (Assignment)" it cites must be
    the number Word displays in front of that caption."""
    text = load(COMMON_PAPER).text
    shown = {}
    for block in paragraphs(text):
        if m := re.match(r"(\d+(?:\.\d+)?)\.? (.+)", block):
            shown[m.group(1)] = m.group(2)
    cited = set(re.findall(r"Section (\d+(?:\.\d+)?) \(([^)]+)\)", text))
    assert len(cited) >= 15
    for number, caption in cited:
        assert number in shown, number
        assert shown[number].startswith(caption), (number, caption, shown[number][:40])


def test_common_paper_heading_levels():
    blocks = paragraphs(load(COMMON_PAPER).text)
    assert "1. Software" in blocks
    assert any(b.startswith("10.6 Assignment.") for b in blocks)
    assert any(b.startswith("(b) Use of the Product must comply") for b in blocks)


def test_safe_typed_numbers_kept_and_bullets_shown():
    blocks = paragraphs(load(SAFE).text)
    assert "1. Events" in blocks
    assert any(b.startswith("(a) Equity Financing.") for b in blocks)
    assert "• Includes all Converting Securities;" in blocks
    assert not any("\t" in b for b in blocks)
