# PYTHON_ARGCOMPLETE_OK  (argcomplete looks for this marker before it completes `clausegraph`)
"""The command line: parse, validate, delegate, print. No extraction logic lives here.

Query commands read what ``build`` wrote and never import spaCy, so they start fast.
``--format json`` (or ``--json``) prints a JSON array on stdout and nothing else there; csv and
tsv print the same records as rows; errors go to stderr as one line, with a non-zero exit code
per error type (README, "Exit codes"). argparse stays (not typer/click): README, "Design notes".
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from pathlib import Path

from . import __version__
from .errors import ClauseGraphError, QueryError

DEFAULT_CORPUS = Path("corpus")
DEFAULT_OUT = Path("outputs")
PREVIEW_CHARS = 70


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions (README, "Shell completion")
        import argcomplete

        argcomplete.autocomplete(parser)
    args = parser.parse_args(argv)
    # Run as the program (the console script, python -m), the process is the command's own and
    # `query` may give up its network; called with argv from Python (a notebook, a test), the
    # process is the caller's and is left as it is.
    args.own_process = argv is None
    if args.verbose and args.quiet:
        parser.error("-v/--verbose and -q/--quiet exclude each other")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.ERROR if args.quiet else logging.WARNING,
        format="clausegraph: %(message)s",
        stream=sys.stderr,
    )
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
    parser.add_argument("--version", action="version", version=f"clausegraph {__version__}")
    _verbosity_options(parser, default=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build", help="build outputs/ from documents (default: corpus/)")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders (default: corpus/)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: outputs/)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar on stderr (default: when stderr is a terminal)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: every core)")
    # The default named here is store.DEFAULT_FORMATS, written out because importing store (and
    # pyoxigraph with it) to build the parser would slow every command's start.
    p.add_argument("--formats", default=None, metavar="LIST",
                   help="dataset files besides the store, comma-separated: nq (always), nq.gz, trig, jsonld, "
                        "ttl (one file per named graph), shards (per-graph N-Quads), or all (default: nq,trig,jsonld, "
                        "as SPEC.md asks; --formats nq for the fastest build)")
    p.add_argument("--executor", default="local", metavar="WHERE",
                   help="where documents are processed: local (worker processes) or dask://HOST:PORT")
    p.add_argument("--no-cache", dest="cache", action="store_false",
                   help="process every document again instead of reusing unchanged ones")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("clauses", help="the clause tree of a document")
    _doc_argument(p)
    _store_and_format(p)
    p.set_defaults(func=_cmd_clauses)
    _add_graph_query_commands(sub)  # refs, terms, parties, obligations, conditions, lint, query
    _add_endpoint_commands(sub)  # serve, push
    for command in sub.choices.values():  # -v/-q after the command too: `clausegraph build -q`
        _verbosity_options(command, default=argparse.SUPPRESS)
    return parser


def _verbosity_options(p: argparse.ArgumentParser, default) -> None:
    # On a command, SUPPRESS keeps an option given before the command from being reset.
    p.add_argument("-v", "--verbose", action="store_true", default=default,
                   help="log details (tracebacks of internal errors)")
    p.add_argument("-q", "--quiet", action="store_true", default=default,
                   help="only errors on stderr: no warnings, progress or summary lines")


FORMATS = ("table", "json", "csv", "tsv")


def _store_and_format(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", type=Path, default=DEFAULT_OUT, help="what build wrote (default: outputs/)")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="table (default), json (an array of records), csv or tsv (one row per record)")
    p.add_argument("--json", dest="format", action="store_const", const="json", help="the same as --format json")


def _doc_argument(p: argparse.ArgumentParser, **kwargs) -> None:
    kwargs.setdefault("help", "document id (the file stem)")
    p.add_argument("doc", metavar="DOC", **kwargs).completer = _complete_documents


# --- commands --------------------------------------------------------------------------------


def _cmd_build(args) -> int:
    from .build import build  # the heavy imports only for the command that needs them
    from .store import parse_formats

    paths = args.paths or [DEFAULT_CORPUS]
    progress = (sys.stderr.isatty() and not args.quiet) if args.progress is None else args.progress
    formats = parse_formats(args.formats) if args.formats is not None else None
    report = build(paths, args.out, progress=progress, jobs=args.jobs, formats=formats,
                   executor=args.executor, cache=args.cache)
    for line in report.skipped + report.errors:
        print(f"clausegraph: {line}", file=sys.stderr)
    if not report.documents:
        kept = "previous outputs kept" if args.out.exists() else "no outputs written"
        print(f"clausegraph: nothing built ({len(report.errors)} failed); {kept} in {args.out}/", file=sys.stderr)
        return 2
    clauses = sum(entry.manifest["clauses"] for entry in report.entries)
    print_summary = print if not args.quiet else lambda *a, **k: None
    print_summary(
        f"built {len(report.documents)} document{'s' * (len(report.documents) != 1)} "
        f"({clauses} clauses) into {args.out}/ in {report.seconds:.1f} s"
        + (f"; {len(report.errors)} failed" if report.errors else "")
    )
    return 0 if report.ok else 1


def _cmd_clauses(args) -> int:
    from .catalog import Outputs

    outputs = Outputs(args.store)
    if args.doc not in outputs.doc_ids:
        _unknown_document(args.doc, outputs.doc_ids)
    rows = outputs.clauses(args.doc)
    depth: dict[str, int] = {}
    for r in rows:
        depth[r["label"]] = depth.get(r["parent"], -1) + 1 if r["parent"] else 0
    return _answer(args, "clauses", rows, ["label", "kind", "span", "heading / text"],
                   lambda r: ["  " * depth[r["label"]] + r["label"], r["kind"], f"{r['start']}-{r['end']}",
                              _preview(r["heading"] or r["text"])])


# --- graph query commands (issue 4): thin wrappers over ontology/queries/*.rq on the store ------
# Each runs a named SPARQL query through the embedded store (clausegraph.store) and prints the
# SPEC.md fields; user values are bound as RDF terms, never pasted into the query text.

MODALITIES = ("obligation", "prohibition", "permission", "right", "representation")
LIST_SEPARATOR = " | "  # how the named queries' GROUP_CONCAT joins lists


def _add_graph_query_commands(sub) -> None:
    p = sub.add_parser("refs", help="cross-references of a document, or from / to one clause")
    _doc_argument(p)
    _label_argument(p)
    p.add_argument("--direction", choices=("out", "in", "both"), default="out",
                   help="with LABEL: references made from it (out), to it (in), or both (default: out)")
    _store_and_format(p)
    p.set_defaults(func=_cmd_refs)

    p = sub.add_parser("terms", help="defined terms of a document, with definition and uses")
    _doc_argument(p)
    _store_and_format(p)
    p.set_defaults(func=_cmd_terms)

    p = sub.add_parser("parties", help="parties and other entities, with roles and documents")
    _doc_argument(p, nargs="?", help="only this document (default: the corpus)")
    _store_and_format(p)
    p.set_defaults(func=_cmd_parties)

    p = sub.add_parser("obligations", help="obligations, prohibitions, permissions, rights, representations")
    p.add_argument("--party", metavar="NAME", help="the bearer: name, alias or defined term (any case, singular or plural)")
    p.add_argument("--doc", metavar="DOC", help="only this document").completer = _complete_documents
    p.add_argument("--modality", choices=MODALITIES, help="only this modality")
    _store_and_format(p)
    p.set_defaults(func=_cmd_obligations)

    p = sub.add_parser("conditions", help="conditions of a document, or of one clause")
    _doc_argument(p)
    _label_argument(p)
    _store_and_format(p)
    p.set_defaults(func=_cmd_conditions)

    p = sub.add_parser("lint", help="findings: broken references, undefined or unused terms, name variants")
    _doc_argument(p, nargs="?", help="only this document")
    _store_and_format(p)
    p.set_defaults(func=_cmd_lint)

    p = sub.add_parser("query", help="run a named SPARQL query (ontology/queries/) or your own .rq file")
    p.add_argument("query", nargs="?", metavar="NAME_OR_FILE.rq",
                   help="a query name (refs-from) or a .rq file").completer = _complete_queries
    p.add_argument("--list", action="store_true", help="list the named queries with their parameters")
    p.add_argument("--bind", action="append", default=[], metavar="VAR=VALUE",
                   help="bind ?VAR to VALUE as an RDF term: a string, <iri>, or VALUE^^xsd:TYPE (repeatable)")
    _store_and_format(p)
    p.add_argument("--allow-service", action="store_true",
                   help="let a query with SERVICE contact the server it names (refused by default)")
    p.set_defaults(func=_cmd_query)


def _label_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("label", nargs="?", metavar="LABEL",
                   help="a clause's citation label: 8(c), also Section 8(c), 8C, any case").completer = _complete_labels


def _open(args):
    from .store import open_store

    return open_store(args.store)


def _check_document(store, doc: str) -> None:
    if not store.has_document(doc):  # the list of documents only for the message
        _unknown_document(doc, [r["doc"] for r in store.run("documents")])


def _unknown_document(doc: str, docs: list[str]):
    from .labels import did_you_mean

    hint = did_you_mean(doc, docs)
    raise QueryError(f"unknown document {doc!r}" + (hint or f" (built: {', '.join(docs) or 'none'})"))


def _clause_label(store, doc: str, label: str) -> str:
    """The document's own label for what the user typed (``Section 8(C)`` → ``8(c)``)."""
    from .labels import match_label

    _check_document(store, doc)
    return match_label(label, [r["label"] for r in store.run("clauses", {"doc": doc})], doc)


