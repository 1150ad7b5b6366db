"""Conditions: what qualifies a clause or an obligation, and when.

Triggers are data (``patterns/conditions.jsonl``): "subject to", "the condition that", "if",
"in the event that", "provided, however, that", "unless", "except as", "for so long as",
"until", and time limits ("within thirty-six hours", "not later than ...", "90 days after").
Each condition ``governs`` the clause whose own sentence holds it (inline items belong to
their parent's sentence) and, where a deontic statement holds it, names that statement's
bearer in ``governs_bearer``.

A lead-in that subjects a party's obligations to a list ("The obligations of the Underwriters
... shall be subject ... to ... the following additional conditions:") makes every item of
the list a condition precedent governing the lead-in's clause and that party's obligations.
"""

from __future__ import annotations

import bisect
import heapq
import re
from typing import TYPE_CHECKING
from functools import lru_cache

if TYPE_CHECKING:  # spaCy is imported only where a Doc is made (tag_document needs none)
    from spacy.tokens import Doc

from ..model import ClauseKind, Condition, ConditionKind, Document
from .deontic import _rules as _deontic_rules
from .deontic import clause_units, sentence_start, statement_end
from .entities import _clean_index, collapse, load_patterns
from .rules import compile_for_scanning, may_match
from .spangroups import span_group
from .pipeline_keys import CONTEXT, RESULTS

# Longest condition text kept (characters); the condition's own words come first.
MAX_CONDITION_CHARS = 400
# Words after which a leading "If ..." clause has ended and the main clause begins.
MAIN_CLAUSE = re.compile(r",\s+then\b|,\s+(?=(?:the|each|such|no|any|it|he|she|they)\s+[A-Za-z-]+(?:\s+[A-Za-z-]+)?\s+(?:shall|will|may|must|agrees)\b)")
PARTY_OF_LEAD_IN = re.compile(r"obligations\s+of\s+(?:the\s+|each\s+)?(?P<party>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)")


@lru_cache(maxsize=1)
def _triggers() -> tuple[tuple[re.Pattern, ConditionKind, str], ...]:
    rows = load_patterns("conditions.jsonl")
    number = next(r["pattern"] for r in rows if r["label"] == "number")
    return tuple(
        (compile_for_scanning(r["pattern"].replace("{NUMBER}", number)), ConditionKind(r["kind"]), r["id"])
        for r in rows
        if r["label"] == "trigger"
    )


class ConditionComponent:
    """Finds conditions and stores them in ``doc.user_data[RESULTS]["conditions"]``."""

    def __init__(self, nlp, name: str):
        self.name = name

    family = "conditions"

    def records(self, document: Document, results: dict) -> list[Condition]:
        """The records alone, from the Document and the earlier families' records (no Doc needed)."""
        return find_conditions(document, results.get("deontics") or [])

    def __call__(self, doc: Doc) -> Doc:
        document: Document = doc.user_data[CONTEXT]
        records = self.records(document, doc.user_data[RESULTS])
        doc.user_data[RESULTS][self.family] = records
        doc.spans["cg_conditions"] = span_group(doc, document, records, lambda r: r.kind.value)
        return doc


