"""Every query command and every named query on a big store, each in a fresh process (wall
time, imports included), against rdflib loading the same N-Quads and answering in memory.

    python benchmarks/bench_queries.py --outputs /tmp/cg-scale/out-inc-1000 [--doc DOC]

Goal: each command within 1 s, and at least 10x faster than rdflib. rdflib needs about
2.4 kB per triple in memory: past --rdflib-lines lines it loads only that many and the
time is extrapolated linearly (a lower bound: its parse is not faster than linear).

The commands: every query command of the CLI (with and without a document, a clause, a
party), then `query NAME` for every named query, without bindings when it needs none, and
with the bindings of its own `# Example:` line (its document replaced by --doc).

--before DIR runs each command a second time, right after, with the clausegraph package found
in DIR (an earlier version laid out as installed: DIR/clausegraph/ with its ontology/ inside),
so that the two versions are compared under the same load.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
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

EXAMPLE_BINDING = re.compile(r"--bind\s+([A-Za-z_]\w*)=(\"[^\"]*\"|\S+)")


def wall(argv: list[str], package: Path | None = None) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds of the child (on a shared machine the wall time moves with the
    load, the CPU time much less) and what came out: the number of JSON records, or FAILED.
    ``package``: a folder holding another clausegraph package to run instead."""
    env = dict(os.environ, PYTHONPATH=str(package)) if package else None
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    if done.returncode != 0:
        return seconds, cpu, "FAILED: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    answer = json.loads(done.stdout or "null")
    return seconds, cpu, f"{len(answer)} rows" if isinstance(answer, list) else str(answer)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def named_query_commands(doc: str) -> list[list[str]]:
    """`query NAME` unbound (when it needs no binding) and with its example's bindings."""
    from clausegraph.queryinfo import describe
    from clausegraph.store import load_query, query_names

    commands = []
    for name in query_names():
        text = load_query(name)
        if not describe(name, text).required:
            commands.append(["query", name])
        example = next((line for line in text.splitlines() if line.startswith("#") and "clausegraph query" in line), "")
        bindings = {k: v.strip('"') for k, v in EXAMPLE_BINDING.findall(example)}
        if bindings:
            if "doc" in bindings:
                bindings["doc"] = doc
            commands.append(["query", name] + [a for k, v in bindings.items() for a in ("--bind", f"{k}={v}")])
    return commands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outputs", type=Path, required=True)
    parser.add_argument("--doc", default=None, help="document for the per-document commands (default: the first)")
    parser.add_argument("--rdflib-lines", type=int, default=2_000_000)
    parser.add_argument("--no-rdflib", dest="rdflib", action="store_false", help="leave out the rdflib baseline")
    parser.add_argument("--only", default="", metavar="WORDS", help="only the commands containing these words")
    parser.add_argument("--before", type=Path, default=None, metavar="DIR",
                        help="also run each command with the clausegraph package in DIR (an earlier version)")
    args = parser.parse_args()
    manifest = json.loads((args.outputs / "manifest.json").read_text(encoding="utf-8"))
    doc = args.doc or next((d["doc"] for d in manifest["documents"] if "underwriting" in d["doc"]),
                           manifest["documents"][0]["doc"])
    cg = [sys.executable, "-m", "clausegraph.cli"]
    store = ["--store", str(args.outputs)]
    commands = [
        ["clauses", doc], ["refs", doc], ["refs", doc, "8"], ["refs", doc, "8", "--direction", "in"],
        ["refs", doc, "8", "--direction", "both"], ["terms", doc], ["parties"], ["parties", doc],
        ["obligations"], ["obligations", "--party", "Company"], ["obligations", "--party", "Company", "--doc", doc],
        ["obligations", "--doc", doc], ["obligations", "--modality", "prohibition"],
        ["conditions", doc], ["conditions", doc, "7"], ["lint"], ["lint", doc],
    ] + named_query_commands(doc)
    commands = [c for c in commands if args.only in " ".join(c)]
    nq = args.outputs / "dataset.nq"
    with open(nq, "rb") as f:
        lines = sum(1 for _ in f)
    print(f"{len(manifest['documents'])} documents, {lines:,} quads in {nq}; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} at the start")
    times = {}
    for command in commands:
        output = ["--format", "json"] if command[0] == "query" else ["--json"]
        seconds, cpu, outcome = wall(cg + command + store + output)
        times[" ".join(command)] = seconds
        line = f"  {' '.join(command):100} {seconds:6.2f} s  (CPU {cpu:5.2f} s)  {outcome}"
        if args.before:
            then, then_cpu, then_outcome = wall(cg + command + store + output, args.before)
            line += f"   before: {then:6.2f} s (CPU {then_cpu:5.2f} s){'  ' + then_outcome if then_outcome != outcome else ''}"
        print(line, flush=True)
    slowest_command = max(times, key=times.get)
    slowest = times[slowest_command]
    over = [c for c, s in times.items() if s > 1]
    print(f"slowest: {slowest_command} {slowest:.2f} s (goal <= 1 s); {len(over)} of {len(times)} commands over 1 s; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end")
    if not args.rdflib:
        return
    limit = min(lines, args.rdflib_lines)
    rdflib_seconds, _, outcome = wall([sys.executable, "-c", RDFLIB_IN_CHILD, str(nq), str(limit)])
    estimate = rdflib_seconds * lines / limit
    print(f"rdflib loading {limit:,} of {lines:,} quads and answering obligations --party Company: "
          f"{rdflib_seconds:.1f} s{' ' + outcome if outcome.startswith('FAILED') else ''}"
          + (f" (extrapolated to the whole store: {estimate:.0f} s)" if limit < lines else ""))
    party = times.get("obligations --party Company")
    print((f"rdflib / obligations --party Company: {estimate / party:.0f}x, " if party else "")
          + f"rdflib / the slowest command: {estimate / slowest:.0f}x (goal >= 10x)")


if __name__ == "__main__":
    main()
