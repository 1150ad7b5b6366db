"""Every clausegraph spaCy component is registered here, and only here."""

from __future__ import annotations

from spacy.language import Language

from .conditions import ConditionComponent
from .deontic import DeonticComponent
from .entities import EntityComponent
from .refs import ReferenceComponent
from .terms import TermComponent


@Language.factory("clausegraph_terms", assigns=["doc.spans"], requires=["token.is_sent_start"])
def make_terms(nlp: Language, name: str) -> TermComponent:
    return TermComponent(nlp, name)


@Language.factory("clausegraph_entities", assigns=["doc.spans"])
def make_entities(nlp: Language, name: str) -> EntityComponent:
    return EntityComponent(nlp, name)


@Language.factory("clausegraph_refs", assigns=["doc.spans"])
def make_refs(nlp: Language, name: str) -> ReferenceComponent:
    return ReferenceComponent(nlp, name)


@Language.factory("clausegraph_deontic", assigns=["doc.spans"], requires=["token.is_sent_start"])
def make_deontic(nlp: Language, name: str) -> DeonticComponent:
    return DeonticComponent(nlp, name)


@Language.factory("clausegraph_conditions", assigns=["doc.spans"], requires=["token.is_sent_start"])
def make_conditions(nlp: Language, name: str) -> ConditionComponent:
    return ConditionComponent(nlp, name)
