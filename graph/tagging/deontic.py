"""PLACEHOLDER — being written; finds nothing yet."""

from __future__ import annotations

from spacy.tokens import Doc

from .pipeline_keys import RESULTS


class DeonticComponent:
    def __init__(self, nlp, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[RESULTS]["deontics"] = []
        return doc
