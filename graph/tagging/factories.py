"""Every clausegraph spaCy component is registered here, and only here.

The factories are also published as ``spacy_factories`` entry points (pyproject.toml), so a
user's own pipeline finds them by name without importing clausegraph first::

    nlp = spacy.blank("en")
    nlp.add_pipe("clausegraph_terms")
    doc = nlp('The "Company" means Acme Corp. The Company shall pay.')
    doc.spans["cg_terms"]

A Doc tagged this way carries the Document it was made from in ``doc.user_data[CONTEXT]``
(the build's ``pipeline.tag_document`` calls the same components' ``records`` with no Doc); on
a user's plain Doc, :class:`PlainDocAdapter` makes that Document from the Doc's own text
(segmenting it into clauses), so every component runs on any text.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .conditions import ConditionComponent
from .deontic import DeonticComponent
from .entities import EntityComponent
from .pipeline_keys import CONTEXT, RESULTS
from .refs import ReferenceComponent
from .terms import TermComponent


class PlainDocAdapter:
    """Runs a clausegraph component on any Doc, not only on one made by ``tag_document``.

    The components read the clause tree and write their records through ``doc.user_data``;
    a plain Doc has neither, and spaCy would report the missing key as E109 ("did you forget to
    call initialize()?"), which says nothing useful. Here the missing context is made from the
    Doc's text. (The components match patterns over the text; they need no sentencizer.)
    """

    def __init__(self, component, name: str):
        self.component = component
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        if CONTEXT not in doc.user_data:
            from .pipeline import document_for_text  # segment.py and clean.py: only when needed

            doc.user_data[CONTEXT] = document_for_text(doc.text)
        elif getattr(doc.user_data[CONTEXT], "clean", None) != doc.text:
            raise ValueError(
                f"clausegraph component {self.name!r}: doc.user_data[{CONTEXT!r}] is not the Document of "
                "this Doc's text (its clean text differs); leave it unset and the component segments the Doc's text"
            )
        doc.user_data.setdefault(RESULTS, {})
        return self.component(doc)

    def __getattr__(self, attribute):  # the wrapped component's own attributes stay reachable
        if attribute.startswith("__") or attribute == "component":  # e.g. while unpickling: no recursion
            raise AttributeError(attribute)
        return getattr(self.component, attribute)


@Language.factory("clausegraph_terms", assigns=["doc.spans"])
def make_terms(nlp: Language, name: str) -> PlainDocAdapter:
    return PlainDocAdapter(TermComponent(nlp, name), name)


@Language.factory("clausegraph_entities", assigns=["doc.spans"])
def make_entities(nlp: Language, name: str) -> PlainDocAdapter:
    return PlainDocAdapter(EntityComponent(nlp, name), name)


@Language.factory("clausegraph_refs", assigns=["doc.spans"])
def make_refs(nlp: Language, name: str) -> PlainDocAdapter:
    return PlainDocAdapter(ReferenceComponent(nlp, name), name)


@Language.factory("clausegraph_deontic", assigns=["doc.spans"])
def make_deontic(nlp: Language, name: str) -> PlainDocAdapter:
    return PlainDocAdapter(DeonticComponent(nlp, name), name)


@Language.factory("clausegraph_conditions", assigns=["doc.spans"])
def make_conditions(nlp: Language, name: str) -> PlainDocAdapter:
    return PlainDocAdapter(ConditionComponent(nlp, name), name)
