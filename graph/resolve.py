"""Resolve across the corpus: references to their target clauses, mentions to entities.

Runs after every document is tagged, because a reference may point into another document
and the same company is named in all four documents of the first corpus.
"""

from __future__ import annotations

import dataclasses

from .model import Corpus, Document, Entity


def resolve_corpus(documents: list[Document]) -> Corpus:
    documents = resolve_references(documents)
    documents, entities = resolve_entities(documents)
    return Corpus(documents=tuple(documents), entities=tuple(entities))


# --- references (owned by the cross-reference work) -----------------------------------------


def resolve_references(documents: list[Document]) -> list[Document]:
    """Targets that need another document. Within one document the tagger resolves them."""
    return list(documents)


# --- entities (owned by the parties work) ----------------------------------------------------


def resolve_entities(documents: list[Document]) -> tuple[list[Document], list[Entity]]:
    """One Entity per real-world organisation or person across all documents."""
    return list(documents), []


__all__ = ["resolve_corpus", "dataclasses"]