def _split(value: str | None) -> list[str]:
    return sorted(v for v in (value or "").split(LIST_SEPARATOR) if v)


# --json prints exactly the SPEC.md "JSON records" fields, in this order (csv and tsv: the columns).
SPEC_FIELDS = {
    "clauses": ("label", "kind", "parent", "heading", "start", "end", "text"),
    "refs": ("source", "text", "start", "end", "target", "external"),
    "terms": ("term", "defined_in", "definition", "start", "end", "used_in"),
    "parties": ("name", "kind", "party", "roles", "aliases", "docs"),
    "obligations": ("doc", "clause", "modality", "bearer", "counterparty", "text"),
    "conditions": ("doc", "clause", "kind", "text", "governs"),
    "lint": ("doc", "kind", "clause", "text", "message"),
}


def _answer(args, command: str, rows: list[dict], headers: list[str], cells) -> int:
    """json, csv, tsv: the SPEC fields of each record; table: ``headers`` over ``cells(row)``."""
    fields = SPEC_FIELDS[command]
    if args.format == "json":
        _print_json([{f: r[f] for f in fields} for r in rows])
    elif args.format in ("csv", "tsv"):
        _print_delimited(list(fields), [[_cell(r[f]) for f in fields] for r in rows], args.format)
    else:
        _print_table(headers, [cells(r) for r in rows])
    return 0


