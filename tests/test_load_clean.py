"""Reading documents (text, EDGAR SGML, HTML, bad input) and cleaning them with an offset map."""

from __future__ import annotations

import pytest

from clausegraph.build import process_document
from clausegraph.clean import clean
from clausegraph.errors import InputError
from clausegraph.load import MAX_INPUT_BYTES, load
from conftest import CORPUS, CORPUS_EXTRA, UA, read_source


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty file"),  # empty
        (b"\x00\x01\x02binary\x00", "binary file"),  # NUL bytes
        (b"\x81\x8d\x8f\x90\x9d" * 10, "undecodable"),  # neither UTF-8 nor cp1252
        (b"   \n\t\n  ", "no text"),  # whitespace only
        (b"<html><body><script>x</script></body></html>", "no text"),  # markup only
        (bytes(range(1, 32)) * 50, "binary file"),  # control characters without NUL
    ],
)
def test_bad_input_is_one_clear_error(tmp_path, content, message):
    """Bad files raise InputError naming the file and what was wrong, on one line."""
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        load(path)
    text = str(info.value)
    assert str(path) in text and message in text and "\n" not in text


def test_huge_file_is_refused_before_reading(tmp_path):
    """A 50 MB file is refused by its size (a sparse file: nothing is read)."""
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:
        f.truncate(50 * 1024 * 1024)
    assert path.stat().st_size > MAX_INPUT_BYTES
    with pytest.raises(InputError, match=r"huge\.txt: too large \(50\.0 MB"):
        load(path)


def test_cp1252_falls_back_with_a_warning(tmp_path):
    """Windows-1252 text (curly quotes as 0x93/0x94) is read, with a warning naming the file."""
    path = tmp_path / "cp.txt"
    path.write_bytes("1. The \u201cCompany\u201d agrees.\n\n2. Second.\n".encode("cp1252"))
    loaded = load(path)
    assert loaded.encoding == "cp1252" and "\u201cCompany\u201d" in loaded.text
    assert loaded.warnings and "cp.txt" in loaded.warnings[0]


def test_structureless_prose_becomes_paragraphs(tmp_path):
    """Prose with no numbering becomes a paragraph-only tree, not an error."""
    path = tmp_path / "prose.txt"
    path.write_text("Just a letter.\n\nIt has two paragraphs and no numbers at all.\n", encoding="utf-8")
    document = process_document(path)
    assert [c.label for c in document.clauses] == ["p1", "p2"]


def test_edgar_sgml_wrapper(tmp_path):
    """<DOCUMENT>/<TYPE>/<TEXT>/<PAGE> wrappers are markup: offsets still index the file."""
    body = (
        "<DOCUMENT>\n<TYPE>EX-10.1\n<SEQUENCE>2\n<TEXT>\n\n1. The Borrower shall pay.\n\n"
        "<PAGE>\n\n2. The Bank may lend.\n</TEXT>\n</DOCUMENT>\n"
    )
    path = tmp_path / "ex10.txt"
    path.write_text(body, encoding="utf-8")
    document = process_document(path)
    assert document.format == "sgml"
    by_label = {c.label: c for c in document.clauses}
    assert by_label["2"].text == "2. The Bank may lend."
    assert body[by_label["1"].start : by_label["1"].end] == "1. The Borrower shall pay."


def test_a_line_break_inside_an_html_paragraph_is_no_new_block(tmp_path):
    """"<P>CREDIT SUISSE AG<BR>SENIOR MEDIUM-TERM NOTE</P>" is one two-line title: one block."""
    path = tmp_path / "note.htm"
    path.write_text(
        "<html><body><P>MASTER NOTE</P><P>CREDIT SUISSE AG<BR>SENIOR MEDIUM-TERM NOTE</P>"
        "<P>This Note is a master note which evidences obligations of the Company.<br></P></body></html>",
        encoding="utf-8",
    )
    assert load(path).text == "MASTER NOTE\n\nCREDIT SUISSE AG\nSENIOR MEDIUM-TERM NOTE\n\nThis Note is a master note which evidences obligations of the Company.\n"
    assert [c.label for c in process_document(path).clauses] == ["p1", "p2", "p3"]


def test_html_and_text_versions_give_the_same_clauses():
    """The AAR power of attorney as filed (HTML) and as text: same labels, same clause text."""
    html = process_document(CORPUS_EXTRA / "poa_aar_garascia_2023.htm")
    text = process_document(CORPUS_EXTRA / "poa_aar_garascia_2023.txt")
    assert html.format == "html"
    assert [(c.label, c.kind) for c in html.clauses] == [(c.label, c.kind) for c in text.clauses]
    assert [c.text for c in html.clauses] == [c.text for c in text.clauses]


