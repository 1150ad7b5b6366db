"""Deontic statements: who must, must not, may, has a right to, or represents what, to whom.

Rules (patterns in ``patterns/deontic.jsonl``), applied clause by clause:

- a party noun phrase ("the Company", "Each Underwriter of Designated Securities", "No
  indemnifying party") directly followed by a modal ("shall", "will not", "may", "shall have
  the right to", "agrees ... to", "represents and warrants") is a statement of that party.
  Relative and conditional uses are not ("as the Representatives may request", "which the
  Company may otherwise have", "If any Underwriter shall default"), nor limits of liability
  ("shall not be required to", "shall not be liable") or future-perfect conditions ("shall have
  furnished");
- a capitalised modifier or a list belongs to the subject ("as ... the Required Banks may
  request", "as the Administrative Agent, any Co-Agent or any Bank may request" stay relative
  clauses); a subject inside an opening "If ..."/"To the extent ..." clause is no bearer;
- passive voice with a party as agent ("shall be delivered by or on behalf of the Company")
  is that party's obligation, a prohibition when the subject is "no ..." ("no such Indebtedness
  shall be guaranteed by the Borrower"); without an agent the party named is acted upon and
  bears nothing ("all affected Banks must be treated the same");
- a counterparty is looked for only before an exception, proviso or list of cases ("except (i)
  ...", "(a) as has become ..."), never in a capacity ("resign as the Administrative Agent");
- umbrella lead-ins ("The Company agrees with each of the Underwriters ...:", "Each
  Underwriter ... represents and agrees that:") make each following item a statement of the
  lead-in's party; "not to ..." items are prohibitions;
- a lead-in that makes its items conditions ("shall be subject ... to ... the following
  conditions") gives no statements at all: what third parties must furnish there is a
  condition of the other side's obligations (see ``conditions``);
- a power of attorney's appointment gives each attorney-in-fact a permission; "X hereby appoints
  Y" is Y's right, "X authorizes Y to" and "Y is hereby authorized to" Y's permission;
- one record per bearer and modality in a sentence: "shall register … and shall request …" is
  one duty, "shall hold … and will in no way disclose …" two; a modal verb phrase joined to a
  subject's own verb ("Owner hereby releases and shall indemnify") is that subject's;
- "shall be liable/responsible/obligated/required" binds unless negated; a consent "not to be
  unreasonably withheld" binds the party whose consent the sentence names;
- the items of a passive lead-in ("may be terminated …: (a) By Aura, …") are the permissions
  of the party each opens with.

Inline items (``6(i)``) belong to the clause whose sentence holds the verb, so a statement is
recorded on the nearest clause that is not an inline item, unless its subject stands inside
the item ("(ii) if approved, Owner shall execute …"): then it is the item's.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import string
from typing import TYPE_CHECKING
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

if TYPE_CHECKING:  # spaCy is imported only where a Doc is made (tag_document needs none)
    from spacy.tokens import Doc

from ..model import Clause, ClauseKind, Deontic, Document, EntityKind, Modality
from .entities import _clean_index, collapse, load_patterns
from .rules import compile_for_scanning
from .spangroups import span_group
from .pipeline_keys import CONTEXT, RESULTS

# Longest statement text kept when no ';' or sentence end comes first (characters).
MAX_STATEMENT_CHARS = 700
# How far back a compound subject may start: "the Representatives or the Company shall ...".
COMPOUND_LOOKBACK = 80
ABBREVIATIONS = {"inc", "co", "corp", "ltd", "no", "nos", "esq", "jr", "sr", "st", "mr", "ms", "dr", "cap", "etc", "vs", "sec", "art"}
PRONOUN_START = re.compile(r"^\s*(?:it|they|he|she|each\s+of\s+them)\b", re.I)
# A passive whose agent chooses is that agent's right: "shall be selected by the Representatives".
CHOICE_VERBS = re.compile(r"\bbe\s+(?:selected|chosen|designated|appointed|determined)\s+by\b")
# "to prepare", not "to the", "to time" or "to 12:00": an infinitive that carries a duty.
INFINITIVE = r"(?:^|\s)([Tt]o\s+(?!(?:the|and|such|any|time|date|an?|its|their|each|all|or|which)\b)[a-z]+)"
ITEM_MARKER = re.compile(r"^\s*(?:\d+\.|[ivxlc]+\.|\([a-zA-Z0-9]+\)|[A-Za-z0-9]+\.)\s+")
# Capitalised words that modify a party noun and belong to its phrase: "the Required Banks",
# "such Participating Bank", "any Subsidiary Guarantor" (at most three, after a determiner).
PARTY_MODIFIERS = re.compile(r"(?<![\w-])((?:[A-Z][\w'-]*\s+){1,3})$")
PARTY_DETERMINER = re.compile(r"\b(?:[Tt]he|[Ee]ach|[Ss]uch|[Aa]ny|[Nn]o|[Aa]ll|[Aa]n?)\s+$")
# Capitalised words that open a sentence or clause rather than modify a party ("If Banks shall").
NOT_MODIFIERS = {"the", "each", "such", "any", "no", "all", "a", "an", "and", "or", "but", "then", "thereafter", "thereupon", "notwithstanding", "provided", "except", "section", "article"}
# A subject inside an opening conditional clause is no bearer: "If and to the extent such
# Participating Bank shall not have so made its Percentage ... available, ..." (no comma yet).
CONDITIONAL_OPENING = re.compile(
    r"^\s*(?:\([a-z0-9]{1,4}\)\s*)?(?:(?:and\s+)?provided\s*(?:,\s*further\s*,\s*)?(?:that\s+)?)?"
    r"(?:if|unless|in\s+the\s+event|in\s+case|to\s+the\s+extent|so\s+long\s+as|whenever|when|until|once)\b[^,;:]*$",
    re.I,
)
# A passive without an agent: the subject undergoes the act, it does not bear it ("all affected
# Banks must be treated the same"; "... accepted by the Borrower or any Subsidiary Guarantor
# shall be pledged"). With "by <party>" the passive rule reads the agent instead. "shall not be
# entitled/permitted to" is no passive of an act: it forbids.
AGENTLESS_PASSIVE = re.compile(r"\s*(?:not\s+)?be\s+(?:[a-z]+ly\s+)?(?!(?:entitled|permitted|allowed|authori[sz]ed)\b)(?:[a-z]+(?:ed|en)|paid|made|held|kept|sold|bound|set|put|given|taken)\b(?!\s+by\b)")
# Where the words after the verb stop naming whom the statement is owed to: an exception or
# proviso ("except (i) pursuant to ... the Collateral Agent"), or a list of cases ("may disclose
# any such information (a) as has become ...").
COUNTERPARTY_STOP = re.compile(r"\bexcept\b|\bother\s+than\b|\bunless\b|\bprovided\b|\(\s*(?:[a-hj-z]|i{1,3}|iv|v|vi{0,3}|ix|x|\d{1,2}|[A-Z])\s*\)")
# A subject opened by "no" takes the passive's agent as the one forbidden: "no such
# Indebtedness shall be guaranteed by the Borrower".
CLAUSE_BOUNDARY = re.compile(r"[,;:]|\([a-zA-Z0-9]{1,4}\)")
NO_LIABILITY = re.compile(r"\bno\s+(?:[a-z]+\s+)?(?:liability|obligation|responsibility|duty)\s+$", re.I)
# "… and that no settlement may be made by …": a subject opened by "no" right before the verb.
NEGATED_NEAR = re.compile(r"(?:\bthat\s+|\band\s+|[,;]\s*)no\s+(?:(?!\b(?:shall|will|may|must|is|are|and|that)\b)[^,;:])*$")
# A sentence whose subject is opened by "No" and holds no other verb before the passive.
OPENS_WITH_NO = re.compile(r"\s*(?:\([a-z0-9]{1,4}\)\s*)?No\s+(?:(?!\b(?:shall|will|may|must|is|are)\b)[^;:.])*$")
NEGATED_SUBJECT = re.compile(r"^\s*(?:that\s+)?(?:no|neither)\s+[^,;:]*$", re.I)


@dataclass(frozen=True)
class _Rules:
    party: str  # regex alternation of party nouns
    modal: re.Pattern
    not_a_duty: re.Pattern
    duty_when_positive: re.Pattern
    skip_after: frozenset[str]
    counterparts: dict[str, str]
    statements: tuple[tuple[re.Pattern, Modality, str], ...]
    condition_lead_in: re.Pattern


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    rows = load_patterns("deontic.jsonl")
    party = "|".join(r["pattern"] for r in rows if r["label"] == "party_noun")
    # Permission before obligation: "shall be permitted to" must not be read as a bare "shall".
    order = ["right", "prohibition", "representation", "permission", "obligation"]
    modal_rows = {r["modality"]: r["pattern"] for r in rows if r["label"] == "modal"}
    modal = re.compile("(?:" + "|".join(f"(?P<{m}>{modal_rows[m]})" for m in order) + r")(?![\w-])")
    return _Rules(
        party=party,
        modal=modal,
        not_a_duty=re.compile(next(r["pattern"] for r in rows if r["label"] == "not_a_duty")),
        duty_when_positive=re.compile(next(r["pattern"] for r in rows if r["label"] == "duty_when_positive")),
        skip_after=frozenset(next(r["pattern"] for r in rows if r["label"] == "not_a_subject_after").split("|")),
        counterparts={r["pattern"]: r["counterparty"] for r in rows if r["label"] == "counterpart"},
        statements=tuple(
            (compile_for_scanning(r["pattern"].replace("{PARTY}", party)), Modality(r["modality"]), r["id"])
            for r in rows
            if r["label"] == "statement"
        ),
        condition_lead_in=re.compile(next(r["pattern"] for r in rows if r["label"] == "condition_lead_in")),
    )


# --- the clause structure the rules read -------------------------------------------------------


@dataclass
class Unit:
    """The own text of one clause that is not an inline item (its inline items included)."""

    clause: Clause
    segments: list[tuple[int, int]]  # clean ranges
    children: list[Clause] = field(default_factory=list)


def clause_units(document: Document) -> list[Unit]:
    """One unit per clause that is not an inline item, in reading order."""
    spans = {c.label: (_clean_index(document, c.start), _clean_index(document, max(c.start, c.end - 1)) + 1) for c in document.clauses}
    children: dict[str, list[Clause]] = {}
    for c in document.clauses:
        if c.parent is not None and c.kind is not ClauseKind.ITEM:
            children.setdefault(c.parent, []).append(c)
    units = []
    for c in document.clauses:
        if c.kind is ClauseKind.ITEM:
            continue
        a, b = spans[c.label]
        segments, pos = [], a
        for child in children.get(c.label, []):
            ca, cb = spans[child.label]
            if ca > pos:
                segments.append((pos, ca))
            pos = max(pos, cb)
        if pos < b:
            segments.append((pos, b))
        units.append(Unit(c, segments, children.get(c.label, [])))
    return units


def statement_end(text: str, pos: int, limit: int) -> int:
    """End of the statement that starts at ``pos``: the next ';', sentence end or ``limit``."""
    limit = min(limit, pos + MAX_STATEMENT_CHARS)
    for m in re.finditer(r";|\.(?=\s+[A-Z(\"“]|\s*$)|\n\s*\n", text[pos:limit]):
        if m.group() == "." and _is_abbreviation(text, pos + m.start()):
            continue
        return pos + m.start() + (1 if m.group() in ".;" else 0)
    return limit


_SENTENCE_BREAK = re.compile(r"\.(?=\s+[A-Z(\"“])|:\s|\n\s*\n")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4)
def _sentence_breaks(text: str) -> tuple[list[int], list[int], list[int]]:
    """Every sentence break of ``text`` once: (where it starts, where its match ends, the last
    offset its match needs to see). One scan per text keeps ``sentence_start`` linear overall:
    rescanning the clause for every statement made one 400 KB line take 43 s."""
    starts, ends, needs = [], [], []
    for m in _SENTENCE_BREAK.finditer(text):
        if m.group() == "." and _is_abbreviation(text, m.start()):
            continue
        if m.group() == ".":  # seen only once the capital after the spaces is seen
            need = _SPACES.match(text, m.end()).end() + 1
        elif m.group().startswith("\n"):  # seen from its second line break on
            need = text.index("\n", m.start() + 1) + 1
        else:
            need = m.end()
        # A later break seen earlier wins over this one ("end. \n\n Next").
        while needs and needs[-1] > need:
            starts.pop(), ends.pop(), needs.pop()
        starts.append(m.start())
        ends.append(m.end())
        needs.append(need)
    return starts, ends, needs


def sentence_start(text: str, pos: int, floor: int) -> int:
    """Start of the sentence holding ``pos`` (not before ``floor``)."""
    starts, ends, needs = _sentence_breaks(text)
    i = bisect.bisect_right(needs, pos) - 1
    if i >= 0 and starts[i] >= floor:
        if ends[i] > pos:  # a run of blank lines cut by ``pos``: up to its last line break
            return text.rfind("\n", starts[i], pos) + 1
        return ends[i]
    return floor


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([A-Za-z.]+)$", text[max(0, dot - 12):dot])
    if not word:
        return False
    w = word.group(1)
    return len(w) == 1 or "." in w or w.lower() in ABBREVIATIONS


# --- the component -----------------------------------------------------------------------------


class DeonticComponent:
    """Finds deontic statements and stores them in ``doc.user_data[RESULTS]["deontics"]``."""

    def __init__(self, nlp, name: str):
        self.name = name
        self.rules = _rules()

    family = "deontics"

    def records(self, document: Document, results: dict) -> list[Deontic]:
        """The records alone, from the Document and the earlier families' records (no Doc needed)."""
        return find_deontics(document, results.get("mentions") or [], self.rules, results.get("terms") or [])

    def __call__(self, doc: Doc) -> Doc:
        document: Document = doc.user_data[CONTEXT]
        records = self.records(document, doc.user_data[RESULTS])
        doc.user_data[RESULTS][self.family] = records
        doc.spans["cg_deontics"] = span_group(doc, document, records, lambda r: r.modality.value)
        return doc


