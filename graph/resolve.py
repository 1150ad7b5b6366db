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
    """Targets that need another document. Within one document the tagger resolves them.

    The tagger records a citation of a part of another instrument ("Section 2.3 of the Pledge
    Agreement") with that instrument's name in ``external``. When a document of the corpus has
    that title and a clause with the cited label, the reference points there instead.
    """
    by_title: dict[str, Document] = {}
    for document in documents:
        if document.title:
            by_title.setdefault(" ".join(document.title.split()).casefold(), document)
    if not by_title:
        return list(documents)
    # A title names a kind of instrument ("Indenture"), not one instrument: the other document
    # must also be between a party this document names, or a Credit Suisse note's "Section 2.02
    # of the Indenture" would land in another issuer's indenture.
    parties = {d.doc_id: _principals(d) for d in documents}
    named = {d.doc_id: {m.entity for m in d.mentions} for d in documents}
    resolved = []
    for document in documents:
        references = []
        for ref in document.references:
            other = by_title.get(" ".join((ref.external or "").split()).casefold())
            label = ref.designator
            if other is not None and not parties[other.doc_id] & named[document.doc_id]:
                other = None
            if ref.target is None and other is not None and other.doc_id != document.doc_id and label:
                if other.clause(label) is not None:
                    ref = dataclasses.replace(ref, target=label, target_doc=other.doc_id, external=None)
            references.append(ref)
        resolved.append(dataclasses.replace(document, references=tuple(references)))
    return resolved


def _principals(document: Document) -> set[str]:
    """Who a document is between: its parties, and the entities its opening clause names."""
    first = document.clauses[0] if document.clauses else None
    opening = {m.entity for m in document.mentions if first is not None and m.start < first.end}
    return {m.entity for m in document.mentions if m.party} | opening


# --- entities (owned by the parties work) ----------------------------------------------------


def resolve_entities(documents: list[Document]) -> tuple[list[Document], list[Entity]]:
    """One Entity per real-world organisation or person across all documents.

    Mentions arrive keyed by their document-level name key (``tagging.entities``). Here the
    keys are merged across documents: the same normalised name is one entity; a name that
    differs from another by one letter in one word of four letters or more is a name
    variant of it ("Bank One Capital Markets, Inc." / "Banc One ..."); distinctive short
    forms ("The Hartford", "CNA") of an entity named elsewhere are linked in every document.
    The entity's ``name`` is its most frequent spelling (mixed case preferred); mentions
    and obligation bearers are rewritten to the final keys.
    """
    import re
    from collections import Counter

    from .model import EntityKind, Mention

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
    for d in documents:
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
    for d in documents:
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
    for d in documents:
        for m in d.mentions:
            first_mention.setdefault(find(m.entity), m)
    forms_by_word: dict[str, list[str]] = {}
    for form, owners in shorts.items():
        if len(owners) == 1:
            forms_by_word.setdefault(form.split()[-1], []).append(form)
    documents = list(documents)
    for index, d in enumerate(documents):
        present = {find(m.entity) for m in d.mentions}
        taken = [(m.start, m.end) for m in d.mentions]
        added = []
        words_here = set(re.findall(r"[\w&]+", d.clean)) & forms_by_word.keys()
        for form in sorted(f for word in words_here for f in forms_by_word[word]):
            owners = shorts[form]
            if next(iter(owners)) in present:
                continue
            owner = next(iter(owners))
            sample = first_mention[owner]
            for hit in re.finditer(r"(?<![\w&])" + re.escape(form) + r"(?![\w&])(?!\s+[A-Z][a-z])", d.clean):
                start, end = d.source_span(hit.start(), hit.end())
                if any(a < end and start < b for a, b in taken):
                    continue
                clause = d.clause_at(start)
                added.append(
                    Mention(entity=owner, doc=d.doc_id, clause=clause.label if clause else "", start=start, end=end,
                            text=d.source[start:end], name=sample.name, kind=sample.kind, form="short")
                )
        if added:
            documents[index] = dataclasses.replace(d, mentions=tuple(sorted(d.mentions + tuple(added), key=lambda m: m.start)))

    # The entity's name: the spelling used most (compared without case), written in mixed case.
    spellings: dict[str, Counter] = {}
    for d in documents:
        for m in d.mentions:
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
    for d in documents:
        for m in d.mentions:
            key = final_key[find(m.entity)]
            # aliases, roles and titles in first-seen order, each once (dicts as ordered sets)
            e = entities.setdefault(key, {"kinds": Counter(), "aliases": {}, "roles": {}, "parties": set(), "docs": set(), "titles": {}})
            e["kinds"][m.kind] += 1
            text = " ".join(m.text.split())
            if text != names[find(m.entity)]:
                e["aliases"].setdefault(text)
            for role in m.roles:
                e["roles"].setdefault((d.doc_id, role))
            if m.party:
                e["parties"].add(d.doc_id)
            e["docs"].add(d.doc_id)
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

    rewritten = []
    for d in documents:
        def to_final(local: str | None) -> str | None:
            return final_key[find(local)] if local and local in parent else local

        mentions = tuple(dataclasses.replace(m, entity=to_final(m.entity)) for m in d.mentions)
        deontics = tuple(
            dataclasses.replace(x, bearer_entity=to_final(x.bearer_entity), counterparty_entity=to_final(x.counterparty_entity))
            for x in d.deontics
        )
        rewritten.append(dataclasses.replace(d, mentions=mentions, deontics=deontics))
    return rewritten, sorted(result, key=lambda e: e.key)


__all__ = ["resolve_corpus", "dataclasses"]
