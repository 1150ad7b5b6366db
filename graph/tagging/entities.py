"""Organisations and people a document names, with their kind, roles and party flag.

Rules only (``spacy.blank("en")``), from patterns in ``patterns/entities.jsonl``:

- organisation names ending in a corporate suffix ("Banc of America Securities LLC",
  "THE HARTFORD FINANCIAL SERVICES GROUP, INC."), law firms ("Davis Polk & Wardwell, counsel
  for ..."), known regulators, exchanges and depositories with their abbreviations (SEC, NYSE,
  DTC), the rows of an underwriters' table in a schedule;
- people: signature blocks ("By: /s/ Name", "Name:", "Title:"), "Name, Esq.", names with a
  middle initial, the list after "appoint" in a power of attorney, "Chairman and CEO Name";
- aliases: a defined term that names an entity (``... Inc., a Delaware corporation (the
  "COMPANY")``) and every later use of it; short forms ("The Hartford", "CNA");
- roles from context: counsel for X, independent accountants, "as Trustee", signing "As
  Representatives", the underwriters' schedule, principal and attorneys-in-fact.

Every mention carries what this document says about its entity (name, kind, roles, party);
``resolve.resolve_entities`` merges them across documents into :class:`Entity` records.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING
from dataclasses import dataclass, field
from functools import lru_cache

if TYPE_CHECKING:  # spaCy is imported only where a Doc is made (tag_document needs none)
    from spacy.tokens import Doc

from .rules import PATTERN_DIR, compile_for_scanning, literal_alternatives, not_after, read_rows
from ..model import ClauseKind, Document, DocumentKind, EntityKind, Mention
from .spangroups import span_group
from .pipeline_keys import CONTEXT, RESULTS


# How far after a name we look for its role ("..., counsel for the Underwriters"): characters.
ROLE_CONTEXT_CHARS = 120
# How far a defined term's parenthesis may sit after the name it defines:
# 'The Hartford Financial Services Group, Inc., a Delaware corporation (the "COMPANY")'.
TERM_GAP_CHARS = 90
# Roles that make an entity a party to the document it is named in.
PARTY_ROLES = {"underwriter", "representative", "principal", "attorney-in-fact", "borrower", "lender"}
ATTORNEY_ROLE = "attorney-in-fact"


def load_patterns(name: str) -> list[dict]:
    """Rows of ``patterns/NAME.jsonl``."""
    return read_rows(PATTERN_DIR / name)


def normalise_name(name: str) -> str:
    """A stable key for a name: case, punctuation, '&'/'and' and a leading 'The' ignored.

    'THE HARTFORD FINANCIAL\\nSERVICES GROUP, INC.' -> 'hartford-financial-services-group-inc'
    """
    text = name.lower().replace("&", " and ")
    text = re.sub(r",?\s+esq\.?$", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^the\s+", "", text)
    return "-".join(text.split())


def collapse(text: str) -> str:
    return " ".join(text.split())


# --- compiled rules ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rules:
    org: re.Pattern
    known: tuple[tuple[re.Pattern, dict], ...]
    abbreviations: dict[str, dict]
    abbreviation_re: re.Pattern | None
    role_terms: dict[str, dict]
    role_contexts: tuple[tuple[re.Pattern, str], ...]
    title_phrase: re.Pattern
    not_name_start: frozenset[str]
    not_person_start: frozenset[str]
    generic: frozenset[str]


_CAP = r"(?:[A-Z][^\W_'’\-]*(?:['’\-][^\W_]*)*(?:&[A-Za-z0-9]+)*|[A-Z]\.|U\.S\.)"
# "(?<![\w&.])" + _CAP where a pattern starts, with its first letter taken out in front: the same
# matches, but a pattern that starts with a letter lets re skip to the capitals instead of trying
# every position (see rules.not_after).
_FIRST_CAP = r"[A-Z](?<![\w&.][A-Z])(?:[^\W_'’\-]*(?:['’\-][^\W_]*)*(?:&[A-Za-z0-9]+)*|\.|(?<=U)\.S\.)"
_LINK = r"(?:of|and|&|for|de|du|la|von|van)"
# A space, or one line break (names wrap in signature blocks); a longer run of spaces is the gap
# between two columns ("Acme Technology        Bolt Soar" side by side above two signatures).
_GAP = r"(?:[ \t]{1,3}|[ \t]*\n[ \t]*)"
_PERSON_MI = re.compile(
    r"(?P<name>[A-Z](?<![\w&.][A-Z])[a-z]+(?:[ ][A-Z][a-z]+)?[ ](?:[A-Z]\.[ ]?){1,2}[ ]?"
    r"[A-Z][a-zA-Z'’\-]+(?:,[ ](?:Jr\.|Sr\.|II|III|IV)(?![A-Za-z]))?)(?![\w&])"
)
_SIGNED_NAME = r"[A-Z][A-Za-z.'’\-]*(?:[ ]+[A-Z][A-Za-z.'’\-]*){1,4}(?:,[ ]*(?:Jr\.|Sr\.|II|III|IV))?"
_SIG_S = compile_for_scanning(r"(?P<by>By:[ \t]*)?/s/[ \t]*(?P<name>" + _SIGNED_NAME + r")[ \t]*$", re.M)
_SIG_NAME = re.compile(r"^[ \t]*Name:[ \t]*(?P<name>" + _SIGNED_NAME + r")[ \t]*$", re.M)
_SIG_TITLE = re.compile(r"^[ \t]*Title:[ \t]*(?P<title>[^\n]+?)[ \t]*$", re.M)
_ESQ = re.compile(r"(?P<name>" + _SIGNED_NAME + r"),[ ]Esq\.")
_APPOINT = compile_for_scanning(r"\b(?:appoint|appoints)\s+(?:each\s+of\s+)?", re.I)
_LIST_NAME = re.compile(r"^(?:[A-Z][a-z'’\-]+|[A-Z]\.)(?:[ ](?:[A-Z][a-z'’\-]+|[A-Z]\.)){1,3}(?:,[ ](?:Jr\.|Sr\.|II|III|IV))?$")
_PLAIN_PERSON = r"(?P<name>[A-Z][a-z]+(?:[ ][A-Z]\.)?[ ][A-Z][a-z'’\-]+)(?![\w&])"
_LAW_FIRM = re.compile(
    r"(?P<name>[A-Z](?<![\w&][A-Z])[A-Za-z'’\-]+(?:[ ][A-Z][A-Za-z'’\-]+)*[ ]&[ ][A-Z][A-Za-z'’\-]+"
    r"(?:[ ](?:LLP|L\.L\.P\.|LLC))?)(?=,?\s+(?:as\s+)?(?:special\s+|general\s+)?counsel\b|,?\s+LLP)"
)
_DIVISION = re.compile(r"(?P<alias>" + _CAP + r"(?:[ ]" + _CAP + r"){0,5}),[ ]a[ ]division[ ]of[ ]$")
_AS_ROLE = re.compile(
    r"(?P<name>" + _FIRST_CAP + r"(?:" + _GAP + r"(?:" + _CAP + "|" + _LINK + r")){0,6}),\s+as\s+"
    r"(?:(?:Administrative|Collateral|Syndication|Documentation|Paying|Escrow|Transfer|Indenture)\s+)?"
    r"(?:Trustee|Agent|Registrar|Depositary|Custodian)\b"
)
# Words for a company's instruments, not for organisations: "Stock Option Plan of AMETEK, Inc.",
# "Certificate of Incorporation of X Corp.".
INSTRUMENT_OF = re.compile(
    r"\b(?:Plan|Plans|Program|Agreement|Indenture|Certificate|Articles|Bylaws|By-laws|Charter|Policy|Notes?|Debentures|Stock|Shares)\s+of\s+(?:the\s+)?(?=[A-Z])"
)
_MORE_SUFFIX = re.compile(
    r",?[ ](?:N\.A\.|National Association|Inc\.|LLC|L\.P\.|Limited|LIMITED|Ltd\.|LTD\.)(?![\w&])"
)  # "Trust Company, N.A.", "COMPANY LIMITED"
# "Life Insurance Company of Delaware", "Trust Company of New York": a company named by its State.
_STATES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|"
    "Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|"
    "Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|"
    "North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|"
    "Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|America|North America|Canada"
).replace(" ", "[ ]")
_OF_STATE = re.compile(r"[ ]of[ ](?:the[ ]State[ ]of[ ])?(?:" + _STATES + r")(?![\w&])(?![ ][A-Z][a-z])")
_OF_STATE_CAPS = re.compile(r"[ ]OF[ ](?:THE[ ]STATE[ ]OF[ ])?(?:" + _STATES.upper() + r")(?![\w&])(?![ ][A-Z])")
_TABLE_ROW = re.compile(r"^(?P<name>\S.*?\S)[ \t]{2,}\$?[\d,]+(?:\.\d+)?[ \t]*$")
_TERM_FALLBACK = re.compile(r"\(\s*(?:the|each,?\s+an?|collectively,?\s+the|an?)?\s*[\"“](?P<term>[^\"”\n]{1,60})[\"”]\s*\)")
_TERM_GAP = re.compile(
    r"^(?:\s*\([^()]{0,40}\))?(?:,?\s+(?:an?|the)\s[^()\";]{0,70}?|,?\s+as\s+[A-Z][^()\";]{0,40}?)?,?\s*"
    r"\(\s*(?:the|each,?\s+an?|collectively,?\s+the|an?|hereinafter(?:\s+called)?(?:\s+the)?)?\s*[\"“]$"
)


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    rows = load_patterns("entities.jsonl")
    suffixes = [r["pattern"] for r in rows if r["label"] == "org_suffix"]
    forms = sorted({s for s in suffixes} | {s.upper() for s in suffixes}, key=len, reverse=True)
    suffix = "(?:" + "|".join(re.escape(s) for s in forms) + ")"
    org = re.compile(
        r"(?P<name>" + _FIRST_CAP + r"(?:" + _GAP + r"(?:" + _CAP + "|" + _LINK + r")){0,8}?,?"
        + _GAP + suffix + r")(?![\w&])(?![ \t]+[A-Z][a-z])"
    )
    known = []
    abbreviations: dict[str, dict] = {}
    for r in rows:
        if r["label"] != "known_body":
            continue
        name = r["pattern"]
        body = re.escape(name[4:] if name.startswith("The ") else name).replace(r"\ ", r"\s+")
        # (?<![\w&])(?:The\s+|THE\s+)?(?:BODY|BODY IN CAPITALS)(?![\w&]), with the optional lead
        # spelt out so that each alternative starts with a letter (not_after).
        bodies = "(?:" + body + "|" + body.upper() + ")"
        alternatives = [r"The\s+" + bodies, r"THE\s+" + bodies] if name.startswith("The ") else []
        known.append((re.compile(not_after(r"[\w&]", alternatives + [body, body.upper()]) + r"(?![\w&])"), r))
        for abbreviation in r.get("abbreviations", []):
            abbreviations[abbreviation] = r
    abbreviation_re = (
        re.compile(not_after(r"[\w&/]", [re.escape(a) for a in sorted(abbreviations, key=len, reverse=True)]) + r"(?![\w&])")
        if abbreviations else None
    )
    title_words = next(r["pattern"] for r in rows if r["label"] == "title_words")
    word = r"(?:" + title_words + r")\b"
    title_phrase = re.compile(word + r"(?:[ ]+(?:and[ ]+|&[ ]+)?" + word + r")*")
    return _Rules(
        org=org,
        known=tuple(known),
        abbreviations=abbreviations,
        abbreviation_re=abbreviation_re,
        role_terms={r["pattern"].lower(): r for r in rows if r["label"] == "role_term"},
        role_contexts=tuple((re.compile(r["pattern"]), r["role"]) for r in rows if r["label"] == "role_context"),
        title_phrase=title_phrase,
        not_name_start=frozenset(next(r["pattern"] for r in rows if r["label"] == "not_name_start").split("|")),
        not_person_start=frozenset(next(r["pattern"] for r in rows if r["label"] == "not_person_start").split("|")),
        generic=frozenset(next(r["pattern"] for r in rows if r["label"] == "generic_word").split("|")),
    )


# --- working records -------------------------------------------------------------------------


@dataclass
class _Found:
    """A candidate mention in clean-text offsets, before the document-level merge."""

    start: int
    end: int
    name: str  # the full name it stands for (for aliases: filled in later)
    kind: EntityKind
    form: str = "name"
    roles: set[str] = field(default_factory=set)
    party: bool = False
    titles: list[str] = field(default_factory=list)
    priority: int = 0  # wins ties between candidates with the same span
    key: str = ""


@dataclass
class _Local:
    """One entity as this document describes it."""

    key: str
    names: list[str]
    kind: EntityKind
    roles: list[str] = field(default_factory=list)
    party: bool = False
    titles: list[str] = field(default_factory=list)
    _name: tuple[int, str] | None = field(default=None, repr=False, compare=False)

    def add_role(self, role: str) -> None:
        if role and role not in self.roles:
            self.roles.append(role)

    @property
    def name(self) -> str:
        # The fullest mixed-case spelling this document uses ("Banc One Capital Markets, Inc."
        # over "BANC ONE CAPITAL MARKETS, INC."); the first one on a tie.
        # Asked once per mention: computed again only when a spelling was added since.
        if self._name is not None and self._name[0] == len(self.names):
            return self._name[1]
        counts: dict[str, int] = {}
        first: dict[str, int] = {}
        for i, n in enumerate(self.names):
            counts[n] = counts.get(n, 0) + 1
            first.setdefault(n, i)
        best = max(counts, key=lambda n: (n != n.upper(), counts[n], -first[n]))
        self._name = (len(self.names), best)
        return best


class EntityComponent:
    """Finds entity mentions and stores them in ``doc.user_data[RESULTS]["mentions"]``."""

    def __init__(self, nlp, name: str):
        self.name = name
        self.rules = _rules()

    family = "mentions"

    def records(self, document: Document, results: dict) -> list[Mention]:
        """The records alone, from the Document and the earlier families' records (no Doc needed)."""
        return find_mentions(document, results.get("terms") or [], self.rules)

    def __call__(self, doc: Doc) -> Doc:
        document: Document = doc.user_data[CONTEXT]
        mentions = self.records(document, doc.user_data[RESULTS])
        doc.user_data[RESULTS][self.family] = mentions
        doc.spans["cg_mentions"] = span_group(doc, document, mentions, lambda m: m.entity)
        return doc


