"""Small Word and PDF files made by the tests, with numbering whose labels are known exactly.

``numbered_docx`` writes a contract with python-docx whose numbers exist only in
``numbering.xml``: ``Heading 1`` is linked to level 0 of a list through its style (as Word's
own outline numbering is), body paragraphs point at levels 1–3 directly, and an exhibit uses a
second instance of the list definition that restarts its first level with ``startOverride``.
``text_pdf`` writes text as a PDF with fpdf2 (wrapped lines, a gap between paragraphs, a
running footer with the page number on every page).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# (paragraph style, numId, ilvl, text): numId None = not numbered (or numbered by its style).
CONTRACT = [
    ("Title", None, None, "SERVICES AGREEMENT"),
    ("Normal", None, None, "This Services Agreement is made between Acme Corp (\"Provider\") and Beta LLC (\"Customer\"). The parties agree as follows:"),
    ("Heading 1", None, None, "Definitions"),
    ("Normal", "1", 1, "\"Services\" means the services described in Exhibit A."),
    ("Normal", "1", 1, "\"Fees\" means the fees set out in Section 3.1."),
    ("Heading 1", None, None, "Services"),
    ("Normal", "1", 1, "Performance. Provider shall perform the Services:"),
    ("Normal", "1", 2, "in a professional manner;"),
    ("Normal", "1", 2, "in accordance with the following standards:"),
    ("Normal", "1", 3, "the standards of the industry; and"),
    ("Normal", "1", 3, "any standards that Customer gives in writing."),
    ("Normal", "1", 1, "Personnel. Provider shall assign qualified personnel to the Services."),
    ("Heading 1", None, None, "Fees"),
    ("Normal", "1", 1, "Payment. Customer shall pay the Fees within thirty days of each invoice."),
    ("Normal", "1", 1, "Taxes. Customer shall pay all taxes on the Fees other than taxes on Provider's income."),
    ("Normal", None, None, "IN WITNESS WHEREOF, the parties have signed this Agreement."),
    ("Normal", None, None, "EXHIBIT A"),
    ("Normal", "2", 0, "Hosting of the Customer's application."),
    ("Normal", "2", 0, "Support during business hours."),
]

# The labels a reader of the Word file sees, paragraph by paragraph (None: no number).
EXPECTED_LABELS = [
    None, None, "1.", "1.1", "1.2", "2.", "2.1", "(a)", "(b)", "(i)", "(ii)", "2.2", "3.", "3.1", "3.2",
    None, None, "A.", "B.",
]

_NUMBERING = f"""<w:numbering xmlns:w="{W}">
  <w:abstractNum w:abstractNumId="7">
    <w:multiLevelType w:val="multilevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading1"/><w:lvlText w:val="%1."/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/></w:lvl>
    <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%4)"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="8">
    <w:multiLevelType w:val="singleLevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="5"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1."/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="8"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>
  </w:num>
</w:numbering>"""


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def numbered_docx(path: Path, paragraphs=CONTRACT, numbering_xml: str = _NUMBERING) -> Path:
    import docx

    document = docx.Document()
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for child in etree.fromstring(numbering_xml):
        if isinstance(child.tag, str):
            numbering.append(child)
    # Heading 1 is numbered through its style, as Word's outline numbering is.
    heading = document.styles["Heading 1"].element.get_or_add_pPr()
    heading.insert(0, etree.fromstring(f'<w:numPr xmlns:w="{W}"><w:numId w:val="1"/></w:numPr>'))
    for style, num_id, ilvl, text in paragraphs:
        paragraph = document.add_paragraph(text, style=style)
        if num_id is not None:
            ppr = paragraph._p.get_or_add_pPr()
            ppr.append(etree.fromstring(
                f'<w:numPr xmlns:w="{W}"><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
            ))
    document.sections[0].footer.paragraphs[0].text = "Confidential - Services Agreement"
    document.save(str(path))
    return path


def rewrite_part(path: Path, part: str, transform) -> Path:
    """Rewrite one part of a .docx (zip) in place: ``transform(bytes) -> bytes``."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info.filename, transform(data) if info.filename == part else data)
    return path


def text_pdf(path: Path, text: str, footer: str = "Services Agreement - Page {page}", new_page_before: tuple[str, ...] = ("EXHIBIT",)) -> Path:
    """The text's blank-line-separated paragraphs as a PDF (Helvetica, so ASCII text only);
    a paragraph starting with one of ``new_page_before`` starts a new page."""
    from fpdf import FPDF

    class Paper(FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 10, footer.format(page=self.page_no()), align="C")

    pdf = Paper(format="letter")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for paragraph in text.split("\n\n"):
        paragraph = " ".join(paragraph.split())
        if paragraph.startswith(new_page_before) and pdf.get_y() > pdf.t_margin + 1:
            pdf.add_page()
        if paragraph:
            pdf.multi_cell(0, 5, paragraph)
            pdf.ln(4)
    pdf.output(str(path))
    return path


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written by hand: ``objects[0]`` is object 1 (the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def page_pdf(content: bytes, resources: bytes = b"<< /Font << /F1 4 0 R >> >>", filters: bytes = b"") -> bytes:
    """One page whose content stream is ``content`` (Helvetica as /F1; ``filters`` such as
    ``b"/Filter /FlateDecode"`` when ``content`` is encoded)."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources " + resources + b" /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d %s >>\nstream\n" % (len(content), filters) + content + b"\nendstream",
    ])