@dataclass
class _Stmt:
    clause: str
    modality: Modality
    bearer: str
    counterparty: str | None
    a: int
    b: int
    trigger: str


@dataclass
class _Umbrella:
    bearer: str
    counterparty: str | None
    represents: bool
    agrees: bool
    also: tuple[str, ...] = ()  # co-subjects of the lead-in, each bound by every item
    binds: Modality | None = None  # "NCC shall:" / "Licensee shall not:": each item is one of these


# What a representation foretells rather than promises: "will have", "will be", "will own".
STATE_VERB = re.compile(r"\s*(?:not\s+)?(?:have|be|own|hold|possess|remain|continue|constitute)\b")


def _modal_end(text: str, s: "_Stmt") -> int:
    """Where the statement's modal ("will not") ends."""
    found = re.compile(r"\b" + re.escape(s.trigger).replace(r"\ ", r"\s+") + r"\b").search(text, s.a, s.b)
    return found.end() if found else s.a


def _for_each_bearer(stmts: list["_Stmt"], umbrella: _Umbrella) -> list["_Stmt"]:
    """The lead-in's co-subjects make the same statements: one record per party."""
    out = list(stmts)
    for other in umbrella.also:
        out += [dataclasses.replace(s, bearer=other) for s in stmts]
    return out


def find_deontics(document: Document, mentions=(), rules: _Rules | None = None, terms=()) -> list[Deontic]:
    """Every deontic statement in ``document``, in reading order."""
    rules = rules or _rules()
    text = document.clean
    units = clause_units(document)
    parties = _party_pattern(rules, mentions, terms)

    # Which clauses are items of a lead-in, and which hold conditions rather than duties.
    umbrella_of: dict[str, _Umbrella] = {}
    conditional: set[str] = set()
    lead_ins: dict[str, tuple[int, int]] = {}
    agent_items: dict[str, str] = {}  # items of "this Agreement may be terminated …:" -> the lead-in
    for unit in units:
        if not unit.segments:
            continue
        a, b = unit.segments[0]
        own = text[a:b].rstrip()
        if not own.endswith(":"):
            continue
        start = sentence_start(text, a + len(own) - 1, a)
        lead = text[start:a + len(own)]
        items = unit.children or _following_items(document, unit.clause)
        if not items:
            continue
        if rules.condition_lead_in.search(lead):
            conditional.add(unit.clause.label)
            conditional.update(_descendants(document, unit.clause.label))
            continue
        umbrella = _read_lead_in(lead, parties, rules)
        if umbrella:
            lead_ins[unit.clause.label] = (start, a + len(own))
            for item in items:
                umbrella_of[item.label] = umbrella
        elif PASSIVE_LEAD_IN.search(lead):
            for item in items:
                agent_items[item.label] = lead

    stmts: list[_Stmt] = []
    for unit in units:
        label = unit.clause.label
        if label in conditional:
            continue
        umbrella = umbrella_of.get(label)
        if umbrella and umbrella.represents:
            represented = _for_each_bearer(_represented_item(text, unit, umbrella, rules), umbrella)
            # a covenant with its own subject inside a represented item: "…; and neither the
            # Association nor the Company will take any action inconsistent therewith"
            # ("the Company will have no subsidiaries", "will own", "will not be in violation" only
            # foretell a state: part of the representation)
            for a, b in unit.segments:
                represented += [s for s in _scan(text, a, b, label, parties, rules)
                                if s.modality in (Modality.OBLIGATION, Modality.PROHIBITION)
                                and not re.search(r"\bbe\b", s.trigger)  # "will be owned by the Company": a state
                                and not STATE_VERB.match(text, _modal_end(text, s))
                                and not any(r.modality is s.modality and r.bearer == s.bearer for r in represented)]
            stmts += represented
            continue
        found = []
        for a, b in unit.segments:
            skip = lead_ins.get(label)
            read = _read_in_lower_case(text, a, b, parties)
            found += _scan(read, a, b, label, parties, rules, skip)
            found += _verb_clauses(read, a, b, label, parties, rules, skip)
            found += _present_grants(text, a, b, label, parties)
            found += _consents(text, a, b, label, parties)
            found += _pronoun_subjects(read, a, b, label, parties, rules)
        if umbrella:
            for s in found:
                s.counterparty = s.counterparty or umbrella.counterparty
            if not found:
                found = _for_each_bearer(_item_duties(text, unit, umbrella), umbrella)
        if label in agent_items and unit.segments:
            found += _agent_item(text, unit, parties)
        stmts += found
    stmts += _appointments(document, mentions)
    stmts += _bring_downs(text, units, stmts, rules, conditional)
    return _records(document, _on_own_items(document, stmts), mentions, rules)


