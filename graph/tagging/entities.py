"""Organisations and people a document names, with their kind, roles and party flag.

Rules only (``spacy.blank("en")``), from patterns in ``patterns/entities.jsonl``:

- organisation names ending in a corporate suffix ("Banc of America Securities LLC",
  "THE HARTFORD FINANCIAL SERVICES GROUP, INC."), law firms ("Davis Polk & Wardwell, counsel
  for ..."), known regulators, exchanges and depositories with their abbreviations (SEC, NYSE,
  DTC), bodies named by the noun heading their name ("the Financial Accounting Standards
  Board"), names followed by their legal form ("Zanotti East, a Massachusetts corporation"),
  the rows of an underwriters' table in a schedule;
- people: signature blocks ("By: /s/ Name", "Name:", "Title:", a name under a blank signature
  line), "Name, Esq.", names with a middle initial, notice addressees ("Attn: Name"), "Name,
  Title" lines, "Name, an individual", the list after "appoint" in a power of attorney,
  "Chairman and CEO Name";
- aliases: a defined term that names an entity (``... Inc., a Delaware corporation (the
  "COMPANY")``) and every later use of it; short forms ("The Hartford", "CNA");
- roles from context: counsel for X, independent accountants, "as Trustee", signing "As
  Representatives", the underwriters' schedule, principal and attorneys-in-fact;
- parties: the names a contract opens with ("by and between X, a Delaware corporation
  ("AIG"), and ..."), the organisations that sign (not one signing "By: X, its Manager").

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
# Candidates' priorities that say where they came from: a known public body, a definition.
KNOWN_BODY_PRIORITY = 3
DEFINITION_PRIORITY = 5


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
    institution_heads: frozenset[str]
    institution_heads_weak: frozenset[str]
    institution_heads_first: frozenset[str]


# A capitalised word ("Hartford", "O'Neil", "AT&T") or initials ("A.M." of "A.M. Best Company"),
# written as its first capital and what follows it.
_AFTER_CAPITAL = r"(?:[^\W_'’\-]*(?:['’\-][^\W_]*)*(?:&[A-Za-z0-9]+)*|\.(?:[A-Z]\.){0,2})"
_CAP = r"[A-Z]" + _AFTER_CAPITAL
# "(?<![\w&.])" + _CAP where a pattern starts, with the look-behind after its first letter: the
# same matches, but a pattern that starts with a letter lets re skip to the capitals instead of
# trying every position (see rules.not_after).
_FIRST_CAP = r"[A-Z](?<![\w&.][A-Z])" + _AFTER_CAPITAL
_LINK = r"(?:of|and|&|for|de|du|la|von|van)"
_SERIAL = r"(?:No\.[ ]?\d+[A-Z]?)"  # "ARE-MA Region No. 59, LLC"
# A space, or one line break (names wrap in signature blocks); a longer run of spaces is the gap
# between two columns ("Acme Technology        Bolt Soar" side by side above two signatures).
_GAP = r"(?:[ \t]{1,3}|[ \t]*\n[ \t]*)"
_PERSON_MI = re.compile(
    r"(?P<name>[A-Z](?<![\w&.][A-Z])[a-z]+(?:[ ][A-Z][a-z]+)?[ ](?:[A-Z]\.[ ]?){1,2}[ ]?"
    r"[A-Z][a-zA-Z'’\-]+(?:,[ ](?:Jr\.|Sr\.|II|III|IV)(?![A-Za-z]))?)(?![\w&])"
)
_SIGNED_NAME = r"[A-Z][A-Za-z.'’\-]*(?:[ ]+[A-Z][A-Za-z.'’\-]*){1,4}(?:,[ ]*(?:Jr\.|Sr\.|II|III|IV))?"
# In a signature table the cells of one row share a line, a column gap apart: a name ends at
# the line's end or at two spaces ("Name: Brian T. Schreiber      Title: Executive Vice ...").
_CELL_NAME = r"[A-Z][A-Za-z.'’\-]*(?:[ ][A-Z][A-Za-z.'’\-]*){1,4}(?:,[ ]*(?:Jr\.|Sr\.|II|III|IV))?"
_CELL_END = r"(?=[ \t]{2,}\S|[ \t]*$)"
# "By: /s/ Name", "/S/ NAME", "By / s/ Name"
_SIG_S = compile_for_scanning(r"(?P<by>By:?[ \t]*)?/[ ]?[sS][ ]?/[ \t]*(?P<name>" + _CELL_NAME + r")" + _CELL_END, re.M)
# "Name: Name", or the name in the next cell down ("Name:\n\nAlexandre Lebeaut")
_SIG_NAME = re.compile(r"^[ \t]*Name:[ \t]*(?:\n[ \t]*){0,3}(?P<name>" + _CELL_NAME + r")" + _CELL_END, re.M)
_SIG_TITLE = re.compile(r"^[ \t]*Title:[ \t]*(?:(?P<title>[^\n]+?)|(?:\n[ \t]*){1,3}(?P<below>[^\n]+?))"
                        r"(?=[ \t]{2,}|[ \t]+Title:|[ \t]*$)", re.M)
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
    r"\b(?:Plan|Plans|Program|Agreement|Indenture|Certificate|Articles|Bylaws|By-laws|Charter|Policy|Notes?|Debentures|Stock|Shares|"
    r"Incorporation|Organization|Formation|Partnership|Amendment|Merger|Termination|Recitals|Directors|Managers|Members)\s+of\s+(?:the\s+)?(?=[A-Z])"
)  # ... and of its acts and organs: "Board of Directors of Merger Sub Inc.", "Merger of Merger Sub Inc."
# The same words in a title written in capitals: "RESTATED ARTICLES OF INCORPORATION OF APPLE COMPUTER, INC."
INSTRUMENT_OF_CAPS = re.compile(INSTRUMENT_OF.pattern.replace("\\s+of\\s+(?:the\\s+)?", "\\s+OF\\s+(?:THE\\s+)?"), re.I)
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
        r"(?P<name>" + _FIRST_CAP + r"(?:" + _GAP + r"(?:" + _CAP + "|" + _LINK + "|" + _SERIAL + r")){0,8}?,?"
        + _GAP + suffix + r")(?![\w&])(?:(?<=\.)|(?![ \t]+[A-Z][a-z]))(?![ \t]+(?:LIABILITY|PARTNERSHIP|AGREEMENT|PLAN|CERTIFICATE)\b)"
    )  # (a suffix with its period may end a sentence; "LIMITED LIABILITY COMPANY AGREEMENT" is a legal form)
    known = []
    abbreviations: dict[str, dict] = {}
    for r in rows:
        if r["label"] != "known_body":
            continue
        name = r["pattern"]
        bare = name[4:] if name.startswith("The ") else name
        # Capitals made before escaping: upper-casing the pattern would turn \s into \S.
        body, caps = (re.escape(form).replace(r"\ ", r"\s+") for form in (bare, bare.upper()))
        # (?<![\w&])(?:The\s+|THE\s+)?(?:BODY|BODY IN CAPITALS)(?![\w&]), with the optional lead
        # spelt out so that each alternative starts with a letter (not_after).
        bodies = "(?:" + body + "|" + caps + ")"
        alternatives = [r"The\s+" + bodies, r"THE\s+" + bodies] if name.startswith("The ") else []
        known.append((re.compile(not_after(r"[\w&]", alternatives + [body, caps]) + r"(?![\w&])"), r))
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
        institution_heads=frozenset(next(r["pattern"] for r in rows if r["label"] == "institution_head").split("|")),
        institution_heads_weak=frozenset(next(r["pattern"] for r in rows if r["label"] == "institution_head_weak").split("|")),
        institution_heads_first=frozenset(next(r["pattern"] for r in rows if r["label"] == "institution_head_first").split("|")),
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
    found += _not_defined_terms(_institutions(text, rules), terms, text, ending=True)
    found += _law_firms(text)
    found += _underwriter_tables(document)
    found += _people(text, rules, document.kind)
    found += _signature_lines(document, rules)
    found = _without_overlaps(found)
    found = _not_descriptions(document, text, found)
    _context_roles(text, found, rules)

    _person_variants(found)
    local = _local_entities(found)
    found += _short_forms(text, found, local)
    found = _without_overlaps(found)
    found += _signature_roles(document, found, local)
    found += _term_aliases(document, text, found, local, terms, rules)
    found = _without_overlaps(found)
    _preamble_parties(document, text, found)
    _signature_variants(document, found, local)

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
            found.append(_Found(m.start(), m.end(), row["pattern"], EntityKind(row["kind"]), roles={row["role"]}, priority=KNOWN_BODY_PRIORITY))
    if rules.abbreviation_re:
        for m in rules.abbreviation_re.finditer(text):
            row = rules.abbreviations[m.group()]
            found.append(
                _Found(m.start(), m.end(), row["pattern"], EntityKind(row["kind"]), form="abbreviation", roles={row["role"]}, priority=KNOWN_BODY_PRIORITY)
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
        described = _DESCRIPTION_IN_NAME.search(name)
        if described:  # "ZANOTTI USA  A Delaware Corporation": the name, then what it is
            cleaned = _clean_org_name(start, name[:described.start()], rules, suffix=False)
            if cleaned:
                found.append(_Found(cleaned[0], cleaned[0] + len(cleaned[1]), collapse(cleaned[1]), EntityKind.ORGANIZATION, priority=1))
            continue
        professional = _PROFESSIONAL_CORPORATION.search(name)
        if professional and _PERSON_MI.fullmatch(name[:professional.start()]):
            continue  # "Sean T. Wheeler, P.C.": a lawyer's own corporation, read as the lawyer
        if "&" in name or _FIRM_SUFFIX.search(name):  # "Malizia, Spidi, Sloane & Fisch, P.C.", "Fogler, Rubinoff LLP"
            partners = (_PARTNERS_BEFORE if "&" in name else _PARTNER_BEFORE).search(text, max(0, start - 120), start)
            if partners and not any(w.strip(", ") in rules.generic for w in partners.group().split()) and not re.search(
                    r"\b(?:the|a|an|its|our|their|The)\s+$", text[max(0, partners.start() - 6):partners.start()]):
                name = text[partners.start():start] + name
                start = partners.start()
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
    # Names without a suffix, described by their legal form: "Zanotti East, a Massachusetts corporation".
    for form in _LEGAL_FORM_FIND.finditer(text):
        m = _DESCRIBED.search(text, max(0, form.start() - DESCRIBED_NAME_CHARS), form.start())
        if m is None:
            continue
        cleaned = _clean_org_name(m.start("name"), m.group("name"), rules, suffix=False)
        if cleaned and not _INDEFINITE_BEFORE.search(text, max(0, cleaned[0] - 4), cleaned[0]):
            start, name = cleaned
            found.append(_Found(start, start + len(name), collapse(name), EntityKind.ORGANIZATION))
    # Names without a suffix, given a role: "JP Morgan Chase, as Trustee (the "TRUSTEE")".
    for m in _AS_ROLE.finditer(text):
        cleaned = _clean_org_name(m.start("name"), m.group("name"), rules, suffix=False)
        if cleaned:
            start, name = cleaned
            found.append(_Found(start, start + len(name), collapse(name), EntityKind.ORGANIZATION))
    return found


# A run of capitalised words joined by spaces (one line break at most) and small linking words.
_CAPS_RUN = re.compile(r"(?<![\w&.'’])" + _CAP + r"(?:" + _GAP + r"(?:" + _CAP + r"|of|and|for|&))*(?![\w&])")
# The abbreviation a name is given right after it: '("SAIF")', '(the "OTS")', '(ANSI)'.
_ABBREVIATION_AFTER = re.compile(r"\s*\(\s*(?:the\s+)?[\"“]?(?P<abbr>[A-Z][\w&.'’\-]{1,14})[\"”]?\s*\)")
# Fewer capitalised words than this make a name only with its own abbreviation after it.
MIN_INSTITUTION_WORDS = 3


def _institutions(text: str, rules: _Rules) -> list[_Found]:
    """Bodies named without a corporate suffix, by the noun that heads their name: "the Financial
    Accounting Standards Board", "the American Institute of Certified Public Accountants", "the
    Office of Thrift Supervision (the "OTS")", "Moody's Investors Service ("Moody's")".

    Three capitalised words or more make a name; fewer, or a head that also names a product or an
    account ("Service", "Fund"), only with the name's own abbreviation after it. Capitals only
    (a heading, a legend) and a possessive before ("the Company's Compensation Board") are no names.
    """
    found = []
    any_head = rules.institution_heads | rules.institution_heads_first
    for run in _CAPS_RUN.finditer(text):
        if any_head.isdisjoint(run.group().split()):
            continue  # (most runs: read only those holding a head)
        tokens = list(re.finditer(r"\S+", run.group()))
        words = [t.group() for t in tokens]
        if len(words) < 2 or run.group().isupper():
            continue
        for h in range(len(words) - 1, -1, -1):
            head = words[h]
            head_first = h == 0 or words[0] in {"The", "the"} and h == 1
            if head not in (rules.institution_heads_first if head_first else rules.institution_heads):
                continue
            last = h
            if h + 2 < len(words) and words[h + 1] == "of":  # "... Bank of New York", "Office of Thrift Supervision"
                last = h + 1
                while last + 1 < len(words) and words[last + 1] not in {"of", "for", "and", "&"}:
                    last += 1
            elif head_first:
                continue
            first = 0
            if not head_first:  # "the Rules of the American Arbitration Association": the name starts after "of"
                first = max([i + 1 for i in range(h) if words[i] in {"of", "for"}], default=0)
            # "the Company's Compensation Board": a generic possessive is the owner, not the name
            first = max([first] + [i + 1 for i in range(first, h) if re.fullmatch(r"(\w+)['’]s", words[i]) and words[i][:-2] in rules.generic])
            start = run.start() + tokens[first].start()
            end = run.start() + tokens[last].end()
            cleaned = _clean_org_name(start, text[start:end], rules, suffix=False)
            if cleaned is None:
                break
            start, name = cleaned
            name_words = name.split()
            if name_words[0] in {"The", "the"}:
                start += len(name) - len(name.split(None, 1)[1])
                name = name.split(None, 1)[1]
                name_words = name_words[1:]
            capitalised = [w for w in name_words if w[:1].isupper()]
            modifiers = [w for w in capitalised if w != head]
            if all(w in rules.generic for w in modifiers):
                break  # "Corporate Trust Administration": a desk of the Trustee, not a body
            abbreviation = _ABBREVIATION_AFTER.match(text, start + len(name))
            own = abbreviation is not None and _abbreviates(abbreviation.group("abbr"), capitalised)
            weak = head in rules.institution_heads_weak
            enough = len(capitalised) >= (MIN_INSTITUTION_WORDS - 1 if head_first else MIN_INSTITUTION_WORDS)
            if own or (enough and not weak):
                if not re.search(r"['’]s\s+$", text[max(0, start - 3):start]):
                    found.append(_Found(start, start + len(name), collapse(name), EntityKind.ORGANIZATION))
            break
    return found


def _abbreviates(abbreviation: str, words: list[str]) -> bool:
    """'SAIF' for Savings Association Insurance Fund, 'FHLBNY' for Federal Home Loan Bank of New
    York, "Moody's" for Moody's Investors Service."""
    if abbreviation == words[0]:
        return True
    letters = re.sub(r"[^A-Z]", "", abbreviation)
    return len(letters) >= 2 and letters == "".join(w[0] for w in words)