def _clean_index(document: Document, source_offset: int) -> int:
    """The clean-text index whose source offset is the last one <= ``source_offset``."""
    return max(0, bisect.bisect_right(document.clean_offsets, source_offset) - 1)


# --- the finder --------------------------------------------------------------------------------


def find_mentions(document: Document, terms=(), rules: _Rules | None = None) -> list[Mention]:
    """Every mention of an organisation or person in ``document`` (reading order)."""
    rules = rules or _rules()
    text = document.clean
    found: list[_Found] = []
    found += _known_bodies(text, rules)
    found += _not_defined_terms(_within_one_column(document, _organisations(text, rules)), terms, text)
    found += _law_firms(text)
    found += _underwriter_tables(document)
    found += _people(text, rules, document.kind)
    found = _without_overlaps(found)
    found = _not_descriptions(document, text, found)
    _context_roles(text, found, rules)

    local = _local_entities(found)
    found += _short_forms(text, found, local)
    found = _without_overlaps(found)
    found += _signature_roles(document, found, local)
    found += _term_aliases(document, text, found, local, terms, rules)
    found = _without_overlaps(found)

    for item in found:
        entity = local[item.key]
        for role in sorted(item.roles):
            entity.add_role(role)
        entity.party = entity.party or item.party
        for title in item.titles:
            if title not in entity.titles:
                entity.titles.append(title)
    for entity in local.values():
        for title in entity.titles:  # a person's titles are roles too ("general counsel")
            entity.add_role(title)
        if PARTY_ROLES.intersection(entity.roles):
            entity.party = True

    mentions = []
    for item in sorted(found, key=lambda f: f.start):
        entity = local[item.key]
        start, end = document.source_span(item.start, item.end)
        clause = document.clause_at(start)
        mentions.append(
            Mention(
                entity=entity.key,
                doc=document.doc_id,
                clause=clause.label if clause else "",
                start=start,
                end=end,
                text=document.source[start:end],
                name=entity.name,
                kind=entity.kind,
                roles=tuple(entity.roles),
                party=entity.party,
                titles=tuple(entity.titles),
                form=item.form,
            )
        )
    return mentions