def _cell(value) -> str:
    """A record's value as one csv/tsv cell: lists joined as the named queries join them."""
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _ref_record(row: dict, doc: str | None = None) -> dict:
    return {
        "source": row["source"], "text": row["text"], "start": row["start"], "end": row["end"],
        "target": row["target"], "external": row["external"],
        "doc": doc or row.get("doc") or row.get("sourceDoc"),  # for the table: where the words are
    }


def _cmd_refs(args) -> int:
    store = _open(args)
    if args.label is None:
        _check_document(store, args.doc)
        rows = [_ref_record(r) for r in store.run("refs", {"doc": args.doc})]
    else:
        bind = {"doc": args.doc, "label": _clause_label(store, args.doc, args.label)}
        rows = []
        if args.direction in ("out", "both"):
            rows += [_ref_record(r, args.doc) for r in store.run("refs-from", bind)]
        if args.direction in ("in", "both"):
            rows += [_ref_record(r) for r in store.run("refs-to", bind)]
        unique = {(r["doc"], r["start"], r["end"], r["target"], r["external"]): r for r in rows}
        rows = sorted(unique.values(), key=lambda r: (r["doc"] != args.doc, r["doc"], r["start"], r["end"]))
    return _answer(
        args, "refs", rows, ["source", "span", "target", "words"],
        lambda r: [(f"{r['doc']}: " if r["doc"] != args.doc else "") + (r["source"] or ""), f"{r['start']}-{r['end']}",
                   r["target"] or (f"[{r['external']}]" if r["external"] else "(unresolved)"), _preview(r["text"])],
    )


