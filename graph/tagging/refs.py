"""Cross-references: internal ("Section 5(a) hereof", "subsection (a) or (b) above", "this Section")
and external ("Section 15 of the Act", "Rule 424(b)", "Regulation S-X").

A reference is a keyword (Section, subsection, clause, Article, Rule, Regulation, Schedule,
Annex, Exhibit — patterns/refs.jsonl), an optional demonstrative ("this", "such"), one or more
designators ("8 and 11", "4.02(A)(c), (g) or (h)", "5 through 8"), and an optional qualifier
naming the instrument ("of the Act", "of the Exchange Act", "to the applicable Pricing
Agreement", "of this Section"). The qualifier decides: the document's own defined terms say what
"the Act" is (ACT stands for the Securities Act of 1933), so "Section 11(f) of the Act" cites the
statute and never the agreement's own Section 11. Relative designators ("subsection (a)",
"clause (i)", "this subsection (d)") resolve against the clause the reference sits in.

One Reference per (reference, target): "Sections 8 and 11" gives two records; a reference to
an outside instrument gives one record however many designators it names.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

if TYPE_CHECKING:  # spaCy is imported only where a Doc is made (tag_document needs none)
    from spacy.tokens import Doc

from .rules import PATTERN_DIR, by_label, compile_for_scanning, read_rows
from ..labels import unrepeated
from ..numbering import roman_value, to_roman
from ..model import Clause, ClauseKind, Document, Reference, Term
from .spangroups import span_group
from .pipeline_keys import CONTEXT, RESULTS
from .terms import term_forms

PATTERNS = PATTERN_DIR / "refs.jsonl"
SPAN_GROUP = "cg_refs"

# A range "Sections 5 through 8" expands to at most this many targets (a typo such as
# "Sections 5 through 85" must not flood the graph).
MAX_RANGE = 30
# Words whose last word marks a statute or rule book when a qualifier names no known one:
# "section 21 of the Financial Services and Markets Act 2000" → that Act.
LAW_WORDS = ("Act", "Code", "Law", "Laws", "Ordinance", "Regulations", "Rules", "Directive", "Statute")
# … and a separate document ("Section 2.3 of the Pledge Agreement").
DOCUMENT_WORDS = ("Agreement", "Agreements", "Indenture", "Conditions", "Plan", "Guaranty", "Guarantee", "Note", "Notes", "Certificate", "Prospectus", "Supplement", "Instrument",
                  "Amendment", "Lease", "Sublease", "License", "Contract", "Bylaws", "By-laws", "Charter")
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}


def load_patterns(path: Path = PATTERNS) -> dict[str, list[dict]]:
    """The pattern rows of ``path`` grouped by label."""
    return by_label(read_rows(path))


# "3.1", "101", "10.4.1", "5.3.a" (Markdown), "1.1502-6" (Treasury Regulations).
_NUM = r"\d+(?:\.\d+)*(?:-\d+(?![.\d]))?(?:[A-Za-z](?![\w-])|\.[a-z](?![\w-]))?(?![\w-])"
# Rule numbers: "424(b)", "144A", "1-02" (Regulation S-X), "10b-5", "15c2-12".
_RULE_NUM = r"\d+(?:[a-z]{1,2}\d?)?(?:-\d+)?[A-Z]?"
# A part's marker in parentheses: "(a)", "(iv)", "(B)", "(12)"; not a caption "(Term)".
_PARENS = r"(?:\((?:[a-z]{1,2}|[A-Z]{1,2}|[ivxlc]{1,6}|[IVXLC]{1,6}|\d{1,3})\))"
# A code's title and its section: "18 § 5005(b)" (18 Del. C. § 5005(b)); EDGAR's text filings
# write the section sign "(S)" ("Section 18 (S) 5005 (B) of the Insurance Law").
_TITLE_SECTION = rf"\d+[^\S\n]*(?:§|\(S\))[^\S\n]*{_NUM}(?:[^\S\n]?{_PARENS})*"
# A number OCR has read with its "1" as "I" or "l" and a space inside ("Paragraph I 0" for 10):
# never how a drafter writes a number, so read as the number (``_written_forms``).
_OCR_NUMBER = r"[Il](?:[^\S\n]?\d)+(?![\w.]\d)(?![\w])"
_ROMAN = r"[IVXLC]+(?![\w])"
# "Paragraph I.C." (a lettered part of a roman section), "Section IV(A)".
_ROMAN_PART = r"[IVXLC]+(?:\.[A-Z](?![\w]))?\.?(?![\w])"
_LETTER = r"[A-Z](?:-\d+)?(?![\w])"
_DASHED = r"[A-Z]-\d+(?![\w])"  # "Exhibit C-1" (before the roman "C")
_QUOTED = r"[\"“][A-Z0-9](?:-\d+)?[\"”]"
_REGCODE = r"[A-Z]{1,2}-[A-Z0-9]{1,3}(?![\w])"
_WORDNUM = r"(?:%s)(?:[- ](?:%s))?(?![\w])" % (
    "|".join(w.title() for w in NUMBER_WORDS),
    "|".join(w.title() for w in NUMBER_WORDS),
)
# Which designators each kind of keyword takes: "Regulations 1995" is a title, not Regulation 1995.
_DESIGNATORS = {
    "section": rf"{_TITLE_SECTION}|{_OCR_NUMBER}|(?:{_NUM}|{_ROMAN_PART}|{_WORDNUM}){_PARENS}*|{_PARENS}+",
    "subsection": rf"{_PARENS}+|(?:{_NUM}){_PARENS}*",
    "clause": rf"{_PARENS}+|{_OCR_NUMBER}|(?:{_NUM}|{_ROMAN_PART}){_PARENS}*",
    "article": rf"(?:{_NUM}|{_ROMAN}|{_WORDNUM}){_PARENS}*",
    "rule": rf"(?:{_RULE_NUM}){_PARENS}*|{_PARENS}+",
    "regulation": rf"{_REGCODE}|{_LETTER}",
    "schedule": rf"{_DASHED}|{_ROMAN}|{_LETTER}|{_NUM}{_PARENS}*|{_QUOTED}",  # "Schedule 4.1(b)(xi) of the Disclosure Letter"
    "annex": rf"{_DASHED}|{_ROMAN}|{_LETTER}|{_NUM}|{_QUOTED}",
    "exhibit": rf"{_DASHED}|{_ROMAN}|{_LETTER}|{_NUM}|{_QUOTED}",
    "appendix": rf"{_DASHED}|{_ROMAN}|{_LETTER}|{_NUM}|{_QUOTED}",
    "item": rf"\d+(?:\.\d+)?[A-Z]?{_PARENS}*|{_PARENS}+",
}
# A caption after a designator is part of the reference: "Sections 4 (Confidentiality) and 6
# (Miscellaneous) of the Master Framework Agreement", "Section 8.4 (Exceptions)".
_CAPTION = re.compile(r"[^\S\n]*\([A-Z][a-z][^()\n]{0,60}\)")
# An act written before the section sign: "TIA § 312(a)", "49 U.S.C. § 5101", "Code Section 409A",
# "Treasury Regulations Section 1.1502-6", "V.T.C.A. Tax Code Section 171.0001".
_ACT_BEFORE = re.compile(
    r"(?P<act>\b(?:TIA|IRC|ERISA|Code|Tax\s+Code|Treasury\s+Regulations?|Trust\s+Indenture\s+Act|Bankruptcy\s+Code|"
    r"(?:\d+\s+)?U\.\s?S\.\s?C\.(?:A\.)?|(?:\d+\s+)?C\.\s?F\.\s?R\.|[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,4}\s+(?:Act|Code|Law)|"
    r"(?P<far>DFARS?|FAR))\s*)$"
)
# A regulation cited by its own number or title, then a comma and the provision: "Title 12 of the
# Code of Federal Regulations, Section 571.2(c)(3)", "European Union Regulation 2016/679, Article
# 9(1)". Only these numbered codes take the comma: after "the Act," a new clause may begin.
_CODE_BEFORE = re.compile(
    r"(?P<act>\b(?:(?:Title\s+\d+\s+of\s+(?:the\s+)?)?Code\s+of\s+Federal\s+Regulations|(?:\d+\s+)?C\.\s?F\.\s?R\.|"
    r"(?:[A-Z][\w.]*\s+){0,3}Regulation\s+(?:\((?:EU|EC|EEC)\)\s+)?(?:No\.?\s+)?\d{2,4}/\d{1,4}(?:/(?:EU|EC|EEC))?),\s*)$"
)
_ACT_ACRONYMS = {"FAR": "Federal Acquisition Regulation", "DFAR": "Defense Federal Acquisition Regulation Supplement",
                 "DFARS": "Defense Federal Acquisition Regulation Supplement"}
_ACT_ABBREVIATIONS = {"U.S.C.": "United States Code", "C.F.R.": "Code of Federal Regulations", "IRC": "Internal Revenue Code of 1986"}

_ATTACHMENT_KINDS = {ClauseKind.ANNEX, ClauseKind.SCHEDULE, ClauseKind.EXHIBIT, ClauseKind.APPENDIX}
# Kinds that may stand without a designator after "this": "this Section", "this subsection".
_BARE_KINDS = {"section", "subsection", "clause", "article"}
# A capitalised name on one line: "Underwriting Agreement General Terms and Conditions", "1934 Act";
# a period inside a word ("U.S.") is part of it, a sentence's final period is not.
_NAME_WORD = r"[A-Z0-9](?:[\w&'’-]|\.(?=\w)|(?<=\.[A-Z])\.(?=[^\S\n]+[A-Z]))*"
_NAME = rf"{_NAME_WORD}(?:[^\S\n]+(?:(?:and|of|for|&)[^\S\n]+)?{_NAME_WORD})*"
# A law named with the state that made it: "the Insurance Law of the Domiciliary State", "the
# General Corporation Law of the State of Delaware".
_OF_STATE = rf"(?:(?:(?<=Law)|(?<=Laws)|(?<=Code)|(?<=Act))[^\S\n]+of[^\S\n]+the[^\S\n]+{_NAME})?"
_LAW_OF_STATE = re.compile(r"\b(?:Act|Code|Law|Laws)\s+of\s+the\s+[A-Z]")


@dataclass(frozen=True)
class _Rules:
    keyword: re.Pattern
    kinds: dict[str, str]  # keyword group name → kind
    designator: dict[str, re.Pattern]
    continuation: dict[str, re.Pattern]
    qualifier: re.Pattern
    statutes: tuple[tuple[re.Pattern, str], ...]
    rule_families: tuple[tuple[re.Pattern, str], ...]
    self_document: re.Pattern


@lru_cache(maxsize=1)
def rules() -> _Rules:
    g = load_patterns()
    parts, kinds = [], {}
    for i, row in enumerate(g["keyword"]):
        parts.append(f"(?P<k{i}>{row['pattern']})")
        kinds[f"k{i}"] = row["kind"]
    keyword = compile_for_scanning(
        r"(?P<dem>\b(?:this|such|said|This|Such|Said|THIS|SUCH|SAID)\s+)?(?<![\w-])(?:%s)(?![\w-])" % "|".join(parts)
    )
    # At most one line break between keyword and designator: across a blank line, "Applicability
    # of Article" and "50" are a table of contents' caption and its page number.
    designator = {k: re.compile(r"(?:[^\S\n]*\n[^\S\n]*|[^\S\n]+)(?P<d>%s)" % v) for k, v in _DESIGNATORS.items()}
    # ", (g) or (h)", " and 11", " through 8": followed by a designator, not by "10 days" or "5%".
    continuation = {
        k: re.compile(
            r"(?P<sep>\s*,\s*(?:(?:and|or|and/or)\s+)?|\s+(?:and|or|and/or|through|to)\s+|\s*[-–]\s*)(?P<d>%s)"
            r"(?!\s*(?:%%|percent|days?|months?|years?|Business|business|hours?)\b)(?![\w.]\w)" % v
        )
        for k, v in _DESIGNATORS.items()
    }
    qualifier = re.compile(
        r"(?:,?\s+inclusive,?)?\s+(?:of|under|to)\s+(?P<inst>(?:the\s+)?rules\s+and\s+regulations\s+of\s+the\s+Commission\s+under\s+(?:the\s+)?"
        rf"(?P<n1>{_NAME})|(?P<det>this|the|such|said)\s+(?:applicable\s+)?(?P<n2>{_NAME}{_OF_STATE})|(?P<n3>{_NAME}))"
    )
    statutes = tuple((re.compile(rf"(?:{row['pattern']})", re.I), row["name"]) for row in g["statute"])
    families = tuple((re.compile(rf"(?:{row['pattern']})"), row["name"]) for row in g["rule_family"])
    self_document = re.compile("|".join(f"(?:{row['pattern']})" for row in g["self"]), re.I)
    return _Rules(keyword, kinds, designator, continuation, qualifier, statutes, families, self_document)


# --- what a qualifier names ------------------------------------------------------------------


@dataclass(frozen=True)
class _Instrument:
    kind: str  # "self" (this document), "relative" ("this Section"), "external", "document"
    name: str | None = None


class _Context:
    """What resolution needs about one document: labels, clauses, its defined terms."""

    def __init__(self, document: Document, terms: list[Term]):
        self.document = document
        self.by_label: dict[str, Clause] = {c.label: c for c in document.clauses}
        # Whether the document numbers any top-level part in roman numerals ("I", "II").
        self.roman_top_level = any(c.parent is None and re.fullmatch(r"[IVXLC]+", c.label) for c in document.clauses)
        self.starts = [c.start for c in document.clauses]
        self.children: dict[str, list[Clause]] = {}
        for c in document.clauses:
            if c.parent:
                self.children.setdefault(c.parent, []).append(c)
        self.terms = terms
        self.stands_for: dict[str, str] = {}
        self.self_names: set[str] = set()
        for t in terms:
            definition = " ".join(t.definition.split())
            names = term_forms(t.term)
            # UNDERWRITING AGREEMENT = "these Underwriting Agreement General Terms and Conditions":
            # the document itself, by its defined name and by the name it stands for.
            if re.match(r"(?:this|these)\s", definition, re.I):
                self.self_names |= names
                self.self_names.add(re.sub(r"^(?:this|these)\s+", "", definition, flags=re.I).casefold())
            elif t.stands_for and t.scope is None:
                for n in names:
                    self.stands_for.setdefault(n, t.stands_for)
        # Term uses that begin with a keyword ("Rule 462(b) Registration Statement") are names.
        self.keyword_terms = [
            re.compile(r"\s+".join(re.escape(w) for w in form.split()), re.I)
            for t in terms
            for form in term_forms(t.term)
            if rules().keyword.match(t.term) or rules().keyword.match(t.term.title())
        ]

    def instrument(self, name: str, determiner: str | None) -> _Instrument | None:
        r = rules()
        name = " ".join(name.split())
        key = name.casefold()
        if determiner and determiner.lower() == "this" and name in ("Section", "Article", "Agreement", "Indenture"):
            return _Instrument("relative" if name in ("Section", "Article") else "self", name)
        if r.self_document.fullmatch(f"{determiner or 'the'} {name}") and (determiner or "").lower() == "this":
            return _Instrument("self")
        if (determiner or "").lower() == "this" and name.split()[-1] in DOCUMENT_WORDS:
            return _Instrument("self")  # "Section 3 of this Amendment", "of this Lease"
        if key in self.self_names:
            return _Instrument("self")
        meant = self.stands_for.get(key)
        for candidate in (meant, name):
            if candidate:
                statute = self.statute(candidate)
                if statute:
                    return _Instrument("external", statute)
        last = name.split()[-1]
        if meant and meant.split()[-1] in LAW_WORDS + ("1933", "1934"):
            return _Instrument("external", meant)
        if meant and re.search(r"\b(?:%s)\s+of\s+the\s+State\s+of\b" % "|".join(LAW_WORDS), meant):
            return _Instrument("external", meant)  # DGCL = "General Corporation Law of the State of Delaware"
        if re.fullmatch(r"Regulation\s+[A-Z]{1,2}(?:-[A-Z0-9]{1,3})?", name):
            return _Instrument("external", name)  # "Rule 1-02 of Regulation S-X"
        if last in LAW_WORDS or re.fullmatch(r"(?:Act|Code|Law|Regulations|Ordinance)\s+\d{4}", " ".join(name.split()[-2:])) \
                or _LAW_OF_STATE.search(name):
            return _Instrument("external", name)
        if re.fullmatch(r"\d{4}", last) and len(name.split()) > 2:
            return _Instrument("external", name)  # "Financial Services and Markets Act 2000"
        if last in DOCUMENT_WORDS or (meant and meant.split()[-1] in DOCUMENT_WORDS):
            return _Instrument("document", _document_name(name, meant))
        # "the Amended and Restated Agreement of Limited Partnership of Pi Holdings", "the Restated
        # Articles of Incorporation": an instrument named by its head word, not its last one.
        if re.search(r"\b(?:%s)\s+of\b" % "|".join(DOCUMENT_WORDS + ("Articles", "Certificate", "Declaration")), name):
            return _Instrument("document", name)
        return None

    def statute(self, name: str) -> str | None:
        name = re.sub(r"^the\s+", "", " ".join(name.split()), flags=re.I)
        name = re.sub(r",.*$", "", name)
        # "U.S. Securities Exchange Act of 1934", "Title IV of ERISA": the act is what remains.
        bare = re.sub(r"^(?:U\.\s?S\.\s+|United\s+States\s+(?!Code))", "", name)
        bare = re.sub(r"^(?:Sub)?(?:[Tt]itle|[Pp]art|[Cc]hapter|[Ss]ubtitle)\s+[\dIVXLC]+[A-Z]?\s+of\s+(?:the\s+)?", "", bare)
        for candidate in dict.fromkeys((name, bare)):
            for pattern, canonical in rules().statutes:
                if pattern.fullmatch(candidate):
                    return canonical
        return None

    # --- clauses -------------------------------------------------------------------------

    def clause_at(self, offset: int) -> Clause | None:
        return self.document.clause_at(offset)

    def ancestors(self, clause: Clause | None):
        while clause is not None:
            yield clause
            clause = self.by_label.get(clause.parent) if clause.parent else None

    def descendants(self, clause: Clause):
        """Every clause below ``clause``, in document order."""
        for child in self.children.get(clause.label, ()):
            yield child
            yield from self.descendants(child)

    def clean_index(self, source_offset: int) -> int:
        """The clean offset of the first clean character at or after ``source_offset``."""
        return bisect.bisect_left(self.document.clean_offsets, source_offset)

    def clean_text(self, clause: Clause) -> str:
        return self.document.clean[self.clean_index(clause.start):self.clean_index(clause.end)]

    def attachment_of(self, clause: Clause | None) -> Clause | None:
        return next((c for c in self.ancestors(clause) if c.kind in _ATTACHMENT_KINDS), None)

    def enclosing(self, clause: Clause | None, kinds: set[ClauseKind]) -> Clause | None:
        return next((c for c in self.ancestors(clause) if c.kind in kinds), None)


def _document_name(name: str, meant: str | None) -> str:
    """The other agreement's own name when a one-word defined term stands for it: "the
    Agreement" = "the Distribution Agreement dated October 1, 1996" → "Distribution Agreement";
    a term that names it already ("the Original Lease", "the Fourth Amendment") stays the name."""
    if meant and len(name.split()) == 1:
        head = re.split(r",?\s+(?:dated|by\s+and\s+between|between|among|made|entered)\b", meant)[0].strip(" ,")
        head = re.sub(r"^(?:that\s+certain|the|a|an)\s+", "", head, flags=re.I)
        words = head.split()
        if words and words[-1] in DOCUMENT_WORDS and len(words) > len(name.split()) and len(words) <= 8:
            return head
    return name


# --- finding and resolving -------------------------------------------------------------------


@dataclass
class _Found:
    start: int  # clean offsets
    end: int
    kind: str
    demonstrative: str | None
    designators: list[str]
    range_after: list[bool]  # designator i was introduced by "through"/"to"
    instrument: _Instrument | None
    outer: "_Found | None" = None  # "of Section 301(b)" in "paragraph (2) of Section 301(b)"
    definition: tuple[str | None, bool] | None = None  # (term or None for "thereof", proviso?)
    thereof: bool = False  # "clause (ii)(B) thereof"
    above: bool = False  # "clause (b) above"
    previous: "_Found | None" = None  # … and the reference "thereof" means


def find_references(text: str, ctx: _Context) -> list[_Found]:
    r = rules()
    found: list[_Found] = []
    covered = 0  # end of the last reference: "subsections (a) and (f) of this Section" is one
    for m in r.keyword.finditer(text):
        if m.start() < covered:
            continue
        f = _parse(m, text, ctx)
        if f is None:
            continue
        covered = f.end
        found.append(f)
    _share_instruments(text, found)
    _amended_agreement(found, ctx)
    _link_thereof(text, found)
    return found


def _parse(m: re.Match, text: str, ctx: _Context, outer: bool = False) -> _Found | None:
    """The reference whose keyword ``m`` matched, or None where the words are no reference.
    ``outer``: the part after "of" in a composed reference ("of Section 301(b)"), which may
    stand where a heading could not (mid-line, after "of")."""
    r = rules()
    kw_group = next(k for k in r.kinds if m.group(k) is not None)
    kind = r.kinds[kw_group]
    keyword = m.group(kw_group)
    if not outer:
        if keyword.isupper() and len(keyword) > 1 and not _inside_capitals_sentence(text, m.start()):
            return None  # "SECTION 10." / "ANNEX I": headings, not references
        if _starts_paragraph(text, m.start()) and not m.group("dem") and not _sentence_goes_on(text, m.start()):
            return None  # "Section 101 Definitions.": a heading
        if any(p.match(text, m.start()) for p in ctx.keyword_terms):
            return None  # "Rule 462(b) Registration Statement" names a defined term
    designators: list[str] = []
    through: list[bool] = []
    end = m.end()
    d = r.designator[kind].match(text, end)
    probe = end
    if d and _page_number(text, d):
        d = None  # "9.10 Exhibits     24": a table of contents' caption and its page
    if d:
        designators.append(d.group("d"))
        through.append(False)
        end = probe = _after_caption(text, d.end())
        while True:
            c = r.continuation[kind].match(text, probe)
            if not c:
                break
            if not _continues(designators[-1], c.group("d")):
                break  # "Section 4.02 and (vi) …": (vi) starts an enumeration of the sentence
            designators.append(c.group("d"))
            through.append(c.group("sep").strip() in ("through", "to", "-", "–"))
            end = c.end()
            probe = _after_caption(text, end)
    dem = m.group("dem")
    if not designators:
        if not (dem and dem.strip().lower() == "this" and kind in _BARE_KINDS):
            return None
    start = m.start() if dem else m.start(kw_group)
    if not outer and not dem and _caption_line(text, start, end):
        return None  # "Exhibit 10.11" alone on its line: the EDGAR exhibit number, a caption
    parts = bool(designators) and all(x.startswith("(") for x in designators)
    # "paragraph 4 of this Section 6.1.1": a numbered row of a section's table or list.
    numbered_parts = kind == "clause" and bool(designators) and all(x.isdigit() for x in designators)
    # "paragraph (2) of Section 301(b)", "subclause (B) of clause (1) of this Section": the part
    # of the clause the words after "of" cite; the reference's words run to the end of those.
    of = _OF_KEYWORD.match(text, probe) if (parts or numbered_parts) and kind in _PART_KINDS else None
    if of:
        inner = r.keyword.match(text, of.end())
        composed = _parse(inner, text, ctx, outer=True) if inner else None
        if composed is not None and r.kinds[next(k for k in r.kinds if inner.group(k) is not None)] in _COMPOSING_KINDS:
            f = _Found(start, composed.end, kind, dem.strip() if dem else None, designators, through,
                       composed.instrument if composed.instrument and composed.instrument.kind in ("external", "document") else None)
            f.outer = composed
            return f
    # "clause (A) of the definition thereof", "clause (ii) of the proviso to the definition of
    # “Outstanding”": a part of the clause where that term is defined.
    definition = _DEFINITION.match(text, probe) if parts else None
    if definition:
        f = _Found(start, definition.end(), kind, dem.strip() if dem else None, designators, through, None)
        f.definition = (definition.group("term"), bool(definition.group("proviso")))
        return f
    instrument = None
    q = r.qualifier.match(text, probe)
    if q:
        name = q.group("n1") or q.group("n2") or q.group("n3")
        det = q.group("det") if q.group("n2") else ("the" if q.group("n1") else None)
        instrument = ctx.instrument(_trim_name(name), det)
        if q.group("n1"):
            instrument = ctx.instrument(_trim_name(name), "the")
        dropped = len(name) - len(_trim_name(name))  # characters after the name's last word
        joined = re.search(r"\s+(?:and|or)\s+", name)
        if instrument is None and joined:
            # "Section 22 of the Primary Lease and Sublandlord shall …": the name ends at "and".
            shorter = _trim_name(name[: joined.start()])
            instrument = ctx.instrument(shorter, det or ("the" if q.group("n1") else None))
            if instrument is not None:
                dropped, name = len(name) - len(shorter), shorter
        within = re.fullmatch(r"(?:Section|Article)\s+(\d+(?:\.\d+)*[A-Za-z]?)", _trim_name(name))
        if within and q.group("n3") and within.group(1) in ctx.by_label:
            instrument = _Instrument("within", within.group(1))  # "clause (d) of Section 501"
        # "paragraphs 1, 4 and 5 of this Agreement": the words cited stop before "of this
        # Agreement" (as most gold readers of the development corpus read it).
        if instrument is not None and not (instrument.kind == "self" and (det or "").lower() == "this"):
            end = q.start("inst") + len(q.group("inst")) - dropped
    if kind == "item" and designators and all(d.startswith("(") for d in designators):
        kind = "clause"  # "item (xiii) above": a part of a list of this document
    elif kind == "item" and (instrument is None or instrument.kind != "external"):
        return None  # "Item 601 of Regulation S-K" is a reference; "item 3" of a list is not
    if instrument is None and kind in ("section", "article") and designators:
        act = _act_before(text, start, ctx)  # "TIA § 312(a)", "49 U.S.C. § 5101"
        if act is not None:
            instrument, start = act
    if instrument is None and not dem:
        instrument = _instrument_of_parenthesis(text, start, ctx)
    f = _Found(start, end, kind, dem.strip() if dem else None, designators, through, instrument)
    f.thereof = bool(parts and _THEREOF.match(text, probe))
    f.above = bool(_ABOVE.match(text, probe))
    return f


# Kinds that cite a part of something ("paragraph (2) of …") and kinds that can be that something.
_PART_KINDS = {"clause", "subsection", "section"}
_COMPOSING_KINDS = {"section", "subsection", "clause", "article"}
_OF_KEYWORD = re.compile(r"[^\S\n]+of[^\S\n]+(?=(?:this|such|said|This|Such|Said)?[^\S\n]*[A-Za-z§])")
_DEFINITION = re.compile(
    r"[^\S\n]+of[^\S\n]+the[^\S\n]+(?P<proviso>proviso[^\S\n]+(?:to|in|of)[^\S\n]+the[^\S\n]+)?definition[^\S\n]+"
    r"(?:thereof|of[^\S\n]+(?:the[^\S\n]+term[^\S\n]+)?[\"“](?P<term>[^\"”\n]{1,80})[\"”])"
)
# "clause (ii)(B) thereof": a part of what the sentence cited just before.
_THEREOF = re.compile(r"[^\S\n]+(?:thereof|of[^\S\n]+such[^\S\n]+(?:Section|section|subsection|paragraph))\b")
_ABOVE = re.compile(r",?[^\S\n]+above\b")
# How far back the reference "thereof" leans on may be (characters, same sentence).
THEREOF_CHARS = 200


def _link_thereof(text: str, found: list[_Found]) -> None:
    """"subsection (g) of this Section 8, except that the date referred to in clause (ii)(B)
    thereof": the part is of the reference named just before, in the same sentence."""
    for before, f in zip(found, found[1:]):
        if f.thereof and f.start - before.end <= THEREOF_CHARS and not re.search(r"[.;]\s", text[before.end:f.start]):
            f.previous = before