# What a company is, after its name: "a Delaware corporation", "a Texas limited liability company",
# "a corporation organized under the laws of ...".
_LEGAL_FORM = (
    r"(?:a|an|A|AN)[ \t]+(?:(?:[A-Z][A-Za-z]+|PRC|U\.S\.)[ \t]+){0,2}"
    r"(?:(?i:corporation|limited[ \t]+liability[ \t]+company|limited[ \t]+partnership|general[ \t]+partnership|"
    r"partnership|company|banking[ \t]+corporation|national[ \t]+banking[ \t]+association|statutory[ \t]+trust))(?![\w&])"
)
_DESCRIPTION_IN_NAME = re.compile(r",?\s+" + _LEGAL_FORM + r"$")
_NOT_ARTICLE = r"(?!(?:A|An|AN)\s)"
_LEGAL_FORM_FIND = re.compile(r"\b" + _LEGAL_FORM)
# The name right before a legal form (searched in the stretch of text before it).
DESCRIBED_NAME_CHARS = 160
_DESCRIBED = re.compile(
    r"(?<![\w&.])(?P<name>" + _NOT_ARTICLE + _CAP + r"(?:" + _GAP + r"(?:" + _NOT_ARTICLE + _CAP + "|" + _LINK + r")){1,6}),?"
    + _GAP + r"$"
)
_LEGAL_FORM_AFTER = re.compile(r",?\s+(?:" + _LEGAL_FORM + r"|an\s+(?:adult\s+)?individual\b|a\s+natural\s+person\b)")
_FIRM_SUFFIX = re.compile(r"[ ](?:LLP|L\.L\.P\.|P\.C\.|P\.A\.|PLLC|P\.L\.L\.C\.)$")
_PROFESSIONAL_CORPORATION = re.compile(r",?[ ](?:P\.C\.|P\.A\.)$")
# Partners' surnames listed before "Sloane & Fisch, P.C.": "Malizia,  Spidi,  ".
_PARTNERS_BEFORE = re.compile(r"(?<![\w&.,])(?:[A-Z][a-z'’\-]+(?:[ ][A-Z][a-z'’\-]+)?,[ ]{1,3}){1,4}$")
_PARTNER_BEFORE = re.compile(r"(?<![\w&.,])(?:[A-Z][a-z'’\-]+,[ ]{1,3}){1,3}$")  # one surname each, before "Rubinoff LLP"

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


