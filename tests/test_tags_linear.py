"""Tagging is linear in its input: a whole corpus on one line gets through (issue 9, item 9).

One 400 KB line once took 43 s because ``deontic.sentence_start`` rescanned the clause for
every statement. Timing does not belong in a test; these assert that a 1 MB single-line file
is tagged completely and that the one-scan sentence start answers as the rescan did.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from clausegraph.build import document_from_text
from clausegraph.tagging import tag_document
from clausegraph.tagging.deontic import _is_abbreviation, sentence_start

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "tests" / "corpus" / "dev").glob("*.txt")) + sorted((ROOT / "corpus").glob("*.txt"))


def _one_line(size: int) -> str:
    words = " ".join(p.read_text(encoding="utf-8", errors="replace") for p in SOURCES).split()
    text = " ".join(words)
    while len(text) < size:
        text = text + " " + text
    return text[:size]


@pytest.fixture(scope="module")
def tagged_line():
    text = _one_line(1_000_000)
    assert "\n" not in text and len(text) == 1_000_000
    return text, tag_document(document_from_text(text, "one-line"))


def test_a_one_megabyte_line_is_tagged_completely(tagged_line):
    text, document = tagged_line
    assert len(document.terms) > 100
    assert len(document.references) > 100
    assert len(document.deontics) > 100
    assert len(document.conditions) > 100
    for record in (*document.terms, *document.references, *document.deontics, *document.mentions):
        assert 0 <= record.start < record.end <= len(text)
    for ref in document.references:
        assert text[ref.start:ref.end] == ref.text
    # The statements are spread over the whole line, not only its beginning.
    assert max(d.start for d in document.deontics) > 900_000


def _rescanning_sentence_start(text: str, pos: int, floor: int) -> int:
    """The definition: after the last sentence break wholly inside text[floor:pos]."""
    for m in reversed(list(re.finditer(r"\.(?=\s+[A-Z(\"“])|:\s|\n\s*\n", text[floor:pos]))):
        if m.group() == "." and _is_abbreviation(text, floor + m.start()):
            continue
        return floor + m.end()
    return floor


@pytest.mark.parametrize("path", SOURCES[:6], ids=lambda p: p.stem)
def test_sentence_start_answers_as_a_rescan_would(path):
    text = path.read_text(encoding="utf-8")
    rng = random.Random(path.stem)
    for _ in range(200):
        pos = rng.randrange(len(text))
        floor = max(0, pos - rng.randrange(4000))
        assert sentence_start(text, pos, floor) == _rescanning_sentence_start(text, pos, floor)


def test_sentence_start_on_the_edges():
    text = "First one. \n\n  Second: the Company shall. Inc. Third"
    for pos in range(len(text) + 1):
        for floor in (0, 5, 12):
            if floor <= pos:
                assert sentence_start(text, pos, floor) == _rescanning_sentence_start(text, pos, floor)


DEV = sorted(p for p in (ROOT / "tests" / "corpus" / "dev").glob("*.*") if p.suffix in (".txt", ".htm", ".html"))


@pytest.mark.parametrize("path", DEV, ids=lambda p: p.stem)
def test_every_development_document_is_tagged(path):
    """No rule may crash on a real contract (a look-ahead once broke a modal read out of place)."""
    from clausegraph.build import read_document

    document = tag_document(read_document(path))
    assert document.clauses
    for ref in document.references:
        assert document.source[ref.start:ref.end] == ref.text


def test_many_statements_in_one_sentence_without_a_full_stop():
    """Found by the fuzzing campaign (seed 2, input 1872; its first 100,000 characters here):
    a huge line of statements with no sentence end. Each looked for "agrees with X" over the
    whole "sentence" before it, so tagging grew with the square of the line (758 KB: over
    90 s); now only over the words that can open it. The campaign is the check on time; this
    pins that every statement is still found."""
    from pathlib import Path

    from clausegraph.build import read_document
    from clausegraph.tagging import tag_document

    path = Path(__file__).resolve().parent / "fixtures" / "fuzz" / "statements-in-one-long-sentence.txt"
    document = tag_document(read_document(path))
    assert len(document.deontics) >= 1600
    assert {d.bearer for d in document.deontics} == {"Company"}