# What may stand in an inline item before the subject of the item's own statement: nothing, or
# an adverbial opening ("(ii) if approved, Owner shall execute …", "(iii) as applicable, Subtenant
# shall have …"). A noun phrase there ("(ii) a default which …, Sublandlord may remedy") or a ';'
# ("(b) to comply …; provided that Subtenant shall") means the list has ended and the statement
# is the enclosing sentence's.
ITEM_OPENING = re.compile(
    r"\s*(?:(?:if|as|subject|from|upon|unless|notwithstanding|in|to|after|when|whenever|prior|following|except|"
    r"for|during|on|with|without|until|at|once|where|thereafter|then)\b[^;]*,)?\s*$",
    re.I,
)


def _on_own_items(document: Document, stmts: list[_Stmt]) -> list[_Stmt]:
    """A statement whose subject stands inside an inline item ("(i) Owner shall have the right to
    approve …, and (ii) if approved, Owner shall execute …") is that item's: its verb is there too.
    One whose subject is in the sentence that opens the list stays on that sentence's clause."""
    text = document.clean
    items: dict[str, list[tuple[int, int, str]]] = {}
    home: dict[str, str] = {}  # each inline item's nearest clause that is not an inline item
    for c in document.clauses:
        if c.kind is not ClauseKind.ITEM or c.parent is None:
            continue
        owner = home.get(c.parent, c.parent)
        home[c.label] = owner
        span = (_clean_index(document, c.start), _clean_index(document, max(c.start, c.end - 1)) + 1)
        items.setdefault(owner, []).append((*span, c.label))
    out = []
    for s in stmts:
        inside = [(a, label) for a, b, label in items.get(s.clause, ()) if a <= s.a < b]
        if inside:
            a, label = max(inside)
            marker = ITEM_MARKER.match(text[a:s.a])
            if ITEM_OPENING.fullmatch(text, a + (marker.end() if marker else 0), s.a):
                s = dataclasses.replace(s, clause=label)
        out.append(s)
    return out


# A definition that names a party: a company ("… Inc., a Delaware corporation"), a person
# ("Edward Hohman", "Mary A. Smith") or a business of some form.
PARTY_DEFINITION = re.compile(
    r"\b(?:Inc|LLC|L\.L\.C|Ltd|Limited|Corp|LLP|L\.P|N\.A|plc|PLC|AG|S\.A|GmbH|B\.V|N\.V)\b|"
    r"\ban?\s+(?:[\w.-]+\s+){0,6}?(?:corporation|Corporation|company|partnership|bank|banking\s+association|"
    r"association|trust|individual|limited\s+liability\s+company)\b"
)
PERSON_NAME = re.compile(r"(?:Mr\.|Ms\.|Mrs\.|Dr\.)?\s*[A-Z][a-z]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-z'’-]+){1,2}(?:,?\s+(?:Jr|Sr)\.?)?")
# A definitions section sends the parties' names back to where the parties are introduced.
POINTS_TO_PREAMBLE = re.compile(r"\b(?:preamble|introductory\s+paragraph|first\s+paragraph|opening\s+paragraph)\b", re.I)
# Defined terms that never bear a duty although their definition may name a company.
NOT_A_BEARER = re.compile(r"(?:Agreement|Effective\s+Date|Date|Term|Software|Products?|Property|Premises|Shares?|Stock|Notes?|Securities)$")


def _party_pattern(rules: _Rules, mentions, terms=()) -> str:
    """Party nouns: the standard ones, plus the document's own: defined terms that name an
    entity (an alias of a company or person found there, "AIG", "Executive") or whose definition
    names a company or a person ("Licensee" = "a PRC corporation …", "lessor" = "Edward
    Hohman"). A term defined in lower case ("lessor") is also read capitalised, as written at
    the start of a sentence."""
    extra = {
        re.sub(r"^(?:the|The|THE)\s+", "", collapse(m.text))
        for m in mentions
        if m.form == "alias" and (m.party or m.kind in (EntityKind.ORGANIZATION, EntityKind.PERSON))
    }
    for t in terms:
        definition = collapse(t.definition)
        if not definition or re.match(r"(?:this|these)\b", definition, re.I) or len(t.term.split()) > 3:
            continue
        if PARTY_DEFINITION.search(definition[:160]) or PERSON_NAME.fullmatch(definition):
            extra.add(collapse(t.term))
        elif t.stands_for is None and POINTS_TO_PREAMBLE.search(definition):
            extra.add(collapse(t.term))  # '"Operator" shall have the meaning set forth in the preamble'

    # All capitals only for a short acronym ("AIG", "NCC"): "COMPANY" or a heading is no bearer.
    extra = {
        e for e in extra
        if e[:1].isalpha() and (e != e.upper() or len(e) <= 5) and "undersigned" not in e and not NOT_A_BEARER.search(e)
    }
    alternatives = [rules.party]
    for e in sorted(extra, key=len, reverse=True):
        if e[:1].islower():
            alternatives.append(f"[{e[0].upper()}{e[0]}]{re.escape(e[1:])}")
        else:
            alternatives.append(re.escape(e))
    return "(?:" + "|".join(alternatives) + ")"


def _subject(parties: str) -> str:
    return (
        r"(?P<det>\b(?:[Ee]ach\s+of\s+the|[Ee]ach|[Ee]ither|[Nn]either|[Bb]oth|[Ss]uch|[Tt]he\s+several|[Tt]he\s+respective|[Tt]he|[Aa]ny|[Nn]o|[Aa]n|[Aa]|[Ee]very)\s+)?"
        r"(?:(?:non-defaulting|several|respective)\s+)?(?P<party>" + parties + r")(?![\w-])"
    )


@lru_cache(maxsize=32)
def _statement_re(parties: str, modal: str) -> re.Pattern:
    gap = (r"(?:\s+(?:hereto|hereunder))?"  # "the parties hereto agree"
           r"(?:\s+of\s+(?:(?:a\s+majority|not\s+less\s+than|at\s+least)\b[^,;.()]{0,80}?|(?:(?:any|the|such|each|all)\s+)?[A-Z][\w]*(?:\s+(?:of\s+)?(?:any\s+|the\s+)?[A-Z][\w]*){0,4}))?"
           # "The prevailing Party in any litigation pertaining to any dispute hereunder shall"; "The Company in issuing the Securities may"
           r"(?:\s+in\s+(?:any|such|each|issuing|making|performing|connection\s+with)\b[^,;.()]{0,80}?(?=\s+(?:shall|will|may|must)\b))?"
           # "Sublandlord, its agents, employees, or contractors shall": the party with its own people
           r"(?:\s*,?\s+(?:and\s+|or\s+)?(?:its|their)\s+[a-z]+(?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)[a-z]+){0,5}\s*,?(?=\s+(?:shall|will|may|must)\b))?"
           r"(?:\s+at\s+any\s+time)?(?:\s*,\s*[^,;.]{1,120}?\s*,|\s*\([^()]{0,160}\))?"
           r"(?:\s+(?:each|also|further|alone|jointly\s+and\s+severally|severally))?")  # "Sublandlord and Subtenant each represent"
    return compile_for_scanning(_subject(parties) + gap + r"\s+(?P<modal>" + modal + ")")


