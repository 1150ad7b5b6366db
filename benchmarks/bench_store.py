"""Query latency of the embedded store against rdflib's in-memory store, in the same run.

Builds corpus/ into a temporary folder (or uses --outputs DIR), optionally multiplies the
documents (--copies N: each document's graph again under a new document id, to see how the
stores scale), then times every named query behind a query command:

- oxigraph: the persistent on-disk store as the commands open it (pyoxigraph, read-only);
- rdflib: the same quads in rdflib's in-memory Dataset (union default graph), queries prepared
  once with prepareQuery and run with initBindings;
- oxrdflib: rdflib's API over an in-memory Oxigraph store (when the plugin is installed).

It prints medians (ms) and rdflib / oxigraph ratios, checks that every store returns the same
number of rows, and times two whole commands in fresh processes: the real `clausegraph
obligations --party Company` (opens the store) against loading dataset.nq into rdflib and
running the same query. Shared machines are noisy: read the ratios, not the milliseconds.

Run: python benchmarks/bench_store.py [--copies 8] [--outputs outputs]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.plugins.sparql import prepareQuery

from clausegraph.store import DATASET_FILES, ID_BASE, load_query, open_store, write_store

ROOT = Path(__file__).resolve().parent.parent
UA = "hig-underwriting-agreement-2004"
REPEATS = 7
# (command it stands for, named query, bindings)
CASES = [
    ("obligations --party Company", "obligations-by-party", {"partyKey": "company"}),
    ("obligations", "obligations", {}),
    (f"refs {UA}", "refs", {"doc": UA}),
    (f"refs {UA} 8", "refs-from", {"doc": UA, "label": "8"}),
    (f"refs {UA} 8 --direction in", "refs-to", {"doc": UA, "label": "8"}),
    ("query refs-transitive (refersTo+)", "refs-transitive", {"doc": UA, "label": "7"}),
    (f"terms {UA}", "terms", {"doc": UA}),
    (f"terms {UA} (uses)", "term-uses", {"doc": UA}),
    ("parties", "parties", {}),
    (f"parties {UA}", "parties-in-document", {"doc": UA}),
    (f"conditions {UA}", "conditions", {"doc": UA}),
    ("lint", "lint", {}),
    ("query authorities", "authorities", {}),
]


def median_ms(fn, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def build_outputs(out: Path) -> Path:
    from clausegraph.build import build

    report = build([ROOT / "corpus"], out)
    if not report.ok:
        sys.exit("; ".join(report.errors))
    return out


def multiplied_quads(nquads: Path, copies: int) -> list[ox.Quad]:
    """The dataset, plus each document's graph ``copies - 1`` more times under new document ids."""
    quads = list(ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS))
    if copies <= 1:
        return quads

    def rename(term, k: int):
        if isinstance(term, ox.NamedNode) and term.value.startswith(ID_BASE):
            rest = term.value[len(ID_BASE):]
            head, sep, tail = rest.partition("/")
            if head not in ("entity", "authority", "entities", "agent"):
                return ox.NamedNode(f"{ID_BASE}{head}-copy{k}{sep}{tail}")
        return term

    extra = []
    for quad in quads:
        graph = quad.graph_name
        if not (isinstance(graph, ox.NamedNode) and graph.value.startswith(ID_BASE) and graph.value.endswith("/graph")
                and not graph.value.startswith(ID_BASE + "entities/")):
            continue
        for k in range(2, copies + 1):
            obj = quad.object
            if quad.predicate.value.endswith("#documentId"):
                obj = ox.Literal(f"{obj.value}-copy{k}")
            else:
                obj = rename(obj, k)
            extra.append(ox.Quad(rename(quad.subject, k), quad.predicate, obj, rename(graph, k)))
    return quads + extra


def rdflib_dataset(quads: list[ox.Quad], store: str = "default") -> rdflib.Dataset:
    dataset = rdflib.Dataset(store=store, default_union=True)
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    dataset.parse(data=data.decode("utf-8"), format="nquads")
    return dataset