def _cmd_terms(args) -> int:
    store = _open(args)
    _check_document(store, args.doc)
    # used_in is in reading order of each clause's first use (as the tagger lists it);
    # GROUP_CONCAT has no order, so the first uses come from the term-uses query.
    first_use: dict[tuple[str, str], int] = {}
    for use in store.run("term-uses", {"doc": args.doc}):
        if use["clause"] is not None and use["start"] is not None:
            key = (use["termNode"], use["clause"])
            first_use[key] = min(first_use.get(key, use["start"]), use["start"])
    order = {r["label"]: i for i, r in enumerate(store.run("clauses", {"doc": args.doc}))}

    def reading_order(term_node: str, labels: list[str]) -> list[str]:
        return sorted(labels, key=lambda label: (first_use.get((term_node, label), sys.maxsize), order.get(label, 0)))

    rows = [
        {
            "term": r["term"], "defined_in": r["definedIn"], "definition": r["definition"],
            "start": r["start"], "end": r["end"], "used_in": reading_order(r["termNode"], _split(r["usedIn"])),
        }
        for r in store.run("terms", {"doc": args.doc})
    ]
    return _answer(args, "terms", rows, ["term", "defined in", "uses", "definition"],
                   lambda r: [r["term"], r["defined_in"], len(r["used_in"]), _preview(r["definition"])])


def _cmd_parties(args) -> int:
    store = _open(args)
    if args.doc:
        _check_document(store, args.doc)
        found = store.run("parties-in-document", {"doc": args.doc})
    else:
        found = store.run("parties")
    rows = [
        {"name": r["name"], "kind": r["kind"], "party": bool(r["party"]), "roles": _split(r["roles"]),
         "aliases": _split(r["aliases"]), "docs": _split(r["docs"])}
        for r in found
    ]
    return _answer(args, "parties", rows, ["name", "kind", "party", "roles", "documents"],
                   lambda r: [r["name"], r["kind"], "yes" if r["party"] else "no", ", ".join(r["roles"]), len(r["docs"])])


def _cmd_obligations(args) -> int:
    from .store import match_key

    store = _open(args)
    bind = {}
    if args.doc:
        _check_document(store, args.doc)
        bind["doc"] = args.doc
    if args.modality:
        bind["modality"] = args.modality
    if args.party is not None:
        key = match_key(args.party)
        if not key:
            raise QueryError(f"--party {args.party!r}: give a party's name, alias or defined term")
        rows = store.run("obligations-by-party", dict(bind, partyKey=key))
    else:
        rows = store.run("obligations", bind)
    return _answer(args, "obligations", rows, ["doc", "clause", "modality", "bearer", "counterparty", "text"],
                   lambda r: [r["doc"], r["clause"], r["modality"], r["bearer"], r["counterparty"], _preview(r["text"])])


def _cmd_conditions(args) -> int:
    store = _open(args)
    if args.label is None:
        _check_document(store, args.doc)
        rows = store.run("conditions", {"doc": args.doc})
    else:
        label = _clause_label(store, args.doc, args.label)
        rows = store.run("conditions-of-clause", {"doc": args.doc, "label": label})
    return _answer(args, "conditions", rows, ["clause", "kind", "governs", "text"],
                   lambda r: [r["clause"], r["kind"], r["governs"], _preview(r["text"])])


def _cmd_lint(args) -> int:
    store = _open(args)
    bind = {}
    if args.doc:
        _check_document(store, args.doc)
        bind["doc"] = args.doc
    rows = store.run("lint", bind)
    return _answer(args, "lint", rows, ["doc", "kind", "clause", "message"],
                   lambda r: [r["doc"], r["kind"], r["clause"], _preview(r["message"], 90)])


