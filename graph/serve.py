"""``clausegraph serve``: a read-only SPARQL 1.1 Protocol endpoint, the built pages, a query page.

Routes (all GET unless said):

- ``/sparql``  SPARQL 1.1 Protocol: GET ``?query=``, POST form (``query=``) or POST
  ``application/sparql-query``; optional ``default-graph-uri`` / ``named-graph-uri``. Results
  by ``Accept`` (or a ``format``/``output`` parameter): SPARQL JSON, XML, CSV, TSV for SELECT
  and ASK; Turtle, N-Triples, RDF/XML, JSON-LD for CONSTRUCT and DESCRIBE.
- ``/query``  the SPARQL editor (vendored YASGUI, no request leaves the machine).
- ``/_static/…``  the editor's assets (``render/static/``).
- anything else: a file under the outputs folder (``/`` is ``index.html``); never outside it,
  never the database folder ``store/``.

Read-only by construction and by check: the store is opened read-only, and updates
(``update=``, ``application/sparql-update``, an INSERT/DELETE/LOAD/CLEAR/DROP/… text) and
``SERVICE`` (Oxigraph would fetch the remote endpoint) are refused with 403 before anything
runs. Malformed queries get 400 with Oxigraph's parser message.

Time limit: a running Oxigraph query cannot be interrupted from Python (it holds the GIL-free
Rust evaluator until it is done; a 4-way cross product of 200 triples ran 6 minutes here). A
thread that is abandoned keeps burning a core and memory, so queries run in a small pool of
worker *processes*, each with the store opened read-only once; a worker that overruns the limit
is killed (SIGKILL is safe: it never writes) and replaced in the background. The answer is 503
with a message. The result cap truncates SELECT rows and CONSTRUCT triples and says so in the
``X-Clausegraph-Truncated`` header.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import mimetypes
import multiprocessing
import os
import queue
import re
import shutil
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from .errors import ClauseGraphError, StoreError

log = logging.getLogger("clausegraph.serve")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# Wall-clock seconds one query may run; e.g. ``SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f .
# ?g ?h ?i }`` over the 15k-triple corpus would run for hours and is stopped after this.
DEFAULT_TIMEOUT = 10.0
# Rows of a SELECT (or triples of a CONSTRUCT) sent back; e.g. ``SELECT * { ?s ?p ?o }`` over
# the corpus gives 15k rows, of which the first 10,000 are sent with a truncation header.
DEFAULT_MAX_ROWS = 10_000
# Query worker processes (each opens the store read-only, about 20 MB each here).
DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))
# Largest POST body (the query text) accepted, in bytes.
MAX_BODY_BYTES = 1_000_000
# Seconds a worker process may take to start and open the store.
WORKER_START_TIMEOUT = 60.0

STATIC_DIR = Path(__file__).resolve().parent / "render" / "static"
QUERY_PAGE = STATIC_DIR / "query.html"
STATIC_PREFIX = "/_static/"
# Folders under outputs/ that are not pages: the database files.
PRIVATE_OUTPUT_DIRS = ("store",)

TRUNCATED_HEADER = "X-Clausegraph-Truncated"
MAX_ROWS_HEADER = "X-Clausegraph-Max-Rows"

SPARQL_QUERY_TYPE = "application/sparql-query"
SPARQL_UPDATE_TYPE = "application/sparql-update"
FORM_TYPE = "application/x-www-form-urlencoded"

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


# --- what a query may do -------------------------------------------------------------------------

# One lexical token of SPARQL, in the order the grammar's terminals must be tried: comments,
# strings (long forms first), IRIs, variables, language tags, prefixed names, numbers, words.
# Oxigraph does not apply SPARQL's \\u codepoint escapes outside strings (checked: a
# "\\u0053ERVICE" keyword is a syntax error), so the raw text is what is tokenised.
_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00B7\u00C0-\uFFFF]+)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>(?:[^\W\d_][\w.\-\u00B7]*)?:(?:[\w\-:%\u00B7]|\\.|\.(?=[\w\-:%]))*)
    | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)
    | (?P<word>[^\W\d][\w]*)
    """,
    re.VERBOSE | re.DOTALL,
)
# The first keyword of a SPARQL Update request (after BASE/PREFIX declarations).
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)


def _keywords(text: str) -> list[str]:
    """The bare words of a query, upper-cased, outside comments, strings, IRIs and names."""
    return [m.group("word").upper() for m in _TOKEN.finditer(text) if m.lastgroup == "word"]


