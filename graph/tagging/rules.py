"""Reading the rule files in ``patterns/``: one JSON object per line, blank lines ignored."""

from __future__ import annotations

import json
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