def rdflib_runner(dataset: rdflib.Dataset, name: str, bindings: dict):
    query = prepareQuery(load_query(name))
    init = {rdflib.Variable(k): rdflib.Literal(v) for k, v in bindings.items()}
    return lambda: list(dataset.query(query, initBindings=init))


def command_seconds(argv: list[str]) -> float:
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


RDFLIB_COMMAND = """
import sys, rdflib
from rdflib.plugins.sparql import prepareQuery
from clausegraph.store import load_query, match_key
ds = rdflib.Dataset(default_union=True)
ds.parse(sys.argv[1], format="nquads")
rows = list(ds.query(prepareQuery(load_query("obligations-by-party")),
                     initBindings={rdflib.Variable("partyKey"): rdflib.Literal(match_key("Company"))}))
print(len(rows))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=8, help="copies of each document graph (default: 8)")
    parser.add_argument("--outputs", type=Path, help="an existing build (default: build corpus/ into a temp folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        out = args.outputs or build_outputs(Path(tmp) / "outputs")
        quads = multiplied_quads(out / DATASET_FILES["nq"], args.copies)
        store_dir = Path(tmp) / "bench-store"
        store_dir.mkdir()
        write_store(((q.subject, q.predicate, q.object, q.graph_name) for q in quads), store_dir)
        store = open_store(store_dir)
        t = time.perf_counter()
        in_memory = rdflib_dataset(quads)
        rdflib_load = time.perf_counter() - t
        try:
            import oxrdflib  # noqa: F401

            via_plugin = rdflib_dataset(quads, store="Oxigraph")
        except ImportError:
            via_plugin = None
        print(f"{len(quads)} quads ({args.copies} copies of each document); rdflib in-memory load {rdflib_load:.1f} s")
        print(f"{'command':38} {'rows':>5} {'oxigraph ms':>11} {'rdflib ms':>10} {'ratio':>7} {'oxrdflib ms':>12}")
        ratios = []
        for command, name, bindings in CASES:
            ox_rows = store.run(name, bindings)
            ox_ms = median_ms(lambda: store.run(name, bindings))
            run_rdflib = rdflib_runner(in_memory, name, bindings)
            try:
                rdflib_rows = run_rdflib()
            except Exception as exc:  # rdflib's own evaluator bugs, e.g. GROUP_CONCAT(DISTINCT ?unbound)
                print(f"{command:38} {len(ox_rows):5d} {ox_ms:11.2f}  rdflib fails: {type(exc).__name__}: {exc}")
                continue
            rdflib_ms = median_ms(run_rdflib, repeats=3)
            plugin_ms = float("nan")
            if via_plugin is not None:
                plugin_ms = median_ms(rdflib_runner(via_plugin, name, bindings))
            same = "" if len(rdflib_rows) == len(ox_rows) else f"  (rdflib: {len(rdflib_rows)} rows!)"
            ratio = rdflib_ms / max(ox_ms, 1e-6)
            ratios.append(ratio)
            print(f"{command:38} {len(ox_rows):5d} {ox_ms:11.2f} {rdflib_ms:10.1f} {ratio:6.0f}x {plugin_ms:12.2f}{same}")
        print(f"median ratio rdflib in-memory / oxigraph on disk: {statistics.median(ratios):.0f}x")

        nq = out / DATASET_FILES["nq"]
        ours = command_seconds([sys.executable, "-m", "clausegraph.cli", "obligations", "--party", "Company",
                                "--json", "--store", str(out)])
        theirs = command_seconds([sys.executable, "-c", RDFLIB_COMMAND, str(nq)])
        print(f"whole command, fresh process, {UA} corpus as built: `clausegraph obligations --party Company` "
              f"{ours:.2f} s; rdflib loading dataset.nq and querying {theirs:.2f} s ({theirs / ours:.1f}x)")


if __name__ == "__main__":
    main()
