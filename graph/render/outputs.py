"""Read back what ``clausegraph build`` wrote: the pages' only data source.

The pages never re-run extraction (and never import spaCy): they read ``manifest.json``,
``entities.json``, ``lint.json`` and each ``docs/DOC/*.json`` and turn the rows back into the
records of :mod:`clausegraph.model`. Reading is tolerant in the ways a newer build may need:
unknown fields are ignored, missing optional fields take their defaults, and a kind that this
version's enums do not know stays a plain string (see :func:`kind_text`).
"""

from __future__ import annotations

import dataclasses
import enum
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import StoreError
from ..model import (
    Clause,
    ClauseKind,
    Condition,
    ConditionKind,
    Deontic,
    Entity,
    EntityKind,
    Finding,
    Mention,
    Modality,
    Reference,
    Span,
    Term,
)

# Fields holding an enum, per record type: the rest are plain JSON values.
ENUM_FIELDS: dict[type, dict[str, type[enum.Enum]]] = {
    Clause: {"kind": ClauseKind},
    Deontic: {"modality": Modality},
    Condition: {"kind": ConditionKind},
    Entity: {"kind": EntityKind},
    Mention: {"kind": EntityKind},
}


@dataclass(frozen=True)
class DocOutputs:
    """One document as built: its metadata, the source text every offset points into, records."""

    doc: str
    kind: str
    title: str | None
    path: str
    source: str = field(repr=False)
    clauses: tuple[Clause, ...] = field(repr=False)
    terms: tuple[Term, ...] = field(default=(), repr=False)
    mentions: tuple[Mention, ...] = field(default=(), repr=False)
    references: tuple[Reference, ...] = field(default=(), repr=False)
    deontics: tuple[Deontic, ...] = field(default=(), repr=False)
    conditions: tuple[Condition, ...] = field(default=(), repr=False)
    # The clean text of ``source``, its offsets and its lines laid out in columns, when the build
    # hands the document over in memory (the reader need not clean it again); else None.
    cleaned: "tuple[str, tuple[int, ...], tuple[tuple[int, int], ...]] | None" = field(
        default=None, repr=False, compare=False)

    def clause(self, label: str) -> Clause | None:
        return next((c for c in self.clauses if c.label == label), None)


@dataclass(frozen=True)
class Outputs:
    folder: Path
    documents: tuple[DocOutputs, ...]
    entities: tuple[Entity, ...] = ()
    findings: tuple[Finding, ...] = ()

    def document(self, doc: str) -> DocOutputs | None:
        return next((d for d in self.documents if d.doc == doc), None)


def kind_text(value) -> str:
    """An enum's string value, or the string itself (a kind this version does not know)."""
    return value.value if isinstance(value, enum.Enum) else str(value)


def load_outputs(folder: Path) -> Outputs:
    """Everything under ``folder`` (an outputs folder, or a build's staging folder)."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        raise StoreError(f"{folder}: no manifest.json: run `clausegraph build` first")
    manifest = _read_json(manifest_path)
    documents = tuple(load_document(folder / "docs" / row["doc"], row) for row in manifest.get("documents", []))
    entities = tuple(_record(Entity, row) for row in _read_json_or_empty(folder / "entities.json"))
    findings = tuple(_record(Finding, row) for row in _read_json_or_empty(folder / "lint.json"))
    return Outputs(folder=folder, documents=documents, entities=entities, findings=findings)


def load_document(folder: Path, row: dict) -> DocOutputs:
    """One document's folder under docs/, with its row of manifest.json."""
    source_path = folder / "source.txt"
    if not source_path.exists():
        raise StoreError(f"{source_path}: missing: the outputs are incomplete, rebuild them")
    with open(source_path, encoding="utf-8", newline="") as f:
        source = f.read()

    def records(name: str, cls: type) -> tuple:
        return tuple(_record(cls, r) for r in _read_json_or_empty(folder / f"{name}.json"))

    return DocOutputs(
        doc=row["doc"],
        kind=row.get("kind") or "other document",
        title=row.get("title"),
        path=row.get("path") or "",
        source=source,
        clauses=records("clauses", Clause),
        terms=records("terms", Term),
        mentions=records("mentions", Mention),
        references=records("refs", Reference),
        deontics=records("obligations", Deontic),
        conditions=records("conditions", Condition),
    )


def document_outputs(document, row: dict) -> DocOutputs:
    """A document built in this process, as ``load_document`` would read it back from the records
    ``build`` writes for it (``row``: its row of manifest.json)."""
    return DocOutputs(
        doc=row["doc"],
        kind=row.get("kind") or "other document",
        title=row.get("title"),
        path=row.get("path") or "",
        source=document.source,
        clauses=document.clauses,
        terms=document.terms,
        mentions=document.mentions,
        references=document.references,
        deontics=document.deontics,
        conditions=document.conditions,
        cleaned=(document.clean, document.clean_offsets, document.tabular_lines),
    )


def _record(cls: type, row: dict):
    """A model record from its ``record_json`` row (lists back to tuples, enums by value)."""
    enums = ENUM_FIELDS.get(cls, {})
    values = {}
    for f in dataclasses.fields(cls):
        if f.name not in row:
            continue
        value = row[f.name]
        if f.name in enums and value is not None:
            try:
                value = enums[f.name](value)
            except ValueError:
                pass  # a kind added after this version: keep the string
        elif cls is Term and f.name == "uses":
            value = tuple(_record(Span, u) for u in value or ())
        elif isinstance(value, list):
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        values[f.name] = value
    try:
        return cls(**values)
    except TypeError as exc:
        raise StoreError(f"unreadable {cls.__name__} record in the outputs: {exc}: {str(row)[:200]}") from exc


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: unreadable: {exc}") from exc


def _read_json_or_empty(path: Path) -> list:
    return _read_json(path) if path.exists() else []