def _not_defined_terms(found: list[_Found], terms, text: str = "", ending: bool = False) -> list[_Found]:
    """Drop organisation candidates that are a defined term of this document.

    '"Affected Company" shall mean …' ends in an organisation suffix, but a quoted defined term
    is a label the document gives itself, not a name of anyone. With ``ending``, also a name
    that ends in a defined term of two words or more ("Accrued Commitment Commission" where
    "Commitment Commission" is a fee the document defines).
    """
    labels = {collapse(t.term).casefold() for t in terms}
    kept = []
    for f in found:
        if f.name.casefold() in labels:
            continue
        words = f.name.casefold().split()
        if ending and any(" ".join(words[i:]) in labels for i in range(1, len(words) - 1)):
            continue
        # "Sublandlord and Ipsen S.A.": a defined term joined to the name is not part of it.
        # (Unless nothing but a suffix is left: "Von Gonten & Co." (“Von Gonten”) is the firm's own name.)
        lead = re.match(r"(?:the\s+)?(?P<term>[\w -]+?)\s+(?:and|&)\s+(?=[A-Z])", text[f.start:f.end], re.I)
        if lead and collapse(lead.group("term")).casefold() in labels and _SUFFIX_END.sub("", text[f.start + lead.end():f.end]).strip(" ,"):
            f.start += lead.end()
            f.name = collapse(text[f.start:f.end])
        # "as of the Closing Date Merger Sub Inc.": a defined date runs into the name after it
        words = f.name.split()
        for i in range(len(words) - 2, 1, -1):
            if " ".join(words[:i]).casefold() in labels and re.search(r"(?:Date|Time|Day|Period)$", words[i - 1]):
                cut = re.match(r"(?:\S+\s+){%d}" % i, text[f.start:f.end])
                f.start += cut.end()
                f.name = collapse(text[f.start:f.end])
                break
        kept.append(f)
    return kept


