"""Word (.docx) to text, with the numbers Word displays written in.

In a Word contract the clause numbers are usually not in the text at all: a paragraph says "I
am level 2 of list 7" (directly, or through its style, as ``Heading 2`` does), and Word draws
"10.6" from ``numbering.xml``. This module replays that: list definitions (``abstractNum``),
list instances (``num``) with their ``lvlOverride``/``startOverride``, level texts such as
``%1.%2``, number formats, restarts of lower levels, and numbering inherited from paragraph
styles. Each paragraph becomes one block of text, its displayed number in front ("10.6
Assignment. …", "(a) …"), blocks separated by a blank line as ``htmltext`` does for HTML.

python-docx opens the package (relationships, content types, the styles and numbering parts)
with a parser that resolves no entities; the paragraphs are walked here on its lxml elements,
because python-docx's own ``Paragraph.text`` skips inserted (tracked) runs. Tracked changes
are read as accepted: ``w:ins``/``w:moveTo`` kept, ``w:del``/``w:moveFrom`` dropped.
Headers, footers, footnotes and text boxes are not body text and are left out.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from . import Extracted, check_zip

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")
# Revision marks: their presence alone earns the "read as accepted" warning.
_REVISION_TAGS = {"ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange"}
# Inside a paragraph: subtrees that are not the paragraph's own visible text.
_SKIP_IN_PARAGRAPH = {"del", "moveFrom", "instrText", "delText", "drawing", "pict", "object",
                      "footnoteReference", "endnoteReference", "commentReference", "fldData"}
_MC_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
# Bullet glyphs live in Symbol/Wingdings private-use code points; a reader sees a bullet.
_PRIVATE_USE = re.compile(r"[\uf000-\uf8ff]")


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _val(element, tag: str, default=None):
    child = element.find(w(tag)) if element is not None else None
    if child is None:
        return default
    return child.get(w("val"), default)


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def docx_to_text(path: Path, data: bytes) -> Extracted:
    if data.startswith(_OLE_MAGIC):
        raise InputError(
            f"{path}: not a readable .docx: an OLE compound file (a password-protected Word file, "
            "or an old binary .doc); save it as an unprotected .docx"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable .docx (corrupt or not a zip archive: {exc})") from exc
    with archive:
        check_zip(path, archive)
        names = set(archive.namelist())
    if "[Content_Types].xml" not in names:
        raise InputError(f"{path}: a zip archive but not a Word document (no [Content_Types].xml)")
    try:
        import docx  # python-docx
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        document = docx.Document(io.BytesIO(data))
    except InputError:
        raise
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors … on bad packages
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: not a readable Word document ({message[:160]})") from exc

    numbering_root = _part_element(document, RT.NUMBERING)
    styles_root = _part_element(document, RT.STYLES)
    reader = _BodyReader(Numbering(numbering_root, Styles(styles_root)))
    body = document.element.find(w("body"))
    if body is None:
        raise InputError(f"{path}: a Word document without a body")
    reader.read_blocks(body)
    blocks = reader.finish()
    warnings: list[str] = []
    if reader.revisions:
        warnings.append(
            f"{path}: has tracked changes ({reader.revisions} revision marks); read as if all were accepted"
        )
    return Extracted("\n\n".join(blocks) + "\n" if blocks else "", "docx", tuple(warnings))


def _part_element(document, relationship: str):
    """The root element of the document's numbering or styles part, or None if it has none."""
    try:
        return document.part.part_related_by(relationship).element
    except (KeyError, AttributeError):
        return None


# ---------------------------------------------------------------------------------------------
# Styles: which list a paragraph style puts its paragraphs in


class Styles:
    def __init__(self, root) -> None:
        self._styles: dict[str, object] = {}
        if root is not None:
            for style in root.iter(w("style")):
                self._styles[style.get(w("styleId"), "")] = style

    def num_pr(self, style_id: str | None) -> tuple[str | None, int | None, str | None]:
        """(numId, ilvl, the style that defines them) from the style or the ones it is based on."""
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self._styles.get(style_id)
            if style is None:
                break
            num_pr = style.find(f"{w('pPr')}/{w('numPr')}")
            if num_pr is not None and num_pr.find(w("numId")) is not None:
                return _val(num_pr, "numId"), _int(_val(num_pr, "ilvl")), style_id
            style_id = _val(style, "basedOn")
        return None, None, None


# ---------------------------------------------------------------------------------------------
# Numbering: list definitions, instances and the counters Word keeps while it lays out the text


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # lvlRestart: restart after this (1-based) level; 0 = never
    legal: bool = False  # isLgl: show every level's number in decimal
    suffix: str = "tab"
    style: str | None = None  # pStyle: the paragraph style tied to this level


@dataclass
class ListInstance:
    counters_key: str
    levels: dict[int, Level]
    start_overrides: dict[int, int] = field(default_factory=dict)