# Indemnities and disclaimers are often set in capitals ("OWNER SHALL INDEMNIFY, DEFEND AND HOLD
# HARMLESS"): read such a passage in lower case, its party names as the document writes them.
CAPITALS_MIN_LETTERS = 40
_ASCII_CAPITALS, _ASCII_LOWER = string.ascii_uppercase.encode(), string.ascii_lowercase.encode()
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _read_in_lower_case(text: str, a: int, b: int, parties: str) -> str:
    """``text`` with text[a:b] lower-cased when it is set in capitals (offsets unchanged)."""
    segment = text[a:b]
    # ASCII letters counted in bytes (the bulk, at C speed), the others one by one.
    ascii_part = segment.encode("ascii", "ignore")
    others = [c for c in _NON_ASCII.findall(segment) if c.isalpha()] if len(ascii_part) < len(segment) else []
    capitals = len(ascii_part) - len(ascii_part.translate(None, _ASCII_CAPITALS))
    letters = capitals + len(ascii_part) - len(ascii_part.translate(None, _ASCII_LOWER)) + len(others)
    if letters < CAPITALS_MIN_LETTERS or capitals + sum(c.isupper() for c in others) < 0.9 * letters:
        return text
    lower = segment.lower()
    if len(lower) != len(segment):
        return text
    party = _party_re(parties)
    chars = list(lower)
    words = list(re.finditer(r"[A-Z][A-Z'’&.-]*", segment))
    i = 0
    while i < len(words):
        for n in (3, 2, 1):  # "PRIME LANDLORD" before "LANDLORD"
            run = words[i:i + n]
            if len(run) < n or not all(segment[x.end():y.start()].isspace() for x, y in zip(run, run[1:])):
                continue
            original = segment[run[0].start():run[-1].end()]
            for form in (original, original.title()):
                if party.fullmatch(form):
                    chars[run[0].start():run[-1].end()] = form
                    break
            else:
                continue
            i += n - 1
            break
        i += 1
    return text[:a] + "".join(chars) + text[b:]


# A present grant needs no modal: "Lessor leases to lessee the premises", "Sublandlord hereby
# leases to Subtenant" and "Lessor grants to lessee an option to renew" are the grantee's rights;
# "Licensor hereby grants to Licensee a … license" is the licensee's permission to use.
_GRANT_VERBS = r"(?:leases|subleases|demises|lets|grants)"
GRANT_WINDOW = 160  # characters after the grantee in which the thing granted is named


def _present_grants(text: str, a: int, b: int, label: str, parties: str) -> list[_Stmt]:
    out = []
    pattern = _grant_re(parties)
    for m in pattern.finditer(text, a, b):
        thing = re.match(r"[^.;:]{0,%d}" % GRANT_WINDOW, text[m.end():b]).group()
        if m.group("verb") == "grants":
            if re.search(r"\b(?:sub)?licen[cs]e\b", thing):
                modality = Modality.PERMISSION
            elif re.search(r"\b(?:option|right)\b", thing):
                modality = Modality.RIGHT
            else:
                continue
        else:
            modality = Modality.RIGHT
        start = sentence_start(text, m.start(), a)
        out.append(_Stmt(label, modality, m.group("grantee"), m.group("grantor"), start, statement_end(text, m.end(), b), m.group("verb")))
    for m in (_appointment_re(parties).finditer(text, a, b) if APPOINTING.search(text, a, b) else ()):
        # "Owner hereby appoints and retains Operator to manage …" gives the appointee its office, a
        # right; "The Company authorizes Capital Resources to use …" permits what follows.
        verb = m.group("verb").lower()
        if verb.startswith(("authori", "empower")):
            if not re.match(r"[^.;:]{0,120}?\bto\s+[a-z]", text[m.end():b]):
                continue
            modality = Modality.PERMISSION
        else:
            modality = Modality.RIGHT
        start = sentence_start(text, m.start(), a)
        out.append(_Stmt(label, modality, m.group("grantee"), m.group("grantor"), start, statement_end(text, m.end(), b), collapse(m.group("verb"))))
    return out


APPOINTING = re.compile(r"\b(?:appoint|engage|authori[sz]e|empower)")


@lru_cache(maxsize=32)
def _appointment_re(parties: str) -> re.Pattern:
    return re.compile(
        r"(?<![\w-])(?P<grantor>" + parties + r")(?![\w-])\s+(?:hereby\s+)?(?P<verb>(?:appoints?|engages?|authori[sz]es?|empowers?)"
        r"(?:\s+and\s+(?:retains?|engages?|empowers?|authori[sz]es?))?)\s+(?:the\s+)?(?P<grantee>" + parties + r")(?![\w-])"
    )


# A pronoun that opens the main clause after a condition: "If the Company or a Subsidiary of the
# Company acts as Paying Agent, it shall segregate …".
PRONOUN_AFTER_CONDITION = re.compile(r",\s+(?:then\s+)?(?:it|he|she|they)\s+(?=(?:shall|will|must|may)\b)")
CONDITION_OPENING = re.compile(
    r"\s*(?:\([a-z0-9]{1,4}\)\s*)?(?:if|in\s+the\s+event|upon|when|whenever|unless|where|to\s+the\s+extent|after|once|so\s+long\s+as)\b",
    re.I,
)


def _pronoun_subjects(text: str, a: int, b: int, label: str, parties: str, rules: _Rules) -> list[_Stmt]:
    """Its statement, when the condition before the pronoun names exactly one party (the pronoun's
    only antecedent in the document's words); two parties there, no statement."""
    out = []
    for m in PRONOUN_AFTER_CONDITION.finditer(text, a, b):
        sentence = sentence_start(text, m.start(), a)
        opening = text[sentence:m.start()]
        if not CONDITION_OPENING.match(opening):
            continue
        named = {_singular(p.group()): p.group() for p in _party_re(parties).finditer(opening)
                 if re.match(r"(?![\w-])", text[sentence + p.end():sentence + p.end() + 1] or " ")}
        if len(named) != 1:
            continue
        modal = rules.modal.match(text, m.end())
        if not modal:
            continue
        modality = Modality(modal.lastgroup)
        after = text[modal.end():modal.end() + 60]
        if _no_duty(modality, after, rules) or (modality in (Modality.OBLIGATION, Modality.PROHIBITION) and AGENTLESS_PASSIVE.match(after)):
            continue
        start = m.start() + len(m.group()) - len(m.group().lstrip(", "))
        out.append(_Stmt(label, modality, next(iter(named.values())), None, start, statement_end(text, modal.end(), b), collapse(modal.group())))
    return out


# "which consent shall not be unreasonably withheld", "such approval not to be unreasonably
# withheld", "…, not to be unreasonably withheld", "who will not unreasonably withhold approval":
# a duty of the party whose consent it is, not to withhold it unreasonably.
CONSENT_NOT_WITHHELD = re.compile(
    r"(?:\b(?:which|such|said|that)\s+(?:consent|approval)|\b(?:consent|approval)|\bwhich|,|\()\s*"
    r"(?:(?:shall|will|may)\s+not|not\s+to)\s+be\s+unreasonably\s+(?:withheld|delayed|conditioned)\b"
    r"|\b(?:who|which)\s+(?:shall|will)\s+not\s+unreasonably\s+(?:withhold|delay|condition)\b"
)
FULL_STOP = re.compile(r"[.;](?=\s)")
CONSENT_WORD = re.compile(r"\b(?:consent(?:ed)?|approv(?:e|ed|al|als))\b", re.I)
# How far back the consent's giver is looked for (characters).
CONSENT_REACH = 300


def _consents(text: str, a: int, b: int, label: str, parties: str) -> list[_Stmt]:
    """Each consent not to be unreasonably withheld, as a prohibition of the party whose consent
    the sentence names: "Sublandlord's prior consent", "the consent of Owner", "approval by the
    Borrower", "Owner shall approve …, such approval …". No party named: no statement."""
    out = []
    if text.find("unreasonabl", a, b) < 0:
        return out  # the common case, found at once
    for m in CONSENT_NOT_WITHHELD.finditer(text, a, b):
        # the sentence, read across a colon: "without the prior written consent of: (a) …"
        ends = [x.end() for x in FULL_STOP.finditer(text, max(a, m.start() - CONSENT_REACH), m.start())]
        sentence = ends[-1] if ends else max(a, m.start() - CONSENT_REACH)
        own_word = re.match(r"(?:consent|approval)\b", m.group())  # "Sublandlord's prior consent shall not be …"
        giver = _consent_giver(text, sentence, m.start() + (own_word.end() if own_word else 0), parties)
        if giver is None:
            continue
        party, at = giver
        start = m.start() + len(m.group()) - len(m.group().lstrip(",( "))
        if re.fullmatch(r"(?:['’]s\s+(?:prior\s+)?(?:written\s+)?)?[\s,(]*", text[at + len(party):start]):
            start = at  # "(b) Sublandlord, not to be unreasonably withheld": the statement starts at its party
        out.append(_Stmt(label, Modality.PROHIBITION, party, None, start, statement_end(text, m.end(), b), "not be unreasonably withheld"))
    return out


