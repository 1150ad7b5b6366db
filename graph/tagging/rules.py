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
