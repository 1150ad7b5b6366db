"""A citation label as a user types it, matched to the label the document has.

Lawyers write the same clause as ``8(c)``, ``Section 8(c)``, ``8C``, ``8(C)`` or ``§ 8(c)``;
the stored label is ``8(c)``. Matching compares a key that drops case, parentheses, spaces
and a leading "Section"-like word, so it never guesses between two clauses: a key that two
labels share is refused with both named. A label with no match gets the nearest ones
(difflib) as "did you mean".
"""

from __future__ import annotations

import difflib
import re

from .errors import QueryError

# Words a citation may start with that the stored labels do not carry ("Article" they do carry).
CITATION_WORDS = re.compile(r"^(?:§+|sections?|sec\.|clauses?|subsections?|paragraphs?|para\.)\s*", re.I)
NOT_IN_KEY = re.compile(r"[()\s]+")
# The suffix that tells apart a label used again (a list that starts again): "9.1(i) [2]".
REPEAT_SUFFIX = re.compile(r" \[\d+\]$")


def unrepeated(label: str) -> str:
    """A label without the suffix of a list that starts again: "9.1(i) [2]" → "9.1(i)"."""
    return REPEAT_SUFFIX.sub("", label)


def label_key(label: str) -> str:
    """``Section 8(c)``, ``8C`` and ``8 (c)`` → ``8c``; ``Annex I, v(i)`` → ``annexi,vi``."""
    return NOT_IN_KEY.sub("", label).casefold()


def match_label(given: str, labels: list[str], doc: str) -> str:
    """The document's label that ``given`` names; QueryError (with suggestions) if none or two."""
    if given in labels:
        return given
    for form in dict.fromkeys((given.strip(), CITATION_WORDS.sub("", given.strip()))):
        key = label_key(form)
        found = [label for label in labels if label_key(label) == key]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise QueryError(f"{given!r} could be {' or '.join(found)} in {doc}: give the label as written")
    raise QueryError(f"no clause labelled {given!r} in {doc}{did_you_mean(given, labels)}")


def did_you_mean(given: str, known: list[str]) -> str:
    """``; did you mean 'x' or 'y'?`` for the nearest known names, or "" when none is near."""
    by_key = {}
    for name in known:
        by_key.setdefault(label_key(CITATION_WORDS.sub("", name)), name)
    near = difflib.get_close_matches(label_key(CITATION_WORDS.sub("", given)), list(by_key), n=3, cutoff=0.6)
    if not near:
        return ""
    return "; did you mean " + " or ".join(repr(by_key[k]) for k in near) + "?"