def test_offset_map_points_every_clean_character_at_its_source():
    """Every non-separator character of the clean text is the same character in the source."""
    source = read_source(CORPUS / f"{UA}.txt")
    cleaned = clean(source)
    mismatches = [
        i for i, ch in enumerate(cleaned.text)
        if not ch.isspace() and source[cleaned.offsets[i]] != ch
    ]
    assert mismatches == []
    assert len(cleaned.offsets) == len(cleaned.text) + 1


@pytest.mark.parametrize(
    "doc, noise, absent",
    [
        (UA, "page number", "\n\n20\n\n"),
        ("hig-q2-2004-earnings-release", "running header", "Second Quarter 2004 Earnings /2"),
        ("hig-q2-2004-earnings-release", "page break", "- more -"),
        ("cna-group-benefits-sale-2003", "page number", "Page 1 of 2"),
    ],
)
def test_print_layout_is_noise(doc, noise, absent):
    """Page numbers, running headers and "- more -" are marked and absent from the clean text."""
    cleaned = clean(read_source(CORPUS / f"{doc}.txt"))
    assert noise in {why for _, why in cleaned.noise}
    assert absent not in cleaned.text


def test_a_header_in_columns_over_the_page_numbers_is_noise():
    """"[INITIALS]      [INITIALS]     20.3.98" repeated over each page number (the first at the
    top of the file) is a running header; a plain line repeated over page numbers is kept."""
    header = "[INITIALS ILLEGIBLE]            [INITIALS ILLEGIBLE]        20.3.98            30.4.98"
    source = (
        f"{header}\n\n                 5\n\n                SCHEDULE 3\n\nThe Publishers: Ian Bannerman, Oxford.\n\n"
        "(12) changes in applicable accounting regulations\n\n                 6\n\n"
        f"{header}\n\n                 7\n\n                SCHEDULE 4\n\nThe escrow agreement is annexed.\n\n"
        "(12) changes in applicable accounting regulations\n\n                 8\n"
    )
    cleaned = clean(source)
    assert "INITIALS" not in cleaned.text
    assert cleaned.text.count("(12) changes in applicable accounting regulations") == 2
    assert cleaned.lines[0].text == "SCHEDULE 3"


def test_table_of_contents_is_kept_but_makes_no_clauses():
    """The credit agreement's dotted table of contents is recognised; its words stay in the
    text (in the preamble, as the gold conventions say), and no clause starts on it."""
    from clausegraph.segment import segment

    cleaned = clean(load(CORPUS_EXTRA / "credit_agreement_ametek_1994.txt").text)
    assert len(cleaned.contents) > 100
    assert "Loan Commitments" in cleaned.text
    lines = {ln.number: ln for ln in cleaned.lines}
    toc_starts = {lines[n].start for n in cleaned.contents if n in lines}
    clauses = segment(cleaned)
    assert [c.label for c in clauses if c.start in toc_starts] == []
    preamble = next(c for c in clauses if c.label == "preamble")
    assert all(preamble.start <= s < preamble.end for s in toc_starts)


def test_hard_wraps_are_joined():
    """Wrapped lines join with a space, across a page break too ("… to the / Registration")."""
    document = process_document(CORPUS / f"{UA}.txt")
    text = document.clause("7(d)(vii)(c)").text
    assert "any amendment to the Registration Statement required to be filed" in text


def test_a_footer_naming_each_attachment_is_layout():
    """"V3.0 3/17/10 ACME/BETA ALLIANCE AGREEMENT Exhibit A" under Exhibit A's page, "… Exhibit B"
    under B's: one footer, repeated with each attachment's name, is page layout; an index of
    exhibits (no date or version in it) and a footer seen under one attachment only stay text."""
    pages = "".join(f"  Exhibit {x}  Title {x}\n\n  Words of exhibit {x}.\n\n\n  V3.0 3/17/10 ACME/BETA ALLIANCE AGREEMENT Exhibit {x}\n\n\n\n"
                    for x in "ABC")
    index = "The exhibits:\n\n  Form of Escrow Agreement Exhibit A\n\n  Form of Escrow Agreement Exhibit B\n\n"
    cleaned = clean(index + pages)
    assert "ALLIANCE AGREEMENT" not in cleaned.text and "Words of exhibit C." in cleaned.text
    assert cleaned.text.count("Form of Escrow Agreement Exhibit") == 2
    one = clean(pages.split("\n\n\n\n")[0] + "\n\n\n\n")
    assert "V3.0 3/17/10 ACME/BETA ALLIANCE AGREEMENT Exhibit A" in one.text
