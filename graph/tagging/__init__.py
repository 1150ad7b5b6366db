"""Tagging: rule components on ``spacy.blank("en")`` that find what a lawyer reads for.

One module per tag family (``terms``, ``entities``, ``refs``, ``deontic``, ``conditions``),
each a spaCy component class; ``factories`` registers them; ``pipeline`` builds the pipeline
and turns a segmented :class:`~clausegraph.model.Document` into a tagged one. Patterns are
data files in ``patterns/``.
"""

from .pipeline import build_nlp, tag_document

__all__ = ["build_nlp", "tag_document"]