def _cmd_query(args) -> int:
    from .querycheck import QueryCheck, check_query, seal_network
    from .queryinfo import describe, missing_prefixes, prefix_hint
    from .store import party_bindings

    if args.list:
        return _list_queries(args.format)
    if args.query is None:
        raise QueryError("give a query name or a .rq file (`clausegraph query --list` shows the named queries)")
    text = _load_query(args.query)
    users_file = Path(args.query).suffix == ".rq" and Path(args.query).exists()  # as load_query decides
    # A named query is ours, and a test checks each one as below (test_queries_rewritten): only a
    # user's file is parsed here, by rdflib's pure-Python parser (a fifth of a second).
    verdict = check_query(text, allow_service=args.allow_service) if users_file else QueryCheck()
    if not verdict.ok:
        hint = " (--allow-service lets it)" if verdict.federated else ""
        raise QueryError(f"{args.query}: {verdict.problem}{hint}")
    missing = missing_prefixes(text) if users_file else []
    if missing:
        raise QueryError(f"{args.query}: {prefix_hint(missing[0])}")
    bindings = party_bindings(text, dict(_parse_binding(b) for b in args.bind))  # party=NAME → partyKey
    info = describe(args.query, text)  # a user's file with the same header is checked the same way
    unbound = [name for name in info.required if name not in bindings]
    if unbound:
        raise QueryError(f"{args.query} needs ?{unbound[0]}: add --bind {unbound[0]}=VALUE "
                         "(`clausegraph query --list` shows every query's parameters)")
    if not args.allow_service and args.own_process:
        # The second wall, as in the endpoint's workers: should the check and Oxigraph's parser
        # ever read a query differently, this process still cannot reach any server.
        seal_network()
    store = _open(args)
    parameters = {p.name for p in info.parameters}
    if {"doc", "label"} <= parameters and isinstance(bindings.get("doc"), str) and isinstance(bindings.get("label"), str):
        bindings["label"] = _clause_label(store, bindings["doc"], bindings["label"])  # 8C → 8(c)
    graphs = None if users_file else store.graphs_for(args.query, bindings)  # a user's file may look anywhere
    try:
        return _print_query_result(_run_query(store, args.query, text, bindings, graphs), args.format)
    except (OSError, RuntimeError) as exc:  # Oxigraph evaluates lazily: a SERVICE fails while rows are read
        if not verdict.federated:
            raise
        raise QueryError(f"{args.query}: the SERVICE call failed: {' '.join(str(exc).split())}") from exc


def _load_query(name: str) -> str:
    from .labels import did_you_mean
    from .store import load_query, query_names

    try:
        return load_query(name)
    except QueryError as exc:
        hint = did_you_mean(name, query_names()) if not name.endswith(".rq") else ""
        if not hint:
            raise
        raise QueryError(f"unknown query {name!r}{hint} (`clausegraph query --list` shows them all)") from exc


def _run_query(store, name: str, text: str, bindings: dict, graphs: list[str] | None):
    """A SELECT's (variable names, rows); an ASK's or CONSTRUCT's result as Oxigraph gives it."""
    from .queryinfo import short_syntax_error

    try:
        return store.answer(text, bindings, graphs)
    except QueryError as exc:  # named, and Oxigraph's list of every character it expected cut to its reason
        raise QueryError(f"{name}: {short_syntax_error(str(exc))}") from exc


def _list_queries(fmt: str) -> int:
    """``query --list``: each named query, its parameters ([optional]) and what it answers."""
    from .queryinfo import named_queries

    queries = named_queries()
    if fmt == "json":
        _print_json([{"name": q.name, "description": q.description, "example": q.example,
                      "parameters": [{"name": p.name, "required": p.required, "description": p.description}
                                     for p in q.parameters]}
                     for q in queries])
        return 0
    rows = [[q.name, " ".join(p.name if p.required else f"[{p.name}]" for p in q.parameters), q.description]
            for q in queries]
    if fmt in ("csv", "tsv"):
        _print_delimited(["name", "parameters", "description"], rows, fmt)
    else:
        _print_table(["query", "parameters", "answers"], [r[:2] + [_preview(r[2], 80)] for r in rows])
    return 0


def _print_query_result(result, fmt: str) -> int:
    """An ASK's or CONSTRUCT's result, or a SELECT's (variable names, rows) from ``_run_query``."""
    import pyoxigraph as ox

    from .store import to_python

    if isinstance(result, ox.QueryBoolean):
        if fmt == "json":
            _print_json([{"result": bool(result)}])
        else:
            print("true" if result else "false")
        return 0
    if isinstance(result, ox.QueryTriples):
        triples = list(result)
        if fmt == "json":
            _print_json([{"subject": t.subject.value, "predicate": t.predicate.value, "object": to_python(t.object)}
                         for t in triples])
        else:
            sys.stdout.write(ox.serialize([ox.Quad(t.subject, t.predicate, t.object) for t in triples],
                                          format=ox.RdfFormat.N_TRIPLES).decode("utf-8"))
        return 0
    names, rows = result
    if fmt == "json":
        _print_json(rows)
    elif fmt in ("csv", "tsv"):
        _print_delimited(names, [[_cell(r[n]) for n in names] for r in rows], fmt)
    else:
        _print_table(names, [[_preview(None if r[n] is None else str(r[n]), 60) for n in names] for r in rows])
    return 0