# Words of a sentence, not of a company's name, when a legend is written in capitals.
_CAPS_NOT_IN_NAME = re.compile(
    r"\b(?:BETWEEN|AMONG|IS|ARE|WAS|WERE|BE|BEEN|TO|BY|IN|ON|AT|AS|ONLY|THAN|OR|ITS|AN|A|ANY|THIS|THAT|THESE|"
    r"WHICH|WHO|WITH|FROM|UNLESS|IF|NOT|NO|NOR|SHALL|WILL|MAY|HEREBY|HEREIN|UNDER|UPON|INTO|AGREEMENT|INDENTURE|OUR|YOUR|"
    r"THEIR|FORM|AMENDED|RESTATED|"
    r"(?:THE\s+)?NAME\s+OF)\s+"
)
# A longer run of capitals is a sentence, not a name.
MAX_CAPS_NAME_WORDS = 7


# "The" inside a name starts another one; a name that begins with a title is the name after it.
_INNER_THE = re.compile(r"(?<=\S)\s+(?=(?:The|THE)\s)")
_DEPARTMENT_BEFORE = re.compile(r"\b(?:Department|Division|Dept\.)\s+(?=[A-Z])")


def _without_openers(start: int, name: str, rules: _Rules) -> tuple[int, str]:
    """'From time to time The Hartford ...', 'OF SURVIVING COMPANY': drop openers and joining words."""
    while True:
        lead = re.match(r"^(\S+)\s+", name)
        word = lead.group(1) if lead else ""
        if not lead or not (word in rules.not_name_start or word.title() in rules.not_name_start or word.lower() in {"and", "&", "of"}):
            return start, name
        start += lead.end()
        name = name[lead.end():]