class Numbering:
    def __init__(self, root, styles: Styles) -> None:
        self.styles = styles
        self._abstract: dict[str, dict[int, Level]] = {}
        self._abstract_links: dict[str, str] = {}  # numStyleLink: defined by a numbering style
        self._nums: dict[str, object] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._started: set[tuple[str, int]] = set()  # (num, level) whose startOverride was applied
        if root is None:
            return
        for abstract in root.iter(w("abstractNum")):
            abstract_id = abstract.get(w("abstractNumId"))
            self._abstract[abstract_id] = {
                _int(lvl.get(w("ilvl")), 0): _level(lvl) for lvl in abstract.iter(w("lvl"))
            }
            link = _val(abstract, "numStyleLink")
            if link:
                self._abstract_links[abstract_id] = link
        for num in root.iter(w("num")):
            self._nums[num.get(w("numId"))] = num

    def instance(self, num_id: str | None, depth: int = 0) -> ListInstance | None:
        num = self._nums.get(num_id) if num_id not in (None, "0") else None
        if num is None or depth > 5:
            return None
        abstract_id = _val(num, "abstractNumId")
        if abstract_id in self._abstract_links:  # the list is defined by a numbering style
            linked_num, _, _ = self.styles.num_pr(self._abstract_links[abstract_id])
            if linked_num and linked_num != num_id:
                linked = self.instance(linked_num, depth + 1)
                if linked is not None:
                    abstract_id = linked.counters_key.split(":", 1)[1]
        levels = dict(self._abstract.get(abstract_id, {}))
        start_overrides: dict[int, int] = {}
        for override in num.iter(w("lvlOverride")):
            ilvl = _int(override.get(w("ilvl")), 0)
            start = _int(_val(override, "startOverride"))
            if start is not None:
                start_overrides[ilvl] = start
            lvl = override.find(w("lvl"))
            if lvl is not None:
                levels[ilvl] = _level(lvl)
        # Instances of one definition continue one another's count (Word's behaviour) unless an
        # instance restarts a level, which makes it a list of its own.
        key = f"num:{num_id}" if start_overrides else f"abstract:{abstract_id}"
        return ListInstance(key, levels, start_overrides)

    def level_for_style(self, instance: ListInstance, style_id: str | None) -> int:
        for ilvl, level in instance.levels.items():
            if style_id and level.style == style_id:
                return ilvl
        return 0

    def label(self, num_id: str | None, ilvl: int | None, style_id: str | None) -> tuple[str, str]:
        """Advance the counters for one numbered paragraph; return (displayed label, suffix)."""
        instance = self.instance(num_id)
        if instance is None:
            return "", ""
        if ilvl is None:
            ilvl = self.level_for_style(instance, style_id)
        level = instance.levels.get(ilvl)
        if level is None:
            return "", ""
        counters = self._counters.setdefault(instance.counters_key, {})
        start_key = (num_id, ilvl)
        if ilvl in instance.start_overrides and start_key not in self._started:
            self._started.add(start_key)
            counters[ilvl] = instance.start_overrides[ilvl]
        elif ilvl in counters:
            counters[ilvl] += 1
        else:
            counters[ilvl] = level.start
        for deeper in [k for k in counters if k > ilvl]:
            restart = instance.levels.get(deeper, Level()).restart
            if restart != 0 and (restart is None or ilvl < restart):
                del counters[deeper]
        if level.fmt == "none":
            return "", ""
        if level.fmt == "bullet":
            return _PRIVATE_USE.sub("•", level.text).strip() or "•", level.suffix

        def number(match: re.Match) -> str:
            k = int(match.group(1)) - 1
            shown = instance.levels.get(k, Level())
            value = counters.get(k, shown.start)
            return format_number(value, "decimal" if level.legal and k < ilvl else shown.fmt)

        return re.sub(r"%([1-9])", number, level.text).strip(), level.suffix


def _level(lvl) -> Level:
    return Level(
        start=_int(_val(lvl, "start"), 1),
        fmt=_val(lvl, "numFmt", "decimal") or "decimal",
        text=_val(lvl, "lvlText", "") or "",
        restart=_int(_val(lvl, "lvlRestart")),
        legal=lvl.find(w("isLgl")) is not None and _val(lvl, "isLgl", "1") not in ("0", "false"),
        suffix=_val(lvl, "suff", "tab") or "tab",
        style=_val(lvl, "pStyle"),
    )