def refusal(text: str) -> str | None:
    """Why this endpoint refuses to run ``text`` (an update or a federated query), or None.

    >>> refusal("PREFIX ex: <http://ex/> INSERT DATA { ex:a ex:b ex:c }")
    'read-only endpoint: SPARQL Update (INSERT) is refused'
    >>> refusal('SELECT ?service WHERE { ?s ?p "SERVICE" }') is None
    True
    """
    words = _keywords(text)
    significant = [w for w in words if w not in ("BASE", "PREFIX")]
    if significant and significant[0] in UPDATE_KEYWORDS:
        return f"read-only endpoint: SPARQL Update ({significant[0]}) is refused"
    if "SERVICE" in words:
        return "read-only endpoint: federated queries (SERVICE) are refused; this server never contacts another one"
    return None


# --- content negotiation -------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultFormat:
    name: str  # our short name, also accepted in ?format=
    media_type: str  # what we send in Content-Type
    aliases: tuple[str, ...] = ()  # other media types and ?format= names that select it


SOLUTION_FORMATS = (
    ResultFormat("json", "application/sparql-results+json",
                 ("application/json", "text/javascript", "application/javascript")),
    ResultFormat("xml", "application/sparql-results+xml", ("application/xml", "text/xml")),
    ResultFormat("csv", "text/csv"),
    ResultFormat("tsv", "text/tab-separated-values", ("tab-separated-values",)),
)
GRAPH_FORMATS = (
    ResultFormat("turtle", "text/turtle", ("application/turtle", "application/x-turtle", "ttl")),
    ResultFormat("ntriples", "application/n-triples", ("n-triples", "nt", "text/plain")),
    ResultFormat("rdfxml", "application/rdf+xml", ("xml", "rdf+xml", "application/xml", "text/xml")),
    ResultFormat("jsonld", "application/ld+json", ("json-ld", "json", "application/json")),
)


class NotAcceptable(ValueError):
    """No result format both the client accepts and this server makes."""


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``Accept`` as (media range, q) in the client's order; media parameters other than q dropped."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _accept_score(fmt: ResultFormat, ranges: list[tuple[str, float]]):
    """(q, -position) of the most specific range that matches ``fmt``; None when none does."""
    best = None  # (specificity, q, -position)
    types = (fmt.media_type,) + tuple(a for a in fmt.aliases if "/" in a)
    for position, (media, q) in enumerate(ranges):
        if media in types:
            specificity = 2
        elif media == "*/*":
            specificity = 0
        elif media.endswith("/*") and fmt.media_type.startswith(media[:-1]):  # not via aliases
            specificity = 1
        else:
            continue
        candidate = (specificity, q, -position)
        if best is None or candidate[0] > best[0]:
            best = candidate
    return None if best is None else (best[1], best[2])


def negotiate(formats: tuple[ResultFormat, ...], accept: str | None, requested: str | None) -> ResultFormat:
    """The format to answer in: ``requested`` (a ?format= value) wins, then ``Accept``.

    With no Accept header the first of ``formats`` is the default. Raises NotAcceptable.
    """
    if requested:
        wanted = requested.strip().lower()
        for fmt in formats:
            if wanted in (fmt.name, fmt.media_type) or wanted in fmt.aliases:
                return fmt
    ranges = parse_accept(accept)
    if not ranges:
        return formats[0]
    scored = []
    for rank, fmt in enumerate(formats):
        score = _accept_score(fmt, ranges)
        if score is not None and score[0] > 0:
            scored.append((score[0], score[1], -rank, fmt))
    if not scored:
        offered = ", ".join(f.media_type for f in formats)
        raise NotAcceptable(f"none of the accepted types ({accept}) can be produced; this result comes as {offered}")
    return max(scored, key=lambda s: s[:3])[3]


def known_format_name(value: str) -> bool:
    wanted = value.strip().lower()
    return any(wanted in (f.name, f.media_type) or wanted in f.aliases
               for f in SOLUTION_FORMATS + GRAPH_FORMATS)


# --- serialisers (ours, so that results can be cut at the cap) ----------------------------------


def _term_json(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            direction = getattr(term, "direction", None)
            if direction is not None:
                out["its:dir"] = str(direction).rsplit(".", 1)[-1].lower()
        elif term.datatype is not None and term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    # RDF 1.2 triple term
    return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                        "predicate": _term_json(term.predicate),
                                        "object": _term_json(term.object)}}


# Characters XML 1.0 cannot carry at all, not even as a character reference.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return xml_escape(_XML_INVALID.sub("\ufffd", value))