def _page_number(text: str, d: re.Match) -> bool:
    """A table of contents' line: the caption, a run of spaces, the page number, then the next
    entry after another run of spaces or the end of the line ("9.10 Exhibits     24   9.11")."""
    gap = d.group(0)[: d.start("d") - d.start()]
    if "\n" in gap or len(gap) < 3:
        return False
    return bool(re.match(r"(?:[^\S\n]{2,}|[^\S\n]*(?:\n|$))", text[d.end():]))


def _caption_line(text: str, start: int, end: int) -> bool:
    """The reference alone between line breaks (or the runs of spaces a hard-wrapped file's
    joined lines leave): "Exhibit 10.11" atop an EDGAR filing, "EXHIBIT A" over an attachment."""
    before = text[max(0, start - 3):start]
    after = text[end:end + 3]
    opened = start == 0 or before.endswith("\n") or (len(before) == 3 and not before.strip())
    closed = end == len(text) or after.startswith("\n") or (len(after) == 3 and not after.strip()) or not after.strip()
    return opened and closed


# An amendment's title: "Amendment No. 1 to …", "First Amendment to Lease", "… AGREEMENT AMENDMENT NO. 1".
_AMENDMENT_TITLE = re.compile(r"\bamendment\b", re.I)
# … or the words it names itself by: "This Amendment", (this "Amendment"), "Certificate of Amendment"
# (a sublease that recites its prime lease's "Fifth Amendment" is no amendment).
_AMENDMENT_OPENING = re.compile(
    r"\b(?:this|This|THIS)\s+[\"“]?(?:AMENDMENT|Amendment)\b|\b(?:CERTIFICATE|Certificate)\s+of\s+(?:AMENDMENT|Amendment)\b"
)
# How much of the opening text may name the document an amendment (characters).
AMENDMENT_OPENING_CHARS = 2000


