"""Reading the rule files in ``patterns/``: one JSON object per line, blank lines ignored."""

from __future__ import annotations

import json
import re
from pathlib import Path

PATTERN_DIR = Path(__file__).parent / "patterns"


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def by_label(rows: list[dict]) -> dict[str, list[dict]]:
    """Rows grouped by their ``label``, in file order."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["label"], []).append(row)
    return groups


def not_after(behind: str, alternatives: list[str]) -> str:
    """The pattern ``(?<!BEHIND)(?:A1|A2|…)``, written so that ``re`` can skip ahead to a match.

    ``re`` tries a pattern that starts with a look-behind at every position of the text (about
    100 times slower over a contract than a literal); one whose alternatives each start with a
    literal character lets it jump from one such character to the next. So each alternative gets
    the look-behind after its first character, "S(?<![\\w&]S)ecurities…", which tests the same
    character before the match. ``BEHIND`` is one character class; alternatives that do not start
    with a plain letter or digit keep the pattern as first written.
    """
    if not alternatives or not all(a[:1].isascii() and a[:1].isalnum() and a[1:2] not in ("?", "*", "+", "{")
                                   for a in alternatives):
        return f"(?<!{behind})(?:{'|'.join(alternatives)})"
    return "(?:" + "|".join(f"{a[0]}(?<!{behind}{a[0]}){a[1:]}" for a in alternatives) + ")"


# Above this many spellings a run of literal characters is not worth looking for.
MAX_SPELLINGS = 16


def required_words(pattern: re.Pattern) -> tuple[str, ...]:
    """Strings one of which every match of ``pattern`` contains ("" never; () when none is known).

    A text holding none of them cannot match, which ``str.find`` tells far faster than ``re``
    scanning a pattern over every position (see ``may_match``). Read from the pattern's parse
    tree: runs of literal characters (a small class such as ``[Ii]`` spells each way), inside
    groups and repeats taken at least once, and one run from each alternative of a branch;
    look-arounds and case-insensitive parts are left out.
    """
    if pattern.flags & re.IGNORECASE:
        return ()
    try:
        from re import _constants as c, _parser as parser

        tree = parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # another Python's private parser: no shortcut, the scan as usual
        return ()
    return _best(_candidates(tree.data, c))


def _candidates(items, c) -> list[frozenset[str]]:
    """Sets of strings, each set holding one string that every match of ``items`` contains."""
    found: list[frozenset[str]] = []
    run = {""}  # the spellings of the literal characters read since the last break

    def flush():
        nonlocal run
        if all(run):
            found.append(frozenset(run))
        run = {""}

    for op, av in items:
        if op is c.LITERAL:
            run = {s + chr(av) for s in run}
        elif op is c.IN and all(o is c.LITERAL for o, _ in av) and len(run) * len(av) <= MAX_SPELLINGS:
            run = {s + chr(ch) for s in run for _, ch in av}
        else:
            flush()
            if op is c.SUBPATTERN and not (av[1] & re.IGNORECASE):
                found += _candidates(av[3].data, c)
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
                found += _candidates(av[2].data, c)
            elif op is c.ATOMIC_GROUP:
                found += _candidates(av.data, c)
            elif op is c.BRANCH:
                branches = [_best(_candidates(alternative.data, c)) for alternative in av[1]]
                if all(branches):
                    found.append(frozenset(s for words in branches for s in words))
    flush()
    return found


def _best(candidates: list[frozenset[str]]) -> tuple[str, ...]:
    """The set whose shortest string is longest (the rarest to find by chance), fewest on a tie."""
    if not candidates:
        return ()
    best = max(candidates, key=lambda words: (min(map(len, words)), -len(words)))
    return tuple(sorted(best))


_REQUIRED: dict[re.Pattern, tuple[str, ...]] = {}


def may_match(pattern: re.Pattern, text: str, start: int, end: int) -> bool:
    """False when ``pattern.finditer(text, start, end)`` can find nothing: the text between holds
    none of the pattern's required words."""
    words = _REQUIRED.get(pattern)
    if words is None:
        words = _REQUIRED[pattern] = required_words(pattern)
    return not words or any(text.find(word, start, end) >= 0 for word in words)