def _clean_org_name(start: int, name: str, rules: _Rules, suffix: bool = True) -> tuple[int, str] | None:
    """Trim sentence openers and leading defined terms; None when nothing distinctive is left."""
    # "the 1991 Stock Incentive Plan of AMETEK, Inc.": an instrument of a company names the
    # company after "of", not an organisation of its own.
    instrument = None
    for instrument in (INSTRUMENT_OF_CAPS if name.isupper() else INSTRUMENT_OF).finditer(name):
        pass
    if instrument:
        start += instrument.end()
        name = name[instrument.end():]
    # What runs into a name from before it: "Regulation D. The Corporation", "Delivery of
    # Offered Shares The Corporation" (a heading), "Chief Executive Officer FibroGen, Inc." (a
    # title), "Medical Affairs Department FibroGen, Inc." (a department): the name starts after.
    for pattern in (_INNER_THE, _DEPARTMENT_BEFORE):
        inner = None
        for inner in pattern.finditer(name):
            pass
        if inner:
            start += inner.end()
            name = name[inner.end():]
    title = rules.title_phrase.match(name)
    if title and TITLE_HEAD.search(title.group()) and re.match(r"(?:\s+of)?\s+(?=[A-Z])", name[title.end():]):
        lead = re.match(r"(?:\s+of)?\s+", name[title.end():])
        start += title.end() + lead.end()
        name = name[title.end() + lead.end():]
    start, name = _without_openers(start, name, rules)
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
            start, name = _without_openers(start, name, rules)
        if len(name.split()) > MAX_CAPS_NAME_WORDS:
            return None
    words = name.split()
    core = [w.strip(",") for w in (words[:-1] if suffix else words) if w not in {"The", "THE"}]
    if not core or all(w.title() in rules.generic or w.lower() in {"of", "and", "&"} or re.fullmatch(r"(?:[A-Z]\.)+", w) for w in core):
        return None  # (initials alone are no name: "N.A., as Trustee")
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
        title = m.group("title") or m.group("below")
        if m.group("below") and not rules.title_phrase.fullmatch(collapse(title)):
            continue  # the cell below "Title:" holds something else ("SUBTENANT:")
        before = [f for f in found if f.kind is EntityKind.PERSON and f.end <= m.start() and m.start() - f.end < 200]
        if before:
            before[-1].titles += _split_titles(title)
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
        if name.split()[0] in rules.not_person_start or name.split()[0] in rules.not_name_start or name.split()[0] == "The":
            continue
        if re.search(r"\bU\.[ ]?S\.", name):
            continue  # "Substantial U.S. Market Interest": a country, not a middle initial
        item = _Found(m.start("name"), m.end("name"), collapse(name), EntityKind.PERSON)
        after = re.match(r",\s+", text[m.end():m.end() + 3])
        if after:
            title = rules.title_phrase.match(text, m.end() + after.end())
            if title and re.search(r"President|Officer|Counsel|Chairman|Director|Treasurer|Secretary|CEO|CFO|Controller|Partner", title.group()):
                item.titles += _split_titles(title.group())
        found.append(item)
    # Notice blocks: "Attn: John Kehoe", "Attention: R. Blair Thomas", "Attention: Rachel W. Sheridan and Drew Capurro".
    for m in _ATTENTION.finditer(text):
        for part in _ATTENTION_NAME.finditer(m.group("names")):
            if _plain_person(part.group(), rules):
                start = m.start("names") + part.start()
                found.append(_Found(start, start + len(part.group()), part.group(), EntityKind.PERSON, roles={"notice addressee"}))
    # A line of its own holding a name and a title: "Francois Garnier, EVP General Counsel".
    for m in _NAME_TITLE_LINE.finditer(text):
        title = collapse(m.group("title"))
        if _plain_person(m.group("name"), rules) and rules.title_phrase.fullmatch(title) and TITLE_HEAD.search(title):
            found.append(_Found(m.start("name"), m.end("name"), m.group("name"), EntityKind.PERSON, titles=_split_titles(title)))
    # A party who is a person: "between Edward Hohman, an individual under the laws of ...".
    for said in _AN_INDIVIDUAL.finditer(text):
        m = _INDIVIDUAL.search(text, max(0, said.start() - 80), said.start())
        if m and _plain_person(m.group("name"), rules):
            found.append(_Found(m.start("name"), m.end("name"), m.group("name"), EntityKind.PERSON))
    # "Chairman and CEO Ramani Ayer".
    # (Not a name that runs on: "Executive and Director Incentive Compensation Plan".)
    titled = re.compile(r"(?P<title>" + rules.title_phrase.pattern + r")[ ]" + _PLAIN_PERSON + r"(?![ ][A-Z])")
    for m in titled.finditer(text):
        words = m.group("name").split()
        if not _plain_person(m.group("name"), rules) or re.fullmatch(r"Mrs?|Ms|Dr|Miss", words[-1]):
            continue  # "Dear Mr. Harris", "Vice President Purchasing Date"
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


