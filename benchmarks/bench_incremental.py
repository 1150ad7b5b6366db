"""Incremental rebuild: build N documents (with the cache), change one, build again.

    python benchmarks/bench_incremental.py --docs 1000 [--work /tmp/cg-scale] [--keep]

Prints the full build (in the format of bench_scale.py), the rebuild and their ratio (goal: the
rebuild after one change of 1,000 within 5% of the full build). Both in fresh processes.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _run import build_in_child, tokenizer_seconds  # noqa: E402
from bench_scale import HEADER, STAGES, report_line  # noqa: E402
from scale_corpus import make_corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--work", type=Path, default=Path("/tmp/cg-scale"))
    parser.add_argument("--keep", action="store_true", help="keep the outputs (bench_queries.py reads them)")
    args = parser.parse_args()
    corpus, out = args.work / f"corpus-inc-{args.docs}", args.work / f"out-inc-{args.docs}"
    shutil.rmtree(corpus, ignore_errors=True), shutil.rmtree(out, ignore_errors=True)
    files = make_corpus(args.docs, corpus)
    print(HEADER)
    full = build_in_child(corpus, out, args.jobs, cache=True)
    print(report_line(f"{args.docs} full", full, tokenizer_seconds(files), out), flush=True)
    changed = files[len(files) // 2]
    text = changed.read_text(encoding="utf-8")
    # One word of the text changed (not every contract says " shall ").
    old, new = next((old, new) for old, new in ((" shall ", " will "), (" will ", " shall "), (" the ", " this "))
                    if old in text)
    changed.write_text(text.replace(old, new, 1), encoding="utf-8")
    again = build_in_child(corpus, out, args.jobs, cache=True)
    print(report_line("1 changed", again, tokenizer_seconds([changed]), out), flush=True)
    print(f"rebuild after changing {changed.name}: {again['wall']:.1f} s = {100 * again['wall'] / full['wall']:.1f}% "
          f"of the full build ({full['wall']:.1f} s); stages: "
          + ", ".join(f"{s} {again['timings'].get(s, 0):.1f} s" for s in STAGES))
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