TYPED_VALUE = re.compile(r"^(?P<value>.*)\^\^(?:xsd:(?P<xsd>[A-Za-z]+)|<(?P<iri>[^<>\s]+)>)$", re.S)


def _parse_binding(text: str):
    """``VAR=VALUE``: a plain string; ``VAR=<iri>`` an IRI; ``VAR=5^^xsd:integer`` a typed literal."""
    import pyoxigraph as ox

    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise QueryError(f"--bind {text!r}: expected VAR=VALUE")
    name = name.strip()
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise QueryError(f"--bind {name}=…: the value is not valid text (undecodable bytes)") from None
    if value.startswith("<") and value.endswith(">") and len(value) > 2:
        try:
            return name, ox.NamedNode(value[1:-1])
        except ValueError as exc:
            raise QueryError(f"--bind {text!r}: not an IRI ({exc})") from exc
    typed = TYPED_VALUE.match(value)
    if typed:
        datatype = typed["iri"] or "http://www.w3.org/2001/XMLSchema#" + typed["xsd"]
        if not _valid_lexical(typed["value"], datatype):
            raise QueryError(f"--bind {text!r}: {typed['value']!r} is not a valid {datatype.rsplit('#', 1)[-1]}")
        try:
            return name, ox.Literal(typed["value"], datatype=ox.NamedNode(datatype))
        except ValueError as exc:
            raise QueryError(f"--bind {text!r}: {exc}") from exc
    return name, value


XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                   "positiveInteger", "negativeInteger", "nonPositiveInteger")}
REAL_TYPES = {XSD + t for t in ("decimal", "double", "float")}


def _valid_lexical(value: str, datatype: str) -> bool:
    """Is ``value`` a well-formed literal of the numeric or boolean ``datatype``? (Others pass.)"""
    if datatype in INTEGER_TYPES:
        return re.fullmatch(r"[+-]?\d+", value) is not None
    if datatype in REAL_TYPES:
        return re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN", value) is not None
    if datatype == XSD + "boolean":
        return value in ("true", "false", "1", "0")
    return True


# --- serve and push (issue 4: the endpoint, beyond one machine) ----------------------------


def _add_endpoint_commands(sub) -> None:
    # defaults live in serve.py (None here), so that other commands do not import http.server
    p = sub.add_parser("serve", help="a read-only SPARQL endpoint (/sparql), the pages and a query page (/query)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port; 0 picks a free one (default: 8000)")
    p.add_argument("--store", type=Path, default=DEFAULT_OUT, help="what build wrote (default: outputs/)")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="seconds one query may run before it is stopped (default: 10)")
    p.add_argument("--max-rows", type=int, default=None, metavar="N",
                   help="rows (or triples) sent per result; the rest are cut, with a header saying so "
                        "(default: 10000)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="query worker processes (default: the number of cores, at most 4); one more is "
                        "kept for short queries that arrive while all are busy")
    p.add_argument("--worker-memory", type=int, default=None, metavar="MB",
                   help="memory one query worker may use; a query that needs more gets 503 (default: 2048)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="also answer requests for this host name (default: loopback names and --host)")
    p.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                   help="let web pages from ORIGIN (https://example.org) query /sparql (repeatable)")
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser("push", help="PUT each named graph to a SPARQL server (Graph Store Protocol)")
    p.add_argument("--endpoint", required=True, metavar="URL",
                   help="the server's SPARQL query endpoint (used to verify the pushed triple counts)")
    p.add_argument("--graph-store", metavar="URL",
                   help="its Graph Store Protocol endpoint (default: --endpoint; Virtuoso: .../sparql-graph-crud)")
    p.add_argument("--store", type=Path, default=DEFAULT_OUT, help="what build wrote (default: outputs/)")
    p.add_argument("--user", help="user name; the password comes from $CLAUSEGRAPH_PASSWORD or a prompt")
    p.add_argument("--auth", choices=("digest", "basic"), default="digest",
                   help="HTTP authentication scheme with --user (default: digest)")
    p.add_argument("--json", action="store_true", help="print the pushed graphs as a JSON array")
    p.set_defaults(func=_cmd_push)


