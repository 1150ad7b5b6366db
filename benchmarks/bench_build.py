"""How fast is load → clean → segment, against baselines measured in the same run?

The machines are shared and noisy, so absolute seconds mean little: this prints ratios
against (a) a trivial pass over the same text (split into lines + one regex per line) and
(b) spaCy's blank English tokenizer over the same text. Run: python benchmarks/bench_build.py

The whole build (tagging, corpus-wide resolution, RDF, store, pages) at corpus scale is
measured by bench_scale.py, bench_incremental.py and bench_queries.py (run_all.sh runs them).
"""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path

import spacy

from clausegraph.clean import clean
from clausegraph.load import load
from clausegraph.segment import segment

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [
    ROOT / "corpus" / "hig-underwriting-agreement-2004.txt",
    ROOT / "tests" / "corpus" / "extra" / "credit_agreement_ametek_1994.txt",
    ROOT / "tests" / "corpus" / "extra" / "indenture_welltower_form_2025.txt",
]
REPEATS = 7


def median_seconds(fn) -> float:
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    nlp = spacy.blank("en")
    nlp.max_length = 10_000_000
    marker = re.compile(r"^\s*(\(\w+\)|\d+\.)\s")
    print(f"{'document':40} {'words':>7} {'segment ms':>10} {'x regex pass':>13} {'x spaCy tokenizer':>18}")
    for path in DOCUMENTS:
        if not path.exists():
            continue
        text = load(path).text
        words = len(text.split())
        ours = median_seconds(lambda: segment(clean(text)))
        regex = median_seconds(lambda: [marker.match(x) for x in text.split("\n")])
        tokens = median_seconds(lambda: nlp.make_doc(text))
        print(f"{path.name:40} {words:7d} {ours * 1000:10.1f} {ours / regex:13.1f} {ours / tokens:18.2f}")


if __name__ == "__main__":
    main()
