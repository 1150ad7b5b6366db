"""Fuzz the pipeline: generated and mutated inputs through load → clean → segment → tag.

    python benchmarks/fuzz_build.py --seed 1 --count 10000 [--jobs 2] [--timeout 20] [--save DIR]

Each input is made from a snippet of a real document in the repository (corpus/, tests/corpus/)
by one to three mutations — lines deleted, duplicated or swapped, random bytes, HTML markup,
huge lines, tables of contents, deep nesting of list markers, odd Unicode, page furniture,
other encodings, a cut in the middle — or generated from scratch. Input number I of seed S
is always the same bytes (its random generator is seeded with "S:I"), so a finding is
reproduced with ``--seed S --only I``.

Every input runs in a worker process under a time limit: the parent waits on the workers'
pipes and kills a worker that passes the limit (an alarm inside the worker would not stop a
regular expression that backtracks in C). The limit is CPU time (read from /proc on Linux),
so that an input waiting for a busy machine's CPU is not taken for a hang. Outcomes:

- ok: built (and every clause span lies inside the text);
- rejected: a one-line ClauseGraphError (empty, binary, undecodable, …), which is correct;
- crash: any other exception (a bug), or a clause span outside the text;
- hang: the time limit passed.

Prints a summary (and with ``--json`` a JSON object); ``--save DIR`` writes each crash and
hang's input and traceback there. Exit status 1 when there is a crash or a hang.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_FOLDERS = (ROOT / "corpus", ROOT / "tests" / "corpus" / "dev", ROOT / "tests" / "corpus" / "extra")
SEED_SUFFIXES = (".txt", ".htm", ".html", ".md")
DEFAULT_TIMEOUT = 20.0
# Longest "huge line" made: the issue asks every stage to be linear; a quadratic stage takes
# minutes here.
HUGE_LINE_CHARS = (5_000, 80_000)
# How often each mutation is picked, relative to the others: a huge line costs seconds.
WEIGHTS = {"huge line": 0.3}


# --- inputs ---------------------------------------------------------------------------------------


def seed_texts() -> list[tuple[str, str]]:
    """(name, text) of every text-like document in the repository's corpora."""
    texts = []
    for folder in SEED_FOLDERS:
        for path in sorted(folder.glob("*")):
            if path.suffix.lower() in SEED_SUFFIXES and path.name != "README.md":
                texts.append((path.name, path.read_text(encoding="utf-8", errors="replace")))
    return texts


