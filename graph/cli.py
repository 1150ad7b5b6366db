"""The command line: parse, validate, delegate, print. No extraction logic lives here.

Query commands read what ``build`` wrote and never import spaCy, so they start fast.
``--json`` prints a JSON array on stdout and nothing else there; errors go to stderr as one
line, with a non-zero exit code per error type.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .errors import ClauseGraphError

DEFAULT_CORPUS = Path("corpus")
DEFAULT_OUT = Path("outputs")
PREVIEW_CHARS = 70


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="clausegraph: %(message)s", stream=sys.stderr)
    try:
        return args.func(args)
    except ClauseGraphError as exc:
        print(f"clausegraph: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("clausegraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clausegraph",
        description="Contracts as a knowledge graph: clause trees, parties, terms, obligations, references.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build", help="build outputs/ from documents (default: corpus/)")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders (default: corpus/)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: outputs/)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar on stderr (default: when stderr is a terminal)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: up to 4)")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("clauses", help="the clause tree of a document")
    p.add_argument("doc", metavar="DOC", help="document id (the file stem)")
    _store_and_json(p)
    p.set_defaults(func=_cmd_clauses)
    return parser


def _store_and_json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", type=Path, default=DEFAULT_OUT, help="what build wrote (default: outputs/)")
    p.add_argument("--json", action="store_true", help="print a JSON array")


# --- commands --------------------------------------------------------------------------------


def _cmd_build(args) -> int:
    from .build import build  # the heavy imports only for the command that needs them

    paths = args.paths or [DEFAULT_CORPUS]
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    report = build(paths, args.out, progress=progress, jobs=args.jobs)
    for error in report.errors:
        print(f"clausegraph: {error}", file=sys.stderr)
    clauses = sum(len(d.clauses) for d in report.documents)
    print(
        f"built {len(report.documents)} document{'s' * (len(report.documents) != 1)} "
        f"({clauses} clauses) into {args.out}/ in {report.seconds:.1f} s"
        + (f"; {len(report.errors)} failed" if report.errors else "")
    )
    if not report.documents and report.errors:
        return 2
    return 0 if report.ok else 1


def _cmd_clauses(args) -> int:
    from .catalog import Outputs

    rows = Outputs(args.store).clauses(args.doc)
    fields = ["label", "kind", "parent", "heading", "start", "end", "text"]
    if args.json:
        _print_json([{k: r[k] for k in fields} for r in rows])
        return 0
    depth: dict[str, int] = {}
    table = []
    for r in rows:
        depth[r["label"]] = depth.get(r["parent"], -1) + 1 if r["parent"] else 0
        table.append(
            ["  " * depth[r["label"]] + r["label"], r["kind"], f"{r['start']}-{r['end']}",
             _preview(r["heading"] or r["text"])]
        )
    _print_table(["label", "kind", "span", "heading / text"], table)
    return 0


# --- output helpers --------------------------------------------------------------------------


def _print_json(rows: list[dict]) -> None:
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def _preview(text: str | None, limit: int = PREVIEW_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _print_table(headers: list[str], rows: list[list]) -> None:
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    widths[-1] = len(headers[-1])  # the last column runs free
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())
    if not rows:
        print("(none)")


if __name__ == "__main__":
    sys.exit(main())
