"""The records every stage hands to the next: plain, frozen, comparable by content.

Offsets are half-open ``[start, end)`` indices (Unicode code points) into the document's
source text as read (for HTML input: the extracted text that ``build`` saves beside the
outputs), so that ``source[start:end]`` is always the exact words a record was made from.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


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


@dataclass(frozen=True, slots=True)
class Document:
    """A segmented document: what every later stage starts from."""

    doc_id: str
    path: str
    format: str  # "text", "sgml" or "html"
    kind: DocumentKind
    title: str | None
    source: str = field(repr=False)
    clean: str = field(repr=False)
    clauses: tuple[Clause, ...] = field(repr=False)
    warnings: tuple[str, ...] = ()

    def clause(self, label: str) -> Clause | None:
        for c in self.clauses:
            if c.label == label:
                return c
        return None
