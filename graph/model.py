"""The records every stage hands to the next: plain, frozen, comparable by content.

Offsets are half-open ``[start, end)`` indices (Unicode code points) into the document's
source text as read (for HTML input: the extracted text that ``build`` saves beside the
outputs), so that ``source[start:end]`` is always the exact words a record was made from.
"""

from __future__ import annotations

import bisect
import enum
from dataclasses import dataclass, field
from functools import lru_cache


class DocumentKind(str, enum.Enum):
    UNDERWRITING_AGREEMENT = "underwriting agreement"
    PRICING_AGREEMENT = "pricing agreement"
    POWER_OF_ATTORNEY = "power of attorney"
    PRESS_RELEASE = "press release"
    CREDIT_AGREEMENT = "credit agreement"
    INDENTURE = "indenture"
    OTHER_CONTRACT = "other contract"
    OTHER = "other document"


class ClauseKind(str, enum.Enum):
    PREAMBLE = "preamble"
    ARTICLE = "article"
    SECTION = "section"
    SUBSECTION = "subsection"
    CLAUSE = "clause"
    SUBCLAUSE = "subclause"
    ITEM = "item"  # enumerated inside a sentence: 7(h)(iv)
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST_ITEM = "list item"
    TABLE = "table"
    SIGNATURES = "signatures"
    ANNEX = "annex"
    SCHEDULE = "schedule"
    EXHIBIT = "exhibit"
    APPENDIX = "appendix"


@dataclass(frozen=True, slots=True)
class Clause:
    """One citable part of a document; its span covers its whole subtree."""

    label: str
    kind: ClauseKind
    parent: str | None
    start: int
    end: int
    heading: str | None = None
    text: str = field(default="", compare=False, repr=False)
    order: int = field(default=0, compare=False)

    def to_json(self) -> dict:
        return {
            "label": self.label,
            "kind": self.kind.value,
            "parent": self.parent,
            "heading": self.heading,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "order": self.order,
        }




# --- tagged facts ------------------------------------------------------------------------------
# Every record made from text carries its document and a span [start, end) into the source.


class Modality(str, enum.Enum):
    OBLIGATION = "obligation"
    PROHIBITION = "prohibition"
    PERMISSION = "permission"
    RIGHT = "right"
    REPRESENTATION = "representation"


class ConditionKind(str, enum.Enum):
    CONDITION_PRECEDENT = "condition precedent"
    CONDITION = "condition"  # "if", "in the event that", "subject to"
    PROVISO = "proviso"  # "provided that", "provided, however,"
    EXCEPTION = "exception"  # "except as", "unless", "other than"
    DURATION = "duration"  # "for so long as", "until"
    TIME_LIMIT = "time limit"  # "within thirty-six hours", "not later than", "90 days after"


class EntityKind(str, enum.Enum):
    ORGANIZATION = "organization"
    PERSON = "person"
    GOVERNMENT_BODY = "government body"
    EXCHANGE = "exchange"


@dataclass(frozen=True, slots=True)
class Span:
    doc: str
    start: int
    end: int
    text: str  # source[start:end], exactly


@dataclass(frozen=True, slots=True)
class Term:
    """A defined term: ``(the "COMPANY")``; ``uses`` are the spans where it is used."""

    term: str  # as written between the quotes
    doc: str
    defined_in: str  # clause label
    start: int
    end: int
    definition: str  # the words it stands for, cleaned
    definition_start: int
    definition_end: int
    uses: tuple[Span, ...] = field(default=(), compare=False, repr=False)
    used_in: tuple[str, ...] = field(default=(), compare=False)  # clause labels, reading order
    # What the term names, without article or appositive: ACT → "Securities Act of 1933",
    # COMPANY → "The Hartford Financial Services Group, Inc." (None when not a name-like phrase).
    stands_for: str | None = None
    scope: str | None = None  # the attachment a definition made inside it governs ("Annex I"), else None


