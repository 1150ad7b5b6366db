"""Resolve across the corpus: references to their target clauses, mentions to entities.

Runs after every document is tagged, because a reference may point into another document
and the same company is named in all four documents of the first corpus.

Resolution works on each document's ``DocumentFacts`` (titles, mentions, the references that
may cite another document: what is small), so that a build of thousands of documents keeps
only these in memory; the few documents whose text is needed again (to find an entity's short
form in them) are read back one at a time. Its result, a ``Resolution``, holds the entities
and what changes in each document (``apply_resolution``), which the build applies as it
writes each document.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from .model import Corpus, Document, Entity, EntityKind, Mention
from .store import match_key


@dataclass(frozen=True)
class DocumentFacts:
    """What corpus-wide resolution (and the corpus-wide indexes of ``rdf``) need of one document."""

    doc_id: str
    title: str | None
    mentions: tuple[Mention, ...]
    principals: frozenset[str]  # who the document is between (see _principals)
    # (index in references, the cited instrument's name normalised, designator) of each
    # reference that the tagger left without a target and that names what it cites
    citations: tuple[tuple[int, str, str], ...]
    bearer_keys: tuple[str, ...]  # the entity keys its statements' bearers and counterparties carry
    # (term, its match key, the match key of its definition + " "), for terms standing for entities
    terms: tuple[tuple[str, str, str], ...]
    # Words that may end an entity's short form ("The Hartford", "CNA"): the only words of the
    # text resolution looks at. Large, so the build keeps them on disk (None in memory).
    capitalised: frozenset[str] | None = field(default=None, compare=False)


def _title_key(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def document_facts(document: Document) -> DocumentFacts:
    citations = tuple((index, _title_key(ref.external), ref.designator)
                      for index, ref in enumerate(document.references) if ref.target is None and ref.designator)
    bearers = {k for d in document.deontics for k in (d.bearer_entity, d.counterparty_entity) if k}
    return DocumentFacts(
        doc_id=document.doc_id,
        title=document.title,
        mentions=document.mentions,
        principals=frozenset(_principals(document)),
        citations=citations,
        bearer_keys=tuple(sorted(bearers)),
        terms=term_facts(document),
        capitalised=frozenset(w for w in re.findall(r"[\w&]+", document.clean) if w[:1].isupper()),
    )


def term_facts(document: Document) -> tuple[tuple[str, str, str], ...]:
    """(term, its match key, the match key of its definition + " ") of each defined term."""
    return tuple((t.term, match_key(t.term), match_key(t.definition) + " ") for t in document.terms)


@dataclass(frozen=True)
class DocumentResolution:
    """What resolution changes in one document."""

    retargeted: tuple[tuple[int, str, str], ...] = ()  # (index in references, target label, target doc)
    added: tuple[Mention, ...] = ()  # short forms of entities named elsewhere, found in its text
    keys: tuple[tuple[str, str], ...] = ()  # document-level entity key → the corpus's


@dataclass
class Resolution:
    entities: tuple[Entity, ...]
    documents: dict[str, DocumentResolution]
    mentions: dict[str, tuple[Mention, ...]]  # each document's mentions, resolved (added ones in place)


def apply_resolution(document: Document, resolution: DocumentResolution) -> Document:
    """The document as resolution leaves it: references retargeted, short forms added, keys final."""
    references = list(document.references)
    for index, target, target_doc in resolution.retargeted:
        references[index] = dataclasses.replace(references[index], target=target, target_doc=target_doc, external=None)
    mentions = document.mentions
    if resolution.added:
        mentions = tuple(sorted(mentions + resolution.added, key=lambda m: m.start))
    final = dict(resolution.keys)

    def to_final(local: str | None) -> str | None:
        return final.get(local, local) if local else local

    return dataclasses.replace(
        document,
        references=tuple(references),
        mentions=tuple(dataclasses.replace(m, entity=to_final(m.entity)) for m in mentions),
        deontics=tuple(
            dataclasses.replace(x, bearer_entity=to_final(x.bearer_entity), counterparty_entity=to_final(x.counterparty_entity))
            for x in document.deontics
        ),
    )


def resolve_corpus(documents: list[Document]) -> Corpus:
    """The documents resolved together, in memory."""
    facts = [document_facts(d) for d in documents]
    by_id = {d.doc_id: d for d in documents}
    resolution = resolve(facts, clause_labels=lambda doc: {c.label for c in by_id[doc].clauses},
                         short_forms=searching(by_id.__getitem__))
    return Corpus(documents=tuple(apply_resolution(d, resolution.documents[d.doc_id]) for d in documents),
                  entities=resolution.entities)


# An entity's short form to look for in a document: (form, the entity's key, its name, its kind).
ShortForm = tuple[str, str, str, EntityKind]
ShortFormSearch = Callable[[dict[str, list[ShortForm]]], dict[str, tuple[Mention, ...]]]


def resolve(facts: list[DocumentFacts], *, clause_labels: Callable[[str], set[str]],
            short_forms: ShortFormSearch, capitalised: Callable[[str], frozenset[str]] | None = None) -> Resolution:
    """Resolve the corpus from its documents' facts. ``clause_labels(doc)``: the labels of a
    document's clauses (asked only of documents another one cites by title); ``short_forms``:
    {doc: forms} → {doc: the mentions ``find_short_forms`` finds} (asked only of the documents
    where an entity's short form may occur: the build runs it in its workers);
    ``capitalised(doc)``: its ``DocumentFacts.capitalised`` where the facts do not hold them."""
    retargeted = _retarget_references(facts, clause_labels)
    entities, added, keys, mentions = _resolve_entities(facts, short_forms, capitalised)
    return Resolution(
        entities=tuple(entities),
        documents={f.doc_id: DocumentResolution(retargeted.get(f.doc_id, ()), added.get(f.doc_id, ()), keys[f.doc_id])
                   for f in facts},
        mentions=mentions,
    )


# --- references (owned by the cross-reference work) -----------------------------------------


def resolve_references(documents: list[Document]) -> list[Document]:
    """Targets that need another document. Within one document the tagger resolves them.

    The tagger records a citation of a part of another instrument ("Section 2.3 of the Pledge
    Agreement") with that instrument's name in ``external``. When a document of the corpus has
    that title and a clause with the cited label, the reference points there instead.
    """
    by_id = {d.doc_id: d for d in documents}
    retargeted = _retarget_references([document_facts(d) for d in documents],
                                      lambda doc: {c.label for c in by_id[doc].clauses})
    return [apply_resolution(d, DocumentResolution(retargeted=retargeted.get(d.doc_id, ()))) for d in documents]


def _retarget_references(facts: list[DocumentFacts], clause_labels: Callable[[str], set[str]]) -> dict[str, tuple]:
    """``resolve_references`` on the documents' facts: per document, (index in its references,
    target label, target document) of each reference that points into another document."""
    by_title: dict[str, str] = {}
    for f in facts:
        if f.title:
            by_title.setdefault(_title_key(f.title), f.doc_id)
    if not by_title:
        return {}
    # A title names a kind of instrument ("Indenture"), not one instrument: the other document
    # must also be between a party this document names, or a Credit Suisse note's "Section 2.02
    # of the Indenture" would land in another issuer's indenture.
    parties = {f.doc_id: f.principals for f in facts}
    labels: dict[str, set[str]] = {}  # read once per cited document
    retargeted: dict[str, tuple] = {}
    for f in facts:
        named = {m.entity for m in f.mentions}
        found = []
        for index, cited, label in f.citations:
            other = by_title.get(cited)
            if other is None or other == f.doc_id or not parties[other] & named:
                continue
            if other not in labels:
                labels[other] = clause_labels(other)
            if label in labels[other]:
                found.append((index, label, other))
        if found:
            retargeted[f.doc_id] = tuple(found)
    return retargeted


def _principals(document: Document) -> set[str]:
    """Who a document is between: its parties, and the entities its opening clause names."""
    first = document.clauses[0] if document.clauses else None
    opening = {m.entity for m in document.mentions if first is not None and m.start < first.end}
    return {m.entity for m in document.mentions if m.party} | opening


# --- entities (owned by the parties work) ----------------------------------------------------


def resolve_entities(documents: list[Document]) -> tuple[list[Document], list[Entity]]:
    """One Entity per real-world organisation or person across all documents (see
    ``_resolve_entities``); the documents with their mentions and bearers rewritten."""
    by_id = {d.doc_id: d for d in documents}
    entities, added, keys, _ = _resolve_entities([document_facts(d) for d in documents], searching(by_id.__getitem__))
    resolved = [apply_resolution(d, DocumentResolution(added=added.get(d.doc_id, ()), keys=keys[d.doc_id]))
                for d in documents]
    return resolved, entities


def searching(document: Callable[[str], Document]) -> ShortFormSearch:
    """A short-form search over documents at hand (``document(doc)``), in this process."""
    return lambda wanted: {doc: find_short_forms(document(doc), forms) for doc, forms in wanted.items()}


def find_short_forms(document: Document, forms: list[ShortForm]) -> tuple[Mention, ...]:
    """The places ``document`` uses the short ``forms`` of entities it does not name, where no
    mention of its own lies: mentions of those entities (``form="short"``)."""
    taken = [(m.start, m.end) for m in document.mentions]
    added = []
    for form, owner, name, kind in sorted(forms):
        for hit in re.finditer(r"(?<![\w&])" + re.escape(form) + r"(?![\w&])(?!\s+[A-Z][a-z])", document.clean):
            start, end = document.source_span(hit.start(), hit.end())
            if any(a < end and start < b for a, b in taken):
                continue
            clause = document.clause_at(start)
            added.append(
                Mention(entity=owner, doc=document.doc_id, clause=clause.label if clause else "", start=start, end=end,
                        text=document.source[start:end], name=name, kind=kind, form="short")
            )
    return tuple(added)


def _resolve_entities(facts: list[DocumentFacts], short_forms: ShortFormSearch,
                      capitalised: Callable[[str], frozenset[str]] | None = None):
    """One Entity per real-world organisation or person across all documents.

    Mentions arrive keyed by their document-level name key (``tagging.entities``). Here the
    keys are merged across documents: the same normalised name is one entity; a name that
    differs from another by one letter in one word of four letters or more is a name
    variant of it ("Bank One Capital Markets, Inc." / "Banc One ..."); distinctive short
    forms ("The Hartford", "CNA") of an entity named elsewhere are linked in every document.
    The entity's ``name`` is its most frequent spelling (mixed case preferred); mentions
    and obligation bearers are rewritten to the final keys.

    Returns the entities (sorted by key) and, per document, the short-form mentions added,
    the map of its keys to the final ones, and its resolved mentions.
    """

    def norm(name: str) -> str:  # the same key as tagging.entities.normalise_name
        text = name.lower().replace("&", " and ")
        text = re.sub(r",?\s+esq\.?$", "", text)
        text = re.sub(r"[^a-z0-9]+", " ", text).strip()
        text = re.sub(r"^the\s+", "", text)
        return "-".join(text.split())

    def one_letter_apart(a: str, b: str) -> bool:
        if len(a) != len(b) or len(a) < 4 or not (a.isalpha() and b.isalpha()):
            return False
        if re.fullmatch(r"[ivxlc]+", a) or re.fullmatch(r"[ivxlc]+", b):
            return False  # "Fund II" and "Fund IV" are different funds
        return sum(x != y for x, y in zip(a, b)) == 1

    def variants(a: str, b: str) -> bool:
        ta, tb = a.split("-"), b.split("-")
        if len(ta) != len(tb) or len(ta) < 3:
            return False
        diff = [(x, y) for x, y in zip(ta, tb) if x != y]
        return len(diff) == 1 and one_letter_apart(*diff[0])

    # Union-find over the document-level keys.
    parent: dict[str, str] = {}

    def find(k: str) -> str:
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    kinds: dict[str, Counter] = {}
    for d in facts:
        for m in d.mentions:
            find(m.entity)
            kinds.setdefault(m.entity, Counter())[m.kind] += 1
    # Name variants through an index, not a scan of every pair of keys: two keys one letter
    # apart in one word share the signature "that word with that letter blanked out".
    buckets: dict[tuple[int, int, str], list[str]] = {}
    for key in sorted(parent):
        words = key.split("-")
        if len(words) < 3:
            continue
        for position, word in enumerate(words):
            if len(word) < 4 or not word.isalpha():
                continue
            for letter in range(len(word)):
                blanked = "-".join(words[:position] + [word[:letter] + "?" + word[letter + 1:]] + words[position + 1:])
                buckets.setdefault((len(words), position, blanked), []).append(key)
    for bucket in buckets.values():
        for i, a in enumerate(bucket):
            for b in bucket[i + 1:]:
                person = {kinds[a].most_common(1)[0][0], kinds[b].most_common(1)[0][0]} & {EntityKind.PERSON}
                if not person and variants(a, b):
                    parent[find(b)] = find(a)

    # Distinctive short forms of organisations, linked in documents that do not name them.
    shorts: dict[str, set[str]] = {}
    for d in facts:
        for m in d.mentions:
            if m.kind is EntityKind.PERSON or m.form != "name":
                continue
            words = m.name.replace(",", "").split()
            forms = set()
            if len(words) >= 3 and words[0] == "The" and words[1].isalpha() and words[1][:1].isupper():
                forms.add(f"The {words[1]}")
            if len(words) >= 2 and m.name != m.name.upper() and re.fullmatch(r"[A-Z][A-Z&]{2,}", words[0]):
                forms.add(words[0])
            for form in forms:
                shorts.setdefault(form, set()).add(find(m.entity))
    # The first mention of each entity (its sample: name and kind), and the short forms by the
    # word that must occur in a document for the form to occur: each document is then searched
    # for the forms its own words allow, not for every form of the corpus.
    first_mention: dict[str, Mention] = {}
    for d in facts:
        for m in d.mentions:
            first_mention.setdefault(find(m.entity), m)
    forms_by_word: dict[str, list[str]] = {}
    for form, owners in shorts.items():
        if len(owners) == 1:
            forms_by_word.setdefault(form.split()[-1], []).append(form)
    added_of: dict[str, tuple[Mention, ...]] = {}
    mentions_of: dict[str, tuple[Mention, ...]] = {d.doc_id: d.mentions for d in facts}
    wanted: dict[str, list[ShortForm]] = {}
    for f in facts if forms_by_word else ():
        present = {find(m.entity) for m in f.mentions}
        words = f.capitalised if f.capitalised is not None else capitalised(f.doc_id)
        forms = [form for word in words & forms_by_word.keys() for form in forms_by_word[word]
                 if next(iter(shorts[form])) not in present]
        if forms:
            owners = [next(iter(shorts[form])) for form in forms]
            wanted[f.doc_id] = [(form, owner, first_mention[owner].name, first_mention[owner].kind)
                                for form, owner in zip(forms, owners)]
    found = short_forms(wanted) if wanted else {}
    for f in facts:
        added = found.get(f.doc_id)
        if added:
            added_of[f.doc_id] = tuple(added)
            mentions_of[f.doc_id] = tuple(sorted(f.mentions + tuple(added), key=lambda m: m.start))

    # The entity's name: the spelling used most (compared without case), written in mixed case.
    spellings: dict[str, Counter] = {}
    for mentions in mentions_of.values():
        for m in mentions:
            if m.form == "name":
                spellings.setdefault(find(m.entity), Counter())[m.name] += 1
    final_key: dict[str, str] = {}
    names: dict[str, str] = {}
    for root in {find(k) for k in parent}:
        counts = spellings.get(root)
        if not counts:
            names[root] = first_mention[root].name
        else:
            folded = Counter()
            for text, n in counts.items():
                folded[text.lower()] += n
            best = max(folded, key=lambda t: (folded[t], t.startswith("the "), t))
            same = [t for t in counts if t.lower() == best]
            names[root] = max(same, key=lambda t: (t != t.upper(), counts[t]))
        final_key[root] = norm(names[root])

    entities: dict[str, dict] = {}
    for doc, mentions in mentions_of.items():
        for m in mentions:
            key = final_key[find(m.entity)]
            # aliases, roles and titles in first-seen order, each once (dicts as ordered sets)
            e = entities.setdefault(key, {"kinds": Counter(), "aliases": {}, "roles": {}, "parties": set(), "docs": set(), "titles": {}})
            e["kinds"][m.kind] += 1
            text = " ".join(m.text.split())
            if text != names[find(m.entity)]:
                e["aliases"].setdefault(text)
            for role in m.roles:
                e["roles"].setdefault((doc, role))
            if m.party:
                e["parties"].add(doc)
            e["docs"].add(doc)
            for title in m.titles:
                e["titles"].setdefault(title)
    root_of_key: dict[str, str] = {}
    for root, key in final_key.items():
        root_of_key.setdefault(key, root)
    result = [
        Entity(
            key=key,
            name=names[root_of_key[key]],
            kind=e["kinds"].most_common(1)[0][0] or EntityKind.ORGANIZATION,
            aliases=tuple(e["aliases"]),
            roles=tuple(sorted(e["roles"])),
            parties_in=tuple(sorted(e["parties"])),
            docs=tuple(sorted(e["docs"])),
            titles=tuple(e["titles"]),
        )
        for key, e in entities.items()
    ]

    keys: dict[str, tuple[tuple[str, str], ...]] = {}
    resolved: dict[str, tuple[Mention, ...]] = {}
    for f in facts:
        local = {m.entity for m in mentions_of[f.doc_id]} | set(f.bearer_keys)
        final = {k: final_key[find(k)] for k in sorted(local) if k in parent}
        keys[f.doc_id] = tuple(final.items())
        resolved[f.doc_id] = tuple(dataclasses.replace(m, entity=final[m.entity]) for m in mentions_of[f.doc_id])
    return sorted(result, key=lambda e: e.key), added_of, keys, resolved


__all__ = ["DocumentFacts", "DocumentResolution", "Resolution", "ShortForm", "apply_resolution", "document_facts",
           "find_short_forms", "resolve", "resolve_corpus", "resolve_entities", "resolve_references", "searching",
           "term_facts"]
