"""Build the spaCy pipeline and run it over one document's clean text.

Components read the document they tag (its clause tree, its offset map) from
``doc.user_data[CONTEXT]`` and leave their records in ``doc.user_data[RESULTS][family]``;
their spans also go to named span groups (``doc.spans["cg_terms"]`` …) for inspection.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import spacy
from spacy.language import Language

from ..classify import document_kind, document_title
from ..clean import clean
from ..model import Document
from ..segment import segment
from . import factories  # noqa: F401  (registers the components)
from .pipeline_keys import CONTEXT, RESULTS

# Order matters: entities and references read the defined terms; obligations read entities.
COMPONENTS = (
    "clausegraph_terms",
    "clausegraph_entities",
    "clausegraph_refs",
    "clausegraph_deontic",
    "clausegraph_conditions",
)


def build_nlp() -> Language:
    """``spacy.blank("en")`` + a sentencizer + the rule components. No model download."""
    nlp = spacy.blank("en")
    # Legal sentences run long; raise the limit for whole-contract texts (offsets need one Doc).
    nlp.max_length = 20_000_000
    nlp.add_pipe("sentencizer")
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


@lru_cache(maxsize=1)
def _shared_nlp() -> Language:
    return build_nlp()


def tag_document(document: Document, nlp: Language | None = None) -> Document:
    """Run every component over ``document.clean``; return the document with its records."""
    nlp = nlp or _shared_nlp()
    doc = nlp.make_doc(document.clean)
    doc.user_data[CONTEXT] = document
    doc.user_data[RESULTS] = {}
    for _, component in nlp.pipeline:
        doc = component(doc)
    results = doc.user_data[RESULTS]
    return dataclasses.replace(
        document,
        terms=tuple(results.get("terms", ())),
        mentions=tuple(results.get("mentions", ())),
        references=tuple(results.get("references", ())),
        deontics=tuple(results.get("deontics", ())),
        conditions=tuple(results.get("conditions", ())),
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