def _consent_giver(text: str, sentence: int, pos: int, parties: str) -> tuple[str, int] | None:
    """The party whose consent the sentence's words before ``pos`` name, nearest first, and where."""
    floor = max(sentence, pos - CONSENT_REACH)
    window = text[floor:pos]
    words = list(CONSENT_WORD.finditer(window))
    if not words:
        return None
    party = r"(?P<party>" + parties + r")(?![\w-])"
    word = words[-1]
    owner = re.search(party + r"['’]s\s+(?:prior\s+)?(?:written\s+)?$", window[:word.start()])
    if owner:
        return owner.group("party"), floor + owner.start()  # "Sublandlord's prior consent"
    after = window[word.end():]
    if re.match(r"\s+(?:thereto\s+)?(?:in\s+writing\s+)?(?:of|from|by)\b", after):
        named = list(re.finditer(party, after))
        if named:  # "the consent of: (a) Prime Landlord … or (b) Sublandlord"
            return named[-1].group("party"), floor + word.end() + named[-1].start()
    acting = list(re.finditer(party + r"\s+(?:shall|will|may)\s+(?:approve|consent)\b", window))
    if acting:
        return acting[-1].group("party"), floor + acting[-1].start()  # "Owner shall approve …, such approval …"
    if re.search(r"\bits\s+(?:prior\s+)?(?:written\s+)?$", window[:word.start()]):
        subject = re.match(r"\s*(?:(?:[Tt]he|[Ee]ach|[Ss]uch)\s+)?" + party, text[sentence:pos])
        if subject:  # "The Company need not pay … without its consent, which consent …": the sentence's subject
            return subject.group("party"), sentence + subject.start("party")
    return None


@lru_cache(maxsize=32)
def _grant_re(parties: str) -> re.Pattern:
    return compile_for_scanning(
        r"(?<![\w-])(?P<grantor>" + parties + r")(?![\w-])\s+(?:hereby\s+)?(?P<verb>" + _GRANT_VERBS + r")\s+(?:to|unto)\s+"
        r"(?:the\s+)?(?P<grantee>" + parties + r")(?![\w-])"
    )


@lru_cache(maxsize=32)
def _party_re(parties: str) -> re.Pattern:
    return re.compile(r"(?:" + parties + r")")


# "the rights and remedies (which) Lessor may have": a relative clause naming what exists.
RELATIVE_HOLDING = re.compile(r"\b(?:rights?|remed(?:y|ies)|claims?|defen[cs]es?|powers?)\s+(?:(?:which|that)\s+)?$")
# "shall make no allowances", "will take no action": a duty to do none is a prohibition (having,
# bearing or incurring none is read by ``not_a_duty``).
DUTY_OF_NONE = re.compile(r"\s+(?!(?:have|be|incur|bear|owe|acquire|in|at|under|on|to|of|for|by|with)\b)[a-z]+\s+no\b")
# How a right is exercised is no duty: "To exercise this option to renew, lessee must give …",
# "Licensee must exercise such ROFN (if at all) by written notice …".
EXERCISE_OPENING = re.compile(r"\s*(?:[Ii]n\s+order\s+)?[Tt]o\s+exercise\b[^;:]*,\s*$")
IF_AT_ALL = re.compile(r"\(\s*if\s+at\s+all\s*\)")
# What another party is to be made to agree to is not yet that party's duty.
REQUIRED_AGREEMENT = re.compile(r"\bto\s+agree\s+(?:in\s+writing\s+)?(?:with\s+[^,.;]{0,40}?\s+)?that\s+$")


def _scan(text, a, b, label, parties, rules, skip=None) -> list[_Stmt]:
    """Statements with an explicit party subject in text[a:b]."""
    out = []
    pattern = _statement_re(parties, rules.modal.pattern)
    for m in pattern.finditer(text, a, b):
        if skip and skip[0] <= m.start() < skip[1]:
            continue
        modal = rules.modal.match(text, m.start("modal"))  # in place: a modal may look ahead ("agree that … shall")
        modality = _agreed_that(text, modal, Modality(modal.lastgroup), parties, rules)
        if modality is None:
            continue
        after = text[m.end():m.end() + 60]
        if modality is Modality.OBLIGATION and DUTY_OF_NONE.match(after):
            modality = Modality.PROHIBITION  # "Operator shall make no allowances"
        if modality is Modality.OBLIGATION and re.match(r"\s*be\s+[a-z]+(?:ed|en)\s+by\b", after):
            continue  # passive with its own agent: read by the passive rule
        if modality in (Modality.OBLIGATION, Modality.PROHIBITION) and AGENTLESS_PASSIVE.match(after):
            continue  # "Banks must be treated the same": the party is acted upon
        det = (m.group("det") or "").strip().lower()
        if det in ("no", "neither") and modality in (Modality.OBLIGATION, Modality.PERMISSION):
            modality = Modality.PROHIBITION
        own_start = m.start()
        if not m.group("det"):
            # "the Required Banks may", "such Participating Bank shall": the phrase starts earlier.
            # Only after a determiner: in "the Letter of Credit Issuer" the words before the
            # party are part of its name, and "of" there does not make it an object.
            modifiers = _modifier_start(text, max(a, own_start - 60), own_start, rules)
            det = PARTY_DETERMINER.search(text, max(a, modifiers - 8), modifiers)
            if det and modifiers < m.start():
                own_start = det.start()
                if det.group().strip().lower() == "no" and modality in (Modality.OBLIGATION, Modality.PERMISSION):
                    modality = Modality.PROHIBITION
        bearers = [(own_start, m.group("party"))]
        # Co-subjects before this one: "the Representatives or the Company shall", and lists
        # "the Administrative Agent, any Co-Agent or any Bank may" (each possibly with modifiers).
        member = r"(?:[Nn]either\s+(?:[Tt]he\s+)?|(?:[Tt]he|[Ee]ach|[Ss]uch|[Aa]ny|[Aa]n?)\s+)?(?:[A-Z][\w'-]*\s+){0,2}?(?P<pN>" + parties + r")(?![\w-])"
        window = max(a, own_start - COMPOUND_LOOKBACK)
        before_subject = text[window:own_start]
        compound_re = re.compile(
            "(?P<other>" + member.replace("pN", "p2") + r")(?P<more>(?:\s*,\s*" + member.replace("?P<pN>", "?:") + r")*)(?P<comma>\s*,)?\s+(?:and/or|and|or|nor)\s+$"
        )
        compound = compound_re.search(before_subject)
        while compound and _singular(compound.group("p2")) == _singular(m.group("party")):
            # "from the Company or Capital Resources, the Company and Capital Resources shall": the
            # list that names the subject once; "on behalf of Subtenant and Subtenant shall": none
            compound = compound_re.search(before_subject, compound.end("other"))
        if compound and compound.group("comma") and not compound.group("more"):
            compound = None  # "to each of the Underwriters, and each of the Underwriters agrees": two clauses
        if compound and compound.group("more"):
            listed = [compound.group("p2"), m.group("party")] + re.findall("(" + parties + r")(?![\w-])", compound.group("more"))
            if len({_singular(p) for p in listed}) < len(listed):
                # "notify the Company, the Representatives or the Company shall": no list names a
                # party twice; read only the last two as co-subjects.
                compound = re.search(
                    "(?P<other>" + member.replace("pN", "p2") + r")(?P<more>)(?P<comma>)\s+(?:and/or|and|or)\s+$", text[window:own_start]
                )
        if compound and re.match(r"(?:[Nn]either)\s", compound.group("other")) and re.search(r"\bnor\s+$", compound.group()):
            # "Neither Sublandlord nor Subtenant shall do …": each of them is forbidden.
            if modality in (Modality.OBLIGATION, Modality.PERMISSION):
                modality = Modality.PROHIBITION
        if compound:
            first = window + compound.start("other")
            bearers.insert(0, (first, compound.group("p2")))
            for extra in re.finditer(r"(?P<p>" + parties + r")(?![\w-])", compound.group("more")):
                bearers.insert(-1, (first, extra.group("p")))
        # Only a right is held against the alternative co-subject ("the Representatives or the
        # Company shall have the right to postpone"); "the Administrative Agent or such Co-Agent
        # may call for additional indemnity" asks it of neither.
        if _no_duty(modality, after, rules):
            continue  # only now: "Neither party will be liable" is negated by its subject
        if modality is Modality.PROHIBITION and re.match(r"(?:is|are)\s+required\s+to", m.group("modal")):
            continue  # "no Stockholder is required to vote": need not
        alternatives = bool(compound) and len(bearers) == 2 and not re.search(r"\band\b", compound.group()) and modality is Modality.RIGHT
        head = bearers[0][0]
        if CONDITIONAL_OPENING.match(text[sentence_start(text, head, a):head]):
            continue  # "If and to the extent such Participating Bank shall not have so made ..."
        before = re.search(r"([A-Za-z]+)[^A-Za-z,;:]*$", text[max(a, head - 30):head])  # "and, if so, the Trustee shall": a clause of its own
        if before and before.group(1).lower() in rules.skip_after and text[head - 1:head] == " ":
            continue
        if re.search(r"\b(?:determined|found|held|established)\s+that\s+$", text[max(a, head - 40):head]):
            continue  # "If it is subsequently determined … that Owner is required to pay": a condition
        if re.search(r"\bso\s+that\b[^;:,.]*$", text[sentence_start(text, head, a):head]):
            continue  # "in such proportion so that … the Company shall be responsible for the balance": a result, no duty
        if re.search(r"\b(?:which|whose)\s+(?!(?:case|event|instance)\b)(?:[a-z]+\s+){1,4}(?:(?:and|or)\s+[a-z]+\s+)?$", text[max(a, head - 60):head]):
            continue  # "any amendment to which amendment Capital Resources shall object": a relative clause ("in which case X shall" is none)
        if re.search(r"\bbetween\s+[^;:.()]{1,80}?\s+and\s+$", text[max(a, head - 100):head]):
            continue  # "no course of dealing between any Credit Party and the Administrative Agent ... shall"
        if RELATIVE_HOLDING.search(text[max(a, head - 40):head]) and re.match(r"\s*(?:have|be\s+entitled)\b", text[m.end("modal"):]):
            continue  # "any other remedies which Operator may have at law": names remedies, grants none
        if re.match(r"\s+desire\b", text[m.end("modal"):]):
            continue  # "any notice either Party may desire to give … shall be in writing"
        if REQUIRED_AGREEMENT.search(text[max(a, head - 80):head]):
            continue  # "require each Paying Agent to agree in writing that the Paying Agent will hold": the requirer's duty
        if re.search(r"\ball\s+that\s+$", text[max(a, head - 12):head]):
            continue  # "ratifying ... all that such attorney-in-fact shall lawfully do"
        if modality is Modality.REPRESENTATION and re.match(r"[^.;]{0,120}?\bthat\s*:", after + text[m.end() + 60:m.end() + 120]):
            continue  # a lead-in: its items carry the statements
        end = statement_end(text, m.end(), b)
        if EXERCISE_OPENING.match(text[sentence_start(text, head, a):head]) or IF_AT_ALL.search(text, m.end(), end):
            continue  # "To exercise this option, lessee must give notice": how to use a right, no duty
        for i, (start, party) in enumerate(bearers):
            # "the Representatives or the Company shall have the right to postpone": either holds
            # the right against the other. Joined by "and" ("The Administrative Agent and/or each
            # Co-Agent may resign") they act alongside each other: a co-subject is no counterparty.
            named = [p for _, p in bearers if p != party] if alternatives else []
            lead_from = max(sentence_start(text, start, a), start - COUNTERPARTY_LEAD_CHARS)
            counter = named[0] if named else _counterparty(text, m.end(), end, party, parties, text[lead_from:start])
            if counter and not named and any(_singular(counter) == _singular(p) for _, p in bearers):
                counter = None
            out.append(_Stmt(label, modality, party, counter, bearers[0][0], end, collapse(m.group("modal"))))
        out += _coordinated(text, m.end(), b, bearers, modality, rules, label, a, parties)
    for pattern, modality, rule in _document_statements(parties):
        for m in pattern.finditer(text, a, b):
            if rule == "extra-bring-down" or (skip and skip[0] <= m.start() < skip[1]):
                continue
            party = m.group("party")
            kind = modality
            start = sentence_start(text, m.start(), a) if rule in ("extra-passive", "extra-responsibility-of") else m.start()
            if rule == "extra-passive" and CHOICE_VERBS.search(m.group()):
                kind = Modality.RIGHT  # "counsel ... shall be selected by the Representatives": a power to choose
            if rule in ("extra-passive", "extra-passive-permission"):
                sentence = sentence_start(text, m.start(), a)
                cut = [x.end() for x in CLAUSE_BOUNDARY.finditer(text, sentence, m.start())]
                boundary = cut[-1] if cut else sentence
                if NO_LIABILITY.search(text, boundary, m.start()):
                    continue  # "no liability shall be incurred by either Party": a limit, no duty
                if re.search(r"\bwhether\b", text[boundary:m.start()]):
                    continue  # "regardless of whether such taxes must be collected by Aura": a case, no duty
                if (NEGATED_SUBJECT.match(text[boundary:m.start()]) or OPENS_WITH_NO.match(text, sentence, m.start())
                        or NEGATED_NEAR.search(text, sentence, m.start())):
                    # "no such Indebtedness shall be guaranteed by the Borrower"; "no settlement may be made
                    # by the Corporation without …"; "No filing of, or amendment to, … will be made by Pi"
                    kind = Modality.PROHIBITION
                    if not OPENS_WITH_NO.match(text, sentence, m.start()):
                        start = boundary + len(text[boundary:m.start()]) - len(text[boundary:m.start()].lstrip())
            end = statement_end(text, m.end(), b)
            agents = [party] + ([m.group("party2")] if "party2" in m.re.groupindex and m.group("party2") else [])
            for agent in agents:  # "shall be agreed to by AIG and the Company": each of them
                counter = _counterparty(text, m.end(), end, agent, parties, "")
                out.append(_Stmt(label, kind, agent, counter, start, end, collapse(m.group().split(" by ")[0])))
    return out


