"""Does the build stay linear? Time and peak memory per document for 10, 100 and 1,000
documents (copies of the repository's real contracts, organisation names varied; see
scale_corpus.py), against spaCy's blank tokenizer over the same files in the same run; and the
throughput of the 40-copy underwriting-agreement corpus.

    python benchmarks/bench_scale.py --sizes 10,100,1000 [--jobs N] [--work /tmp/cg-scale]
    python benchmarks/bench_scale.py --underwriting 40 [--formats nq] [--before DIR]
    python benchmarks/bench_scale.py --speedup 46      # 1 worker against 2 on the same corpus, and
                                                       # how two CPU-bound processes share the machine

Each build runs in a fresh process without the cache. Peak memory: the main process (which
holds what corpus-wide resolution needs) and the largest worker.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _run import build_in_child, folder_mb, tokenizer_seconds  # noqa: E402
from scale_corpus import ROOT, make_corpus, varied  # noqa: E402

# documents: load, clean, segment, tag (workers); resolve: corpus-wide resolution (main);
# outputs: each document's graph, records and pages (workers; the store fills meanwhile);
# store: the rest of the store and the dataset files; pages: the index and corpus network.
STAGES = ("documents", "resolve", "outputs", "store", "pages")


def report_line(label: str, result: dict, tokens: float, out: Path) -> str:
    n = result["documents"]
    shares = " ".join(f"{s} {100 * result['timings'].get(s, 0) / result['seconds']:.0f}%" for s in STAGES)
    return (f"{label:>14} {n:6d} {result['words']:>10,} {result['wall']:8.1f} {1000 * result['wall'] / n:9.0f} "
            f"{result['main_peak_mb']:8.0f} {result['worker_peak_mb']:8.0f} {result['wall'] / tokens:7.1f}x "
            f"{folder_mb(out) / n:7.2f}   {shares}")


HEADER = (f"{'corpus':>14} {'docs':>6} {'words':>10} {'wall s':>8} {'ms/doc':>9} {'main MB':>8} {'work MB':>8} "
          f"{'x tok':>8} {'MB/doc':>7}   stage shares")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="", help="comma-separated corpus sizes, e.g. 10,100,1000")
    parser.add_argument("--underwriting", type=int, default=0, help="copies of the underwriting agreement")
    parser.add_argument("--speedup", type=int, default=0, help="documents for the 1-worker / 2-worker comparison")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--work", type=Path, default=Path("/tmp/cg-scale"))
    parser.add_argument("--formats", default=None,
                        help="dataset files, as build --formats takes them (default: the build's default)")
    parser.add_argument("--keep", action="store_true", help="keep the outputs (bench_queries.py reads them)")
    parser.add_argument("--before", type=Path, default=None, metavar="DIR",
                        help="with --underwriting: also build with the clausegraph/ package in DIR (an earlier "
                             "version, its ontology/ inside), alternating with this one, --rounds times")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(HEADER)
    for size in [int(s) for s in args.sizes.split(",") if s]:
        corpus, out = args.work / f"corpus-{size}", args.work / f"out-{size}"
        shutil.rmtree(corpus, ignore_errors=True), shutil.rmtree(out, ignore_errors=True)
        files = make_corpus(size, corpus)
        result = build_in_child(corpus, out, args.jobs, formats=args.formats)
        print(report_line(f"{size} docs", result, tokenizer_seconds(files), out), flush=True)
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)
    if args.underwriting:
        corpus, out = args.work / "underwriting", args.work / "out-underwriting"
        shutil.rmtree(corpus, ignore_errors=True), shutil.rmtree(out, ignore_errors=True)
        corpus.mkdir()
        text = (ROOT / "corpus" / "hig-underwriting-agreement-2004.txt").read_text(encoding="utf-8")
        files = []
        for k in range(args.underwriting):
            files.append(corpus / f"underwriting-{k:03d}.txt")
            files[-1].write_text(varied(text, k) if k else text, encoding="utf-8")
        # The baseline is taken right before and right after the build, and the two averaged: on
        # a shared machine the load can change within the half minute a build takes.
        before = tokenizer_seconds(files)
        result = build_in_child(corpus, out, args.jobs, formats=args.formats)
        after = tokenizer_seconds(files)
        print(report_line(f"{args.underwriting}x underwr.", result, (before + after) / 2, out), flush=True)
        print(f"{'':>14} tokenizer {before:.1f} s before the build, {after:.1f} s after", flush=True)
        if args.before:
            # Old and new alternated in one run: the machine's load moves both the same way.
            walls = {"this": [], "before": []}
            for _ in range(args.rounds):
                for name, package in (("before", args.before), ("this", None)):
                    shutil.rmtree(out, ignore_errors=True)
                    walls[name].append(build_in_child(corpus, out, args.jobs, formats=args.formats, package=package)["wall"])
            median = {name: sorted(w)[len(w) // 2] for name, w in walls.items()}
            print(f"{'':>14} alternated {args.rounds}x: this version {' '.join(f'{w:.1f}' for w in walls['this'])} s, "
                  f"--before {' '.join(f'{w:.1f}' for w in walls['before'])} s: median {median['this']:.1f} s against "
                  f"{median['before']:.1f} s ({median['this'] / median['before']:.2f}x)", flush=True)
    if args.speedup:
        corpus = args.work / f"corpus-speedup-{args.speedup}"
        shutil.rmtree(corpus, ignore_errors=True)
        files = make_corpus(args.speedup, corpus)
        tokens = tokenizer_seconds(files)
        before = machine_parallelism()
        # "One" is one core: a 1-worker build on two cores also uses the second one (the store
        # fills in a thread of its own while the document is made), so it is measured both ways.
        one_core = {min(os.sched_getaffinity(0))}
        walls = {}
        for name, jobs, cores in (("1 core", 1, one_core), ("jobs=1", 1, None), ("jobs=2", 2, None)):
            out = args.work / f"out-speedup-{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            result = build_in_child(corpus, out, jobs, formats=args.formats, cores=cores)
            walls[name] = result
            print(report_line(name, result, tokens, out), flush=True)
        core, one, two = walls["1 core"], walls["jobs=1"], walls["jobs=2"]
        print(f"speed-up of 2 cores over 1 (2 workers against 1 worker on one core): whole build "
              f"{core['wall'] / two['wall']:.2f}x")
        print(f"speed-up of 2 workers over 1, both on 2 cores: whole build {one['wall'] / two['wall']:.2f}x, "
              f"per-document stage {one['timings']['documents'] / two['timings']['documents']:.2f}x, "
              f"outputs {one['timings']['outputs'] / two['timings']['outputs']:.2f}x")
        for jobs, result in (("jobs=1", one), ("jobs=2", two)):  # user CPU, which the machine's load does not change
            cpu = result["cpu"]
            total = cpu["main"] + cpu["workers"]
            print(f"{jobs}: user CPU {total:.1f} s: main process {cpu['main']:.1f} s ({100 * cpu['main'] / total:.0f}%), "
                  f"workers {cpu['workers']:.1f} s")
        # On 2 free cores the 2-worker build takes at least max(main, all / 2) (the main process's
        # work overlaps the workers'): the speed-up the CPU split allows.
        cpu = two["cpu"]
        bound = sum(one["cpu"].values()) / max(cpu["main"], sum(cpu.values()) / 2)
        print(f"speed-up the CPU split allows on 2 free cores: {bound:.2f}x")
        for when, (alone, together) in (("before the builds", before), ("after them", machine_parallelism())):
            print(f"the machine {when}: a CPU-bound loop takes {alone:.2f} s alone and {together:.2f} s beside a second "
                  f"one (2 processes do {2 * alone / together:.2f}x the work of one)")


# A pure-Python loop of this many steps takes a few seconds: long enough to see how two share.
SPIN_STEPS = 20_000_000
SPIN = f"import time\nt = time.perf_counter()\nx = 0\nfor i in range({SPIN_STEPS}): x += i\nprint(time.perf_counter() - t)"


def machine_parallelism() -> tuple[float, float]:
    """Seconds of one CPU-bound loop alone, then of each of two run at once (their mean): on
    shared or hyper-threaded cores two processes do less than twice the work of one, which
    bounds any 2-worker speed-up measured in the same run."""
    import subprocess

    def spin(n: int) -> list[float]:
        procs = [subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.PIPE, text=True) for _ in range(n)]
        return [float(p.communicate()[0]) for p in procs]

    alone = spin(1)[0]
    together = spin(2)
    return alone, sum(together) / len(together)


if __name__ == "__main__":
    main()
