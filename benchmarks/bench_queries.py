"""Every query command on a big store, each in a fresh process (wall time, imports included),
against rdflib loading the same N-Quads and answering the same query in memory.

    python benchmarks/bench_queries.py --outputs /tmp/cg-scale/out-inc-1000 [--doc DOC]

Goal: each command within 1 s, and at least 10x faster than rdflib. rdflib needs about
2.4 kB per triple in memory: past --rdflib-lines lines it loads only that many and the
time is extrapolated linearly (a lower bound: its parse is not faster than linear).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

RDFLIB_IN_CHILD = r"""
import sys, time, itertools, rdflib
from clausegraph.store import load_query
path, limit = sys.argv[1], int(sys.argv[2])
with open(path, encoding="utf-8") as f:
    data = "".join(itertools.islice(f, limit))
dataset = rdflib.Dataset(default_union=True)
dataset.parse(data=data, format="nquads")
rows = list(dataset.query(load_query("obligations-by-party"), initBindings={"partyKey": rdflib.Literal("company")}))
print(len(rows))
"""


def wall(argv: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        return seconds, "FAILED: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    return seconds, ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outputs", type=Path, required=True)
    parser.add_argument("--doc", default=None, help="document for the per-document commands (default: the first)")
    parser.add_argument("--rdflib-lines", type=int, default=2_000_000)
    args = parser.parse_args()
    manifest = json.loads((args.outputs / "manifest.json").read_text(encoding="utf-8"))
    doc = args.doc or next((d["doc"] for d in manifest["documents"] if "underwriting" in d["doc"]),
                           manifest["documents"][0]["doc"])
    cg = [str(Path(sys.executable).parent / "clausegraph")]
    store = ["--store", str(args.outputs)]
    commands = [
        ["clauses", doc], ["refs", doc], ["refs", doc, "8"], ["refs", doc, "8", "--direction", "in"],
        ["terms", doc], ["parties"], ["parties", doc], ["obligations", "--party", "Company"],
        ["obligations", "--doc", doc], ["conditions", doc], ["lint"], ["lint", doc],
        ["query", "refs-transitive", "--bind", f"doc={doc}", "--bind", "label=7"],
        ["query", "authorities"],
    ]
    nq = args.outputs / "dataset.nq"
    with open(nq, "rb") as f:
        lines = sum(1 for _ in f)
    print(f"{len(manifest['documents'])} documents, {lines:,} quads in {nq}")
    times = {}
    for command in commands:
        output = ["--format", "json"] if command[0] == "query" else ["--json"]
        seconds, failed = wall(cg + command + store + output)
        times[" ".join(command)] = seconds
        print(f"  {' '.join(command):60} {seconds:6.2f} s {failed}", flush=True)
    limit = min(lines, args.rdflib_lines)
    rdflib_seconds, failed = wall([sys.executable, "-c", RDFLIB_IN_CHILD, str(nq), str(limit)])
    estimate = rdflib_seconds * lines / limit
    slowest = max(times.values())
    print(f"rdflib loading {limit:,} of {lines:,} quads and answering obligations --party Company: "
          f"{rdflib_seconds:.1f} s{' ' + failed if failed else ''}"
          + (f" (extrapolated to the whole store: {estimate:.0f} s)" if limit < lines else ""))
    print(f"slowest command {slowest:.2f} s (goal <= 1 s); rdflib / obligations --party Company: "
          f"{estimate / times['obligations --party Company']:.0f}x (goal >= 10x)")


if __name__ == "__main__":
    main()