@lru_cache(maxsize=32)
def _document_statements(parties: str) -> tuple[tuple[re.Pattern, Modality, str], ...]:
    """The statement rules with the document's own party names ("Subtenant", "lessor") as well
    as the standard ones."""
    return tuple(
        (compile_for_scanning(r["pattern"].replace("{PARTY}", parties)), Modality(r["modality"]), r["id"])
        for r in load_patterns("deontic.jsonl")
        if r["label"] == "statement"
    )


# A second verb phrase of the same subject: "Lessee shall restrict its use …, and shall not use …".
COORDINATED_MODAL = re.compile(r"(?:,\s*|\s+)(?:and|or|but)\s+(?:(?:each|it|they)\s+)?(?=(?:shall|will|may|must|agrees?|covenants?|undertakes?|refrain\s+from)\b)")
# An infinitive still open where a coordinated verb phrase starts ("entitled to settle or agree to
# pay …" is one infinitive, not a second statement).
OPEN_INFINITIVE = re.compile(r"\bto\s+(?!(?:the|a|an|any|such|its|their|each|all|this|that|these|those|his|her|our|time|date)\b)[a-z]+\b[^,;]*$")
# A relative clause still open where a coordinated verb phrase starts.
RELATIVE_OPEN = re.compile(r"\b(?:which|whom|who|whose)\b[^,;()]*$")
# How far into its sentence a coordinated verb phrase may start (characters).
COORDINATION_REACH = 400


# Words that end in "s" but are no verb of a subject ("Lessee and its agents", "Owner as agent").
NOT_VERBS = r"(?!(?:its|as|thus|plus|unless|this|less|always|whereas|besides|towards|hers|ours|theirs|yes)\b)"


@lru_cache(maxsize=32)
def _clause_subject_re(parties: str) -> re.Pattern:
    """A party that opens a clause of its own with a finite verb: "…, and Owner hereby releases
    and shall indemnify …", "except that Subtenant has been represented by, and shall be …"."""
    return re.compile(
        r"(?:^|(?<=[.;:,)\n])\s*|\b(?:that|and|but|or|then)\s+)" + _subject(parties) + r"(?:\s*\([^()]{0,160}\))?"
        r"\s+(?:hereby\s+|also\s+|further\s+)?(?:[a-z]+ly\s+)?(?P<verb>" + NOT_VERBS +
        r"(?:[a-z]+s|agree|acknowledge|understand|covenant|undertake|represent|warrant|waive|release|shall|will|may|must))\b"
    )


def _verb_clauses(text, a, b, label, parties, rules, skip=None) -> list["_Stmt"]:
    """Modal verb phrases joined to a subject whose own first verb binds no one: "the Company hereby
    waives …, and covenants that it will not …, but will suffer …"; "Operator is acting and shall
    perform …"."""
    out = []
    if not COORDINATED_MODAL.search(text, a, b):
        return out  # no second verb phrase anywhere in the clause
    for m in _clause_subject_re(parties).finditer(text, a, b):
        if skip and skip[0] <= m.start() < skip[1]:
            continue
        if m.group("verb") in ("shall", "will", "may", "must") or rules.modal.match(text, m.start("verb")):
            continue  # "Owner shall …", "Owner agrees to …": the main rule reads it (or, "may or may not", drops it)
        head = m.start("det") if m.group("det") else m.start("party")
        if CONDITIONAL_OPENING.match(text[sentence_start(text, head, a):head]):
            continue
        out += _coordinated(text, m.end("verb"), b, [(head, m.group("party"))], None, rules, label, a, parties)
    return out


