"""rules.not_after: the look-behind moved after the first character finds the same matches."""

from __future__ import annotations

import random
import re

from clausegraph.tagging.rules import not_after


def test_not_after_matches_as_the_plain_look_behind():
    rng = random.Random(3)
    words = ["SEC", "Sec", "Securities", "The\\s+Hartford", "T(?:he|HE)\\s+Act", "the\\s+Act", "A&B", "S", "9A"]
    alphabet = "SecuritiesTheHartford Act&A9B-_/\n"
    for _ in range(400):
        alternatives = rng.sample(words, rng.randint(1, 4))
        behind = rng.choice([r"[\w&]", r"[\w&/]", r"[\w&.]"])
        plain = re.compile(f"(?<!{behind})(?:{'|'.join(alternatives)})(?![\\w&])")
        fast = re.compile(not_after(behind, alternatives) + r"(?![\w&])")
        for _ in range(20):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) + rng.choice(words).replace("\\s+", " ")
            start = rng.randint(0, len(text))
            assert [m.span() for m in fast.finditer(text, start)] == [m.span() for m in plain.finditer(text, start)]


def test_not_after_keeps_the_plain_form_when_an_alternative_starts_otherwise():
    assert not_after(r"[\w&]", [r"\(a\)", "b"]) == r"(?<![\w&])(?:\(a\)|b)"
    assert not_after(r"[\w&]", ["a?b"]) == r"(?<![\w&])(?:a?b)"
    assert not_after(r"[\w&]", ["Act"]) == r"(?:A(?<![\w&]A)ct)"