def _known_bodies(text: str, rules: _Rules) -> list[_Found]:
    found = []
    for pattern, row in rules.known:
        for m in pattern.finditer(text):
            found.append(_Found(m.start(), m.end(), row["pattern"], EntityKind(row["kind"]), roles={row["role"]}, priority=3))
    if rules.abbreviation_re:
        for m in rules.abbreviation_re.finditer(text):
            row = rules.abbreviations[m.group()]
            found.append(
                _Found(m.start(), m.end(), row["pattern"], EntityKind(row["kind"]), form="abbreviation", roles={row["role"]}, priority=3)
            )
    return found


# Two names side by side above two signatures are a column gap apart in the source, a space
# apart once the text is cleaned: "Acme Technology        Bolt Soar\nSystems, Inc.".
_COLUMN_GAP = re.compile(r"(?<=\S)[^\S\n]{4,}(?=\S)")  # not a wrapped line's indent


def _within_one_column(document: Document, found: list[_Found]) -> list[_Found]:
    """Drop names that run across a column gap (the name on the right is found on its own)."""
    kept = []
    for f in found:
        start, end = document.source_span(f.start, f.end)
        if not _COLUMN_GAP.search(document.source, start, end):
            kept.append(f)
    return kept


def _organisations(text: str, rules: _Rules) -> list[_Found]:
    found = []
    for m in rules.org.finditer(text):
        cleaned = _clean_org_name(m.start("name"), m.group("name"), rules)
        if cleaned is None:
            continue
        start, name = cleaned
        more = _MORE_SUFFIX.match(text, start + len(name))  # "Trust Company, N.A."
        if more:
            name = text[start:more.end()]
        state = (_OF_STATE.match(text, start + len(name)) if re.search(r"\b(?:Company|Corporation)$", name)
                 else _OF_STATE_CAPS.match(text, start + len(name)) if re.search(r"\b(?:COMPANY|CORPORATION)$", name)
                 else None)
        if state:
            name = text[start:state.end()]
        found.append(_Found(start, start + len(name), collapse(name), EntityKind.ORGANIZATION, priority=1))
        division = _DIVISION.search(text, max(0, start - 80), start)
        if division:
            found[-1].start = division.start("alias")
            found[-1].name = collapse(text[division.start("alias"):start + len(name)])
    # Names without a suffix, given a role: "JP Morgan Chase, as Trustee (the "TRUSTEE")".
    for m in _AS_ROLE.finditer(text):
        cleaned = _clean_org_name(m.start("name"), m.group("name"), rules, suffix=False)
        if cleaned:
            start, name = cleaned
            found.append(_Found(start, start + len(name), collapse(name), EntityKind.ORGANIZATION))
    return found


