"""Shortcuts for scanning patterns: not_after finds the same matches; may_match never skips a match."""

from __future__ import annotations

import random
import re

from clausegraph.tagging.rules import not_after
from conftest import CORPUS


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


def test_required_words_reads_literal_runs_classes_and_branches():
    from clausegraph.tagging.rules import required_words

    assert required_words(re.compile(r"\b[Uu]nless\b")) == ("Unless", "unless")
    assert required_words(re.compile(r"(?<!as )\bwithin\s+(?:\d+|one)\s+days?")) == ("within",)
    assert required_words(re.compile(r"(?:not|no)\s+later\s+than")) == ("later",)
    assert required_words(re.compile(r"provided(?:,\s+however)?|subject\s+to")) == ("provided", "subject")
    assert required_words(re.compile(r"(?:foo)?\d+")) == ()  # nothing every match holds
    assert required_words(re.compile(r"(?=until)\w+")) == ()  # look-arounds are left out
    assert required_words(re.compile("until", re.I)) == ()  # so is case-insensitive text


def _random_pattern(rng, depth=0):
    pieces = ["a", "b", "ab", "[Aa]", "[ab]", r"\s+", r"\b", ".", r"\d", "(?<=a)", "(?!b)", "(?=ba)"]
    if depth < 2:
        inner = lambda: _random_pattern(rng, depth + 1)  # noqa: E731
        pieces += [f"(?:{inner()})?", f"(?:{inner()})+", f"(?:{inner()}|{inner()})", f"(?P<g{depth}{rng.randint(0, 99)}>{inner()})",
                   f"(?:{inner()}){{2}}", f"(?i:{inner()})"]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 4)))


def test_may_match_never_skips_a_text_that_matches():
    from clausegraph.tagging.rules import may_match

    rng = random.Random(11)
    for _ in range(3000):
        try:
            pattern = re.compile(_random_pattern(rng))
        except re.error:
            continue
        for _ in range(10):
            text = "".join(rng.choice("abAB 1.") for _ in range(rng.randint(0, 12)))
            start, end = sorted((rng.randint(0, len(text)), rng.randint(0, len(text))))
            if next(pattern.finditer(text, start, end), None) is not None:
                assert may_match(pattern, text, start, end), (pattern.pattern, text, start, end)


def test_may_match_on_the_rule_files_over_a_contract():
    from clausegraph.build import read_document
    from clausegraph.tagging.conditions import _triggers
    from clausegraph.tagging.deontic import _document_statements, _party_pattern, _rules, clause_units
    from clausegraph.tagging.rules import may_match

    document = read_document(CORPUS / "hig-underwriting-agreement-2004.txt")
    patterns = [p for p, _, _ in _triggers()] + [p for p, _, _ in _document_statements(_party_pattern(_rules(), []))]
    skipped = 0
    for unit in clause_units(document):
        for a, b in unit.segments:
            for pattern in patterns:
                found = next(pattern.finditer(document.clean, a, b), None) is not None
                assert may_match(pattern, document.clean, a, b) or not found, pattern.pattern
                skipped += not may_match(pattern, document.clean, a, b)
    assert skipped  # the shortcut does skip scans


def test_compile_for_scanning_finds_the_same_matches():
    from clausegraph.tagging.rules import compile_for_scanning

    rng = random.Random(13)
    guarded = 0
    for trial in range(4000):
        source, flags = _random_pattern(rng), re.I if trial % 2 else 0
        try:
            plain = re.compile(source, flags)
        except re.error:
            continue
        fast = compile_for_scanning(source, flags)
        guarded += fast.pattern != source
        for _ in range(10):
            text = "".join(rng.choice("abAB 1.") for _ in range(rng.randint(0, 12)))
            start, end = sorted((rng.randint(0, len(text)), rng.randint(0, len(text))))
            assert [(m.span(), m.groups()) for m in fast.finditer(text, start, end)] == \
                [(m.span(), m.groups()) for m in plain.finditer(text, start, end)], source
    assert guarded  # some patterns do get the look-ahead


def test_compile_for_scanning_guards_only_where_re_cannot_skip():
    from clausegraph.tagging.rules import compile_for_scanning

    assert compile_for_scanning(r"(?<!as )\b[Ii]f").pattern == r"(?=[Ii])(?:(?<!as )\b[Ii]f)"
    assert compile_for_scanning(r"\bfoo|\bbar").pattern == r"(?=[bf])(?:\bfoo|\bbar)"
    assert compile_for_scanning(r"(?<![\w-])(?:company|underwriters?)", re.I).pattern.startswith("(?=[cu])")
    assert compile_for_scanning(r"(?<!x)(?:é|a)", re.I).pattern == r"(?<!x)(?:é|a)"  # not ASCII: as written
    for as_written in (r"the\s+condition", r"[A-Z]\w+", r"(?:x)*", r"\w+", r"(?i:a)b", r"(?:a|b)c"):
        assert compile_for_scanning(as_written).pattern == as_written


def test_case_insensitive_ascii_matches_alike_in_a_class_and_alone():
    # compile_for_scanning's look-ahead in a case-insensitive pattern relies on it ("k" also
    # matches the Kelvin sign, "s" the long s: in "[k]" and "[s]" as well).
    import string
    import sys

    every = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF)
    for ch in string.ascii_letters + string.digits:
        assert set(re.findall(ch, every, re.I)) == set(re.findall(f"[{ch}]", every, re.I)), ch


def test_literal_alternatives_match_as_the_plain_alternation():
    from clausegraph.tagging.rules import literal_alternatives

    rng = random.Random(21)
    words = ["Co", "Com", "Company", "Companies", "CO", "é", "éa", "A B", "A", "ı", "I", "K", "k"]
    for _ in range(600):
        strings = sorted({rng.choice(words) + rng.choice(["", "s", " B"]) for _ in range(rng.randint(1, 6))},
                         key=len, reverse=True)
        flags = rng.choice([0, re.I])
        if flags:
            strings = sorted({s.casefold() for s in strings}, key=len, reverse=True)
        plain = re.compile("(?:%s)(?![\\w&])" % "|".join(map(re.escape, strings)), flags)
        grouped = re.compile("(?:%s)(?![\\w&])" % "|".join(literal_alternatives(strings, ignorecase=bool(flags))), flags)
        behind = re.compile(not_after(r"[\w&]", literal_alternatives(strings)) + r"(?![\w&])") if not flags else None
        for _ in range(20):
            text = " ".join(rng.choice(words + ["Cos", "COMPANY", "x", "İ", "K"]) for _ in range(rng.randint(0, 6)))
            expected = [m.span() for m in plain.finditer(text)]
            assert [m.span() for m in grouped.finditer(text)] == expected, (strings, text)
            if behind is not None:
                plain_behind = re.compile(r"(?<![\w&])(?:%s)(?![\w&])" % "|".join(map(re.escape, strings)))
                assert [m.span() for m in behind.finditer(text)] == [m.span() for m in plain_behind.finditer(text)]
