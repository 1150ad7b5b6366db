"""Shared by the scale benchmarks: one build in a fresh process, its stage times and peak memory,
and the same-run baseline (spaCy's blank English tokenizer over the same files)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

BUILD_IN_CHILD = r"""
import json, os, resource, sys, time
from pathlib import Path
if sys.argv[6] != "-":  # the cores this build (and its workers, which inherit it) may run on
    os.sched_setaffinity(0, {int(c) for c in sys.argv[6].split(",")})
from clausegraph.build import build
from clausegraph.store import parse_formats
started = time.perf_counter()
report = build([Path(sys.argv[1])], Path(sys.argv[2]), jobs=int(sys.argv[3]) if sys.argv[3] != "-" else None,
               cache=sys.argv[4] == "cache", formats=parse_formats(sys.argv[5]) if sys.argv[5] != "-" else None)
seconds = time.perf_counter() - started
print(json.dumps({
    "seconds": seconds, "documents": len(report.entries), "errors": len(report.errors),
    "words": sum(e.words for e in report.entries), "timings": report.timings, "cpu": report.cpu,
    "main_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def build_in_child(corpus: Path, out: Path, jobs: int | None = None, cache: bool = False,
                   formats: str | None = None, cores: set[int] | None = None, package: Path | None = None) -> dict:
    """Build ``corpus`` into ``out`` in a fresh Python; its report as a dict (wall seconds measured here too).

    ``formats``: the dataset files to write, as ``--formats`` takes them ("nq"); None: the default.
    ``cores``: the CPU cores the build may use (``os.sched_setaffinity``); None: all.
    ``package``: a folder holding another version's ``clausegraph/`` (with its ontology/ inside),
    put first on PYTHONPATH; None: the installed one."""
    import os

    env = dict(os.environ, PYTHONPATH=str(package)) if package else None
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", BUILD_IN_CHILD, str(corpus), str(out),
                           str(jobs) if jobs else "-", "cache" if cache else "no-cache", formats or "-",
                           ",".join(map(str, sorted(cores))) if cores else "-"],
                          capture_output=True, text=True, check=True, env=env)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    return result


def tokenizer_seconds(files: list[Path]) -> float:
    """spaCy's blank English tokenizer over the same text (read as the build reads it)."""
    import spacy

    from clausegraph.load import load

    nlp = spacy.blank("en")
    nlp.max_length = 50_000_000
    texts = [load(path).text for path in files]
    started = time.perf_counter()
    for text in texts:
        nlp.make_doc(text)
    return time.perf_counter() - started


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20