@dataclass(frozen=True, slots=True)
class Mention:
    """A place where a document names an entity (by name, alias or defined term)."""

    entity: str  # Entity.key
    doc: str
    clause: str
    start: int
    end: int
    text: str
    # What the document says about the entity named here (the same on every mention of it in
    # one document): its full name as this document writes it, kind, roles, party flag.
    name: str = ""
    kind: EntityKind | None = None
    roles: tuple[str, ...] = ()
    party: bool = False
    titles: tuple[str, ...] = ()
    form: str = "name"  # how it is named here: name, alias (defined term), short, abbreviation


@dataclass(frozen=True, slots=True)
class Entity:
    """One organisation or person across the corpus; ``key`` is stable (normalised name)."""

    key: str
    name: str
    kind: EntityKind
    aliases: tuple[str, ...] = ()
    roles: tuple[tuple[str, str], ...] = ()  # (doc, role), e.g. ("hig-…", "underwriter")
    parties_in: tuple[str, ...] = ()  # docs in which it is a party
    docs: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()  # "General Counsel"


@dataclass(frozen=True, slots=True)
class Deontic:
    """One obligation / prohibition / permission / right / representation statement."""

    doc: str
    clause: str
    modality: Modality
    bearer: str  # the party as the document names it ("Company", "Underwriter")
    counterparty: str | None
    start: int
    end: int
    text: str  # cleaned statement text
    trigger: str  # the words that carry the modality: "will", "shall not", "represents and warrants"
    bearer_entity: str | None = None  # Entity.key when the bearer resolves to one
    counterparty_entity: str | None = None


@dataclass(frozen=True, slots=True)
class Condition:
    doc: str
    clause: str
    kind: ConditionKind
    start: int
    end: int
    text: str
    trigger: str  # "provided, however, that", "subject to", "within"
    governs: str  # clause label it qualifies (or the clause it sits in)
    governs_bearer: str | None = None  # whose obligations it qualifies, when known ("Underwriters")


@dataclass(frozen=True, slots=True)
class Reference:
    """A cross-reference, one record per (reference, target)."""

    doc: str
    source: str  # label of the clause the reference sits in
    text: str
    start: int
    end: int
    target: str | None  # clause label in this corpus
    target_doc: str | None  # the document holding the target (this one, usually)
    external: str | None  # "Securities Act of 1933", …
    designator: str | None = None  # what is cited: "15", "424(b)", "8(c)"
    kind: str = "section"  # section, subsection, clause, rule, regulation, schedule, annex, article


@dataclass(frozen=True, slots=True)
class Finding:
    """A lint finding."""

    doc: str
    kind: str  # "broken reference", "undefined term", "unused definition", "name variant"
    clause: str | None
    start: int | None
    end: int | None
    text: str
    message: str


@dataclass(frozen=True, slots=True)
class Document:
    """A document as it moves through the pipeline; each stage returns an updated copy.

    ``clean`` is the text the taggers read; ``clean_offsets[i]`` is the source offset of
    ``clean[i]`` (one entry more than ``clean`` has characters), so a tagger's clean span
    ``[a, b)`` is the source span ``[clean_offsets[a], source_end(b))``.
    """

    doc_id: str
    path: str
    format: str  # "text", "sgml" or "html"
    kind: DocumentKind
    title: str | None
    source: str = field(repr=False)
    clean: str = field(repr=False)
    clean_offsets: tuple[int, ...] = field(repr=False)
    clauses: tuple[Clause, ...] = field(repr=False)
    # Source spans of the lines laid out in columns (the reader keeps their spacing).
    tabular_lines: tuple[tuple[int, int], ...] = field(default=(), repr=False)
    warnings: tuple[str, ...] = ()
    terms: tuple[Term, ...] = field(default=(), repr=False)
    mentions: tuple[Mention, ...] = field(default=(), repr=False)
    references: tuple[Reference, ...] = field(default=(), repr=False)
    deontics: tuple[Deontic, ...] = field(default=(), repr=False)
    conditions: tuple[Condition, ...] = field(default=(), repr=False)

    def clause(self, label: str) -> Clause | None:
        return next((c for c in self.clauses if c.label == label), None)

    def source_span(self, clean_start: int, clean_end: int) -> tuple[int, int]:
        """Source offsets of the clean span [clean_start, clean_end): exact words, no padding."""
        start = self.clean_offsets[clean_start]
        end = self.clean_offsets[clean_end - 1] + 1 if clean_end > clean_start else start
        return start, end

    def clause_at(self, offset: int) -> Clause | None:
        """The innermost clause whose span holds the source ``offset``."""
        return _clause_index(self.clauses).at(offset)