def _term_xml(term) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attr = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype is not None and term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
            attr = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attr = ""
        return f"<literal{attr}>{_xml_text(term.value)}</literal>"
    return (f"<triple><subject>{_term_xml(term.subject)}</subject><predicate>{_term_xml(term.predicate)}"
            f"</predicate><object>{_term_xml(term.object)}</object></triple>")


def _term_csv(term) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def serialize_solutions(variables: list[str], rows: list, fmt: ResultFormat) -> bytes:
    """SELECT results (``rows`` of pyoxigraph QuerySolution) in SPARQL JSON, XML, CSV or TSV."""
    if fmt.name == "json":
        bindings = [{v: _term_json(row[v]) for v in variables if row[v] is not None} for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False).encode("utf-8")
    if fmt.name == "xml":
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
               "<head>", *(f"<variable name={quoteattr(v)}/>" for v in variables), "</head><results>"]
        for row in rows:
            out.append("<result>")
            out.extend(f"<binding name={quoteattr(v)}>{_term_xml(row[v])}</binding>"
                       for v in variables if row[v] is not None)
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "\n".join(out).encode("utf-8")
    if fmt.name == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_term_csv(row[v]) for v in variables] for row in rows)
        return buffer.getvalue().encode("utf-8")
    # TSV: terms in their N-Triples form (pyoxigraph's str() escapes tabs and newlines)
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines.extend("\t".join("" if row[v] is None else str(row[v]) for v in variables) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


def serialize_boolean(value: bool, fmt: ResultFormat) -> bytes:
    """An ASK result; CSV and TSV as one ``_askResult`` column (not standardised; Jena does this)."""
    word = "true" if value else "false"
    if fmt.name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt.name == "xml":
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{word}</boolean></sparql>\n").encode("utf-8")
    if fmt.name == "csv":
        return f"_askResult\r\n{word}\r\n".encode("utf-8")
    return f"?_askResult\n{word}\n".encode("utf-8")


def serialize_triples(triples: list, fmt: ResultFormat, prefixes: dict[str, str]) -> bytes:
    """CONSTRUCT/DESCRIBE results with Oxigraph's own serialisers."""
    import pyoxigraph as ox

    rdf_format = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                  "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}[fmt.name]
    used = prefixes if fmt.name in ("turtle", "rdfxml") else None
    return ox.serialize(triples, format=rdf_format, prefixes=used) or b""


# --- query workers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryJob:
    query: str
    solution_format: ResultFormat | None  # None: the client accepts no SELECT/ASK format
    graph_format: ResultFormat | None  # None: the client accepts no CONSTRUCT format
    not_acceptable: str = ""  # the negotiation message for whichever is None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    truncated: bool = False


def _text_answer(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


def _with_charset(media_type: str) -> str:
    textual = media_type.startswith("text/") or media_type.endswith(("json", "xml", "n-triples"))
    return f"{media_type}; charset=utf-8" if textual else media_type


def run_job(store, job: QueryJob, max_rows: int) -> Answer:
    """Run one query on an opened GraphStore and serialise its (capped) result."""
    import pyoxigraph as ox

    from .store import PREFIXES

    try:
        if job.default_graphs or job.named_graphs:
            # the protocol's dataset parameters replace the union-of-named-graphs default
            result = store.store.query(
                job.query,
                default_graph=[ox.NamedNode(g) for g in job.default_graphs] or None,
                named_graphs=[ox.NamedNode(g) for g in job.named_graphs] or None,
            )
        else:
            result = store.store.query(job.query, use_default_graph_as_union=True)
        if isinstance(result, ox.QuerySolutions):
            if job.solution_format is None:
                return _text_answer(406, job.not_acceptable)
            variables = [v.value for v in result.variables]
            rows = list(islice(result, max_rows + 1))
            truncated = len(rows) > max_rows
            body = serialize_solutions(variables, rows[:max_rows], job.solution_format)
            return Answer(200, _with_charset(job.solution_format.media_type), body, truncated)
        if isinstance(result, ox.QueryBoolean):
            if job.solution_format is None:
                return _text_answer(406, job.not_acceptable)
            return Answer(200, _with_charset(job.solution_format.media_type),
                          serialize_boolean(bool(result), job.solution_format))
        if job.graph_format is None:
            return _text_answer(406, job.not_acceptable)
        triples = list(islice(result, max_rows + 1))
        body = serialize_triples(triples[:max_rows], job.graph_format, PREFIXES)
        return Answer(200, _with_charset(job.graph_format.media_type), body, len(triples) > max_rows)
    except SyntaxError as exc:
        return _text_answer(400, f"malformed SPARQL: {exc}")
    except ValueError as exc:  # e.g. an invalid IRI in default-graph-uri
        return _text_answer(400, f"bad request: {exc}")
    except (OSError, RuntimeError) as exc:  # evaluation errors, e.g. a type error in an aggregate
        return _text_answer(500, f"query failed: {exc}")


def _worker_main(folder: str, conn, max_rows: int) -> None:
    """A query worker process: open the store once, then answer jobs until told to stop."""
    from .store import open_store

    _die_with_parent()
    try:
        store = open_store(Path(folder), read_only=True)
    except ClauseGraphError as exc:
        conn.send(("failed", str(exc)))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the server has gone
        if job is None:
            return
        conn.send(run_job(store, job, max_rows))


def _die_with_parent() -> None:
    """Linux: SIGKILL this worker when the server process dies, even by SIGKILL, so that no
    orphaned query keeps a core busy. Elsewhere the closed pipe ends idle workers."""
    import ctypes
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        log.debug("prctl(PR_SET_PDEATHSIG) unavailable")


class _Worker:
    def __init__(self, context, folder: Path, max_rows: int):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(str(folder), child, max_rows),
                                       name="clausegraph-query", daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise StoreError(f"a query worker did not start within {timeout:.0f} s")
        try:
            status, detail = self.conn.recv()
        except EOFError as exc:
            self.kill()
            raise StoreError("a query worker died while opening the store") from exc
        if status != "ready":
            self.kill()
            raise StoreError(detail)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(2)
        self.kill()


class QueryPool:
    """Worker processes that each hold the store open; a query that overruns is killed.

    Every worker is started by one long-lived "spawner" thread: Linux delivers the
    parent-death signal when the *thread* that forked the child ends, so a worker started from
    a short-lived request thread would be killed as soon as that thread finished.
    """

    def __init__(self, folder: Path, *, workers: int = DEFAULT_WORKERS, max_rows: int = DEFAULT_MAX_ROWS):
        self.folder = Path(folder)
        self.size = max(1, workers)
        self.max_rows = max_rows
        # spawn, not fork: the server is multi-threaded, and a forked child could inherit a held lock
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        # (how many workers, a queue for the outcome or None to add them to the pool); None stops
        self._spawn_requests: queue.Queue = queue.Queue()
        self._spawner = threading.Thread(target=self._spawn_loop, name="clausegraph-spawner", daemon=True)

    def start(self) -> None:
        self._spawner.start()
        reply: queue.Queue = queue.Queue()
        self._spawn_requests.put((self.size, reply))
        workers, error = reply.get()
        if error is not None:
            self.close()
            raise error
        with self._lock:
            self._all.update(workers)
        for worker in workers:
            self._idle.put(worker)

    def _spawn_loop(self) -> None:
        while True:
            request = self._spawn_requests.get()
            if request is None:
                return
            count, reply = request
            started = [_Worker(self._context, self.folder, self.max_rows) for _ in range(count)]
            error = None
            for worker in started:
                try:
                    worker.wait_ready(WORKER_START_TIMEOUT)
                except StoreError as exc:
                    error = exc
            if error is not None:
                for worker in started:
                    worker.kill()
                started = []
            if reply is not None:
                reply.put((started, error))
                continue
            if error is not None:
                log.error("could not restart a query worker: %s", error)
            for worker in started:
                with self._lock:
                    if self._closed:
                        worker.stop()
                        continue
                    self._all.add(worker)
                self._idle.put(worker)

    def run(self, job: QueryJob, timeout: float) -> Answer:
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return _text_answer(503, f"all {self.size} query workers are busy; try again shortly")
        try:
            worker.conn.send(job)
            ready = worker.conn.poll(timeout)
            answer = worker.conn.recv() if ready else None
        except (EOFError, OSError):
            self._replace(worker)
            return _text_answer(500, "the query worker died while answering (out of memory?)")
        if answer is None:
            self._replace(worker)
            return _text_answer(
                503, f"query stopped: it ran longer than the time limit of {timeout:g} s "
                     "(see `clausegraph serve --timeout`)")
        self._idle.put(worker)
        return answer

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and have its successor started without keeping the client waiting."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        self._spawn_requests.put((1, None))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        self._spawn_requests.put(None)
        for worker in workers:
            worker.stop()


# --- HTTP ----------------------------------------------------------------------------------------


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server with what its handlers need: the outputs folder and the query pool."""

    daemon_threads = True

    def __init__(self, address, outputs: Path, pool: QueryPool, *, timeout: float, max_rows: int):
        self.outputs = Path(outputs).resolve()
        self.pool = pool
        self.query_timeout = timeout
        self.max_rows = max_rows
        super().__init__(address, SparqlHandler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "clausegraph"
    protocol_version = "HTTP/1.1"

    # --- routing ---

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/sparql":
            self._sparql(urllib.parse.parse_qs(url.query, keep_blank_values=True), body_query=None)
        elif url.path == "/query":
            self._query_page()
        elif url.path.startswith(STATIC_PREFIX):
            self._file(STATIC_DIR, url.path[len(STATIC_PREFIX):], private=("query.html",))
        else:
            self._file(self.server.outputs, url.path.lstrip("/"), private=PRIVATE_OUTPUT_DIRS)

    def do_POST(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            self._send_text(405, "POST is only for /sparql", extra={"Allow": "GET"})
            return
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._send_text(411, "POST needs a Content-Length")
            return
        if int(length) > MAX_BODY_BYTES:
            self._send_text(413, f"request body over {MAX_BODY_BYTES} bytes")
            self.close_connection = True
            return
        body = self.rfile.read(int(length))
        media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if media_type == FORM_TYPE:
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
            self._sparql(params, body_query=None)
        elif media_type == SPARQL_QUERY_TYPE:
            self._sparql(params, body_query=body.decode("utf-8", "replace"))
        elif media_type == SPARQL_UPDATE_TYPE:
            self._send_text(403, "read-only endpoint: SPARQL Update is refused")
        else:
            self._send_text(415, f"POST a query as {FORM_TYPE} (query=...) or as {SPARQL_QUERY_TYPE}")

    def do_PUT(self) -> None:  # noqa: N802
        self._send_text(405, "read-only endpoint: no Graph Store Protocol writes", extra={"Allow": "GET, POST"})

    do_DELETE = do_PATCH = do_PUT  # noqa: N815

    # --- SPARQL protocol ---

    def _sparql(self, params: dict[str, list[str]], body_query: str | None) -> None:
        if "update" in params:
            self._send_text(403, "read-only endpoint: SPARQL Update is refused")
            return
        queries = params.get("query", [])
        if body_query is not None:
            if queries:
                self._send_text(400, "give the query either in the body or as query=, not both")
                return
            queries = [body_query]
        if len(queries) != 1 or not queries[0].strip():
            self._send_text(400, "missing query: send /sparql?query=SPARQL (GET or a form POST), "
                                 "or open /query for the editor")
            return
        query = queries[0]
        refused = refusal(query)
        if refused:
            self._send_text(403, refused)
            return
        requested = next((v for k in ("format", "output") for v in params.get(k, []) if known_format_name(v)), None)
        unknown = [v for k in ("format", "output") for v in params.get(k, []) if v and not known_format_name(v)]
        if unknown and requested is None:
            self._send_text(400, f"unknown result format {unknown[0]!r} (try json, xml, csv, tsv, turtle, ntriples)")
            return
        accept = self.headers.get("Accept")
        formats, messages = {}, []
        for kind, table in (("solutions", SOLUTION_FORMATS), ("graph", GRAPH_FORMATS)):
            try:
                formats[kind] = negotiate(table, accept, requested)
            except NotAcceptable as exc:
                formats[kind] = None
                messages.append(str(exc))
        job = QueryJob(query=query, solution_format=formats["solutions"], graph_format=formats["graph"],
                       not_acceptable="; ".join(messages),
                       default_graphs=tuple(params.get("default-graph-uri", [])),
                       named_graphs=tuple(params.get("named-graph-uri", [])))
        started = time.monotonic()
        answer = self.server.pool.run(job, self.server.query_timeout)
        log.info("query answered %s in %.3f s", answer.status, time.monotonic() - started)
        extra = {MAX_ROWS_HEADER: str(self.server.max_rows), "Cache-Control": "no-store"}
        if answer.truncated:
            extra[TRUNCATED_HEADER] = f"true; the result was cut at {self.server.max_rows} rows (serve --max-rows)"
        self._send(answer.status, answer.content_type, answer.body, extra)

    # --- pages ---

    def _query_page(self) -> None:
        from .store import load_query, query_names

        try:
            page = QUERY_PAGE.read_text(encoding="utf-8")
        except OSError:
            self._send_text(500, "the query page is missing from this installation; reinstall clausegraph")
            return
        try:
            named = {name: load_query(name) for name in query_names()}
        except ClauseGraphError as exc:
            log.warning("named queries unavailable on the query page: %s", exc)
            named = {}
        # inside <script type="application/json">: "<" escaped so no text can close the element
        data = json.dumps(named, ensure_ascii=False).replace("<", "\\u003c")
        page = page.replace("/*NAMED_QUERIES*/{}", data)
        self._send(200, "text/html; charset=utf-8", page.encode("utf-8"), {
            # the page may talk only to this server: no fonts, scripts or queries from anywhere else
            "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; "
                                       "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                                       "font-src 'self' data:; connect-src 'self'",
        })

    def _file(self, root: Path, relative: str, private: tuple[str, ...]) -> None:
        path = safe_path(root, urllib.parse.unquote(relative), private)
        if path is not None and path.is_dir():
            if not self.path.split("?")[0].endswith("/") and relative:
                self._send(301, "text/plain; charset=utf-8", b"", {"Location": self.path.split("?")[0] + "/"})
                return
            path = path / "index.html"
        if path is None or not path.is_file():
            self._send_text(404, "not found")
            return
        media_type = guess_type(path)
        size = path.stat().st_size
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(size))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        with open(path, "rb") as f:
            shutil.copyfileobj(f, self.wfile)

    # --- plumbing ---

    def _send_text(self, status: int, message: str, extra: dict | None = None) -> None:
        answer = _text_answer(status, message)
        self._send(status, answer.content_type, answer.body, extra)

    def _send(self, status: int, content_type: str, body: bytes, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's signature)
        log.info("%s %s", self.address_string(), format % args)


EXTRA_TYPES = {".nq": "application/n-quads", ".trig": "application/trig", ".jsonld": "application/ld+json",
               ".ttl": "text/turtle", ".nt": "application/n-triples", ".rq": "application/sparql-query",
               ".json": "application/json", ".js": "text/javascript", ".css": "text/css",
               ".svg": "image/svg+xml", ".txt": "text/plain"}


def guess_type(path: Path) -> str:
    media_type = EXTRA_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return _with_charset(media_type) if media_type.startswith("text/") or media_type.endswith(
        ("json", "xml", "n-quads", "trig", "sparql-query", "n-triples", "javascript")) else media_type


def safe_path(root: Path, relative: str, private: tuple[str, ...] = ()) -> Path | None:
    """``root/relative`` when it stays inside ``root`` (symlinks resolved), else None.

    ``private`` names top-level entries that are never served (the database folder).
    """
    parts = [p for p in relative.replace("\\", "/").split("/") if p not in ("", ".")]
    if any(p == ".." or "\x00" in p for p in parts):
        return None
    if parts and parts[0] in private:
        return None
    root = root.resolve()
    try:
        path = root.joinpath(*parts).resolve()
    except (OSError, ValueError):
        return None
    if path != root and not path.is_relative_to(root):
        return None
    return path


# --- entry points --------------------------------------------------------------------------------


def make_server(outputs: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
                timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS,
                workers: int = DEFAULT_WORKERS) -> SparqlServer:
    """A started query pool and a bound (not yet serving) HTTP server. ``port=0`` picks a free port.

    The workers are started with multiprocessing's "spawn", which imports the caller's main
    module again in each worker: a script that calls this needs the usual
    ``if __name__ == "__main__":`` guard, and cannot be fed to ``python -`` on stdin.
    """
    from .store import open_store

    if timeout <= 0:
        raise ClauseGraphError("--timeout must be a positive number of seconds")
    if max_rows < 1:
        raise ClauseGraphError("--max-rows must be at least 1")
    outputs = Path(outputs)
    probe = open_store(outputs)  # fails here, with one clear line, when nothing was built
    del probe  # the workers open their own read-only handles
    pool = QueryPool(outputs, workers=workers, max_rows=max_rows)
    pool.start()
    try:
        return SparqlServer((host, port), outputs, pool, timeout=timeout, max_rows=max_rows)
    except OSError as exc:
        pool.close()
        raise ClauseGraphError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


def serve(outputs: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
          timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS,
          workers: int = DEFAULT_WORKERS, ready=None) -> None:
    """Serve until interrupted. ``ready(server)`` is called once the socket listens."""
    server = make_server(outputs, host, port, timeout=timeout, max_rows=max_rows, workers=workers)
    try:
        if ready is not None:
            ready(server)
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