# "a Delaware corporation", "a NEW YORK CORPORATION", "a PRC Corporation": what a party is, not who.
_INDEFINITE_BEFORE = re.compile(r"(?:^|[\s(,])(?:a|an|A|AN)\s+$")
_SUFFIX_END = re.compile(r"(?:Inc|LLC|L\.L\.C|Corp|Ltd|N\.A|L\.P|LLP|plc|PLC|S\.A|AG|Co)\.?$")
_STREET_AFTER = re.compile(r"[ \t]+(?:Avenue|Ave\.|Street|St\.|Road|Rd\.|Boulevard|Blvd\.|Drive|Parkway|Lane|Place|Way|Highway|Square)\b")


def _not_descriptions(document: Document, text: str, found: list[_Found]) -> list[_Found]:
    """Drop candidates that describe rather than name: an indefinite appositive ("a Delaware
    corporation"), a clause's heading ("Preferential Collection of Claims Against Company"), a
    street named after a person ("123 Robert S. Kerr Avenue")."""
    headings = {collapse(c.heading).casefold().rstrip(".:") for c in document.clauses if c.heading}
    kept = []
    for f in found:
        if f.kind is EntityKind.ORGANIZATION and _INDEFINITE_BEFORE.search(text, max(0, f.start - 4), f.start):
            continue
        if f.kind is EntityKind.ORGANIZATION and f.name.casefold().rstrip(".:") in headings and not _SUFFIX_END.search(f.name):
            continue  # (a name with its company suffix is a name even where a heading was read)
        if f.kind is EntityKind.PERSON and _STREET_AFTER.match(text, f.end):
            continue
        kept.append(f)
    return kept