class _ClauseIndex:
    """``clause_at`` for one clause tree: the last clause, in list order, that starts at or before
    the offset and ends after it (parents come before children: the last hit is the innermost),
    found by bisection instead of a scan of every clause (taggers ask once per record)."""

    def __init__(self, clauses: tuple[Clause, ...]):
        self.clauses = clauses
        self.starts = [c.start for c in clauses]
        self.ends = [c.end for c in clauses]
        self.sorted = all(a <= b for a, b in zip(self.starts, self.starts[1:]))
        self.furthest_end = []  # furthest_end[i]: the largest end among clauses[:i + 1]
        furthest = -1
        for end in self.ends:
            furthest = max(furthest, end)
            self.furthest_end.append(furthest)

    def at(self, offset: int) -> Clause | None:
        if not self.sorted:  # (segment keeps reading order; this only keeps the answer for any list)
            best = None
            for c in self.clauses:
                if c.start <= offset < c.end:
                    best = c
                elif c.start > offset:
                    break
            return best
        i = bisect.bisect_right(self.starts, offset) - 1  # every clause up to i starts at or before it
        while i >= 0 and self.furthest_end[i] > offset:
            if self.ends[i] > offset:
                return self.clauses[i]
            i -= 1
        return None


# The index of the last few clause trees asked about (a frozen record cannot hold its own); the
# tuple is kept with its index, so its id is never another tuple's.
_CLAUSE_INDEXES: dict[int, tuple[tuple[Clause, ...], _ClauseIndex]] = {}
_CLAUSE_INDEXES_KEPT = 8


def _clause_index(clauses: tuple[Clause, ...]) -> _ClauseIndex:
    entry = _CLAUSE_INDEXES.get(id(clauses))
    if entry is None or entry[0] is not clauses:
        if len(_CLAUSE_INDEXES) >= _CLAUSE_INDEXES_KEPT:
            _CLAUSE_INDEXES.clear()
        entry = _CLAUSE_INDEXES[id(clauses)] = (clauses, _ClauseIndex(clauses))
    return entry[1]


@dataclass(frozen=True, slots=True)
class Corpus:
    """Everything built: documents, the entities shared across them, and lint findings."""

    documents: tuple[Document, ...]
    entities: tuple[Entity, ...] = ()
    findings: tuple[Finding, ...] = ()


def record_json(record) -> dict:
    """A record as plain JSON-able data (enums by value, nested records as dicts)."""
    return _as_json(record)


def _as_json(value):
    if type(value) in _PLAIN:
        return value  # most fields: a record's words and offsets (exact types: a str enum is no str here)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_as_json(v) for v in value]
    names = _field_names(type(value))
    if names is not None:
        return {name: _as_json(getattr(value, name)) for name in names}
    return value


_PLAIN = {str, int, float, bool, type(None)}


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names (asked once per class, not per record), else None."""
    import dataclasses

    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


# Pickling: a Document crosses processes twice per build (the worker that tags it stores it;
# the one that writes its outputs reads it back). The state methods ``dataclass`` gives slotted
# classes look up the fields of every record, which cost most of that; each record is pickled
# instead as its class and its field values, and rebuilt by its own __init__.
def _reduce_as_fields(cls: type) -> None:
    import dataclasses

    names = tuple(f.name for f in dataclasses.fields(cls))

    def __reduce__(self):
        return cls, tuple([getattr(self, name) for name in names])

    cls.__reduce__ = __reduce__


def _pickled_as_fields() -> None:
    import dataclasses

    for value in list(globals().values()):
        if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == __name__:
            _reduce_as_fields(value)


_pickled_as_fields()