PASSWORD_ENV = "CLAUSEGRAPH_PASSWORD"


def _cmd_serve(args) -> int:
    import signal

    from .serve import is_loopback, serve

    if not args.quiet:
        logging.getLogger("clausegraph.serve").setLevel(logging.INFO)  # one line per request on stderr
    if not is_loopback(args.host):
        print(f"clausegraph: warning: --host {args.host} is not a loopback address: other machines can "
              "reach this server and read everything it serves", file=sys.stderr)

    def announce(server) -> None:
        print(f"serving {server.base_url}/ (SPARQL endpoint {server.base_url}/sparql, "
              f"query page {server.base_url}/query); Ctrl-C stops", flush=True)

    def stop(signum, frame):  # SIGTERM: stop like Ctrl-C, so the query workers are stopped too
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        options = {k: v for k, v in (("timeout", args.timeout), ("max_rows", args.max_rows),
                                     ("workers", args.workers), ("worker_memory_mb", args.worker_memory))
                   if v is not None}
        options.update(allow_hosts=tuple(args.allow_host), cors=tuple(args.cors))
        serve(args.store, args.host, args.port, ready=announce, **options)
    except KeyboardInterrupt:
        print("clausegraph: server stopped", file=sys.stderr)
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


def _cmd_push(args) -> int:
    import os

    from .push import Credentials, push

    credentials = None
    if args.user:
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                raise ClauseGraphError(f"--user {args.user}: set ${PASSWORD_ENV} (no terminal to ask for the password)")
            import getpass

            password = getpass.getpass(f"password for {args.user}: ")
        credentials = Credentials(args.user, password, args.auth)
    report = push(args.store, args.endpoint, args.graph_store, credentials=credentials)
    rows = [{"graph": g.graph, "triples": g.triples, "remote_triples": g.remote_triples,
             "status": g.status, "seconds": round(g.seconds, 3)} for g in report.graphs]
    if args.json:
        _print_json(rows)
        return 0
    _print_table(["graph", "triples", "on server", "HTTP"],
                 [[r["graph"], r["triples"], r["remote_triples"], r["status"]] for r in rows])
    print(f"pushed {len(rows)} graphs ({report.triples} triples) to {report.graph_store} in "
          f"{report.seconds:.1f} s; counts verified via {report.endpoint}")
    return 0


# --- shell completion (argcomplete): document ids, labels and query names from what was built ----
# Each completer is called with the arguments parsed so far; a store that cannot be read
# completes nothing rather than printing an error into the user's shell.


def _complete_documents(prefix: str, parsed_args, **kwargs) -> list[str]:
    from .catalog import Outputs

    try:
        return [d for d in Outputs(getattr(parsed_args, "store", DEFAULT_OUT)).doc_ids if d.startswith(prefix)]
    except ClauseGraphError:
        return []


def _complete_labels(prefix: str, parsed_args, **kwargs) -> list[str]:
    from .catalog import Outputs

    try:
        labels = [c["label"] for c in Outputs(getattr(parsed_args, "store", DEFAULT_OUT)).clauses(parsed_args.doc)]
    except (ClauseGraphError, TypeError):
        return []
    return [label for label in labels if label.startswith(prefix)]


def _complete_queries(prefix: str, parsed_args, **kwargs) -> list[str]:
    from .store import query_names

    return [name for name in query_names() if name.startswith(prefix)]


# --- output helpers --------------------------------------------------------------------------


def _print_json(rows: list[dict]) -> None:
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def _print_delimited(headers: list[str], rows: list[list[str]], fmt: str) -> None:
    """csv (RFC 4180 quoting) or tsv (a value's tabs and line breaks become spaces: TSV has no quoting)."""
    if fmt == "tsv":
        for row in [headers] + rows:
            print("\t".join(" ".join(str(v).split()) for v in row))
        return
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)


def _preview(text: str | None, limit: int = PREVIEW_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _print_table(headers: list[str], rows: list[list]) -> None:
    cells = [[("" if v is None else " ".join(str(v).split())) for v in row] for row in rows]
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