def _not_defined_terms(found: list[_Found], terms, text: str = "") -> list[_Found]:
    """Drop organisation candidates that are a defined term of this document.

    '"Affected Company" shall mean …' ends in an organisation suffix, but a quoted defined term
    is a label the document gives itself, not a name of anyone.
    """
    labels = {collapse(t.term).casefold() for t in terms}
    kept = []
    for f in found:
        if f.name.casefold() in labels:
            continue
        # "Sublandlord and Ipsen S.A.": a defined term joined to the name is not part of it.
        lead = re.match(r"(?:the\s+)?(?P<term>[\w -]+?)\s+(?:and|&)\s+(?=[A-Z])", text[f.start:f.end], re.I)
        if lead and collapse(lead.group("term")).casefold() in labels:
            f.start += lead.end()
            f.name = collapse(text[f.start:f.end])
        kept.append(f)
    return kept


# Words of a sentence, not of a company's name, when a legend is written in capitals.
_CAPS_NOT_IN_NAME = re.compile(
    r"\b(?:BETWEEN|AMONG|IS|ARE|WAS|WERE|BE|BEEN|TO|BY|IN|ON|AT|AS|ONLY|THAN|OR|ITS|AN|A|ANY|THIS|THAT|THESE|"
    r"WHICH|WHO|WITH|FROM|UNLESS|IF|NOT|NO|NOR|SHALL|WILL|MAY|HEREBY|HEREIN|UNDER|UPON|INTO|AGREEMENT|INDENTURE|"
    r"(?:THE\s+)?NAME\s+OF)\s+"
)
# A longer run of capitals is a sentence, not a name.
MAX_CAPS_NAME_WORDS = 7


def _clean_org_name(start: int, name: str, rules: _Rules, suffix: bool = True) -> tuple[int, str] | None:
    """Trim sentence openers and leading defined terms; None when nothing distinctive is left."""
    # "the 1991 Stock Incentive Plan of AMETEK, Inc.": an instrument of a company names the
    # company after "of", not an organisation of its own.
    instrument = None
    for instrument in INSTRUMENT_OF.finditer(name):
        pass
    if instrument:
        start += instrument.end()
        name = name[instrument.end():]
    # "From time to time The Hartford ...": drop openers and joining words.
    while True:
        lead = re.match(r"^(\S+)\s+", name)
        if not lead or not (lead.group(1) in rules.not_name_start or lead.group(1).lower() in {"and", "&", "of"}):
            break
        start += lead.end()
        name = name[lead.end():]
    # "the Company and Banc One Capital Markets, Inc.": drop a leading generic word and "and".
    cut = re.match(r"^((?:The\s+)?(?:[A-Z][a-z]+\s+){0,2}?)(?:and|&)\s+(?=[A-Z])", name)
    if cut and all(w in rules.generic or w == "The" for w in cut.group(1).split()):
        start += cut.end()
        name = name[cut.end():]
    if name.isupper():
        # In capitals a legend runs on into a name ("AND ANY PAYMENT IS MADE TO CEDE & CO.",
        # "… AGREEMENT BETWEEN AMERICAN INTERNATIONAL GROUP, INC."): the name starts after the
        # last word no name holds.
        cuts = [m.end() for m in _CAPS_NOT_IN_NAME.finditer(name)]
        if cuts:
            start += cuts[-1]
            name = name[cuts[-1]:]
        if len(name.split()) > MAX_CAPS_NAME_WORDS:
            return None
    words = name.split()
    core = [w.strip(",") for w in (words[:-1] if suffix else words) if w not in {"The", "THE"}]
    if not core or all(w.title() in rules.generic or w.lower() in {"of", "and", "&"} for w in core):
        return None
    return start, name


