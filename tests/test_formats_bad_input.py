"""Bad Word and PDF files: one line naming the file, bounded work, the other documents build."""

from __future__ import annotations

import re
import zipfile

import pytest

from clausegraph.build import build
from clausegraph.errors import InputError
from clausegraph.load import load
from support.formats_make import numbered_docx, page_pdf, rewrite_part, text_pdf


def refused(path) -> str:
    with pytest.raises(InputError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    return message


def test_corrupt_docx(tmp_path):
    path = tmp_path / "corrupt.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive" * 10)
    assert "not a readable .docx" in refused(path)


def test_truncated_docx(tmp_path):
    good = numbered_docx(tmp_path / "good.docx").read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(good[: len(good) // 2])
    assert "not a readable" in refused(path)


def test_password_protected_docx(tmp_path):
    # Word saves a password-protected .docx as an OLE compound file (EncryptedPackage inside).
    path = tmp_path / "locked.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    assert "password-protected" in refused(path)


def test_docx_that_is_a_zip_of_something_else(tmp_path):
    path = tmp_path / "photos.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("holiday/notes.txt", "not a contract")
    assert "not a Word document" in refused(path)


def test_docx_that_is_another_office_package(tmp_path):
    path = tmp_path / "sheet.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert "not a readable Word document" in refused(path)


def test_external_entity_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    path = numbered_docx(tmp_path / "xxe.docx")

    def inject(xml: bytes) -> bytes:
        text = xml.decode()
        declaration, rest = text.split("?>", 1)
        doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY lol "lol">]>'
        rest = rest.replace("SERVICES AGREEMENT", "SERVICES AGREEMENT &xxe; &lol;", 1)
        return (declaration + "?>" + doctype + rest).encode()

    rewrite_part(path, "word/document.xml", inject)
    try:
        text = load(path).text
    except InputError as error:  # refusing the file is as good as reading it safely
        assert "TOP-SECRET" not in str(error)
        return
    assert "TOP-SECRET" not in text
    assert "SERVICES AGREEMENT" in text


def test_zip_bomb_refused_before_unpacking(tmp_path):
    path = numbered_docx(tmp_path / "bomb.docx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("word/media/bomb.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):  # 300 MB of zeros, about 300 KB compressed
                member.write(chunk)
    assert "zip bomb" in refused(path)


def test_corrupt_pdf(tmp_path):
    path = tmp_path / "corrupt.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    assert "not a readable PDF" in refused(path)


def test_not_a_pdf_at_all(tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(b"Dear Sir, this is a text file with the wrong name.\n")
    assert "not a PDF" in refused(path)


def test_password_protected_pdf(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 6, "1. Confidentiality. The Recipient shall keep the Information secret.")
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    assert "password-protected PDF" in refused(path)


def test_pdf_encrypted_without_a_user_password_opens(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner")  # printing restricted, opening free
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 6, "1. Confidentiality. The Recipient shall keep the Information secret.")
    path = tmp_path / "restricted.pdf"
    pdf.output(str(path))
    assert "1. Confidentiality." in load(path).text


def test_scanned_pdf_without_text_layer(tmp_path):
    path = tmp_path / "scan.pdf"
    # a page that only paints (as a scan's image does): no text operators at all
    path.write_bytes(page_pdf(b"0.5 g 72 72 468 648 re f"))
    assert refused(path).endswith("scanned PDF: no text layer; OCR it first")


@pytest.mark.parametrize("where", ["content", "resources"])
def test_pdf_bomb_deeply_nested_objects(tmp_path, where):
    depth = 200_000
    nested = b"[" * depth + b"]" * depth
    text = b"BT /F1 12 Tf 72 720 Td (Hello world, this is the only line of text) Tj ET "
    if where == "content":
        data = page_pdf(text + nested + b" Do")
    else:
        data = page_pdf(text, resources=b"<< /Font << /F1 4 0 R >> /X " + nested + b" >>")
    path = tmp_path / "bomb.pdf"
    path.write_bytes(data)
    assert "not a readable PDF" in refused(path)


def test_pdf_decompression_bomb(tmp_path):
    import zlib

    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    bomb = b"".join(packer.compress(chunk) for _ in range(120)) + packer.flush()  # 120 MB of spaces
    data = page_pdf(bomb, filters=b"/Filter /FlateDecode")
    path = tmp_path / "flate.pdf"
    path.write_bytes(data)
    assert "PDF" in refused(path)


def test_pdf_that_takes_too_long_is_stopped(tmp_path, monkeypatch):
    import clausegraph.formats.pdf as pdf

    monkeypatch.setattr(pdf, "MAX_SECONDS", 0.3)
    path = tmp_path / "slow.pdf"
    path.write_bytes(page_pdf(b"BT /F1 12 Tf 72 720 Td " + b"(Some words here) Tj 0 -1 Td " * 300_000 + b"ET"))
    assert "refused (a PDF bomb?)" in refused(path)


def test_a_good_hand_written_pdf_reads(tmp_path):
    path = tmp_path / "tiny.pdf"
    path.write_bytes(page_pdf(b"BT /F1 12 Tf 72 720 Td (1. Term. This Agreement lasts one year.) Tj ET"))
    assert load(path).text == "1. Term. This Agreement lasts one year.\n"


def test_bad_files_do_not_stop_the_others(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    (folder / "broken.docx").write_bytes(b"not a zip")
    numbered_docx(folder / "good_word.docx")
    text_pdf(folder / "good_pdf.pdf", "1. Terms. The Supplier shall deliver the goods.\n\n2. Price. The Buyer shall pay.")
    (folder / "good_md.md").write_text("# Terms\n\n1. Delivery. The Supplier shall deliver.\n2. Price. The Buyer shall pay.\n", encoding="utf-8")
    report = build([folder], tmp_path / "out")
    assert sorted(d.doc_id for d in report.documents) == ["good_md", "good_pdf", "good_word"]
    assert len(report.errors) == 2
    assert any("broken.pdf" in e for e in report.errors) and any("broken.docx" in e for e in report.errors)
    assert all("\n" not in e for e in report.errors)
    source = (tmp_path / "out" / "docs" / "good_word" / "source.txt").read_text(encoding="utf-8")
    assert "1.1 \"Services\" means" in source
    # the reader page shows the extracted text, Word's numbers included
    reader = (tmp_path / "out" / "docs" / "good_word" / "reader.html").read_text(encoding="utf-8")
    shown = re.sub(r"<[^>]+>", "", reader)  # the words, whatever tags (an obligation of Provider) mark them
    assert "2.1 Performance. Provider shall perform the Services:" in shown and "(ii) any standards that" in shown
