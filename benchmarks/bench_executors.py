"""Which engine for the per-document stage beyond one machine? The same stage
(``clausegraph.build.process_to_bytes``) over the same files on

  process  local processes, ProcessPoolExecutor with 2 workers (the build's default; each task
           carries its path, the workers fork from a parent that has clausegraph imported)
  dask     a Dask LocalCluster on 127.0.0.1, 2 worker processes of 1 thread (each task carries
           its file's bytes, as ``--executor dask://`` does)
  ray      Ray on this machine, ``ray.init(num_cpus=2)`` (each task carries its file's bytes;
           Ray starts its workers at niceness 15, the others run at 0: ``--nice N`` puts all at N)

Each measurement runs in a fresh Python; the engines are interleaved round by round (the order
rotated) and repeated, and the table gives the median with the spread (min-max) of:

  startup   import of the engine + start of its workers until both have answered a task
  wall      the stage over the corpus, all tasks submitted at once, results taken as they finish
  ratio     wall over the process pool's wall in the same round
  cpu       CPU seconds the workers spent in the stage (summed over documents; less noisy than wall
            on a loaded machine)
  trip      round-trip of a trivial task, one at a time (the overhead each document pays)
  workers   peak RSS summed over the worker processes that ran documents (a forked worker's
            RSS counts the pages it shares with its parent)
  rest      peak RSS of the driver plus every other process the engine started (scheduler,
            nannies, raylet, GCS, idle workers...)

Ray is not a dependency of clausegraph: install it into the benchmark's environment
(``pip install ray``); an engine that is not installed is reported as such and skipped.

    python benchmarks/bench_executors.py [--documents 46] [--repeats 3] [--nice N] [--work /tmp/cg-executors]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_corpus import make_corpus  # noqa: E402

WORKERS = 2
ROUND_TRIPS = 30
ENGINES = ("process", "dask", "ray")
# What each engine needs installed, for the install-size line: (distribution, extras).
INSTALLS = {"dask": ("dask", ("distributed",)), "ray": ("ray", ())}


# --- what runs in the workers (pickled by value from __main__ by Dask's and Ray's cloudpickle) ----


def peak_rss_mb(pid: int | str = "self") -> float:
    """The peak resident memory of a process (VmHWM), in MB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def stage(path: str, content: bytes | None = None, nice: int | None = None):
    """The per-document stage, plus the CPU seconds it took, which process ran it and that
    process's peak memory so far. ``nice``: this thread's priority (Linux: per thread)."""
    from clausegraph.build import process_to_bytes

    if nice is not None:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    began = time.process_time()
    _, data, error = process_to_bytes(path, content)
    return len(data or b""), error, time.process_time() - began, os.getpid(), peak_rss_mb()


def worker_pid(hold: float) -> int:
    time.sleep(hold)  # long enough for the other worker to take the second task
    return os.getpid()


def trivial() -> None:
    return None


# --- the three engines, one interface: start, map (as completed), call, close ----------------------


class ProcessEngine:
    sends_bytes = False

    def start(self) -> None:
        from concurrent.futures import ProcessPoolExecutor

        import clausegraph.build  # noqa: F401  (as in a build: the parent has clausegraph imported)

        self.pool = ProcessPoolExecutor(max_workers=WORKERS)

    def map(self, function, argument_lists):
        from concurrent.futures import as_completed

        for future in as_completed([self.pool.submit(function, *args) for args in argument_lists]):
            yield future.result()

    def call(self, function, *args):
        return self.pool.submit(function, *args).result()

    def close(self) -> None:
        self.pool.shutdown()


class DaskEngine:
    sends_bytes = True

    def start(self) -> None:
        from dask import distributed

        self.cluster = distributed.LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True,
                                                host="127.0.0.1", dashboard_address=None, silence_logs=40)
        self.client = distributed.Client(self.cluster.scheduler_address)
        self.client.wait_for_workers(WORKERS)

    def map(self, function, argument_lists):
        from dask.distributed import as_completed

        futures = [self.client.submit(function, *args, pure=False) for args in argument_lists]
        for future in as_completed(futures):
            yield future.result()

    def call(self, function, *args):
        return self.client.submit(function, *args, pure=False).result()

    def close(self) -> None:
        self.client.close()
        self.cluster.close()