def _law_firms(text: str) -> list[_Found]:
    return [_Found(m.start("name"), m.end("name"), m.group("name"), EntityKind.ORGANIZATION, priority=1) for m in _LAW_FIRM.finditer(text)]


def _underwriter_tables(document: Document) -> list[_Found]:
    """Rows of a schedule's table headed "Underwriter": name, then an amount at the line's end."""
    found = []
    for clause in document.clauses:
        if clause.kind not in (ClauseKind.SCHEDULE, ClauseKind.TABLE) or clause.kind == ClauseKind.SCHEDULE and any(
            c.parent == clause.label for c in document.clauses
        ):
            continue
        a, b = _clean_index(document, clause.start), _clean_index(document, clause.end - 1) + 1
        block = document.clean[a:b]
        header = re.search(r"^[ \t]*Underwriters?\b", block, re.M)
        if not header:
            continue
        pending = None  # start of a name that wraps onto the next line
        pos = a + block.index("\n", header.start()) + 1 if "\n" in block[header.start():] else b
        for line in document.clean[pos:b].split("\n"):
            line_start = pos
            pos += len(line) + 1
            if not line.strip() or re.match(r"^[ \t]*(?:Total|[-=_.]+)", line):
                pending = None
                continue
            row = _TABLE_ROW.match(line)
            if row:
                start = pending if pending is not None else line_start + row.start("name")
                end = line_start + row.end("name")
                pending = None
                name = collapse(document.clean[start:end])
                found.append(_Found(start, end, name, EntityKind.ORGANIZATION, roles={"underwriter"}, party=True, priority=4))
            elif pending is None and re.match(r"^[ \t]*[A-Z]", line):
                pending = line_start + len(line) - len(line.lstrip())
    return found


def _people(text: str, rules: _Rules, kind: DocumentKind) -> list[_Found]:
    found = []
    # Signature blocks: "By: /s/ John N. Giamalis" / "Name: ..." / "Title: ...".
    for m in _SIG_S.finditer(text):
        roles = {"signatory"}
        item = _Found(m.start("name"), m.end("name"), collapse(m.group("name")), EntityKind.PERSON, roles=roles, priority=2)
        if not m.group("by"):
            item.form = "signed"
        found.append(item)
    for m in _SIG_NAME.finditer(text):
        found.append(_Found(m.start("name"), m.end("name"), collapse(m.group("name")), EntityKind.PERSON, roles={"signatory"}, priority=2))
    for m in _SIG_TITLE.finditer(text):
        before = [f for f in found if f.kind is EntityKind.PERSON and f.end <= m.start() and m.start() - f.end < 200]
        if before:
            before[-1].titles += _split_titles(m.group("title"))
    # "Neal S. Wolin, Esq. Executive Vice President and General Counsel to The Company".
    for m in _ESQ.finditer(text):
        item = _Found(m.start("name"), m.end(), collapse(m.group("name")), EntityKind.PERSON, priority=2)
        title = rules.title_phrase.match(text, m.end() + 1) if m.end() < len(text) else None
        if title:
            item.titles += _split_titles(title.group())
        found.append(item)
    # Names with a middle initial anywhere: "Stephen W. Lilienthal, Chairman and ...".
    for m in _PERSON_MI.finditer(text):
        name = m.group("name")
        if name.split()[0] in rules.not_person_start or name.split()[0] in rules.not_name_start:
            continue
        item = _Found(m.start("name"), m.end("name"), collapse(name), EntityKind.PERSON)
        after = re.match(r",\s+", text[m.end():m.end() + 3])
        if after:
            title = rules.title_phrase.match(text, m.end() + after.end())
            if title and re.search(r"President|Officer|Counsel|Chairman|Director|Treasurer|Secretary|CEO|CFO|Controller|Partner", title.group()):
                item.titles += _split_titles(title.group())
        found.append(item)
    # "Chairman and CEO Ramani Ayer".
    titled = re.compile(r"(?P<title>" + rules.title_phrase.pattern + r")[ ]" + _PLAIN_PERSON)
    for m in titled.finditer(text):
        words = m.group("name").split()
        if words[0] in rules.not_person_start | rules.generic or any(rules.title_phrase.fullmatch(w) for w in words):
            continue
        if not re.search(r"(?:President|Officer|Chairman|CEO|CFO|COO|Director|Counsel|Treasurer|Secretary|Partner)$", m.group("title")):
            continue  # "Financial Accounting Standards Board" is no person
        found.append(_Found(m.start("name"), m.end("name"), m.group("name"), EntityKind.PERSON, titles=_split_titles(m.group("title"))))
    # "... hereby constitute and appoint Neal S. Wolin, Amy B. Gallent, ... and Amanda Grabowski Aquino, or any ..."
    for m in _APPOINT.finditer(text):
        pos = m.end()
        window = text[pos:pos + 600]
        for part in re.finditer(r"[^,;]+?(?=,|;|\s+and\s+|$)", window):
            chunk = part.group().strip()
            chunk = re.sub(r"^and\s+", "", chunk)
            if not _LIST_NAME.match(chunk) or chunk.split()[0] in rules.not_person_start | rules.not_name_start:
                break
            start = pos + part.start() + part.group().index(chunk)
            roles = {ATTORNEY_ROLE} if kind is DocumentKind.POWER_OF_ATTORNEY or "attorney" in window.lower() else set()
            found.append(_Found(start, start + len(chunk), chunk, EntityKind.PERSON, roles=roles, party=bool(roles), priority=2))
    return found