def find_conditions(document: Document, deontics=()) -> list[Condition]:
    """Every condition in ``document``, in reading order."""
    text = document.clean
    lead_in = _deontic_rules().condition_lead_in
    found: list[tuple[int, int, ConditionKind, str, str, str | None]] = []
    for unit in clause_units(document):
        label = unit.clause.label
        # Conditions precedent: the items of a lead-in that subjects obligations to them.
        if unit.segments and unit.children:
            a, b = unit.segments[0]
            own = text[a:b].rstrip()
            if own.endswith(":") and lead_in.search(own):
                party = PARTY_OF_LEAD_IN.search(own)
                bearer = party.group("party") if party else None
                for item in unit.children:
                    ia = _clean_index(document, item.start)
                    ib = statement_end(text, ia, _clean_index(document, item.end - 1) + 1)
                    found.append((ia, ib, ConditionKind.CONDITION_PRECEDENT, "condition precedent", label, bearer))
        for a, b in unit.segments:
            taken_until = -1  # hits come in order of start: one inside a taken one starts before its end
            hits = []
            for pattern, kind, rule in _triggers():
                if not may_match(pattern, text, a, b):
                    continue  # (none of the trigger's words here: no need to scan)
                for m in pattern.finditer(text, a, b):
                    hits.append((m.start(), -(m.end() - m.start()), m.end(), kind, rule))
            for start, _, end, kind, rule in sorted(hits):
                if start < taken_until:
                    continue
                taken_until = max(taken_until, end)
                stop = statement_end(text, end, b)
                if kind in (ConditionKind.CONDITION, ConditionKind.EXCEPTION) and rule != "subject-to":
                    main = MAIN_CLAUSE.search(text, end, stop)
                    if main:
                        stop = main.start()
                stop = min(stop, start + MAX_CONDITION_CHARS)
                bearer = None
                if kind is ConditionKind.CONDITION_PRECEDENT:
                    party = PARTY_OF_LEAD_IN.search(text, sentence_start(text, start, a), start)
                    bearer = party.group("party") if party else None
                found.append((start, stop, kind, collapse(text[start:end]), label, bearer))

    # Name the bearer of the statement each condition sits in or qualifies.
    # A statement recorded on an inline item (its subject stands there) belongs to the sentence of
    # the clause that holds the item, where the conditions are looked for.
    kinds = {c.label: c for c in document.clauses}
    def home(label: str) -> str:
        while label in kinds and kinds[label].kind is ClauseKind.ITEM and kinds[label].parent:
            label = kinds[label].parent
        return label

    spans = []
    for d in deontics:
        spans.append((_clean_index(document, d.start), _clean_index(document, d.end - 1) + 1, home(d.clause), d.bearer))
    by_clause: dict[str, _Holders] = {}
    for span in sorted(spans):
        by_clause.setdefault(span[2], _Holders()).add(span)
    out = []
    seen = set()
    for start, end, kind, trigger, label, bearer in sorted(found):
        if end <= start or (start, kind) in seen:
            continue
        seen.add((start, kind))
        if bearer is None:
            holder = by_clause[label].holder(start) if label in by_clause else None
            bearer = holder[3] if holder else None
        a, b = document.source_span(start, end)
        out.append(
            Condition(
                doc=document.doc_id,
                clause=_innermost_label(document, a),
                kind=kind,
                start=a,
                end=b,
                text=collapse(text[start:end]),
                trigger=trigger,
                governs=label,
                governs_bearer=bearer,
            )
        )
    return out


class _Holders:
    """The statements of one clause, asked in order of position which one a condition belongs to:
    the first that holds it, else the first that starts soon after it, else the last before it
    (a proviso after its statement: "...; provided, however, that ..."). The questions come in
    increasing order, so the statements that ended are dropped once: linear, not quadratic."""

    def __init__(self):
        self.spans: list[tuple] = []  # sorted by start
        self.starts: list[int] = []
        self.open: list[tuple] = []  # heap of started statements, earliest start first
        self.next = 0

    def add(self, span: tuple) -> None:
        self.spans.append(span)
        self.starts.append(span[0])

    def holder(self, start: int) -> tuple | None:
        while self.next < len(self.spans) and self.spans[self.next][0] <= start:
            heapq.heappush(self.open, (self.spans[self.next][0], self.next))
            self.next += 1
        while self.open and self.spans[self.open[0][1]][1] <= start:
            heapq.heappop(self.open)
        if self.open:
            return self.spans[self.open[0][1]]
        after = bisect.bisect_left(self.starts, start)
        if after < len(self.spans) and self.spans[after][0] - start < 400:
            return self.spans[after]
        before = bisect.bisect_left(self.starts, start) - 1
        return self.spans[before] if before >= 0 else None


def _innermost_label(document: Document, source_offset: int) -> str:
    clause = document.clause_at(source_offset)
    return clause.label if clause else ""
