"""Reading the rule files in ``patterns/`` (one JSON object per line, blank lines ignored), and
scanning their patterns over a whole contract fast with the same matches: ``not_after``,
``compile_for_scanning`` (let ``re`` skip to where a match can start) and ``may_match`` (no scan
of a text that holds none of the words every match holds)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
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


# The required words of the patterns asked about lately (some are made per document: bounded),
# by id: a pattern's own hash reads its whole compiled code each time. The pattern is kept with
# its words, so its id is never another pattern's.
_REQUIRED: dict[int, tuple[re.Pattern, tuple[str, ...]]] = {}
_REQUIRED_KEPT = 256


def may_match(pattern: re.Pattern, text: str, start: int, end: int) -> bool:
    """False when ``pattern.finditer(text, start, end)`` can find nothing: the text between holds
    none of the pattern's required words."""
    entry = _REQUIRED.get(id(pattern))
    if entry is None or entry[0] is not pattern:
        if len(_REQUIRED) >= _REQUIRED_KEPT:
            _REQUIRED.clear()
        entry = _REQUIRED[id(pattern)] = (pattern, required_words(pattern))
    if not entry[1]:
        return True
    for word in entry[1]:  # (a loop: asked for every clause and rule, a generator costs more)
        if text.find(word, start, end) >= 0:
            return True
    return False


@lru_cache(maxsize=256)  # as re.compile's own cache: a document's patterns are often the last one's
def compile_for_scanning(pattern: str, flags: int = 0) -> re.Pattern:
    """``re.compile(pattern, flags)``, with a look-ahead for the characters a match can start
    with in front when ``re`` has no such shortcut of its own.

    A pattern that opens with a look-behind, a word boundary or an optional group is tried in
    full at every position of the text; ``(?=[CUR…])`` turns most positions away with one
    character test (the same matches: it only states what every match starts with). Patterns
    that open with a literal or a plain class are left as written: re skips to those itself.
    """
    chars = _first_characters(pattern, flags)
    if chars:
        try:
            return re.compile("(?=[" + "".join(re.escape(ch) for ch in sorted(chars)) + "])(?:" + pattern + ")", flags)
        except re.error:  # e.g. global flags written at its start: compile as written
            pass
    return re.compile(pattern, flags)


# Beyond this many possible first characters a look-ahead turns too few positions away.
MAX_FIRST_CHARACTERS = 64


def _first_characters(pattern: str, flags: int) -> set[str] | None:
    """The characters every match starts with, when known and when re cannot already skip.

    In a case-insensitive pattern, only ASCII characters written one by one: re matches those the
    same way in a class as alone (test_rules checks it over every code point)."""
    try:
        from re import _constants as c, _parser as parser

        tree = parser.parse(pattern, flags)
    except Exception:  # a bad pattern (re.compile says why), or another Python's private parser
        return None
    ignorecase = bool(tree.state.flags & re.IGNORECASE)
    items = tree.data
    if _starts_with_a_shortcut(items, c):
        return None
    chars, can_be_empty = _first_of_sequence(items, c, ignorecase)
    if chars is None or can_be_empty or len(chars) > MAX_FIRST_CHARACTERS:
        return None
    if ignorecase and not all(ch.isascii() for ch in chars):
        return None
    return chars


def _starts_with_a_shortcut(items, c) -> bool:
    """A literal, a class, or alternatives that all open with a literal: re skips to those."""
    while items and items[0][0] is c.SUBPATTERN:
        items = items[0][1][3].data
    if not items:
        return False
    op, av = items[0]
    if op in (c.LITERAL, c.IN):
        return True
    return op is c.BRANCH and all(alternative.data and alternative.data[0][0] is c.LITERAL for alternative in av[1])


def _first_of_sequence(items, c, ignorecase) -> tuple[set[str] | None, bool]:
    """(the characters a match of ``items`` can start with or None if unknown, can it be empty)."""
    chars: set[str] = set()
    for op, av in items:
        first, can_be_empty = _first_of_item(op, av, c, ignorecase)
        if first is None:
            return None, False
        chars |= first
        if not can_be_empty:
            return chars, False
    return chars, True