def _split_titles(title: str) -> list[str]:
    """'Senior Vice President and Treasurer' -> ['senior vice president', 'treasurer']."""
    parts = re.split(r"\s+(?:and|&)\s+|,\s*", collapse(title))
    return [p.lower() for p in parts if p]


def _without_overlaps(found: list[_Found]) -> list[_Found]:
    """Longest candidate wins; on equal spans the higher priority; roles of the losers merge in."""
    kept: list[_Found] = []
    for item in sorted(found, key=lambda f: (f.start, -(f.end - f.start), -f.priority)):
        if kept and item.start < kept[-1].end:
            winner = kept[-1]
            same_kind = winner.kind == item.kind or {winner.kind, item.kind} <= {EntityKind.ORGANIZATION, EntityKind.GOVERNMENT_BODY, EntityKind.EXCHANGE}
            if same_kind and item.start >= winner.start and item.end <= winner.end and normalise_name(item.name) == normalise_name(winner.name):
                winner.roles |= item.roles
                winner.party = winner.party or item.party
                winner.titles += [t for t in item.titles if t not in winner.titles]
                if item.form == "signed":
                    winner.form = "signed"
            continue
        kept.append(item)
    return kept


def _context_roles(text: str, found: list[_Found], rules: _Rules) -> None:
    for item in found:
        if item.kind is EntityKind.PERSON:
            continue
        after = text[item.end:item.end + ROLE_CONTEXT_CHARS]
        for pattern, role in rules.role_contexts:
            m = pattern.match(after)
            if m:
                item.roles.add(role.format(**{k: collapse(v).lower() for k, v in m.groupdict().items()}))


def _local_entities(found: list[_Found]) -> dict[str, _Local]:
    local: dict[str, _Local] = {}
    for item in found:
        item.key = normalise_name(item.name)
        entity = local.get(item.key)
        if entity is None:
            local[item.key] = _Local(item.key, [item.name], item.kind)
        else:
            entity.names.append(item.name)
    return local


def _short_forms(text: str, found: list[_Found], local: dict[str, _Local]) -> list[_Found]:
    """'The Hartford' for 'The Hartford Financial Services Group, Inc.'; 'CNA' for 'CNA Financial Corporation'."""
    rules = _rules()
    out = []
    for entity in list(local.values()):
        if entity.kind is EntityKind.PERSON:
            continue
        shorts = {short for name in entity.names for short in short_forms(name, rules.generic)}
        for short in sorted(shorts):
            for m in re.finditer(not_after(r"[\w&]", [re.escape(short)]) + r"(?![\w&])(?!\s+[A-Z][a-z])", text):
                out.append(_Found(m.start(), m.end(), entity.name, entity.kind, form="short", priority=-1, key=entity.key))
    return out


def short_forms(name: str, generic=frozenset()) -> list[str]:
    """Short names a document may use for an organisation, when they are distinctive.

    'The Hartford Financial Services Group, Inc.' -> ['The Hartford']; 'CNA Financial
    Corporation' -> ['CNA']; 'Banc of America Securities LLC' -> [] (too generic to guess).
    """
    words = name.replace(",", "").split()
    forms = []
    if len(words) >= 3 and words[0] == "The" and words[1][:1].isupper() and words[1] not in generic and words[1].isalpha():
        forms.append(f"The {words[1]}")
    first = words[0] if words else ""
    if len(words) >= 2 and name != name.upper() and re.fullmatch(r"[A-Z][A-Z&]{2,}", first):
        forms.append(first)
    return forms


