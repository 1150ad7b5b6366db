"""A corpus of N documents for the scale benchmarks: copies of the repository's plain-text
contracts (``tests/corpus/dev/*.txt`` and ``corpus/*``) with their organisations' names varied.

Copy k of a file renames every organisation ("Hartford Financial Services Group, Inc.") by
appending a tag to the capitalised words before its corporate suffix, so that cross-document
entity resolution sees as many distinct organisations as a real archive would, while the
clause tree, the terms and the obligations stay those of a real contract.

    python benchmarks/scale_corpus.py 100 /tmp/corpus-100
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "tests" / "corpus" / "dev").glob("*.txt")) + sorted((ROOT / "corpus").glob("*.txt"))

# A run of capitalised words directly before a corporate suffix is an organisation's name.
ORGANISATION = re.compile(
    r"\b((?:[A-Z][a-z]+[ \t]+){0,3}[A-Z][a-z]+)(?=,?[ \t]+(?:Inc\b|Incorporated\b|Corporation\b|Corp\b|"
    r"LLC\b|L\.L\.C\.|L\.P\.|Ltd\b|Limited\b|Company\b|Co\.|N\.A\.|plc\b|Trust\b|Bank\b))"
)
TAG_LETTERS = "bcdfghjklmnpqrstvwxz"


def tag(k: int) -> str:
    """A pronounceable-looking word unique to copy k: 0 → "Bax", 1 → "Cax", …"""
    letters = []
    while True:
        k, r = divmod(k, len(TAG_LETTERS))
        letters.append(TAG_LETTERS[r])
        if k == 0:
            break
    return "".join(letters).capitalize() + "ax"


def varied(text: str, k: int) -> str:
    word = tag(k)
    return ORGANISATION.sub(lambda m: f"{m.group(1)} {word}", text)


def make_corpus(n: int, folder: Path) -> list[Path]:
    """``n`` documents in ``folder`` (created), cycling over the sources; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    texts = {p: p.read_text(encoding="utf-8", errors="replace") for p in SOURCES}
    for i in range(n):
        source = SOURCES[i % len(SOURCES)]
        k = i // len(SOURCES)
        path = folder / f"{source.stem}-{k:04d}.txt"
        path.write_text(varied(texts[source], k) if k else texts[source], encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    count, target = int(sys.argv[1]), Path(sys.argv[2])
    made = make_corpus(count, target)
    print(f"{len(made)} documents in {target}")
