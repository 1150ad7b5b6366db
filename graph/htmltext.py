"""HTML exhibits to plain text with a real HTML parser (lxml).

Every block-level element (paragraph, heading, table cell, list item) becomes a paragraph of
its own, separated by a blank line, and white space inside a block collapses to single spaces.
That is how EDGAR's own text conversions lay out the same exhibits, so the HTML and text
versions of one exhibit segment alike. A ``<br>`` breaks the line inside its block, as a browser
shows it ("CREDIT SUISSE AG<br>SENIOR MEDIUM-TERM NOTE" is one two-line title), never a new
paragraph.
"""

from __future__ import annotations

import re

import lxml.html

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
SKIP_TAGS = {"head", "script", "style", "title", "noscript", "template"}
_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")
_LINE_BREAK = "\ue000"  # a <br> while the block's text is gathered (no document holds it)


def html_to_text(markup: str) -> str:
    """Return the document's text: one paragraph per block, blank lines between blocks."""
    root = lxml.html.document_fromstring(markup or "<p></p>")
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        lines = (_SPACE.sub(" ", piece).strip() for piece in "".join(current).split(_LINE_BREAK))
        text = "\n".join(line for line in lines if line)
        if text:
            blocks.append(text)
        current.clear()

    def walk(element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if tag in SKIP_TAGS:
            if element.tail:
                current.append(element.tail)
            return
        if tag == "br":
            current.append(_LINE_BREAK)
        block = tag in BLOCK_TAGS
        if block:
            flush()
        if element.text and tag:
            current.append(element.text)
        for child in element:
            walk(child)
        if block:
            flush()
        if element.tail:
            current.append(element.tail)

    walk(root)
    flush()
    return "\n\n".join(blocks) + "\n"