def _amended_agreement(found: list[_Found], ctx: "_Context") -> None:
    """In an amendment, a section cited without an instrument ("Sections 5 and 6", "such
    Section 2") is a section of the agreement being amended — the one the amendment last named
    ("Section 2 of the Non-Competition Agreement") — not the amendment's own section of that
    number. "this Section 2" and "Section 3 of this Amendment" stay the amendment's own."""
    if not (_AMENDMENT_TITLE.search(ctx.document.title or "")
            or _AMENDMENT_OPENING.search(ctx.document.clean[:AMENDMENT_OPENING_CHARS])):
        return
    named = [f for f in found if f.instrument is not None and f.instrument.kind == "document"]
    if not named:
        return
    for f in found:
        if f.instrument is not None or f.kind not in ("section", "article") or not f.designators:
            continue
        if f.demonstrative and f.demonstrative.lower() == "this":
            continue
        before = [n for n in named if n.start < f.start]
        f.instrument = (before[-1] if before else named[0]).instrument


def _after_caption(text: str, end: int) -> int:
    """Where a designator's caption ends ("4 (Confidentiality)"), or ``end`` without one."""
    caption = _CAPTION.match(text, end)
    return caption.end() if caption else end


def _act_before(text: str, start: int, ctx: "_Context") -> "tuple[_Instrument, int] | None":
    """The statute written before a section sign or "Section" ("TIA § 312(a)", "Code Section
    409A") and where its name starts: the name is part of the reference."""
    m = _ACT_BEFORE.search(text, max(0, start - 60), start)
    if m and m.group("far"):
        return _Instrument("external", _ACT_ACRONYMS[m.group("far")]), m.start("act")
    if not m:
        m = _CODE_BEFORE.search(text, max(0, start - 80), start)
        if m:
            act = " ".join(m.group("act").rstrip(", ").split())
            if "Regulations" in act or "C.F.R" in act.replace(" ", ""):
                act = "Code of Federal Regulations"
            return _Instrument("external", act), m.start("act")
        return None
    instrument = _act_named(m.group("act"), ctx)
    return (instrument, m.start("act")) if instrument is not None else None


