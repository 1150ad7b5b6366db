"""Build the spaCy pipeline, and tag one document's clean text with the same components.

Each component reads the document it tags (its clean text, clause tree and offset map) and the
records of the families before it, and makes its own family's records (``records``). In a
spaCy pipeline it takes the Document from ``doc.user_data[CONTEXT]``, leaves its records in
``doc.user_data[RESULTS][family]`` and its spans in a named span group (``doc.spans["cg_terms"]``
…) for inspection. ``tag_document`` (the build) runs the same components without a Doc: they
match patterns over the text, and tokenising a whole contract into a Doc cost about as much
as all the tagging; spaCy is not even imported then.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import TYPE_CHECKING

from ..classify import document_kind, document_title
from ..clean import clean
from ..model import Document
from ..segment import segment
from .conditions import ConditionComponent
from .deontic import DeonticComponent
from .entities import EntityComponent
from .refs import ReferenceComponent
from .terms import TermComponent

if TYPE_CHECKING:
    from spacy.language import Language

# Order matters: entities and references read the defined terms; obligations read entities.
COMPONENTS = {
    "clausegraph_terms": TermComponent,
    "clausegraph_entities": EntityComponent,
    "clausegraph_refs": ReferenceComponent,
    "clausegraph_deontic": DeonticComponent,
    "clausegraph_conditions": ConditionComponent,
}


def build_nlp() -> Language:
    """``spacy.blank("en")`` + a sentencizer + the rule components. No model download."""
    import spacy

    from . import factories  # noqa: F401  (registers the components)

    nlp = spacy.blank("en")
    # Legal sentences run long; raise the limit for whole-contract texts (offsets need one Doc).
    nlp.max_length = 20_000_000
    nlp.add_pipe("sentencizer")
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


@lru_cache(maxsize=1)
def _components() -> tuple:
    """The components in pipeline order, made once per process (each compiles its patterns)."""
    return tuple(component(None, name) for name, component in COMPONENTS.items())


def tag_document(document: Document) -> Document:
    """Run every component over ``document.clean``; return the document with its records."""
    results: dict[str, list] = {}
    for component in _components():
        results[component.family] = component.records(document, results)
    return dataclasses.replace(
        document,
        terms=tuple(results["terms"]),
        mentions=tuple(results["mentions"]),
        references=tuple(results["references"]),
        deontics=tuple(results["deontics"]),
        conditions=tuple(results["conditions"]),
    )


def document_for_text(text: str, doc_id: str = "doc") -> Document:
    """The Document a component needs, for a user's Doc made from plain ``text``.

    The text is taken as already clean (the Doc's offsets are the records' offsets); its clause
    tree comes from segmenting it as ``build`` would (numbered sections, or paragraphs p1, p2…).
    """
    clauses = tuple(segment(clean(text))) if text.strip() else ()
    kind = document_kind(text, list(clauses))
    return Document(
        doc_id=doc_id, path=doc_id, format="text", kind=kind, title=document_title(text, kind),
        source=text, clean=text, clean_offsets=tuple(range(len(text) + 1)), clauses=clauses,
    )