# Words that end a title ("Senior Vice President", "General Counsel"), not just qualify one.
TITLE_HEAD = re.compile(r"(?:President|Officer|Counsel|Chairman|Chairwoman|Director|Treasurer|Secretary|CEO|CFO|COO|Controller|Partner|Manager|EVP|SVP|VP)$")
# A person's name as a notice or a signature writes it: two to four words, an initial allowed anywhere.
_PERSON_WORDS = r"(?:[A-Z]\.[ ]?)?[A-Z][a-z'’\-]+(?:[ ](?:[A-Z]\.|[A-Z][a-z'’\-]+)){1,3}(?:,[ ](?:Jr\.|Sr\.|II|III|IV)(?![A-Za-z]))?"
_ATTENTION = re.compile(r"\b(?:Attention|ATTENTION|Attn|ATTN)\.?[ \t]*:[ \t]*(?P<names>[^\n(]{3,120})")
_ATTENTION_NAME = re.compile(r"(?<![\w.])" + _PERSON_WORDS + r"(?![\w&])(?=\s*(?:,|;|\band\b|$|\.(?:\s|$)|\s{2,}|\s+with\b|\s+Fax\b|\s+Tel))")
_NAME_TITLE_LINE = re.compile(r"^[ \t]*(?P<name>" + _PERSON_WORDS + r"),[ ]+(?P<title>[A-Z][A-Za-z ,&]{2,80}?)[ \t]*$", re.M)
_AN_INDIVIDUAL = re.compile(r"\b(?:an\s+(?:adult\s+)?individual|a\s+natural\s+person)\b")
_INDIVIDUAL = re.compile(r"(?<![\w.])(?P<name>" + _PERSON_WORDS + r"),?\s+$")  # the name right before it
# Words no person's name holds: "Attention: General Counsel", "Attn: Corporate Trust Administration".
NOT_IN_PERSON_NAME = re.compile(
    r"\b(?:Date|Department|Division|Group|Team|Desk|Operations|Services?|Legal|Notices?|Office|Administration|Administrator|"
    r"Affairs|Relations|Resources|Compliance|Finance|Treasury|Contracts|Purchasing|Marketing|Sales|Support|Trust|Bank|"
    r"Fund|Capital|Management|Street|Avenue|Road|Boulevard|Drive|Suite|Floor|Lane|Place|Square|Plaza|Tower|Building|"
    r"Center|Centre|Parkway|Highway|East|West|North|South|San|Santa|Los|Las|Fort|Mount|Saint)\b")


