"""Markdown to text, with the numbers that exist only as list nesting written in.

Standard forms published as Markdown (Common Paper, Bonterms) number their sections with
ordered lists: ``1.`` at each indent level, so "5.3" is only the third item of the fifth item.
A CommonMark parser (markdown-it-py) gives the structure; each list item's number is its
position (as a rendered page shows it), and nested ordered items join their ancestors' numbers
with dots, as in the documents' own cross-references ("Section 5.3"): top level "5.", below it
"5.3", "5.3.1". Lettered items (``a.``/``b.`` lines inside an item, which CommonMark leaves as
text — pandoc calls them fancy lists) are written as a reader of the rendered page sees them
in legal text: "(a)".

Emphasis is read through (``**5.3**.`` → ``5.3.``), inline HTML tags are dropped (the CSA wraps
every defined term in ``<span class="…">``), ``<br />`` is a line break, links keep their text.
Each block becomes one paragraph, separated by a blank line, as ``htmltext`` does for HTML.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from . import Extracted

_SPACE = re.compile(r"[ \t\u00a0]+")
_BR = re.compile(r"<br\s*/?>", re.I)
# A lettered item written inside a list item's text: "a. Except as …", "b) Use of …".
_FANCY_ITEM = re.compile(r"^([a-z]|[A-Z])[.)]\s+(?=\S)")


def markdown_to_text(path: Path, data: bytes) -> Extracted:
    warnings: list[str] = []
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        source = data.decode("cp1252", errors="replace")
        warnings.append(f"{path}: not UTF-8; read as Windows-1252")
    if "\x00" in source:
        raise InputError(f"{path}: binary file (contains NUL bytes), not Markdown")
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    try:
        tokens = parser.parse(source)
    except RecursionError as exc:  # pathologically nested input
        raise InputError(f"{path}: Markdown nested too deeply to read") from exc
    blocks = _Renderer().render(tokens)
    return Extracted("\n\n".join(blocks) + "\n" if blocks else "", "markdown", tuple(warnings))


class _Renderer:
    def __init__(self) -> None:
        self.blocks: list[str] = []
        # One entry per open list: [ordered, next number]; items: the numbers of open items.
        self.lists: list[list] = []
        self.items: list[str | None] = []
        self.pending_label: str | None = None  # the open item's label, until its first block
        self.row: list[str] | None = None

    def render(self, tokens) -> list[str]:
        for token in tokens:
            kind = token.type
            if kind == "ordered_list_open":
                self.lists.append([True, int(token.attrGet("start") or 1)])
            elif kind == "bullet_list_open":
                self.lists.append([False, 0])
            elif kind in ("ordered_list_close", "bullet_list_close"):
                self.lists.pop()
            elif kind == "list_item_open":
                self._open_item()
            elif kind == "list_item_close":
                if self.pending_label:  # an empty item still shows its number
                    self._emit("")
                self.items.pop()
            elif kind == "inline":
                if self.row is not None:
                    self.row.append(_SPACE.sub(" ", _inline_text(token)).strip())
                else:
                    self._emit(_inline_text(token))
            elif kind in ("fence", "code_block"):
                self._emit(token.content.rstrip("\n"), reflow=False)
            elif kind == "html_block":
                from ..htmltext import html_to_text

                text = html_to_text(_BR.sub("\n", token.content)).strip()
                if text:
                    self._emit(text)
            elif kind == "tr_open":
                self.row = []
            elif kind == "tr_close":
                cells = [cell for cell in (self.row or []) if cell]
                self.row = None
                if cells:
                    self.blocks.append("    ".join(cells))
        return self.blocks

    def _open_item(self) -> None:
        current = self.lists[-1]
        if not current[0]:
            self.items.append(None)
            self.pending_label = "•"
            return
        number = current[1]
        current[1] += 1
        # Dotted numbers run through the ordered items above this one, up to a bullet list.
        chain = [str(number)]
        for ancestor in reversed(self.items):
            if ancestor is None:
                break
            chain.insert(0, ancestor)
        self.items.append(str(number))
        self.pending_label = chain[0] + "." if len(chain) == 1 else ".".join(chain)

    def _emit(self, text: str, reflow: bool = True) -> None:
        label, self.pending_label = self.pending_label, None
        lines = [line.strip() if reflow else line for line in text.split("\n")]
        paragraphs: list[list[str]] = [[]]
        for line in lines:
            marker = _FANCY_ITEM.match(line) if reflow and self.items else None
            if marker:  # a lettered item inside a list item starts a paragraph of its own
                paragraphs.append([f"({marker.group(1)}) " + line[marker.end():]])
            else:
                paragraphs[-1].append(line)
        for k, paragraph in enumerate(paragraphs):
            body = "\n".join(part for part in paragraph if part.strip()) if reflow else "\n".join(paragraph)
            if reflow:
                body = _SPACE.sub(" ", body).strip()
            if k == 0 and label:
                body = f"{label} {body}".strip()
            if body:
                self.blocks.append(body)


def _inline_text(token) -> str:
    """An inline token's visible text: emphasis read through, HTML tags dropped, breaks kept."""
    out: list[str] = []
    for child in token.children or ():
        kind = child.type
        if kind in ("text", "code_inline"):
            out.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind == "html_inline":
            if _BR.fullmatch(child.content.strip()):
                out.append("\n")
        elif kind == "image":
            out.append(child.content or "")
    return "".join(out)
