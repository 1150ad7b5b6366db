"""Records with source offsets as spaCy span groups over the clean text (for inspection)."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

from ..model import Document


def span_group(doc: Doc, document: Document, records: Iterable, label: Callable[[object], str]) -> list[Span]:
    """One span per record (``record.start``/``end`` are source offsets), widened to tokens;
    records whose words the clean text does not hold are skipped."""
    offsets = document.clean_offsets
    spans = []
    for record in records:
        a = bisect.bisect_left(offsets, record.start, 0, len(offsets) - 1)
        b = bisect.bisect_left(offsets, record.end, 0, len(offsets) - 1)
        span = doc.char_span(a, max(a, b), label=label(record), alignment_mode="expand")
        if span is not None:
            spans.append(span)
    return spans