def _coordinated(text, pos, b, bearers, first, rules, label, floor, parties) -> list["_Stmt"]:
    """Statements of the subject's further verb phrases in the same sentence, each with its own
    modality; a phrase after a subject of its own ("…, and Owner hereby releases and shall
    indemnify") is that subject's (see ``_verb_clauses``). A further verb phrase of a modality
    already stated is the same statement ("shall register its stock and shall request that …" is
    one duty): one record per bearer and modality."""
    out = []
    stated = {first}
    limit = min(b, pos + COORDINATION_REACH)
    sentence_end = re.search(r"[.;:](?=\s|$)", text[pos:limit])
    limit = pos + sentence_end.start() if sentence_end else limit
    other = _clause_subject_re(parties).search(text, pos, limit)
    if other:
        limit = other.start("party")  # a subject of its own takes over from here ("…, except that Subtenant has …")
    for c in COORDINATED_MODAL.finditer(text, pos, limit):
        if RELATIVE_OPEN.search(text, pos, c.start()):
            continue  # "all rights to which it is or may be entitled": the relative clause's verb
        modal = rules.modal.match(text, c.end())
        if not modal:
            continue
        if not re.match(r"shall|will|may|must", modal.group()):
            if "," not in c.group() and OPEN_INFINITIVE.search(text, pos, c.start()):
                continue  # "instructs Operator to take any action or refrain from …": the infinitive's
            if modal.group().startswith("refrain") and first is not Modality.OBLIGATION:
                continue  # "may take such action, or refrain from …" permits either
        modality = _agreed_that(text, modal, Modality(modal.lastgroup), parties, rules)
        if modality is None:
            continue
        after = text[modal.end():modal.end() + 60]
        if _no_duty(modality, after, rules):
            continue
        if modality in (Modality.OBLIGATION, Modality.PROHIBITION) and AGENTLESS_PASSIVE.match(after):
            continue
        if modality in stated:
            continue
        stated.add(modality)
        start = c.start() + len(c.group()) - len(c.group().lstrip(" ,"))
        end = statement_end(text, modal.end(), b)
        for _, party in bearers:
            out.append(_Stmt(label, modality, party, None, start, end, collapse(modal.group())))
    return out


# "agree that" followed by what the agreement says: "the Parties agree that at no time shall either
# of them use …" (a prohibition); "the Parties further agree that the Parties shall not bring suit"
# (the clause's own subject and modal carry the statement).
AGREE_THAT = re.compile(r"(?:further\s+)?agrees?\s+that")
NEGATIVE_CLAUSE = re.compile(r"[^.;]{0,200}?\b(?:(?:shall|will|must|may)\s+not|(?:at\s+no\s+time|in\s+no\s+event|under\s+no\s+circumstances)\s+(?:shall|will|may|must))\b")


def _agreed_that(text: str, modal: re.Match, modality: Modality, parties: str, rules: _Rules) -> Modality | None:
    """The modality of a statement whose modal is a bare "agree that …"; None where the words
    agreed carry a statement of their own (or free rather than bind)."""
    if not AGREE_THAT.fullmatch(modal.group().strip()):
        return modality
    said = text[modal.end():modal.end() + 240]
    if re.match(r"\s*(?:,[^,;]{0,120},\s*)?" + _subject(parties) + r"(?:\s*,[^,;]{0,80},)?\s+(?:[a-z]+ly\s+)?(?:shall|will|may|must|is|are)\b", said):
        return None
    negative = NEGATIVE_CLAUSE.match(said)
    if negative and AGENTLESS_PASSIVE.match(said[negative.end():]):
        return None  # "agree that any rule of construction … shall not be employed": no one is forbidden
    if negative:
        if re.match(r"(?:\s+[\w-]+){0,3}?\s+(?:not\s+)?be\s+(?:liable|required|obligated|responsible|deemed)\b", said[negative.end():]):
            return None  # "agree that in no event shall either party be required to pay …"
        return Modality.PROHIBITION
    return modality


def _no_duty(modality: Modality, after: str, rules: _Rules) -> bool:
    """The words after the modal limit or free rather than bind ("shall not be required to",
    "shall become effective"); a positive "shall be liable for" still binds."""
    if modality is Modality.RIGHT or not rules.not_a_duty.match(after):
        return False
    return not (modality is Modality.OBLIGATION and rules.duty_when_positive.match(after))


def _modifier_start(text: str, floor: int, pos: int, rules: _Rules) -> int:
    """Where capitalised modifiers of the party at ``pos`` begin ("the Required Banks")."""
    found = PARTY_MODIFIERS.search(text, floor, pos)
    if not found:
        return pos
    start = pos
    for word in reversed(list(re.finditer(r"[A-Z][\w'-]*", found.group(1)))):
        w = word.group().lower()
        if w in NOT_MODIFIERS or w in rules.skip_after:
            break
        start = found.start(1) + word.start()
    return start


# How far before a statement "agrees with X that" is looked for: the words that open its
# sentence, e.g. "The Company agrees with each of the Underwriters that", never a whole
# page-long "sentence" (a file without full stops): that made tagging quadratic.
COUNTERPARTY_LEAD_CHARS = 400


def _counterparty(text, a, b, bearer, parties, lead) -> str | None:
    """The party the statement names after its verb, else one named in 'agrees with X that'."""
    own = _singular(bearer)
    stop = COUNTERPARTY_STOP.search(text, a, b)
    b = stop.start() if stop else b
    for m in re.finditer(r"(?:\b(?:[Tt]he|[Ee]ach|[Ss]uch|[Aa]ny|[Aa]n?)\s+(?:of\s+the\s+)?(?:several\s+|non-defaulting\s+)?)(?P<party>" + parties + r")(?![\w-])", text[a:b]):
        if re.search(r"\bas\s+$", text[max(a, a + m.start() - 4):a + m.start()]):
            continue  # "resign as the Administrative Agent": an office, not a counterparty
        if _singular(m.group("party")) != own:
            return m.group("party")
    with_ = re.search(r"\bwith\s+(?:each\s+of\s+)?(?:the\s+)?(?:several\s+)?(?P<party>" + parties + r")(?![\w-])", lead)
    if with_ and _singular(with_.group("party")) != own:
        return with_.group("party")
    return None


def _singular(name: str | None) -> str:
    if not name:
        return ""
    n = name.lower()
    n = re.sub(r"ies$", "y", n)
    return re.sub(r"(?<=[a-z])s$", "", n)


def _read_lead_in(lead: str, parties: str, rules: _Rules) -> _Umbrella | None:
    """'The Company agrees with each of the Underwriters ...:' -> (Company, Underwriters)."""
    m = re.search(
        _subject(parties) + r"(?:\s*,[^,:]{1,60},)?(?:\s+(?:jointly\s+and\s+severally|severally\s+and\s+not\s+jointly|severally|jointly|each))?"
        r"\s+(?:hereby\s+)?(?P<verbs>(?:(?:represents?|warrants?|agrees?|covenants?|undertakes?)(?:\s*,\s*|\s+and\s+|\s+)?)+)",
        lead,
    )
    if not m:
        # "The Owner shall:", "To that end Licensee shall:" followed by "(a) deliver …", "(b) hold …".
        modal = re.search(_subject(parties) + r"\s+(?:shall|will|must)(?P<neg>\s+not)?\s*:\s*$", lead)
        if not modal:
            return None
        return _Umbrella(bearer=modal.group("party"), counterparty=None, represents=False, agrees=False,
                         binds=Modality.PROHIBITION if modal.group("neg") else Modality.OBLIGATION)
    verbs = m.group("verbs")
    counter = re.search(r"\b(?:to|with),?\s+(?:each\s+of\s+)?(?:the\s+)?(?:several\s+)?(?P<party>" + parties + r")(?![\w-])", lead[m.end():])
    # "The Company and the Association jointly and severally represent": each of them.
    co = re.search(r"(?:\b(?:[Tt]he|[Ee]ach)\s+)?(?P<party>" + parties + r")(?![\w-])\s*,?\s+and\s+$", lead[:m.start()])
    return _Umbrella(
        bearer=m.group("party"),
        counterparty=counter.group("party") if counter else None,
        represents=bool(re.search(r"represent|warrant", verbs)),
        agrees=bool(re.search(r"agree|covenant|undertake", verbs)),
        also=(co.group("party"),) if co else (),
    )


# A lead-in in the passive whose items name who may act: "this Agreement may be terminated upon
# any of the following events: (a) At the election of either party …; (b) By Aura, in writing …".
PASSIVE_LEAD_IN = re.compile(
    r"\b(?:may|can)\s+be\s+(?:[a-z]+ly\s+)?(?:terminated|extended|renewed|amended|cancell?ed|exercised|waived|assigned)\b[^.;]*:\s*$"
)


def _agent_item(text: str, unit: Unit, parties: str) -> list[_Stmt]:
    """An item of a passive lead-in that opens with its agent ("By Aura, …", "by either Buyer or
    Seller if …", "At the election of either party …"): that party's permission."""
    a, b = _item_text(text, unit)
    m = re.match(
        r"\s*(?:[Bb]y|[Aa]t\s+the\s+(?:election|option)\s+of)\s+(?:the\s+|either\s+|any\s+|each\s+)?(?P<party>" + parties + r")(?![\w-])"
        r"(?:\s+(?:or|and)\s+(?:the\s+)?(?P<other>" + parties + r")(?![\w-]))?",
        text[a:b],
    )
    if not m:
        return []
    end = statement_end(text, a, b)
    return [_Stmt(unit.clause.label, Modality.PERMISSION, p, None, a, end, "may be terminated")
            for p in (m.group("party"), m.group("other")) if p]