def _first_of_item(op, av, c, ignorecase) -> tuple[set[str] | None, bool]:
    if op is c.LITERAL:
        return {chr(av)}, False
    if op is c.IN:
        chars = set()
        for kind, value in av:
            if kind is c.LITERAL:
                chars.add(chr(value))
            elif kind is c.RANGE and value[1] - value[0] < MAX_FIRST_CHARACTERS and not ignorecase:
                chars.update(chr(x) for x in range(value[0], value[1] + 1))
            else:  # a negated class, a category (\d, \w): too many to list
                return None, False
        return chars, False
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):  # take no character
        return set(), True
    if op is c.SUBPATTERN:
        return (None, False) if av[1] & re.IGNORECASE else _first_of_sequence(av[3].data, c, ignorecase)
    if op is c.ATOMIC_GROUP:
        return _first_of_sequence(av.data, c, ignorecase)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        chars, can_be_empty = _first_of_sequence(av[2].data, c, ignorecase)
        return chars, can_be_empty or av[0] == 0
    if op is c.BRANCH:
        chars, can_be_empty = set(), False
        for alternative in av[1]:
            first, empty = _first_of_sequence(alternative.data, c, ignorecase)
            if first is None:
                return None, False
            chars |= first
            can_be_empty = can_be_empty or empty
        return chars, can_be_empty
    return None, False  # any character, a back-reference, …


# In a case-insensitive pattern, what a lower-case ASCII letter matches besides itself and its
# capital (the Kelvin sign is a "k"; test_terms checks the table against re over every character).
_CASE_EXTRAS = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}
# How many leading characters the alternations below are factored by.
FACTORED_CHARACTERS = 3


def literal_alternatives(strings: list[str], *, ignorecase: bool = False, spaces: str | None = None) -> list[str]:
    r"""``[re.escape(s) for s in strings]``, tried in that order, grouped by leading characters:
    ``["Com(?:pany|panies)", "Underwriters?", …]``, alternatives of one group with the same matches.

    re tries the alternatives of ``Company|Companies|Underwriter|…`` one by one wherever a match
    could start, so 600 terms cost 0.4 s over a credit agreement; grouped, only those starting
    with the text's next characters are tried. The matches do not change: alternatives starting
    with different characters never match the same text, so only those sharing a start keep their
    order among themselves, and they do. ``ignorecase``: for a case-insensitive pattern (the
    strings casefolded); a grouped letter is then written as the class of what it matches,
    case-sensitively, so that re can still turn an alternative away by its first character, and
    only ASCII characters are grouped (another's case-insensitive matches may be a third's).
    ``spaces``: what a space stands for (r"\s+": any run of white space).
    """
    if "" in strings or ignorecase and any(not s[0].isascii() for s in strings):
        return [_written(s, spaces) for s in strings]
    return _groups(strings, FACTORED_CHARACTERS, ignorecase, spaces)


def _groups(rests: list[str], depth: int, ignorecase: bool, spaces: str | None) -> list[str]:
    groups: dict[str, list[str]] = {}
    for rest in rests:
        groups.setdefault(rest[0], []).append(rest[1:])
    return [_character(ch, ignorecase, spaces, grouped=True) + _factored(group, depth - 1, ignorecase, spaces)
            for ch, group in groups.items()]


def _factored(rests: list[str], depth: int, ignorecase: bool, spaces: str | None) -> str:
    if len(rests) == 1:
        return _written(rests[0], spaces)
    # Not grouped: past the depth; before a character other than ASCII when case-insensitive;
    # where a string ending here is not the last to try.
    if depth == 0 or ignorecase and any(r and not r[0].isascii() for r in rests) or "" in rests[:-1]:
        return "(?:" + "|".join(_written(r, spaces) for r in rests) + ")"
    parts = _groups([r for r in rests if r], depth, ignorecase, spaces)
    if rests[-1] == "":
        parts.append("")
    return "(?:" + "|".join(parts) + ")"


def _written(rest: str, spaces: str | None) -> str:
    return "".join(_character(ch, False, spaces, grouped=False) for ch in rest)


def _character(ch: str, ignorecase: bool, spaces: str | None, grouped: bool) -> str:
    if ch == " " and spaces is not None:
        return spaces
    if grouped and ignorecase and "a" <= ch <= "z":
        return f"(?-i:[{ch}{ch.upper()}{_CASE_EXTRAS.get(ch, '')}])"
    return re.escape(ch)
