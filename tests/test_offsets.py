"""Every fact made from text points back to its exact words in the source."""

from __future__ import annotations

import re

import pytest


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_terms_references_mentions_are_exact(corpus):
    """Terms, references and mentions: source[start:end] is exactly the recorded text."""
    bad = []
    for d in corpus.documents:
        for t in d.terms:
            if d.source[t.start : t.end] != t.term:
                bad.append((d.doc_id, "term", t.term))
            for use in t.uses:
                if d.source[use.start : use.end] != use.text:
                    bad.append((d.doc_id, "use", use.text))
        for r in d.references:
            if d.source[r.start : r.end] != r.text:
                bad.append((d.doc_id, "reference", r.text))
        for m in d.mentions:
            if d.source[m.start : m.end] != m.text:
                bad.append((d.doc_id, "mention", m.text))
    assert bad == []


@pytest.mark.parametrize("family", ["deontics", "conditions"])
def test_statements_cover_their_words(corpus, family):
    """Obligations and conditions: their span holds their words (the text is only cleaned)."""
    bad = []
    for d in corpus.documents:
        for r in getattr(d, family):
            if not (0 <= r.start < r.end <= len(d.source)):
                bad.append((d.doc_id, r.clause, "span"))
            elif words(d.source[r.start : r.end])[:5] != words(r.text)[:5]:
                bad.append((d.doc_id, r.clause, r.text[:40]))
    assert bad == []


def test_records_sit_in_the_clause_they_name(corpus):
    """A record's clause label is a clause of its document whose span holds the record."""
    bad = []
    for d in corpus.documents:
        spans = {c.label: (c.start, c.end) for c in d.clauses}
        for r in list(d.deontics) + list(d.conditions) + list(d.mentions):
            start, end = spans.get(r.clause, (None, None))
            if start is None or not (start <= r.start and r.end <= end):
                bad.append((d.doc_id, type(r).__name__, r.clause))
        for r in d.references:
            start, end = spans.get(r.source, (None, None))
            if start is None or not (start <= r.start and r.end <= end):
                bad.append((d.doc_id, "Reference", r.source))
    assert bad == []
