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


def test_opening_paragraph_that_names_the_parties_ends_the_contents(no_hang):
    """The opening paragraph after a table of contents is mostly capitals (party names,
    addresses), so the lower-case share alone read it as one more entry; the term it defines
    in a parenthesis ("Owner") makes it prose."""
    source = (
        "TABLE OF CONTENTS\n\nPAGE ARTICLE I DEFINITIONS     1   9.10 Exhibits     24\n\n"
        'This OPERATIONS AND MAINTENANCE AGREEMENT dated June 30, 2009 (the "Effective Date"), '
        "is made and entered into by and between Acme Gathering Company, LLC, a Delaware limited "
        'liability company ("Owner"), with offices at 333 Clay Street, Suite 4150, Houston, Texas '
        "77002, and Beta Midstream, Inc., an Oklahoma Corporation, with offices at 123 Robert S. Kerr "
        'Avenue, Oklahoma City, Oklahoma ("Operator").\n\nRECITALS\n'
    )
    cleaned = clean(source)
    entry = next(ln for ln in cleaned.lines if "9.10 Exhibits" in ln.text)
    opening = next(ln for ln in cleaned.lines if ln.text.startswith("This OPERATIONS"))
    assert entry.contents
    assert not opening.contents
    assert not next(ln for ln in cleaned.lines if ln.text == "RECITALS").contents


def test_contents_heading_behind_a_running_header_or_with_its_entries(no_hang):
    """A flattened page puts the heading on one line with a running header before it, or with
    the page's first entries after it; each page of the table is recognised, up to the prose
    (a redaction legend) that ends the page."""
    legend = (
        "[ * ] = Certain confidential information contained in this document, marked by brackets, "
        "has been omitted and filed separately with the Commission.\n\n"
    )
    source = (
        "CONFIDENTIAL   EXECUTION COPY   TABLE OF CONTENTS   ARTICLE 1 DEFINITIONS     1\n\n"
        '1.1   "Actions"     1  1.2   "Affiliate"     1\n\n' + legend
        + 'TABLE OF CONTENTS (continued)           Page   1.38   "IND"     5\n\n'
        "ARTICLE 2 JOINT DEVELOPMENT COMMITTEE     8\n\n" + legend
        + 'COLLABORATION AGREEMENT\n\nThis COLLABORATION AGREEMENT ("Agreement") is made by the parties.\n'
    )
    cleaned = clean(source)
    marked = {ln.text.split()[0]: ln.contents for ln in cleaned.lines}
    assert marked["TABLE"] and marked["1.1"] and marked["ARTICLE"]
    assert all(ln.contents for ln in cleaned.lines if ln.text.startswith("TABLE OF CONTENTS"))
    assert not any(ln.contents for ln in cleaned.lines if ln.text.startswith(("[ * ]", "COLLABORATION", "This")))