def _following_items(document: Document, clause: Clause) -> list[Clause]:
    """Siblings after a lead-in that form its list ('Annex I, i' ... 'Annex I, vii')."""
    siblings = [c for c in document.clauses if c.parent == clause.parent and c.kind is not ClauseKind.ITEM and c.start > clause.start]
    items = []
    for c in siblings:
        if items and c.kind is not items[0].kind:
            break
        if not items and c.kind not in (ClauseKind.SUBSECTION, ClauseKind.CLAUSE, ClauseKind.LIST_ITEM, ClauseKind.SUBCLAUSE):
            break
        items.append(c)
    return items


def _descendants(document: Document, label: str) -> set[str]:
    out, frontier = set(), {label}
    for c in document.clauses:
        if c.parent in frontier or c.parent in out:
            out.add(c.label)
    return out


def _item_text(text: str, unit: Unit) -> tuple[int, int]:
    a, b = unit.segments[0] if unit.segments else (0, 0)
    marker = ITEM_MARKER.match(text[a:b])
    return (a + marker.end() if marker else a), (unit.segments[-1][1] if unit.segments else b)


def _represented_item(text: str, unit: Unit, umbrella: _Umbrella, rules: _Rules) -> list[_Stmt]:
    """An item of 'represents and agrees that:': a representation, plus 'it will (not) ...'."""
    a, b = _item_text(text, unit)
    if a >= b:
        return []
    label = unit.clause.label
    out = [_Stmt(label, Modality.REPRESENTATION, umbrella.bearer, umbrella.counterparty, a, statement_end(text, a, b), "represents")]
    if umbrella.agrees and PRONOUN_START.match(text[a:b]):
        for m in re.finditer(r"\b(?P<modal>will\s+not|shall\s+not|will\s+only|will|shall)\s+(?!be\b|have\b)", text[a:b]):
            before = text[max(a, a + m.start() - 25):a + m.start()]
            if re.search(r"\b(?:which|that|who|whom)\b[^,;]*$", before):
                continue
            modality = Modality.PROHIBITION if "not" in m.group("modal") else Modality.OBLIGATION
            start = a + m.start()
            subject = re.search(r"\b(?:it|they)\s+$", text[max(a, start - 5):start])
            if subject:
                start -= len(subject.group())
            out.append(_Stmt(label, modality, umbrella.bearer, umbrella.counterparty, start, statement_end(text, start, b), collapse(m.group("modal"))))
            break
    return out


def _item_duties(text: str, unit: Unit, umbrella: _Umbrella) -> list[_Stmt]:
    """'(a) To prepare ...; to make no further amendment ...': one record per modality."""
    a, b = _item_text(text, unit)
    if umbrella.binds is not None:
        # An item of "X shall:" is what X shall do; "not …" under "shall:" is a prohibition.
        lead = len(text[a:b]) - len(text[a:b].lstrip())
        first = re.match(r"[A-Za-z]+", text[a + lead:b])
        if not first:
            return []
        modality = Modality.PROHIBITION if first.group().lower() == "not" else umbrella.binds
        return [_Stmt(unit.clause.label, modality, umbrella.bearer, umbrella.counterparty, a + lead, statement_end(text, a + lead, b), "shall")]
    out: dict[Modality, _Stmt] = {}
    pos = a
    for part in re.split(r"(;)", text[a:b]) + [""]:
        if part == ";":
            pos += 1
            continue
        seg_a, seg_b = pos, pos + len(part)
        pos = seg_b
        segment = part.strip()
        if not segment or re.match(r"^(?:and\s+)?provided\b", segment):
            continue
        if re.search(r"\bnot\s+to\s+[a-z]+|\bto\s+[a-z]+\s+no\b", segment):
            modality, trigger = Modality.PROHIBITION, re.search(r"\bnot\s+to|\bto\s+[a-z]+\s+no\b", segment).group()
        elif re.search(INFINITIVE, segment):
            modality, trigger = Modality.OBLIGATION, re.search(INFINITIVE, segment).group(1)
        else:
            continue
        if modality not in out:
            lead = len(part) - len(part.lstrip())
            out[modality] = _Stmt(unit.clause.label, modality, umbrella.bearer, umbrella.counterparty, seg_a + lead, seg_b, trigger)
    return list(out.values())


def _appointments(document: Document, mentions) -> list[_Stmt]:
    """A power of attorney's grant: each attorney-in-fact may act for the principal."""
    attorneys = [m for m in mentions if "attorney-in-fact" in m.roles and m.form == "name"]
    principal = next((m.name for m in mentions if "principal" in m.roles), None)
    if not attorneys:
        return []
    text = document.clean
    out = []
    for m in re.finditer(r"\bhereby\s+(?:(?:nominates?|constitutes?|makes?)\s*,?\s*(?:and\s+)?)*appoints?\b", text):
        src = document.source_span(m.start(), m.end())[0]
        clause = document.clause_at(src)
        while clause is not None and clause.kind is ClauseKind.ITEM:
            clause = document.clause(clause.parent)
        start = sentence_start(text, m.start(), 0)
        end = statement_end(text, m.end(), len(text))
        seen = set()
        for attorney in attorneys:
            if attorney.name in seen or not (start <= _clean_index(document, attorney.start) < end + 400):
                continue
            seen.add(attorney.name)
            out.append(_Stmt(clause.label if clause else "", Modality.PERMISSION, attorney.name, principal, start, end, collapse(m.group())))
    return out


def _bring_downs(text, units, stmts, rules, conditional) -> list[_Stmt]:
    """'each of the representations and warranties set forth therein shall be deemed to have been made ...'."""
    makers = Counter(s.bearer for s in stmts if s.modality is Modality.REPRESENTATION)
    pattern = next(p for p, _, rule in rules.statements if rule == "extra-bring-down")
    out = []
    for unit in units:
        if unit.clause.label in conditional or not makers:
            continue
        for a, b in unit.segments:
            for m in pattern.finditer(text, a, b):
                bearer = makers.most_common(1)[0][0]
                counter = next((s.counterparty for s in stmts if s.bearer == bearer and s.modality is Modality.REPRESENTATION and s.counterparty), None)
                start = sentence_start(text, m.start(), a)
                start = max(start, text.rfind(";", a, m.start()) + 1)
                start = start + len(text[start:m.start()]) - len(text[start:m.start()].lstrip())
                out.append(_Stmt(unit.clause.label, Modality.REPRESENTATION, bearer, counter, start, statement_end(text, m.end(), b), "shall be deemed to have been made"))
    return out


def _records(document: Document, stmts: list[_Stmt], mentions, rules: _Rules) -> list[Deontic]:
    """Fill missing counterparties with the other side; resolve bearers to entity keys."""
    doc_sides: dict[str, Counter] = {}
    for s in stmts:
        doc_sides.setdefault(_singular(s.bearer), Counter())[s.bearer] += 1
    entity_of = {}
    for m in mentions:
        for form in (m.name, re.sub(r"^(?:the|The|THE)\s+", "", collapse(m.text))):
            entity_of.setdefault(form.lower(), m.entity)
    out, seen = [], set()
    for s in sorted(stmts, key=lambda s: (s.a, s.bearer)):
        counter = s.counterparty
        if counter is None:
            counter = rules.counterparts.get(_singular(s.bearer).replace("partie", "party"))
        if counter is None:
            # A statement that names no one it is owed to: the document's most frequent other
            # bearer is a guess, wrong in multi-party contracts ("the Borrower agrees to pay the
            # full amount of such Taxes" is owed to no Bank): null rather than a guess.
            own = _singular(s.bearer)
            skip = ("indemnifying party", "indemnified party")
            # A two-sided document (Company and Underwriters) leaves no doubt who the other side is.
            doc_others = {k: v for k, v in doc_sides.items() if k != own and k not in skip}
            if len(doc_others) == 1 and own not in skip:
                counter = next(iter(doc_others.values())).most_common(1)[0][0]
        key = (s.clause, s.modality, s.bearer, s.a)
        if key in seen or s.b <= s.a:
            continue
        seen.add(key)
        start, end = document.source_span(s.a, s.b)
        out.append(
            Deontic(
                doc=document.doc_id,
                clause=s.clause,
                modality=s.modality,
                bearer=s.bearer,
                counterparty=counter,
                start=start,
                end=end,
                text=collapse(document.clean[s.a:s.b]),
                trigger=s.trigger,
                bearer_entity=entity_of.get(s.bearer.lower()),
                counterparty_entity=entity_of.get(counter.lower()) if counter else None,
            )
        )
    return out