class RayEngine:
    sends_bytes = True

    def start(self) -> None:
        import logging

        import ray

        self.ray = ray
        ray.init(num_cpus=WORKERS, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR,
                 configure_logging=False)
        self.remote = {}

    def _remote(self, function):
        if function not in self.remote:
            self.remote[function] = self.ray.remote(num_cpus=1)(function)
        return self.remote[function]

    def map(self, function, argument_lists):
        pending = [self._remote(function).remote(*args) for args in argument_lists]
        while pending:
            done, pending = self.ray.wait(pending, num_returns=1)
            yield self.ray.get(done[0])

    def call(self, function, *args):
        return self.ray.get(self._remote(function).remote(*args))

    def close(self) -> None:
        self.ray.shutdown()


def measure(engine_name: str, corpus: Path, nice: int | None = None) -> dict:
    """One engine, once, in this (fresh) process."""
    import psutil

    files = sorted(corpus.glob("*.txt"))
    started = time.perf_counter()
    engine = {"process": ProcessEngine, "dask": DaskEngine, "ray": RayEngine}[engine_name]()
    engine.start()
    hold = 0.2
    while len(set(engine.map(worker_pid, [(hold,)] * WORKERS))) < WORKERS:
        pass  # both tasks went to one worker: the other is not up yet
    startup = time.perf_counter() - started - hold

    trips = []
    for _ in range(ROUND_TRIPS):
        began = time.perf_counter()
        engine.call(trivial)
        trips.append(time.perf_counter() - began)

    arguments = [(str(p), p.read_bytes() if engine.sends_bytes else None, nice) for p in files]
    began = time.perf_counter()
    results = list(engine.map(stage, arguments))
    wall = time.perf_counter() - began

    worker_peaks: dict[int, float] = {}
    for *_, pid, peak in results:
        worker_peaks[pid] = max(peak, worker_peaks.get(pid, 0.0))
    others = [p.pid for p in psutil.Process().children(recursive=True) if p.pid not in worker_peaks]
    rest = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 + sum(peak_rss_mb(pid) for pid in others)
    engine.close()
    return {
        "engine": engine_name, "documents": len(results), "errors": sum(1 for r in results if r[1]),
        "startup": startup, "wall": wall, "cpu": sum(r[2] for r in results), "trip_ms": 1000 * statistics.median(trips),
        "workers_used": len(worker_peaks), "workers_mb": sum(worker_peaks.values()), "rest_mb": rest,
        "sent_mb": sum(len(a[1] or b"") for a in arguments) / 2**20,
        "returned_mb": sum(r[0] for r in results) / 2**20,
    }