def _signature_roles(document: Document, found: list[_Found], local: dict[str, _Local]) -> list[_Found]:
    """Parties from signature blocks, 'As Representatives', a schedule of representatives; the POA principal."""
    text = document.clean
    extra: list[_Found] = []
    for clause in document.clauses:
        a, b = _clean_index(document, clause.start), _clean_index(document, clause.end - 1) + 1
        inside = [f for f in found if a <= f.start < b]
        if clause.kind is ClauseKind.SIGNATURES:
            for f in inside:
                if f.kind is not EntityKind.PERSON:
                    f.party = True
                    after = text[f.end:b]
                    # "BANC OF AMERICA SECURITIES LLC\nBANC ONE ...\n\nAs Representatives of the Underwriters"
                    if re.match(r"(?:\s*\n[^\n]*(?:LLC|INC\.|Inc\.|LLP|N\.A\.)[^\n]*)*\s*\n\s*As\s+Representatives?\b", after):
                        f.roles.add("representative")
        first_line = text[a:b].lstrip().split("\n", 1)[0]
        if clause.kind is not ClauseKind.SIGNATURES and first_line.isupper() and re.search(r"\bREPRESENTATIVES?\b", first_line):
            for f in inside:
                if f.kind is EntityKind.ORGANIZATION:
                    f.roles.add("representative")
    if document.kind is DocumentKind.POWER_OF_ATTORNEY:
        signers = [f for f in found if f.form == "signed" and f.kind is EntityKind.PERSON]
        if signers:
            principal = signers[-1]
            principal.roles |= {"principal", "signatory"}
            principal.party = True
            key = normalise_name(principal.name)
            for m in re.finditer(r"\b[Tt]he undersigned\b", text):
                extra.append(_Found(m.start(), m.end(), principal.name, EntityKind.PERSON, form="alias", key=key, priority=-1))
    for f in found:
        if f.form == "signed":
            f.form = "name"
    return extra


def _terms_in_clean(document: Document, terms) -> list[tuple[int, int, str]]:
    """(clean start, clean end, term) of each definition: the terms component's, else a small reader."""
    out = []
    for t in terms:
        a = _clean_index(document, t.start)
        out.append((a, a + len(t.term), t.term))
    if not out:
        out = [(m.start("term"), m.end("term"), m.group("term")) for m in _TERM_FALLBACK.finditer(document.clean)]
    return out


def _term_aliases(document, text, found, local, terms, rules) -> list[_Found]:
    """A defined term that names an entity becomes its alias; every use of it a mention."""
    definitions = _terms_in_clean(document, terms)
    alias_of: dict[str, str] = {}
    extra: list[_Found] = []
    names = sorted((f for f in found if f.form != "alias"), key=lambda f: f.end)
    ends = [f.end for f in names]
    for start, end, term in definitions:
        quote = start - 1
        i = bisect.bisect_right(ends, quote) - 1
        while i >= 0 and quote - names[i].end <= TERM_GAP_CHARS:
            candidate = names[i]
            if _TERM_GAP.match(text[candidate.end:quote + 1]):
                key = alias_of.setdefault(term.lower(), candidate.key or normalise_name(candidate.name))
                extra.append(_Found(start, end, local[key].name, local[key].kind, form="alias", key=key, priority=5))
                row = rules.role_terms.get(term.lower())
                if row and (not row.get("doc_kinds") or document.kind.value in row["doc_kinds"]):
                    extra[-1].roles.add(row["role"])
                break
            i -= 1
    if not alias_of:
        return extra
    # Longest term first, so "EXCHANGE ACT" is never read as the alias "EXCHANGE".
    forms: dict[str, str] = {}
    for _, _, term in definitions:
        for form in {term, term.title(), term.upper(), term[:1].upper() + term[1:]}:
            forms.setdefault(form, term.lower())
    # (?<![\w&])(?:(?:[Tt]he|THE)\s+)?(?:FORMS)(?![\w&]), the optional lead spelt out (not_after).
    alternatives = literal_alternatives(sorted(forms, key=len, reverse=True))  # the escaped forms, grouped
    names = "(?:" + "|".join(alternatives) + ")"
    pattern = re.compile(not_after(r"[\w&]", [r"T(?:he|HE)\s+" + names, r"the\s+" + names] + alternatives) + r"(?![\w&])")
    for m in pattern.finditer(text):
        word = re.sub(r"^(?:the|The|THE)\s+", "", m.group())
        key = alias_of.get(forms.get(word, ""))
        if key is None or not any(ch.isupper() for ch in word[:1]):
            continue
        extra.append(_Found(m.start(), m.end(), local[key].name, local[key].kind, form="alias", key=key, priority=-1))
    return extra
