"""No content is ever lost: cleaning drops only layout, and the clause tree holds every word.

Over every document in the repository (seed corpus, development corpus, extra corpus):

- the words the cleaner keeps are at least 99% of the file's words, counting as dropped every
  word of a dropped line except those of layout that repeats (a running header or footer,
  "- more -", printed on page after page: layout only *because* it repeats);
- no dropped line holds a sentence;
- every word of the clean text lies in exactly one innermost clause: it is inside a top-level
  clause, siblings never overlap, and every clause lies inside its parent.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from clausegraph.clean import clean
from clausegraph.load import load
from clausegraph.segment import segment
from conftest import CORPUS, CORPUS_DEV, CORPUS_EXTRA

MIN_KEPT_SHARE = 0.99
DOCUMENTS = sorted(
    [p for p in CORPUS_DEV.iterdir() if p.suffix in (".txt", ".htm")]
    + [p for p in CORPUS_EXTRA.iterdir() if p.suffix in (".txt", ".htm")]
    + [p for p in CORPUS.iterdir() if p.suffix == ".txt"]
)
_WORD = re.compile(r"\S+")
_TAG = re.compile(r"^</?[A-Za-z][\w-]*>$")
# A sentence: several words, lower-case ones among them, and one that ends a clause of prose.
_SENTENCE_WORD_END = re.compile(r"\b[a-z]{2,}[.;:](?:\s|$)")


def words(text: str) -> list[str]:
    """Words a reader reads: tokens with a letter, not markup tags (page numbers and rules
    are layout by their form)."""
    return [w for w in _WORD.findall(text) if any(ch.isalpha() for ch in w) and not _TAG.match(w)]


def shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def holds_sentence(line: str) -> bool:
    tokens = line.split()
    lower = [t for t in tokens if t[:1].islower() and t.isalpha()]
    return len(tokens) >= 6 and len(lower) >= 3 and bool(_SENTENCE_WORD_END.search(line))


@pytest.fixture(scope="module", params=DOCUMENTS, ids=lambda p: p.name)
def document(request):
    text = load(request.param).text
    cleaned = clean(text)
    return text, cleaned, segment(cleaned)


def test_cleaning_keeps_the_words(document):
    text, cleaned, _ = document
    lines = text.splitlines()
    dropped = [lines[n] for n, _ in cleaned.noise if n < len(lines)]
    repeats = Counter(shape(line) for line in dropped)
    lost = sum(len(words(line)) for line in dropped if repeats[shape(line)] < 2)
    total = len(words(text))
    assert total == 0 or (total - lost) / total >= MIN_KEPT_SHARE, f"{lost} of {total} words dropped"
    # What was not dropped is in the clean text (a word hyphenated across a line break is
    # one word there, hence the share rather than equality).
    layout = sum(len(words(line)) for line in dropped)
    assert len(words(cleaned.text)) >= MIN_KEPT_SHARE * (total - layout)


def test_no_dropped_line_holds_a_sentence(document):
    text, cleaned, _ = document
    lines = text.splitlines()
    sentences = [(n, why, lines[n].strip()) for n, why in cleaned.noise if n < len(lines) and holds_sentence(lines[n])]
    assert sentences == []


def test_every_word_lies_in_exactly_one_innermost_clause(document):
    _, cleaned, clauses = document
    assert clauses, "no clauses at all"
    by_label = {c.label: c for c in clauses}
    children: dict[str | None, list] = {}
    for c in clauses:
        children.setdefault(c.parent, []).append(c)
        if c.parent is not None:
            parent = by_label[c.parent]
            assert parent.start <= c.start and c.end <= parent.end, f"{c.label} outside {c.parent}"
    for parent, kids in children.items():
        kids = sorted(kids, key=lambda c: c.start)
        for a, b in zip(kids, kids[1:]):
            assert a.end <= b.start, f"{a.label} and {b.label} overlap (under {parent})"
    tops = sorted(children[None], key=lambda c: c.start)
    starts = [c.start for c in tops]
    import bisect

    outside = []
    for m in _WORD.finditer(cleaned.text):
        pos = cleaned.to_source(m.start())
        k = bisect.bisect_right(starts, pos) - 1
        if k < 0 or not (tops[k].start <= pos < tops[k].end):
            outside.append(m.group())
    assert outside == [], f"{len(outside)} words in no clause, first: {outside[:8]}"