def _act_named(act: str, ctx: "_Context") -> "_Instrument | None":
    act = " ".join(act.split())
    act = re.sub(r"^\d+\s+", "", act)  # "49 U.S.C." → "U.S.C."
    for abbreviation, name in _ACT_ABBREVIATIONS.items():
        if act.replace(" ", "") == abbreviation.replace(" ", "") or act.startswith(abbreviation):
            return _Instrument("external", name)
    named = ctx.instrument(act, "the")
    if named is not None and named.kind == "external":
        return named
    if act.split()[-1] in ("Act", "Code", "Law", "Regulations", "Regulation"):
        return _Instrument("external", act)
    return None


# "the Third Amendment (except for Schedule 1)", "the Prime Lease (including Exhibit B)": a
# reference that opens a parenthesis right after another instrument's name is a part of that one.
_PARENTHESIS_AFTER_NAME = re.compile(
    r"\b(?:the|The)\s+(?P<name>(?:[A-Z][\w'’-]*\s+){0,5}[A-Z][\w'’-]*)\s*\(\s*"
    r"(?:except(?:\s+for|\s+as\s+to)?|other\s+than|excluding|including|but\s+not|without)\s+$"
)


def _instrument_of_parenthesis(text: str, start: int, ctx: "_Context") -> "_Instrument | None":
    m = _PARENTHESIS_AFTER_NAME.search(text, max(0, start - 80), start)
    if not m:
        return None
    named = ctx.instrument(m.group("name"), "the")
    if named is None or named.kind not in ("document", "external"):
        return None
    # Even a schedule or exhibit: the parenthesis says whose it is.
    return _Instrument("external", named.name)