_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
          (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def format_number(value: int, fmt: str) -> str:
    """A counter as Word shows it in ``numFmt`` (unknown formats fall back to decimal)."""
    if fmt in ("lowerLetter", "upperLetter"):
        if value < 1:
            return str(value)
        # Word's letters repeat after z: a … z, aa … zz, aaa …
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        if value < 1:
            return str(value)
        out, rest = "", value
        for amount, numeral in _ROMAN:
            while rest >= amount:
                out, rest = out + numeral, rest - amount
        return out.upper() if fmt == "upperRoman" else out
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "ordinal":
        suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
        return f"{value}{suffix}"
    return str(value)


# ---------------------------------------------------------------------------------------------
# The body: paragraphs and tables in document order


class _BodyReader:
    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.blocks: list[str] = []
        self.revisions = 0
        self._pending = ""  # text of a paragraph whose paragraph mark was deleted (tracked)

    def read_blocks(self, container) -> None:
        for child in container:
            tag = _local(child)
            if tag == "p":
                self._paragraph(child)
            elif tag == "tbl":
                self._table(child)
            elif tag in ("sdt", "customXml", "ins", "moveTo"):
                if tag in ("ins", "moveTo"):
                    self.revisions += 1
                content = child.find(w("sdtContent")) if tag == "sdt" else child
                if content is not None:
                    self.read_blocks(content)
            elif tag in ("del", "moveFrom"):
                self.revisions += 1

    def finish(self) -> list[str]:
        if self._pending:
            self.blocks.append(self._pending)
            self._pending = ""
        return self.blocks

    def _paragraph(self, p) -> None:
        label, suffix = self._label(p)
        text = _SPACE.sub(" ", self._runs_text(p)).strip()
        if self._pending:
            text = (self._pending + " " + text).strip()
            self._pending = ""
        mark_deleted = p.find(f"{w('pPr')}/{w('rPr')}/{w('del')}") is not None
        if label:
            text = f"{label}{'' if suffix == 'nothing' else ' '}{text}".strip() if text else ""
        if mark_deleted:  # accepting the deletion joins this paragraph with the next one
            self._pending = text
        elif text:
            self.blocks.append(text)

    def _label(self, p) -> tuple[str, str]:
        ppr = p.find(w("pPr"))
        style_id = _val(ppr, "pStyle")
        num_pr = ppr.find(w("numPr")) if ppr is not None else None
        num_id = ilvl = None
        if num_pr is not None:
            num_id = _val(num_pr, "numId")
            ilvl = _int(_val(num_pr, "ilvl"))
        if num_id is None:
            style_num, style_ilvl, _ = self.numbering.styles.num_pr(style_id)
            num_id = style_num
            if ilvl is None:
                ilvl = style_ilvl
        if num_id in (None, "0"):
            return "", ""
        return self.numbering.label(num_id, ilvl, style_id)

    def _runs_text(self, p) -> str:
        out: list[str] = []

        def walk(element) -> None:
            for child in element:
                if not isinstance(child.tag, str):
                    continue  # comments, processing instructions, unresolved entity references
                tag = _local(child)
                if tag in _REVISION_TAGS:
                    self.revisions += 1
                if tag in _SKIP_IN_PARAGRAPH or child.tag == _MC_ALTERNATE or tag in ("pPr", "rPr"):
                    continue
                if tag == "r" and _hidden(child):
                    continue
                if tag == "t":
                    out.append(child.text or "")
                elif tag == "tab" or tag == "ptab":
                    out.append("\t")
                elif tag in ("br", "cr"):
                    out.append(" ")
                elif tag == "noBreakHyphen":
                    out.append("-")
                elif tag == "sym":
                    char = child.get(w("char"), "")
                    out.append("•" if _is_private(char) else _char(char))
                else:
                    walk(child)

        walk(p)
        return "".join(out)

    def _table(self, tbl) -> None:
        # A table is read row by row: one line per row, its cells' text separated by a run of
        # spaces (which ``clean`` reads as a table row, not as prose to re-flow).
        for tr in _children(tbl, "tr"):
            cells: list[str] = []
            for tc in _children(tr, "tc"):
                inner = _BodyReader(self.numbering)
                inner.read_blocks(tc)
                self.revisions += inner.revisions
                cell = " ".join(inner.finish())
                if cell:
                    cells.append(cell)
            if cells:
                self.blocks.append("    ".join(cells))


def _children(element, tag: str):
    """Direct children named ``tag``, looking through content controls and custom XML."""
    for child in element:
        name = _local(child)
        if name == tag:
            yield child
        elif name in ("sdt", "sdtContent", "customXml"):
            yield from _children(child, tag)


def _local(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _hidden(run) -> bool:
    vanish = run.find(f"{w('rPr')}/{w('vanish')}")
    return vanish is not None and vanish.get(w("val"), "true") not in ("0", "false")


def _is_private(code: str) -> bool:
    try:
        value = int(code, 16)
    except ValueError:
        return False
    return 0xF000 <= value <= 0xF8FF


def _char(code: str) -> str:
    try:
        return chr(int(code, 16))
    except ValueError:
        return ""
