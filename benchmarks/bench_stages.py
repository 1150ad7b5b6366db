"""Where does the per-document stage spend its time? Each step of load → clean → segment →
classify → tag (one line per tagging component) → pickle (what a worker sends back), as a
ratio of spaCy's blank English tokenizer over the same texts, measured in the same run.

    python benchmarks/bench_stages.py                      # 10 copies of the underwriting agreement
    python benchmarks/bench_stages.py --underwriting 40 --rounds 3
    python benchmarks/bench_stages.py tests/corpus/dev/*.txt corpus/*.txt

The copies are varied as bench_scale.py varies them (organisation names per copy). Each round
starts a fresh tokenizer (its cache cold, as in bench_scale.py); each file is tokenized right
before its own stages run, so that the baseline and the stages share the machine's load of the
moment (on a shared machine the tokenizer alone varied 2x between runs). The figures are each
stage's median over the rounds of its ratio to that round's tokenizer. One process, no workers.
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_corpus import ROOT, varied  # noqa: E402

from clausegraph.classify import document_kind, document_title  # noqa: E402
from clausegraph.clean import clean  # noqa: E402
from clausegraph.load import load  # noqa: E402
from clausegraph.model import Document  # noqa: E402
from clausegraph.segment import segment  # noqa: E402
from clausegraph.tagging.pipeline import _components  # noqa: E402


def one_round(paths: list[Path]) -> dict[str, float]:
    """Seconds per stage, summed over ``paths``; "tokenizer" is the baseline."""
    import spacy

    nlp = spacy.blank("en")
    nlp.max_length = 50_000_000
    seconds: dict[str, float] = {}

    def timed(stage, fn, *args):
        started = time.perf_counter()
        value = fn(*args)
        seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - started
        return value

    for path in paths:
        loaded = timed("load", load, path)
        timed("tokenizer", nlp.make_doc, loaded.text)
        cleaned = timed("clean", clean, loaded.text)
        clauses = timed("segment", segment, cleaned)
        kind = timed("classify", document_kind, cleaned.text, clauses)
        title = timed("classify", document_title, cleaned.text, kind)
        document = Document(
            doc_id=loaded.doc_id, path=str(path), format=loaded.format, kind=kind, title=title, source=loaded.text,
            clean=cleaned.text, clean_offsets=cleaned.offsets, clauses=tuple(clauses), warnings=loaded.warnings,
        )
        results: dict[str, list] = {}
        for component in _components():
            results[component.family] = timed(f"tag {component.family}", component.records, document, results)
        tagged = dataclasses.replace(document, **{family: tuple(records) for family, records in results.items()})
        timed("pickle", pickle.dumps, tagged, pickle.HIGHEST_PROTOCOL)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="files to run (default: copies of the underwriting agreement)")
    parser.add_argument("--underwriting", type=int, default=10, help="copies of the underwriting agreement")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as folder:
        paths = args.paths
        if not paths:
            text = (ROOT / "corpus" / "hig-underwriting-agreement-2004.txt").read_text(encoding="utf-8")
            for k in range(args.underwriting):
                paths.append(Path(folder) / f"underwriting-{k:03d}.txt")
                paths[-1].write_text(varied(text, k) if k else text, encoding="utf-8")
        _components()  # compiling the patterns is once per process, not per document
        rounds = [one_round(paths) for _ in range(args.rounds)]
    stages = [s for s in rounds[0] if s != "tokenizer"]
    for r in rounds:
        r["tagging"] = sum(r[s] for s in stages if s.startswith("tag "))
        r["per-document stage"] = sum(r[s] for s in stages)
    tokens = statistics.median(r["tokenizer"] for r in rounds)
    print(f"{len(paths)} files, {args.rounds} rounds; spaCy's blank tokenizer: {tokens:.2f} s (median)")
    print(f"{'stage':>18} {'seconds':>8} {'x tok':>7}")
    for stage in stages + ["tagging", "per-document stage"]:
        seconds = statistics.median(r[stage] for r in rounds)
        ratio = statistics.median(r[stage] / r["tokenizer"] for r in rounds)
        print(f"{stage:>18} {seconds:8.2f} {ratio:7.2f}")


if __name__ == "__main__":
    main()