def _plain_person(name: str, rules: _Rules) -> bool:
    """A name made of name words only: no title, no generic or department word, no clause word."""
    words = [w.strip(",") for w in name.split()]
    if words[0] in rules.not_person_start or words[0] in rules.not_name_start or words[0] in {"The", "Dear", "Re"}:
        return False
    if NOT_IN_PERSON_NAME.search(name) or name.isupper():
        return False
    return not any(rules.title_phrase.fullmatch(w) or w in rules.generic for w in words)


# Signature lines side by side, then the signers' names in the same order:
# "_____________ _____________  Melvin Gagerman Zoltan Lemperth  CEO [title]".
_SIGN_LINES = re.compile(r"(?P<lines>_{5,}(?:[ \t]+_{5,})*)[ \t]*\n?[ \t]*(?P<names>[A-Z][a-z'’\-]+(?:[ ](?:[A-Z]\.|[A-Z][a-z'’\-]+))+)(?![\w.'’\-])(?![ ][A-Z][a-z])")


def _signature_lines(document: Document, rules: _Rules) -> list[_Found]:
    """Signers named under a blank signature line in a signature block. Two lines side by side
    whose names come out on one line (a table read row by row) share the words out evenly."""
    found = []
    for clause in document.clauses:
        if clause.kind is not ClauseKind.SIGNATURES:
            continue
        a, b = _clean_index(document, clause.start), _clean_index(document, clause.end - 1) + 1
        for m in _SIGN_LINES.finditer(document.clean, a, b):
            columns = len(m.group("lines").split())
            words = list(re.finditer(r"\S+", m.group("names")))
            if columns == 1 and 2 <= len(words) <= 4:
                groups = [words]
            elif columns > 1 and len(words) == 2 * columns:
                groups = [words[i:i + 2] for i in range(0, len(words), 2)]
            else:
                continue
            for group in groups:
                start, end = m.start("names") + group[0].start(), m.start("names") + group[-1].end()
                name = document.clean[start:end]
                if _plain_person(name, rules):
                    found.append(_Found(start, end, name, EntityKind.PERSON, roles={"signatory"}, priority=2))
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
            elif item.priority == KNOWN_BODY_PRIORITY and winner.kind is EntityKind.ORGANIZATION and winner.start == item.start:
                # "the Financial Industry Regulatory Authority, Inc.": the known body with its suffix
                winner.priority, winner.kind, winner.roles = item.priority, item.kind, winner.roles | item.roles
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