def measure_in_child(engine_name: str, corpus: Path, nice: int | None) -> dict | str:
    """``measure`` in a fresh Python; its dict, or why it could not run."""
    niceness = [] if nice is None else ["--nice", str(nice)]
    done = subprocess.run([sys.executable, __file__, "--one", engine_name, "--corpus", str(corpus), *niceness],
                          capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return f"failed: {last}"
    return json.loads(lines[-1])


# --- what installing each engine costs, and its licence ---------------------------------------------


def _requirements(name: str, extras: tuple[str, ...]) -> set[str]:
    """Every installed distribution ``name[extras]`` needs, itself included (normalised names)."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen: set[str] = set()
    todo = [(name, extras)]
    while todo:
        current, wanted = todo.pop()
        key = canonicalize_name(current)
        try:
            dist = metadata.distribution(current)
        except metadata.PackageNotFoundError:
            continue
        if key in seen and not wanted:
            continue
        seen.add(key)
        for text in dist.requires or []:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker is None or any(marker.evaluate({"extra": e}) for e in ("", *wanted)):
                todo.append((requirement.name, tuple(requirement.extras)))
    return seen


def _size_mb(names: set[str]) -> float:
    from importlib import metadata

    total = 0
    for name in names:
        dist = metadata.distribution(name)
        for file in dist.files or []:
            try:
                total += Path(dist.locate_file(file)).stat().st_size
            except OSError:
                pass
    return total / 2**20


def _licence(name: str) -> str:
    from importlib import metadata

    meta = metadata.metadata(name)
    if meta.get("License-Expression"):
        return meta["License-Expression"]
    classifiers = [c.rsplit(" :: ", 1)[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return ", ".join(classifiers) or (meta.get("License") or "?").splitlines()[0]


def install_line(engine_name: str) -> str:
    from importlib import metadata

    name, extras = INSTALLS[engine_name]
    try:
        version = metadata.version(name)
    except metadata.PackageNotFoundError:
        return f"{engine_name}: not installed"
    already = _requirements("clausegraph", ())
    extra = _requirements(name, extras) - already
    return (f"{engine_name} {version}: {_size_mb(extra):.0f} MB installed beyond clausegraph's own dependencies "
            f"({len(extra)} distributions: {', '.join(sorted(extra))}); licence {_licence(name)}")


# --- the table ------------------------------------------------------------------------------------


def cell(values: list[float], digits: int) -> str:
    if not values:
        return "-"
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=46)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--work", type=Path, default=Path("/tmp/cg-executors"))
    parser.add_argument("--nice", type=int, default=None,
                        help="run every engine's tasks at this niceness (default: each engine's own; "
                             "Ray's workers run at 15, which changes their share of a busy machine)")
    parser.add_argument("--one", choices=ENGINES, help=argparse.SUPPRESS)  # a single measurement, as JSON
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.corpus, args.nice)))
        return

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    corpus = args.work / f"corpus-{args.documents}"
    shutil.rmtree(corpus, ignore_errors=True)
    files = make_corpus(args.documents, corpus)
    print(f"{len(files)} documents, {sum(p.stat().st_size for p in files) / 2**20:.1f} MB; {WORKERS} workers; "
          f"{args.repeats} rounds, engines interleaved; tasks at niceness "
          f"{'of each engine' if args.nice is None else args.nice}; median (min-max)", flush=True)
    runs: dict[str, list[dict]] = {e: [] for e in engines}
    ratios: dict[str, list[float]] = {e: [] for e in engines}
    failures: dict[str, str] = {}
    for round_number in range(args.repeats):
        order = engines[round_number % len(engines):] + engines[:round_number % len(engines)]
        this_round = {}
        for engine in order:
            if engine in failures:
                continue
            result = measure_in_child(engine, corpus, args.nice)
            if isinstance(result, str):
                failures[engine] = result
                print(f"  round {round_number + 1} {engine}: {result}", flush=True)
                continue
            runs[engine].append(result)
            this_round[engine] = result
            print(f"  round {round_number + 1} {engine}: wall {result['wall']:.1f} s, cpu {result['cpu']:.1f} s, "
                  f"startup {result['startup']:.1f} s, "
                  f"errors {result['errors']}", flush=True)
        if "process" in this_round:
            for engine, result in this_round.items():
                ratios[engine].append(result["wall"] / this_round["process"]["wall"])

    print()
    print("| engine | startup s | wall s | ratio to process | cpu s | trip ms | workers MB | rest MB | sent / returned MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for engine in engines:
        results = runs[engine]
        if not results:
            print(f"| {engine} | {failures.get(engine, 'no run')} | | | | | | | |")
            continue
        sent, returned = results[0]["sent_mb"], results[0]["returned_mb"]
        print(f"| {engine} | {cell([r['startup'] for r in results], 2)} | {cell([r['wall'] for r in results], 1)} | "
              f"{cell(ratios[engine], 2)} | {cell([r['cpu'] for r in results], 1)} | "
              f"{cell([r['trip_ms'] for r in results], 2)} | "
              f"{cell([r['workers_mb'] for r in results], 0)} | {cell([r['rest_mb'] for r in results], 0)} | "
              f"{sent:.1f} / {returned:.1f} |")
    print()
    for engine in engines:
        if engine in INSTALLS:
            print(install_line(engine))


if __name__ == "__main__":
    main()