def _share_instruments(text: str, found: list[_Found]) -> None:
    """"Section 13 or Section 15(d) of the Exchange Act", "Article I, Rule 1-02 of Regulation S-X":
    a reference joined to the next one takes that one's outside instrument."""
    for a, b in zip(reversed(found[:-1]), reversed(found[1:])):
        if a.instrument is None and a.outer is None and b.instrument is not None and b.instrument.kind == "external":
            if re.fullmatch(r"\s*(?:,|,?\s*(?:and|or|and/or))\s*", text[a.end : b.start]):
                a.instrument = b.instrument


def _paren_ordinal(token: str) -> tuple[str, int] | None:
    """("alpha", 3) for "c", ("roman", 2) for "ii", ("digit", 4), ("ALPHA", 1) for "A"."""
    romans = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
              "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15}
    if token.isdigit():
        return ("digit", int(token))
    if token.lower() in romans and (len(token) > 1 or token.lower() in "iv"):
        return ("ROMAN" if token.isupper() else "roman", romans[token.lower()])
    if len(token) == 1 and token.isalpha():
        return ("ALPHA" if token.isupper() else "alpha", ord(token.lower()) - 96)
    return None


# How far a bare "(x)" may jump from the item before it and still continue the same list:
# "4.02(A)(c), (g) or (h)" jumps 4 letters; "3.03(c) and (y)" (22) starts a new enumeration.
MAX_SIBLING_GAP = 8


def _marker(style: str, value: int) -> str:
    """The marker ``_paren_ordinal`` reads as (style, value), without its parentheses."""
    if style == "digit":
        return str(value)
    if style in ("roman", "ROMAN"):
        return to_roman(value) if style == "roman" else to_roman(value).upper()
    return chr(96 + value) if style == "alpha" else chr(64 + value)


def _continues(previous: str, designator: str) -> bool:
    """Whether a bare "(g)" continues the list after ``previous`` ("4.02(A)(c)"): same style, a bit later."""
    if not designator.startswith("("):
        return True
    last = re.search(r"\(([^()]*)\)$", previous)
    new = re.match(r"\(([^()]*)\)", designator)
    if not last or not new:
        return False
    a, b = _paren_ordinal(last.group(1)), _paren_ordinal(new.group(1))
    if a is None or b is None:
        return False
    if a[0] != b[0]:
        # "i" is a letter or a roman one: accept either reading that fits.
        alts = {a[0], "alpha" if last.group(1) in "iv" else a[0]}
        if b[0] not in alts and not (last.group(1) in ("i", "v", "x") and b[0] == "roman"):
            return False
    return 0 < b[1] - a[1] <= MAX_SIBLING_GAP or (a[0] != b[0])


def _trim_name(name: str) -> str:
    """Drop trailing words that do not belong to a name ("the Act Section" is rare; "Act,")."""
    return name.rstrip(" ,.;")


# An indemnity or disclaimer set in capitals cites "SECTION 9.7" mid-sentence: after a word
# that cannot end a heading ("UNDER THIS", "INCLUDING, WITHOUT LIMITATION,"), within a line
# of capitals.
_CAPITALS_LEAD_IN = re.compile(
    r"(?:[A-Z]{2,}[,;]?\s+){2,}(?:THIS|SUCH|SAID|OF|IN|UNDER|TO|BY|WITH|AND|OR|PER|PURSUANT|[A-Z]{2,},)\s+$"
)


