"""Markdown standard forms: list nesting gives the numbers, emphasis and HTML read through."""

from __future__ import annotations

import re

from clausegraph.build import read_document
from clausegraph.load import load
from conftest import CORPUS_DEV

CSA = CORPUS_DEV / "csa_commonpaper_2024.md"
CLOUD_TERMS = CORPUS_DEV / "cloudterms_bonterms_2022.md"


def blocks(text: str) -> list[str]:
    return [b.strip() for b in text.split("\n\n") if b.strip()]


def md(tmp_path, source: str) -> list[str]:
    path = tmp_path / "doc.md"
    path.write_text(source, encoding="utf-8")
    loaded = load(path)
    assert loaded.format == "markdown"
    return blocks(loaded.text)


def test_nested_ordered_lists_give_dotted_numbers_and_letters(tmp_path):
    source = (
        "# Terms\n\n"
        "1. <span class=\"h\">Service</span>\n"
        "    1. <span class=\"h\">Access.</span>  Customer may use it.\n"
        "    2. Support.  Provider will help:\n"
        "        a. by email; and\n"
        "        b. by phone.\n"
        "2. Fees\n"
        "    1. Payment. Customer will pay.\n"
    )
    assert md(tmp_path, source) == [
        "Terms", "1. Service", "1.1 Access. Customer may use it.", "1.2 Support. Provider will help:",
        "(a) by email; and", "(b) by phone.", "2. Fees", "2.1 Payment. Customer will pay.",
    ]


def test_list_start_and_bullets(tmp_path):
    assert md(tmp_path, "3. Third\n4. Fourth\n\n- one\n- two\n") == ["3. Third", "4. Fourth", "• one", "• two"]


def test_emphasis_around_numbers_is_read_through(tmp_path):
    source = "**5. Data**.\n\n**5.1.** Use of Data. Text.\n\n**5.3**. DPA. *Text* and `code`.\n\nLast.  <br />\n© 2022 Form<br />\n"
    assert md(tmp_path, source) == ["5. Data.", "5.1. Use of Data. Text.", "5.3. DPA. Text and code.", "Last.\n© 2022 Form"]


def test_csa_numbers_match_its_own_cross_references():
    text = load(CSA).text
    shown = {}
    for block in blocks(text):
        if m := re.match(r"(\d+(?:\.\d+)?)\.? (.+)", block):
            shown[m.group(1)] = m.group(2)
    cited = set(re.findall(r"Section (\d+(?:\.\d+)?) \(([^)]+)\)", text))
    assert len(cited) >= 12
    for number, caption in cited:
        # the caption as cited, or the heading's own caption inside the cited one
        # ("Section 6.3 (Representations & Warranty From Provider)" cites "6.3 From Provider.")
        heading = re.split(r"[.:]", shown[number])[0]
        assert shown[number].startswith(caption) or heading.lower() in caption.lower(), (number, caption)


def test_csa_lettered_items_and_no_markup():
    text = load(CSA).text
    assert "<span" not in text and "</span>" not in text
    found = blocks(text)
    i = found.index(next(b for b in found if b.startswith("5.3 Termination.")))
    assert found[i + 1].startswith("(a) if the other party fails to cure")
    assert found[i + 2].startswith("(b) upon notice")


def test_cloud_terms_footer_lines_and_bold_numbers():
    found = blocks(load(CLOUD_TERMS).text)
    assert "5.3. DPA. The parties will adhere to the Data Protection Addendum (DPA), if any, identified on the Cover Page." in found[8]
    assert not any("**" in b or "<br" in b for b in found)


def test_cloud_terms_clause_tree():
    labels = {c.label for c in read_document(CLOUD_TERMS).clauses}
    assert {"5.1", "5.3", "8.1(a)", "22.5"} <= labels
