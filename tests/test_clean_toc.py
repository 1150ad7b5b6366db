"""Tables of contents: recognised as layout, and never a reason for the cleaner to stall."""

from __future__ import annotations

import signal

import pytest

from clausegraph.clean import clean

HANG_GUARD_SECONDS = 60  # a hang detector, not a speed requirement


@pytest.fixture
def no_hang():
    def fail(signum, frame):
        raise AssertionError("clean() did not return: it loops")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(HANG_GUARD_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def test_toc_heading_then_one_sentence_returns(no_hang):
    """Issue 9 item 8: the 109-byte reproducer (heading, then one prose line) looped forever."""
    source = "TABLE OF CONTENTS\nThe Company shall deliver to the Agent a certificate of its officers on the Closing Date.\n"
    assert len(source.encode()) <= 109
    cleaned = clean(source)
    # The sentence is content, not table-of-contents layout.
    assert "The Company shall deliver to the Agent a certificate" in cleaned.text


def test_toc_heading_glued_to_prose_paragraph_returns(no_hang):
    source = "CONTENTS\nThis Agreement is made between the parties named below and sets out their terms.\n\nMore text follows here.\n"
    cleaned = clean(source)
    assert "sets out their terms" in cleaned.text
    assert "More text follows here." in cleaned.text


def test_toc_entries_are_contents_and_the_body_is_not(no_hang):
    source = (
        "TABLE OF CONTENTS\n\nArticle I   Definitions\nArticle II  Payment\n\n"
        "This Agreement is made between the parties named below, and it sets out the terms on which they deal.\n"
    )
    cleaned = clean(source)
    assert cleaned.contents == {0, 2, 3}
    assert "Article I Definitions\nArticle II Payment" in cleaned.text  # kept, one entry a line
    body = next(ln for ln in cleaned.lines if ln.text.startswith("This Agreement"))
    assert not body.contents