def _inside_capitals_sentence(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    return bool(_CAPITALS_LEAD_IN.search(text, max(line_start, pos - 200), pos))


def _sentence_goes_on(text: str, pos: int) -> bool:
    """"… the rights granted pursuant to" / (a page break) / "Article 2 above shall …": the line
    opens with a reference, not a heading, where the text before it stops mid-sentence (on a
    lower-case word) and a lower-case word follows the designator."""
    before = re.search(r"([A-Za-z]+)[^\S\n]*\n\s*$", text[max(0, pos - 80):pos])
    if before is None or not before.group(1).islower():
        return False
    return re.match(r"\S+[^\S\n]+\S+[^\S\n]+[a-z]", text[pos:pos + 80]) is not None


def _starts_paragraph(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    return not text[line_start:pos].strip()


def resolve(found: _Found, ctx: _Context, source_start: int) -> list[tuple[str | None, str | None, str | None]]:
    """(target label, external name, designator) per target of one reference."""
    r = rules()
    here = ctx.clause_at(source_start)
    inst = found.instrument
    if found.kind == "regulation":  # "Regulation S-X under the 1934 Act" is Regulation S-X
        return [(None, f"Regulation {found.designators[0]}", found.designators[0])]
    if found.kind == "rule":
        if inst and inst.kind == "external":
            return [(None, inst.name, ", ".join(found.designators))]
        if found.kind == "regulation":
            return [(None, f"Regulation {found.designators[0]}", found.designators[0])]
        for pattern, family in r.rule_families:
            if pattern.fullmatch(found.designators[0]):
                return [(None, family, ", ".join(found.designators))]
        return [(None, None, ", ".join(found.designators))]
    if inst and inst.kind == "external":
        return [(None, inst.name, ", ".join(found.designators))]
    if inst and inst.kind == "document" and found.kind not in ("schedule", "annex", "exhibit", "appendix"):
        return [(None, inst.name, ", ".join(found.designators))]
    if not found.designators:  # "this Section", "this subsection"
        if found.kind == "section":
            target = _section_of(here, ctx)
            return [(target.label if target else None, None, None)]
        wanted = {
            "section": {ClauseKind.SECTION},
            "article": {ClauseKind.ARTICLE},
            "subsection": {ClauseKind.SUBSECTION},
            "clause": {ClauseKind.CLAUSE, ClauseKind.SUBCLAUSE, ClauseKind.ITEM, ClauseKind.SUBSECTION},
        }[found.kind]
        target = ctx.enclosing(here, wanted)
        if target is None and found.kind == "article":
            target = _article_level(here, ctx)
        if target is None and here is not None and (found.kind == "clause" or found.kind == "subsection" and here.kind != ClauseKind.SECTION):
            target = here  # "this paragraph" in an unnumbered block
        return [(target.label if target else None, None, None)]
    base = None
    if inst and inst.kind == "relative":  # "subsections (a) and (f) of this Section"
        base = ctx.enclosing(here, {ClauseKind.ARTICLE}) if inst.name == "Article" else _section_of(here, ctx)
    elif inst and inst.kind == "within":  # "clause (d) of Section 501"
        base = ctx.by_label.get(inst.name)
    if found.outer is not None:  # "paragraph (2) of Section 301(b)"
        outer = [ctx.by_label[t] for t, _, _ in resolve(found.outer, ctx, source_start) if t in ctx.by_label]
        if not outer:
            return [(None, None, d) for d in found.designators]
        out = []
        for clause in outer:
            for target, external, designator in _designators(found, here, clause, ctx):
                if target is None and _marker_in_text(designator, clause, ctx):
                    target = clause.label  # the part is written inline, the tree has no clause for it
                out.append((target, external, designator))
        return out
    if found.definition is not None:  # "clause (A) of the definition thereof"
        term = _term_meant(found.definition[0], source_start, ctx)
        return [(_part_of_definition(d, term, found.definition[1], ctx) if term else None, None, d)
                for d in found.designators]
    if found.previous is not None:  # "clause (ii)(B) thereof"
        before = [ctx.by_label[t] for t, _, _ in resolve(found.previous, ctx, source_start) if t in ctx.by_label]
        if before:
            base = before[0]
    return _designators(found, here, base, ctx)


def _designators(found: _Found, here: Clause | None, base: Clause | None, ctx: _Context) -> list[tuple[str | None, str | None, str | None]]:
    """(target, None, designator) per designator of ``found``, the relative ones read from ``base``."""
    out: list[tuple[str | None, str | None, str | None]] = []
    previous: str | None = None
    for designator, is_range in zip(found.designators, found.range_after):
        if is_range and previous is not None:
            for label in _expand_range(previous, designator, ctx):
                out.append((label, None, designator))
        if designator.startswith("(") and previous and not previous.startswith("(") and re.search(r"\([^()]*\)$", previous):
            # "Section 4.02(A)(c), (g) or (h)": (g) replaces the last part of 4.02(A)(c).
            full = re.sub(r"\([^()]*\)$", designator, previous)
            target = _absolute(full, found.kind, ctx, here)
            previous = full
        else:
            target = _label_for(designator, found.kind, here, base, ctx)
            if target is None and base is None and designator.startswith("("):
                target = _inline_part(designator, found, here, ctx)
            previous = designator
        if is_range and out and out[-1][0] and target:
            # "clauses (a) through (h) of Section 9.3": the parts between the two ends.
            for label in _expand_part_range(out[-1][0], target, ctx):
                out.append((label, None, designator))
        if not (is_range and out):
            out.append((target, None, designator))
        elif target and all(t != target for t, _, _ in out):
            out.append((target, None, designator))
    return out


def _expand_part_range(first: str, last: str, ctx: _Context) -> list[str]:
    """9.3(a) … 9.3(h) → 9.3(b) … 9.3(g), those the document has (letters, romans or digits)."""
    a = re.fullmatch(r"(?P<p>.*)\((?P<n>[^()]+)\)", first)
    b = re.fullmatch(r"(?P<p>.*)\((?P<n>[^()]+)\)", last)
    if not a or not b or a.group("p") != b.group("p"):
        return []
    lo, hi = _paren_ordinal(a.group("n")), _paren_ordinal(b.group("n"))
    if lo is None or hi is None or lo[0] != hi[0] or not 0 < hi[1] - lo[1] <= MAX_RANGE:
        return []
    out = []
    for value in range(lo[1] + 1, hi[1]):
        label = f"{a.group('p')}({_marker(lo[0], value)})"
        if label in ctx.by_label:
            out.append(label)
    return out


# A section's own label: "8", "4.02", "101" (not "8(c)", not "Annex I, i").
_SECTION_LABEL = re.compile(r"\d+(?:\.\d+)*[A-Za-z]?")


def _section_of(here: Clause | None, ctx: _Context) -> Clause | None:
    """The section "this Section" means: the innermost numbered section around ``here``."""
    for clause in ctx.ancestors(here):
        if _SECTION_LABEL.fullmatch(_local(clause.label)):  # "2", or "Exhibit A, 2" in an exhibit
            return clause
    return ctx.enclosing(here, {ClauseKind.SECTION})


def _local(label: str) -> str:
    """A label without its attachment's name: "Exhibit A, 2(G)" → "2(G)"."""
    return label.split(", ", 1)[1] if ", " in label else label


def _article_level(here: Clause | None, ctx: _Context) -> Clause | None:
    """"this Article" in a document that has no articles (a lease whose top-level parts are
    "25.", "26."): the top-level numbered part around ``here`` — the level articles hold
    elsewhere, as "Article 30" of such a lease is its part 30 (``_absolute``). Inside an
    attachment, the attachment's top-level part."""
    if any(c.kind is ClauseKind.ARTICLE for c in ctx.document.clauses):
        return None
    chain = list(ctx.ancestors(here))
    attachment = ctx.attachment_of(here)
    for clause in chain:
        top = clause.parent is None or (attachment is not None and clause.parent == attachment.label)
        if top and clause is not attachment:
            return clause if _SECTION_LABEL.fullmatch(_local(clause.label)) or re.fullmatch(r"[IVXLC]+", _local(clause.label)) else None
    return None


def _label_for(designator: str, kind: str, here: Clause | None, base: Clause | None, ctx: _Context) -> str | None:
    if designator.startswith("("):
        return _relative(designator, kind, here, base, ctx)
    if kind == "clause" and designator.isdigit():
        # "paragraph 4" where the section around it (or the one cited after "of") numbers its
        # rows 1., 2., …: that row, labelled "6.1.1(4)" — only a row written "4." (an item
        # written "(4)" is cited "(4)"). A part cited "of" a clause stays in it.
        row = _relative(f"({designator})", kind, here, base, ctx)
        if row is not None and not ctx.clean_text(ctx.by_label[row]).lstrip().startswith(f"{designator}."):
            row = None
        if row is not None or base is not None:
            return row
    return _absolute(designator, kind, ctx, here)


def _written_forms(designator: str) -> list[str]:
    """The labels a designator may stand for, as CONVENTIONS.md writes them: "5.3.a" → 5.3(a),
    "I.C." → I(C), "Two" → 2, "Eighteen" → 18, '"C"' → C."""
    d = designator.strip("\"“”").rstrip(".")
    if re.fullmatch(_OCR_NUMBER, d):
        d = "1" + re.sub(r"\s", "", d[1:])
    forms = [d]
    glued = re.fullmatch(r"(?P<head>\d+(?:\.\d+)*|[IVXLC]+)\.(?P<part>[A-Za-z])(?P<rest>(?:\([^()]*\))*)", d)
    if glued:
        forms.append(f"{glued.group('head')}({glued.group('part')}){glued.group('rest')}")
    words = d.lower().replace("-", " ").split()
    if words and all(w in NUMBER_WORDS for w in words):
        number = sum(NUMBER_WORDS[w] for w in words)
        forms.append(str(number))
    return list(dict.fromkeys(forms))


def _absolute(designator: str, kind: str, ctx: _Context, here: Clause | None = None) -> str | None:
    labels = ctx.by_label
    # Inside an attachment its own parts come first: "Section 3(a)" in a form of support
    # agreement attached as Exhibit A is that exhibit's 3(a) (CONVENTIONS: "Exhibit A, 3(a)").
    attachment = ctx.attachment_of(here)
    forms = _written_forms(designator)
    if kind in ("schedule", "annex", "exhibit", "appendix"):
        label = f"{kind.title()} {forms[0]}"
        return label if label in labels else None
    candidates: list[str] = []
    if kind == "article":
        for d in forms:
            candidates.append(f"Article {d}")
            roman = roman_value(d)
            if roman:
                candidates.append(f"Article {roman}")
            if d.isdigit():
                candidates.append(f"Article {to_roman(int(d)).upper()}")
        # "Article 30" of a lease whose top-level parts are plain numbers: that part.
        candidates += [d for d in forms if d in labels and labels[d].parent is None]
    else:
        candidates += forms
        # "Paragraph I" where the document numbers its paragraphs 1, 2, 3 and none in roman
        # numerals: paragraph 1 (a roman one, or OCR's "I" for "1").
        if not ctx.roman_top_level:
            candidates += [str(roman_value(d)) for d in forms if roman_value(d) and str(roman_value(d)) in labels
                           and labels[str(roman_value(d))].parent is None]
        # "Section 8" where the document numbers its articles 8 (and their sections 8.1 …).
        # Not "paragraph 4" or "subsection 4": no drafter calls an article that.
        if kind == "section":
            candidates += [f"Article {d}" for d in forms if re.fullmatch(r"\d+|[IVXLC]+", d)]
    if attachment is not None:
        local = [f"{attachment.label}, {c}" for c in candidates if not c.startswith("Article ")]
        found = next((c for c in local if c in labels), None)
        if found:
            return found
    return next((c for c in candidates if c in labels), None)


def _relative(designator: str, kind: str, here: Clause | None, base: Clause | None, ctx: _Context) -> str | None:
    """"(a)" from inside 8(c) is 8(a); "(i)" from inside 8(d)(ii) is 8(d)(i); "(d)" from 8(d)(ii) is 8(d)."""
    labels = ctx.by_label
    if base is not None:
        starts = [base]
    elif kind == "subsection":
        section = ctx.enclosing(here, {ClauseKind.SECTION})
        starts = ([section] if section else []) + list(ctx.ancestors(here))
    else:
        starts = list(ctx.ancestors(here))
    chain = list(ctx.ancestors(here))
    for clause in starts:
        for candidate in (f"{clause.label}{designator}", f"{clause.label}, {designator}"):
            if candidate in labels:
                return _same_list(candidate, clause, chain, ctx)
        # The clause itself: "this subsection (d)" inside 8(d)(ii) is 8(d).
        if unrepeated(clause.label).endswith(designator):
            return clause.label
        # A list that starts again: "(A)" under "1.01(4) [2]" is labelled "1.01(4)(A)".
        child = _same_list(f"{unrepeated(clause.label)}{designator}", clause, chain, ctx)
        if child in labels and labels[child].parent == clause.label:
            return child
    if base is not None:
        # "subclause (B) of clause (1) of this Section": the part of the section with that path.
        return _descendant(base, designator, chain, ctx)
    if designator in labels and labels[designator].parent is None:
        return designator  # a letter agreement's top-level "(j)", cited from an unnumbered paragraph
    return None


def _same_list(label: str, parent: Clause, chain: list[Clause], ctx: _Context) -> str:
    """Of the children of ``parent`` labelled ``label`` or ``label [n]``, the one in the list
    the reference sits in — the nearest in reading order to the reference's own item, for a
    list is one stretch of text (its items' suffixes need not agree: "(ii) [2]", "(iii)") —
    else the one labelled ``label``."""
    variants = [c for c in ctx.children.get(parent.label, ()) if unrepeated(c.label) == label]
    if len(variants) < 2:
        return variants[0].label if variants else label
    mine = next((c for c in chain if c.parent == parent.label), None)
    if mine is not None:
        return min(variants, key=lambda c: abs(c.start - mine.start)).label
    return label


def _descendant(base: Clause, path: str, chain: list[Clause], ctx: _Context) -> str | None:
    """The part of ``base`` whose label ends with ``path`` ("(1)" of 401 is 401(a)(1)): the
    shallowest such; of several at that depth the one around the reference, else none."""
    found = [c for c in ctx.descendants(base) if unrepeated(c.label).endswith(path)]
    if not found:
        return None
    depth = min(c.label.count("(") for c in found)
    found = [c for c in found if c.label.count("(") == depth]
    if len(found) == 1:
        return found[0].label
    around = [c for c in found if any(a.label == c.label or a.parent == c.label for a in chain)
              or any(_is_within(a, c, ctx) for a in chain)]
    return around[0].label if len(around) == 1 else None


def _is_within(clause: Clause, ancestor: Clause, ctx: _Context) -> bool:
    return any(a.label == ancestor.label for a in ctx.ancestors(clause))


def _marker_in_text(designator: str, clause: Clause, ctx: _Context) -> bool:
    """Whether ``clause``'s own words enumerate the first part of ``designator`` inline, with
    the item before it (or after it, for a first item): "(2)" in "… (1) the title …; (2) any limit …"."""
    marker = re.match(r"\(([^()]+)\)", designator)
    if not marker:
        return False
    text = ctx.clean_text(clause)
    return _enumerated(marker.group(1), text, len(text))


# Words before "(b)" that make it a citation, not an item: "clause (b)", "in (b) above". ("and
# (iii)" ends a list as often as it continues a citation: the item before it decides.)
_CITING_WORDS = {"clause", "clauses", "subclause", "subclauses", "paragraph", "paragraphs", "subparagraph",
                 "subparagraphs", "subsection", "subsections", "section", "sections", "item", "items",
                 "through", "to", "of", "in", "article", "articles"}


def _enumerated(marker: str, text: str, limit: int) -> bool:
    """Whether ``text[:limit]`` holds "(marker)" as an item of an inline list (within a line of
    running text), with its neighbour in sequence ("(ii)" before "(iii)"; "(b)" after a first "(a)")."""
    def items(value: str, lo: int = 0, hi: int | None = None) -> list[int]:
        out = []
        for m in re.finditer(r"(?<![\w)])\(" + re.escape(value) + r"\)(?=\s)", text[:hi if hi is not None else limit]):
            if m.start() < lo:
                continue
            word = re.search(r"([A-Za-z]+)\W*$", text[max(0, m.start() - 30):m.start()])
            if word and word.group(1).lower() in _CITING_WORDS:
                continue
            if not text[text.rfind("\n", 0, m.start()) + 1:m.start()].strip():
                # An item that opens its line belongs to a list the tree should hold (or one the
                # file has put out of place, whose words sit under another clause): not inline.
                return []
            out.append(m.start())
        return out
    ordinal = _paren_ordinal(marker)
    if ordinal is None:
        return False
    own = items(marker)
    if not own:
        return False
    style, value = ordinal
    if value > 1:
        before = items(_marker(style, value - 1))
        return any(b < own[-1] for b in before)
    after = items(_marker(style, 2), own[0], len(text))
    return bool(after)


def _inline_part(designator: str, found: _Found, here: Clause | None, ctx: _Context) -> str | None:
    """"this clause (iii)" in a recital whose words enumerate (i) … (iii) inline, "Clause (A) or
    (B) above" in a clause that listed (A) and (B) earlier: the innermost clause around the
    reference whose words before it hold that item (the tree gives the items no clauses)."""
    if not (found.above or (found.demonstrative or "").lower() == "this"):
        return None
    marker = re.fullmatch(r"\(([^()]+)\)", designator)
    if not marker:
        return None
    at = found.start  # clean offset of the reference
    for clause in ctx.ancestors(here):
        lo = ctx.clean_index(clause.start)
        if _enumerated(marker.group(1), ctx.document.clean[lo:at], at - lo):
            return clause.label
    return None


def _term_meant(name: str | None, source_start: int, ctx: _Context) -> Term | None:
    """The term "the definition of “Outstanding”" names, or for "the definition thereof" the
    term used last before the reference, in the same sentence."""
    if name:
        key = " ".join(name.split()).casefold()
        return next((t for t in ctx.terms if " ".join(t.term.split()).casefold() == key), None)
    best: tuple[int, Term] | None = None
    for t in ctx.terms:
        for span in ((t.start, t.end), *((u.start, u.end) for u in t.uses)):
            if span[1] <= source_start and (best is None or span[1] > best[0]):
                best = (span[1], t)
    if best is None or source_start - best[0] > THEREOF_CHARS:
        return None
    between = ctx.document.source[best[0]:source_start]
    return best[1] if not re.search(r"[.;]\s", between) else None


def _part_of_definition(designator: str, term: Term, proviso: bool, ctx: _Context) -> str | None:
    """The part ``designator`` of ``term``'s definition: of a definition that follows the term
    ("“Outstanding” means … except: (a) …; provided, however, that (i) …; (ii) …") the first such
    part after it (after the proviso's "provided" for "clause (ii) of the proviso to the
    definition"), before the next term defined there; of one the term closes ("(A) …; (B) …
    (any action described in this clause (i) being referred to as a “Change”)") the nearest
    such part before it, within the section."""
    home = ctx.by_label.get(term.defined_in)
    if home is None:
        return None
    closes = term.definition_end <= term.start
    if closes and proviso:
        return None
    lo = term.start
    if proviso:
        m = re.search(r"\bprovided\b", ctx.document.clean[ctx.clean_index(term.start):ctx.clean_index(home.end)])
        if not m:
            return None
        lo = ctx.document.clean_offsets[ctx.clean_index(term.start) + m.start()]
    nxt = [t.start for t in ctx.terms if t.defined_in == term.defined_in and t.start > term.start]
    for scope in ctx.ancestors(home):
        parts = [c for c in ctx.descendants(scope) if unrepeated(c.label).endswith(designator)]
        if closes:
            before = [c for c in parts if c.start < term.start]
            if before:
                return max(before, key=lambda c: c.start).label
        else:
            hi = min(nxt + [scope.end])
            after = [c for c in parts if lo <= c.start < hi]
            if after:
                return min(after, key=lambda c: c.start).label
        if _SECTION_LABEL.fullmatch(_local(scope.label)):
            break  # a definition does not reach beyond its section
    return None


def _expand_range(first: str, last: str, ctx: _Context) -> list[str]:
    """"Sections 5 through 8" → 6, 7 (the ends are added by the caller); dotted: 2.01 through 2.05."""
    a = re.fullmatch(r"(?P<p>(?:\d+\.)*)(?P<n>\d+)", first)
    b = re.fullmatch(r"(?P<p>(?:\d+\.)*)(?P<n>\d+)", last)
    if not a or not b or a.group("p") != b.group("p"):
        return []
    lo, hi = int(a.group("n")), int(b.group("n"))
    if not 0 < hi - lo <= MAX_RANGE:
        return []
    width = len(a.group("n"))
    out = []
    for n in range(lo + 1, hi):
        label = f"{a.group('p')}{str(n).zfill(width)}"
        if label in ctx.by_label:
            out.append(label)
    return out


def tag_references(document: Document, terms: list[Term]) -> list[Reference]:
    """Every cross-reference of ``document``: one record per (reference, target)."""
    ctx = _Context(document, terms)
    records: list[Reference] = []
    starts = {c.start for c in document.clauses}
    for f in find_references(document.clean, ctx):
        s, e = document.source_span(f.start, f.end)
        if s in starts and not f.demonstrative:
            continue  # "Article 2  Grant of Rights" where Article 2 begins: its heading, not a reference
        here = ctx.clause_at(s)
        source = here.label if here else "preamble"
        seen = set()
        for target, external, designator in resolve(f, ctx, s):
            if (target, external) in seen:
                continue
            seen.add((target, external))
            records.append(
                Reference(
                    doc=document.doc_id,
                    source=source,
                    text=document.source[s:e],
                    start=s,
                    end=e,
                    target=target,
                    target_doc=document.doc_id if target else None,
                    external=external,
                    designator=designator,
                    kind=f.kind,
                )
            )
    records += _preamble_references(document, ctx)
    return sorted(records, key=lambda r: (r.start, r.end))


# "set forth in the preamble", "the first recital", "the first paragraph of this instrument":
# the part before the first numbered clause (CONVENTIONS: the preamble holds the recitals).
_PREAMBLE_REF = compile_for_scanning(
    r"\b(?:the|this)\s+(?:preamble|recitals|first\s+recital|introductory\s+paragraph|"
    r"first\s+paragraph\s+of\s+this\s+(?:instrument|[A-Z][a-z]+))(?![\w-])"
)


def _preamble_references(document: Document, ctx: _Context) -> list[Reference]:
    if "preamble" not in ctx.by_label:
        return []
    out = []
    for m in _PREAMBLE_REF.finditer(document.clean):
        s, e = document.source_span(m.start(), m.end())
        here = ctx.clause_at(s)
        out.append(Reference(doc=document.doc_id, source=here.label if here else "preamble",
                             text=document.source[s:e], start=s, end=e, target="preamble",
                             target_doc=document.doc_id, external=None, designator=None, kind="preamble"))
    return out


class ReferenceComponent:
    """spaCy component: cross-references into ``RESULTS["references"]`` and span group cg_refs."""

    def __init__(self, nlp, name: str):
        self.name = name
        rules()  # compile once; a bad pattern file fails here, not mid-build

    family = "references"

    def records(self, document: Document, results: dict) -> list[Reference]:
        """The records alone, from the Document and the earlier families' records (no Doc needed)."""
        return tag_references(document, results.get("terms", []))

    def __call__(self, doc: Doc) -> Doc:
        document: Document = doc.user_data[CONTEXT]
        refs = self.records(document, doc.user_data[RESULTS])
        doc.user_data[RESULTS][self.family] = refs
        doc.spans[SPAN_GROUP] = span_group(doc, document, refs, lambda r: r.kind.upper())
        return doc


__all__ = ["ReferenceComponent", "tag_references"]