def _person_variants(found: list[_Found]) -> None:
    """One person, written with and without a middle name or initial ("Catherine K. Rochester",
    "Catherine Kozlow Rochester"), gets the fullest spelling with an initial as one name."""
    groups: dict[tuple[str, str], list[_Found]] = {}
    for f in found:
        words = re.sub(r",\s*(?:Jr\.|Sr\.|II|III|IV|Esq\.)$", "", f.name).split()
        if f.kind is EntityKind.PERSON and len(words) >= 2 and words[0][-1] != ".":
            groups.setdefault((words[0].lower(), words[-1].lower()), []).append(f)
    for items in groups.values():
        middles = {tuple(w[0] for w in f.name.split()[1:-1]) for f in items}
        if len({normalise_name(f.name) for f in items}) < 2 or len({m for m in middles if m}) > 1:
            continue  # one spelling, or two different middle names: two people
        best = max(items, key=lambda f: (bool(re.search(r"\b[A-Z]\.", f.name)), len(f.name.split()), f.name != f.name.upper()))
        for f in items:
            if normalise_name(f.name) != normalise_name(best.name):  # (capitals are the same spelling)
                f.name = best.name


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
                on_behalf = _SIGNS_FOR.match(text, f.end)
                if f.kind is not EntityKind.PERSON and on_behalf and re.search(r"\bBy:?[ \t]*$", text[max(a, f.start - 20):f.start]):
                    # "By: TCW Asset Management Company, its Manager": it signs for the party above
                    f.roles |= {"signatory", collapse(on_behalf.group("role")).lower()}
                elif f.kind is EntityKind.ORGANIZATION and f.priority != KNOWN_BODY_PRIORITY:
                    f.party = True  # (a regulator named near the signatures does not sign)
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


_SIGNS_FOR = re.compile(r",?[ \t]+(?:its|as[ \t]+its)[ \t]+(?P<role>[A-Za-z]+(?:[ \t]+[A-Za-z]+)?)")
# A name in the opening paragraph that follows one of these is not one of the parties but
# something said about one ("insured by the Savings Association Insurance Fund", "a subsidiary
# of X", "as successor to X").
_NOT_A_PARTY_BEFORE = re.compile(
    r"(?:\b(?:of|to|from|under|for|in|on|at|via|through)|\b\w+ed[ \t\n]+by)[ \t\n]+(?:the[ \t\n]+|The[ \t\n]+)?$")


def _preamble_parties(document: Document, text: str, found: list[_Found]) -> None:
    """The parties a contract opens with: "This Agreement ... by and between American
    International Group, Inc., a corporation organized under the laws of ... ("AIG"), and ...".

    In the first paragraph of the preamble that introduces a name, by its defined term or by
    its legal form ("a Delaware corporation", "an individual"), every name so introduced is a
    party, except a public body and a name said of another one ("insured by the ...").
    """
    if document.kind in (DocumentKind.PRESS_RELEASE, DocumentKind.POWER_OF_ATTORNEY):
        return
    preamble = next((c for c in document.clauses if c.kind is ClauseKind.PREAMBLE), None)
    if preamble is None:
        return
    a, b = _clean_index(document, preamble.start), _clean_index(document, preamble.end - 1) + 1
    definitions = [f for f in found if f.form == "alias" and f.priority == DEFINITION_PRIORITY]
    names = [f for f in found if f.form == "name" and a <= f.start < b]
    for paragraph in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text[a:b]):
        p_start, p_end = a + paragraph.start(), a + paragraph.end()
        introduced = []
        for f in (f for f in names if p_start <= f.start < p_end):
            defined = any(d.key == f.key and f.end <= d.start <= f.end + TERM_GAP_CHARS for d in definitions)
            if defined or _LEGAL_FORM_AFTER.match(text, f.end):
                introduced.append(f)
        if not introduced:
            continue
        for f in introduced:
            if f.priority == KNOWN_BODY_PRIORITY or f.kind not in (EntityKind.ORGANIZATION, EntityKind.PERSON):
                continue
            if _NOT_A_PARTY_BEFORE.search(text, max(p_start, f.start - 40), f.start):
                continue
            f.party = True
        return


def _signature_variants(document: Document, found: list[_Found], local: dict[str, _Local]) -> None:
    """A name written only in the signature block whose first word is a party's defined term
    ("ZANOTTI USA" signing for ZANOTTI EAST INC. ("Zanotti")) is that party, by another name."""
    spans = [(_clean_index(document, c.start), _clean_index(document, c.end - 1) + 1)
             for c in document.clauses if c.kind is ClauseKind.SIGNATURES]
    if not spans:
        return
    signing = lambda f: any(a <= f.start < b for a, b in spans)  # noqa: E731
    party_terms = {collapse(document.clean[f.start:f.end]).casefold(): f.key for f in found
                   if f.form == "alias" and f.priority == DEFINITION_PRIORITY and local[f.key].kind is EntityKind.ORGANIZATION}
    elsewhere = {f.key for f in found if not signing(f)}
    for f in found:
        if f.form != "name" or f.kind is not EntityKind.ORGANIZATION or f.key in elsewhere or not signing(f):
            continue
        owner = party_terms.get(f.name.split()[0].casefold())
        if owner and owner != f.key:
            f.key, f.name, f.form = owner, local[owner].name, "alias"
            f.party = True


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
                extra.append(_Found(start, end, local[key].name, local[key].kind, form="alias", key=key, priority=DEFINITION_PRIORITY))
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
