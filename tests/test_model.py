"""Document.clause_at: the innermost clause holding an offset, whatever the clause list."""

from __future__ import annotations

import random

from clausegraph.model import Clause, ClauseKind, Document, DocumentKind


def _scan(clauses, offset):
    """The rule, read plainly: the last clause in list order that holds the offset, among those
    before the first that starts after it."""
    best = None
    for c in clauses:
        if c.start <= offset < c.end:
            best = c
        elif c.start > offset:
            break
    return best


def _document(spans):
    clauses = tuple(Clause(f"c{i}", ClauseKind.SECTION, None, a, b) for i, (a, b) in enumerate(spans))
    return Document(doc_id="d", path="d", format="text", kind=DocumentKind.OTHER, title=None, source="x" * 120,
                    clean="x" * 120, clean_offsets=tuple(range(121)), clauses=clauses)


def test_clause_at_answers_as_a_scan_on_nested_trees_and_odd_lists():
    rng = random.Random(7)
    for trial in range(300):
        spans = []
        for _ in range(rng.randint(0, 12)):
            a = rng.randint(0, 100)
            spans.append((a, a + rng.randint(0, 30)))
        if trial % 3:  # most trees come in reading order (parents first); some lists do not
            spans.sort(key=lambda s: (s[0], -s[1]))
        document = _document(spans)
        for offset in range(-1, 135):
            assert document.clause_at(offset) is _scan(document.clauses, offset), (spans, offset)


def test_clause_at_innermost_of_a_tree():
    document = _document([(0, 100), (10, 50), (20, 30), (50, 90)])
    assert [document.clause_at(o).label for o in (5, 15, 25, 35, 55, 95)] == ["c0", "c1", "c2", "c1", "c3", "c0"]
    assert document.clause_at(100) is None


def test_a_tagged_document_pickles_back_to_itself():
    """Documents cross processes pickled, each record as its class and field values: every
    record type of a tagged document (with enums, nested spans, tuples) comes back equal."""
    import pickle
    from pathlib import Path

    from clausegraph.build import process_document
    from conftest import CORPUS, UA

    document = process_document(CORPUS / f"{UA}.txt")
    kinds = {type(r) for records in (document.clauses, document.terms, document.mentions, document.references,
                                     document.deontics, document.conditions) for r in records}
    assert len(kinds) == 6 and all(records for records in (document.terms, document.deontics, document.conditions))
    back = pickle.loads(pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == document and type(back.terms[0].uses[0]) is type(document.terms[0].uses[0])
    assert back.tabular_lines == document.tabular_lines and back.clean_offsets == document.clean_offsets
