"""Cleaning and segmenting stay linear: a 1 MB single-line file, dense with every kind of
numbering candidate, comes back with its clauses (a stage that rescanned the line per
candidate would not finish)."""

from __future__ import annotations

import signal

import pytest

from clausegraph.clean import clean
from clausegraph.segment import segment

HANG_GUARD_SECONDS = 120  # a hang detector, not a speed requirement
UNIT = (
    "The Company shall pay the amount. 2. Payment. The Buyer shall (a) pay, (b) deliver and (c) sign. "
    "a. First Item. b. Second Item. Section 3.1 Notices. IN WITNESS WHEREOF the parties. "
)


@pytest.fixture
def no_hang():
    def fail(signum, frame):
        raise AssertionError("clean/segment did not return on a 1 MB line")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(HANG_GUARD_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def test_one_megabyte_single_line_is_segmented(no_hang):
    text = "1. Definitions. " + UNIT * (1_000_000 // len(UNIT)) + "\n"
    cleaned = clean(text)
    clauses = segment(cleaned)
    assert clauses
    top = [c for c in clauses if c.parent is None]
    assert top[0].start == 0 and top[-1].end == len(text.rstrip())


def test_a_megabyte_of_list_starts_in_one_section(no_hang):
    """Dotted markers that each could open a list ("1." is a digit or a scanned "i."), a
    megabyte of them under one heading: the part runs stay a bounded stack."""
    unit = "the costs of: 1. Cleaning. "
    text = "1. Terms. " + unit * (1_000_000 // len(unit)) + "2. Other. Text.\n"
    clauses = segment(clean(text))
    assert [c.label for c in clauses if c.parent is None] == ["1", "2"]


def test_a_megabyte_of_nested_inline_lists_and_repeated_labels(no_hang):
    """Inline lists nested three deep, restarting thousands of times in one section (each
    repeat numbered, each run placed inside its host by bisection), and thousands of
    paragraph items repeating one label: no rescans per marker or per repeat."""
    unit = "(a) Rights (1) The Seller: (a) one; (b) two. (2) More. "
    text = "1. Terms. " + unit * (1_000_000 // len(unit)) + "\n\n2. Other. Text.\n"
    clauses = segment(clean(text))
    assert [c.label for c in clauses if c.parent is None] == ["1", "2"]
    repeated = "".join("(a) The first item of a list\n\n(b) the second item\n\n" for _ in range(20_000))
    assert segment(clean("1. Terms. Lists follow:\n\n" + repeated + "2. Other. Text.\n"))