def _snippet(rng: random.Random, text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    size = rng.choice((3, 10, 40, 150, 400))
    start = rng.randrange(max(1, len(lines) - size))
    return lines[start:start + size]


def m_delete(rng, lines):
    for _ in range(rng.randint(1, max(1, len(lines) // 4))):
        if lines:
            del lines[rng.randrange(len(lines))]
    return lines


def m_duplicate(rng, lines):
    if lines:
        i = rng.randrange(len(lines))
        lines[i:i] = lines[i:i + rng.randint(1, 8)] * rng.randint(1, 20)
    return lines


def m_swap(rng, lines):
    for _ in range(rng.randint(1, 10)):
        if len(lines) > 1:
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
    return lines


def m_random_bytes(rng, lines):
    for _ in range(rng.randint(1, 20)):
        noise = bytes(rng.randrange(256) for _ in range(rng.randint(1, 12))).decode("latin-1")
        i = rng.randrange(len(lines) + 1)
        lines.insert(i, noise)
    return lines


MARKUP = ("<p>", "</p>", "<br>", "<div style='x'>", "</div>", "<table><tr><td>", "</td></tr></table>", "&nbsp;",
          "&amp;", "&#8212;", "<b>", "</b>", "<font size=2>", "<!-- comment -->", "<script>x()</script>",
          "<PAGE>", "<DOCUMENT>", "<TEXT>", "</TEXT>", "<S>", "<C>", "<", ">", "&", "<html><body>", "<![CDATA[x]]>")


def m_markup(rng, lines):
    for _ in range(rng.randint(1, 30)):
        i = rng.randrange(len(lines) + 1)
        lines.insert(i, rng.choice(MARKUP) + ("\n" if rng.random() < 0.5 else ""))
    return lines


def m_huge_line(rng, lines):
    body = "".join(lines).replace("\n", " ") or "The Company shall pay. "
    target = rng.randint(*HUGE_LINE_CHARS)
    return [(body * (target // max(1, len(body)) + 1))[:target]]


def m_toc(rng, lines):
    toc = [rng.choice(["TABLE OF CONTENTS\n", "Table of Contents\n", "CONTENTS\n"]), rng.choice(["\n", ""])]
    for n in range(1, rng.choice([1, rng.randint(2, 30)])):  # no entries at all: prose right after the heading
        prefix = rng.choice(["Section ", "ARTICLE ", ""])
        title = rng.choice(["Definitions", "Payment", "Term"])
        leader = rng.choice(["....... ", " ", "\t"])
        toc.append(f"{prefix}{n}. {title}{leader}{rng.randint(1, 99)}\n")
    i = rng.randrange(len(lines) + 1)
    lines[i:i] = toc
    return lines


MARKERS = ("({})".format, "{}.".format, "{})".format, "Section {}".format, "ARTICLE {}".format)


def m_deep_nesting(rng, lines):
    styles = ("a", "i", "A", "1", "I")
    nested = []
    for depth in range(rng.randint(5, 60)):
        style = styles[depth % len(styles)]
        nested.append("  " * (depth % 20) + rng.choice(MARKERS)(style) + " the Company shall do this\n")
    i = rng.randrange(len(lines) + 1)
    lines[i:i] = nested
    return lines


ODD_CHARACTERS = ("\u200b", "\u202e", "\ufeff", "\u0301", "\u00a0", "\u2028", "\u3000", "\U0001f600", "\f",
                  "\r", "\t", "\x0b", "§", "¶", "“", "”", "’", "—", "\u00ad")


def m_unicode(rng, lines):
    for _ in range(rng.randint(1, 40)):
        if lines:
            i = rng.randrange(len(lines))
            j = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:j] + rng.choice(ODD_CHARACTERS) * rng.randint(1, 3) + lines[i][j:]
    return lines


def m_page_furniture(rng, lines):
    for _ in range(rng.randint(1, 10)):
        i = rng.randrange(len(lines) + 1)
        lines[i:i] = [rng.choice(["\f", "", "\n"]), f"{rng.randint(1, 300)}\n", rng.choice(["", "<PAGE>\n", "-2-\n"])]
    return lines


def m_cut(rng, lines):
    text = "".join(lines)
    return [text[: rng.randrange(len(text) + 1)]]


def m_generated(rng, lines):
    """From scratch: sections, subsections, definitions and references in random order."""
    out = [rng.choice(["AGREEMENT\n", "INDENTURE\n", "POWER OF ATTORNEY\n", ""]), "\n"]
    for n in range(1, rng.randint(2, 40)):
        out.append(f"{rng.choice(['Section ', 'SECTION ', ''])}{n}. {rng.choice(['Definitions', 'Payment'])}. ")
        out.append(rng.choice([
            '"Business Day" means any day. ', "The Company shall pay the Buyer. ", "Subject to Section 3(b), ",
            "provided, however, that the Seller may refuse. ", "(a) first; (b) second; and (c) third. ",
        ]) * rng.randint(1, 5) + "\n\n")
    return out


MUTATIONS = {
    "delete": m_delete, "duplicate": m_duplicate, "swap": m_swap, "random bytes": m_random_bytes,
    "markup": m_markup, "huge line": m_huge_line, "toc": m_toc, "deep nesting": m_deep_nesting,
    "unicode": m_unicode, "page furniture": m_page_furniture, "cut": m_cut, "generated": m_generated,
}
ENCODINGS = ("utf-8", "utf-8", "utf-8", "cp1252", "utf-16", "utf-8-sig", "latin-1")


def make_input(seed: int, index: int, seeds: list[tuple[str, str]],
               families: tuple[str, ...] | None = None) -> tuple[list[str], str, bytes]:
    """Input ``index`` of ``seed``: (mutations applied, file suffix, bytes)."""
    rng = random.Random(f"{seed}:{index}")
    names = list(families or MUTATIONS)
    applied: list[str] = []
    for _ in range(rng.randint(1, min(3, len(names)))):
        left = [n for n in names if n not in applied]
        applied.append(rng.choices(left, weights=[WEIGHTS.get(n, 1.0) for n in left])[0])
    _, text = seeds[rng.randrange(len(seeds))]
    lines = _snippet(rng, text)
    for name in applied:
        lines = MUTATIONS[name](rng, lines)
    text = "".join(lines)
    encoding = rng.choice(ENCODINGS)
    data = text.encode(encoding, errors="replace")
    suffix = ".htm" if "markup" in applied and rng.random() < 0.5 else ".txt"
    return applied, suffix, data


# --- running ----------------------------------------------------------------------------------------


def run_one(path: Path) -> tuple[str, str]:
    """(outcome, detail) of one input through the whole per-document pipeline."""
    from clausegraph.build import process_document
    from clausegraph.errors import ClauseGraphError

    try:
        document = process_document(path)
    except ClauseGraphError as exc:
        return "rejected", str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    except Exception:  # noqa: BLE001 — any other exception is what we are looking for
        return "crash", traceback.format_exc()
    for clause in document.clauses:
        if not 0 <= clause.start <= clause.end <= len(document.source):
            return "crash", f"clause {clause.label} spans {clause.start}-{clause.end} of {len(document.source)}"
    return "ok", ""


def _worker(conn) -> None:
    import logging

    logging.disable(logging.CRITICAL)  # warnings about encodings: expected, and not ours to print
    from clausegraph.tagging import tag_document  # noqa: F401 — import spaCy once, before the first input

    folder = Path(tempfile.mkdtemp(prefix="clausegraph-fuzz-"))
    conn.send("ready")  # the clock of an input starts only now: importing spaCy can take long
    while True:
        try:
            job = conn.recv()
        except EOFError:  # the campaign ended (or was killed)
            break
        if job is None:
            break
        index, suffix, data = job
        path = folder / f"input-{index}{suffix}"
        path.write_bytes(data)
        conn.send((index, *run_one(path)))
        path.unlink()


@dataclass
class Summary:
    seed: int
    count: int
    outcomes: Counter = field(default_factory=Counter)
    crashes: list[dict] = field(default_factory=list)
    hangs: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def as_json(self) -> dict:
        return {"seed": self.seed, "count": self.count, "outcomes": dict(self.outcomes),
                "crashes": self.crashes, "hangs": self.hangs, "seconds": round(self.seconds, 1)}


class _Worker:
    def __init__(self, context):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.job: tuple | None = None
        self.started = 0.0
        self.cpu_start: float | None = None
        self.ready = False

    def cpu_seconds(self) -> float | None:
        """CPU time the worker has used (Linux /proc; None elsewhere)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def over_limit(self, timeout: float) -> bool:
        """The input has used ``timeout`` seconds of CPU (wall-clock time where that cannot be
        read, and as a backstop 20 × as much wall-clock time): on a shared, loaded machine a
        slow input can wait for the CPU far longer than it computes."""
        now = time.monotonic()
        cpu = self.cpu_seconds()
        if cpu is None or self.cpu_start is None:
            return now - self.started >= timeout
        return cpu - self.cpu_start >= timeout or now - self.started >= 20 * timeout

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(5)
        self.conn.close()


def campaign(seed: int, count: int, *, jobs: int = 2, timeout: float = DEFAULT_TIMEOUT, first: int = 0,
             families: tuple[str, ...] | None = None, save: Path | None = None, progress: bool = False,
             indices: list[int] | None = None) -> Summary:
    """Inputs ``first`` … ``first + count - 1`` of ``seed`` (or exactly ``indices``)."""
    started = time.perf_counter()
    seeds = seed_texts()
    summary = Summary(seed=seed, count=count)
    context = multiprocessing.get_context("spawn")
    workers = [_Worker(context) for _ in range(max(1, jobs))]
    pending = list(reversed(indices)) if indices else list(range(first + count - 1, first - 1, -1))  # popped: in order
    count = len(pending)
    summary.count = count
    inputs: dict[int, tuple[list[str], str, bytes]] = {}
    done = 0

    def record(kind: str, index: int, detail: str) -> None:
        applied, suffix, data = inputs[index]
        entry = {"index": index, "mutations": applied, "bytes": len(data), "detail": detail[-2000:]}
        (summary.crashes if kind == "crash" else summary.hangs).append(entry)
        if save is not None:
            save.mkdir(parents=True, exist_ok=True)
            (save / f"{kind}-{seed}-{index}{suffix}").write_bytes(data)
            (save / f"{kind}-{seed}-{index}.json").write_text(json.dumps(entry, indent=1), encoding="utf-8")

    try:
        while pending or any(w.job for w in workers):
            for worker in workers:
                if worker.ready and worker.job is None and pending:
                    index = pending.pop()
                    inputs[index] = make_input(seed, index, seeds, families)
                    _, suffix, data = inputs[index]
                    worker.job = (index, suffix, data)
                    try:
                        worker.conn.send(worker.job)
                    except OSError:  # the worker died between two inputs: the answer below says so
                        pass
                    worker.started, worker.cpu_start = time.monotonic(), worker.cpu_seconds()
            waiting = [w.conn for w in workers if w.job or not w.ready]
            ready = wait(waiting, timeout=0.5)
            for i, worker in enumerate(workers):
                if not worker.ready:
                    if worker.conn in ready:
                        try:
                            worker.ready = worker.conn.recv() == "ready"
                        except (EOFError, OSError):
                            raise RuntimeError("a fuzzing worker could not start (see its traceback above)")
                    continue
                if worker.job is None:
                    continue
                index = worker.job[0]
                if worker.conn in ready:
                    try:
                        _, outcome, detail = worker.conn.recv()
                    except (EOFError, OSError):  # the worker died: a crash in C, or out of memory
                        outcome, detail = "crash", f"worker died (exit {worker.process.exitcode})"
                        worker.stop(kill=True)
                        workers[i] = _Worker(context)
                elif worker.over_limit(timeout):
                    outcome, detail = "hang", f"no answer after {timeout:.0f} s of CPU time"
                    worker.stop(kill=True)
                    workers[i] = _Worker(context)
                else:
                    continue
                summary.outcomes[outcome] += 1
                if outcome in ("crash", "hang"):
                    record(outcome, index, detail)
                del inputs[index]
                workers[i].job = None
                done += 1
                if progress and done % 100 == 0:
                    print(f"{done}/{count}: {dict(summary.outcomes)}", file=sys.stderr, flush=True)
    finally:
        for worker in workers:
            worker.stop(kill=worker.job is not None)
    summary.seconds = time.perf_counter() - started
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--only", metavar="I[,J…]", help="run only these inputs of the seed (reproduce findings)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="CPU seconds per input (default: 20)")
    parser.add_argument("--save", type=Path, help="write the inputs of crashes and hangs into this folder")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    indices = [int(i) for i in args.only.split(",")] if args.only else None
    summary = campaign(args.seed, args.count, jobs=args.jobs, timeout=args.timeout, save=args.save,
                       progress=not args.json, indices=indices)
    count = summary.count
    if args.json:
        print(json.dumps(summary.as_json(), indent=1))
    else:
        print(f"seed {summary.seed}: {count} inputs in {summary.seconds:.0f} s: "
              + ", ".join(f"{v} {k}" for k, v in sorted(summary.outcomes.items())))
        for kind, entries in (("crash", summary.crashes), ("hang", summary.hangs)):
            for e in entries:
                print(f"  {kind} #{e['index']} ({', '.join(e['mutations'])}; {e['bytes']} bytes): "
                      f"{e['detail'].strip().splitlines()[-1] if e['detail'].strip() else ''}")
    return 1 if summary.crashes or summary.hangs else 0


if __name__ == "__main__":
    sys.exit(main())
