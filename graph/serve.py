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

Read-only and local by construction and by check. The store is opened read-only. Every query
is parsed (``querycheck.check_query``, a real SPARQL grammar) before it runs: updates and
``SERVICE`` (Oxigraph would fetch the remote endpoint) are refused with 403, text the grammar
cannot parse with 400. As a second wall, each worker process gives up the network before it
opens the store (a network namespace of its own, with no interface up), so even a query that
slipped past the parser could not reach another machine, nor this one's loopback.

The HTTP side answers only to the host names it was started for (a DNS-rebinding page gets
403), refuses cross-origin requests to ``/sparql`` (``Origin`` / ``Sec-Fetch-Site``) unless
``--cors ORIGIN`` allows that origin, sends a Content-Security-Policy with every response,
drops a connection that sends nothing for ``READ_TIMEOUT`` seconds, and holds at most
``MAX_CONNECTIONS`` at once.

Time limit: a running Oxigraph query cannot be interrupted from Python (it holds the GIL-free
Rust evaluator until it is done; a 4-way cross product of 200 triples ran 6 minutes here). A
thread that is abandoned keeps burning a core and memory, so queries run in a small pool of
worker *processes*, each with the store opened read-only once; a worker that overruns the limit
is killed (SIGKILL is safe: it never writes) and replaced in the background. The answer is 503
with a message. The result cap truncates SELECT rows and CONSTRUCT triples and says so in the
``X-Clausegraph-Truncated`` header.

Resources: each worker's address space is capped (``--worker-memory``; an ``ORDER BY`` over a
cross product took 4.8 GB before), and a worker that runs out dies alone and is replaced, the
client getting 503. One more worker than ``--workers`` is kept for queries that arrive while
every other worker is busy: it answers them under a short time limit, so two expensive queries
cannot make a cheap one wait for theirs.
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
from .querycheck import check_query, seal_network

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
# Address space one query worker may use, in MB (RLIMIT_AS): the store is memory-mapped, so this
# is well above what a query needs; a cross product sorted in memory is stopped by it.
DEFAULT_WORKER_MEMORY_MB = 2048
# Seconds a query may run on the reserved worker, used only while all the others are busy: a
# named query over the corpus answers in milliseconds, an expensive one is sent back at once.
SHORT_QUERY_SECONDS = 2.0
# Bytes of one serialised result; a bigger one is answered 503 (rows are capped separately).
MAX_RESULT_BYTES = 32 * 1024 * 1024
# Seconds a client has to send a whole request (line, headers and body): a client that trickles
# one byte at a time (slowloris) is dropped then, however often it sends.
REQUEST_DEADLINE = 30.0
# Queries that may wait for a busy worker; one more is answered 503 at once, saying so.
MAX_WAITING = 16
# Seconds a connection may stay silent (half-open, or a slow client) before it is dropped.
READ_TIMEOUT = 20.0
# Connections served at once; more are answered 503 and closed.
MAX_CONNECTIONS = 64
# A POST body over MAX_BODY_BYTES is read and discarded up to this size, so the client gets its
# 413 instead of a broken pipe; beyond it the connection is closed after the 413.
MAX_DISCARD_BYTES = 64 * 1024 * 1024
# Host names always answered (loopback); others only when given with --host or --allow-host.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Sent with every response: pages may load only what this server has (no fonts, scripts or
# requests from anywhere else), may not be framed, and forms post only here.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)

STATIC_DIR = Path(__file__).resolve().parent / "render" / "static"
# Node IRIs (https://w3id.org/clausegraph/id/…) are answered under this path, so a local copy of
# the graph is linked data: /id/DOC/sec_8 gives the clause's place in the reader, or its triples.
ID_PREFIX = "/id/"
CG_NS = "https://w3id.org/clausegraph/ontology#"
NIF_NS = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
# What an IRI may hold to be pasted between < > in a query the server itself asks: no
# characters SPARQL's IRIREF excludes (so nothing can close the IRI and add query text).
_SAFE_IRI = re.compile(r"^[^<>\"{}|^`\\\x00-\x20]+$")
# sd:resultFormat values (http://www.w3.org/ns/formats/…) of what /sparql can answer in.
SERVICE_RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                          "Turtle", "N-Triples", "RDF_XML", "JSON-LD", "N-Quads", "TriG")
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
    # triples in a dataset format (the default graph), for loaders that take only quads
    ResultFormat("nquads", "application/n-quads", ("n-quads", "nq")),
    ResultFormat("trig", "application/trig", ("trig",)),
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
                  "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD,
                  "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}[fmt.name]
    if fmt.name in ("nquads", "trig"):
        triples = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    used = prefixes if fmt.name in ("turtle", "rdfxml", "trig") else None
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
    union_default_graph: bool = True  # False when the query names its dataset (FROM / FROM NAMED)


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


def _capped(answer: Answer) -> Answer:
    """Refuse a result too big to send (a row cap does not bound a 64 MB literal)."""
    if len(answer.body) > MAX_RESULT_BYTES:
        return _text_answer(503, f"the result is over {MAX_RESULT_BYTES // 1048576} MB; ask for fewer or "
                                 "shorter values (e.g. LIMIT, or SUBSTR of long texts)")
    return answer


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
            result = store.store.query(job.query, use_default_graph_as_union=job.union_default_graph)
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
    except MemoryError:
        return _text_answer(503, "query stopped: it needed more memory than a query worker may use "
                                 "(see `clausegraph serve --worker-memory`)")
    except (OSError, RuntimeError) as exc:  # evaluation errors, e.g. a type error in an aggregate
        return _text_answer(500, f"query failed: {exc}")


def _worker_main(folder: str, conn, max_rows: int, memory_mb: int) -> None:
    """A query worker process: give up the network, open the store once, cap memory, then
    answer jobs until told to stop."""
    from .store import open_store

    _die_with_parent()
    sealed = seal_network()
    try:
        store = open_store(Path(folder), read_only=True)
    except ClauseGraphError as exc:
        conn.send(("failed", str(exc)))
        return
    # The cap is for the queries. Set before the store opened, it sometimes stopped RocksDB
    # from starting its threads ("std::system_error: Resource temporarily unavailable": each
    # thread reserves its stack and allocator arena out of the capped address space).
    _limit_memory(memory_mb)
    conn.send(("ready", sealed))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the server has gone
        if job is None:
            return
        conn.send(_capped(run_job(store, job, max_rows)))


def _limit_memory(memory_mb: int) -> None:
    import resource

    limit = memory_mb * 1024 * 1024
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        log.debug("could not cap a worker's memory at %d MB", memory_mb)


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
    def __init__(self, context, folder: Path, max_rows: int, memory_mb: int, reserved: bool):
        self.reserved = reserved  # the worker kept for queries that arrive while all others are busy
        self.sealed = False
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(str(folder), child, max_rows, memory_mb),
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
        self.sealed = bool(detail)

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

    ``workers`` general workers take queries in turn; one more, reserved, takes a query only
    when all of them are busy, under ``SHORT_QUERY_SECONDS``. Every worker is started by one
    long-lived "spawner" thread: Linux delivers the parent-death signal when the *thread* that
    forked the child ends, so a worker started from a short-lived request thread would be killed
    as soon as that thread finished.
    """

    def __init__(self, folder: Path, *, workers: int = DEFAULT_WORKERS, max_rows: int = DEFAULT_MAX_ROWS,
                 memory_mb: int = DEFAULT_WORKER_MEMORY_MB):
        self.folder = Path(folder)
        self.size = max(1, workers)
        self.max_rows = max_rows
        self.memory_mb = memory_mb
        # spawn, not fork: the server is multi-threaded, and a forked child could inherit a held lock
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._reserved_idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._waiting = 0
        self._closed = False
        # (general count, reserved count, a queue for the outcome or None to add them); None stops
        self._spawn_requests: queue.Queue = queue.Queue()
        self._spawner = threading.Thread(target=self._spawn_loop, name="clausegraph-spawner", daemon=True)

    @property
    def network_sealed(self) -> bool:
        """Has every worker given up the network (see seal_network)?"""
        with self._lock:
            return bool(self._all) and all(w.sealed for w in self._all)

    def start(self) -> None:
        self._spawner.start()
        reply: queue.Queue = queue.Queue()
        self._spawn_requests.put((self.size, 1, reply))
        workers, error = reply.get()
        if error is not None:
            self.close()
            raise error
        for worker in workers:
            self._add(worker)

    def _add(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._all.add(worker)
        (self._reserved_idle if worker.reserved else self._idle).put(worker)

    def _spawn_loop(self) -> None:
        while True:
            request = self._spawn_requests.get()
            if request is None:
                return
            general, reserved, reply = request
            started = [_Worker(self._context, self.folder, self.max_rows, self.memory_mb, reserved=i >= general)
                       for i in range(general + reserved)]
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
                self._add(worker)

    def run(self, job: QueryJob, timeout: float) -> Answer:
        worker, limit = self._take(timeout)
        if worker is None:
            return _text_answer(503, limit)
        try:
            worker.conn.send(job)
            ready = worker.conn.poll(limit)
            answer = worker.conn.recv() if ready else None
        except (EOFError, OSError):
            self._replace(worker)
            return _text_answer(503, "query stopped: the query worker died while answering (out of memory, "
                                     "see `clausegraph serve --worker-memory`, or a crash)")
        if answer is None:
            self._replace(worker)
            if worker.reserved and limit < timeout:
                return _text_answer(
                    503, f"all {self.size} query workers are busy with long queries, and this one ran longer "
                         f"than the {limit:g} s allowed to queries that arrive meanwhile; try again shortly")
            return _text_answer(
                503, f"query stopped: it ran longer than the time limit of {timeout:g} s "
                     "(see `clausegraph serve --timeout`)")
        (self._reserved_idle if worker.reserved else self._idle).put(worker)
        return answer

    def _take(self, timeout: float) -> tuple[_Worker | None, float | str]:
        """An idle worker and the time limit its query gets, or (None, why not)."""
        taken = self._take_idle(timeout, wait=0)
        if taken is not None:
            return taken
        with self._lock:
            if self._waiting >= MAX_WAITING:
                return None, (f"all {self.size + 1} query workers are busy and {self._waiting} queries are "
                              "waiting already; try again shortly")
            self._waiting += 1
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:  # whichever comes free first, general or reserved
                taken = self._take_idle(timeout, wait=0.05)
                if taken is not None:
                    return taken
            return None, f"all {self.size + 1} query workers stayed busy for {timeout:g} s; try again shortly"
        finally:
            with self._lock:
                self._waiting -= 1

    def _take_idle(self, timeout: float, wait: float) -> tuple[_Worker, float] | None:
        """A general worker (waiting up to ``wait`` s for one), else the reserved one under the
        short limit, else None."""
        try:
            return (self._idle.get(timeout=wait) if wait else self._idle.get_nowait()), timeout
        except queue.Empty:
            pass
        try:
            return self._reserved_idle.get_nowait(), min(timeout, SHORT_QUERY_SECONDS)
        except queue.Empty:
            return None

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and have its successor started without keeping the client waiting."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        self._spawn_requests.put((0, 1, None) if worker.reserved else (1, 0, None))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        self._spawn_requests.put(None)
        for worker in workers:
            worker.stop()


# --- HTTP ----------------------------------------------------------------------------------------


def current_build_folder(outputs: Path) -> Path:
    """The folder of the build that ``outputs`` shows now (store.current_build), resolved."""
    from .store import current_build

    return current_build(Path(outputs)).resolve()


def _build_identity(folder: Path) -> tuple:
    """Changes whenever a new build is in place: its folder, or its manifest replaced in place."""
    try:
        st = (folder / "manifest.json").stat()
        return (str(folder), st.st_ino, st.st_mtime_ns)
    except OSError:
        return (str(folder), None, None)


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server with what its handlers need: the current build and its query pool.

    Before each request it looks whether ``build`` has put a new build in place; if so, a pool
    for the new build is started and every later request (pages and SPARQL alike) is answered
    from it, while the old pool finishes the queries it has and is closed. So answers never mix
    two builds, and never come from a deleted store.
    """

    daemon_threads = True

    def __init__(self, address, outputs: Path, pool_factory, *, timeout: float, max_rows: int,
                 allowed_hosts: frozenset[str] = LOOPBACK_HOSTS, cors_origins: frozenset[str] = frozenset()):
        self.outputs_root = Path(outputs)
        self.pool_factory = pool_factory
        self.query_timeout = timeout
        self.max_rows = max_rows
        self.allowed_hosts = frozenset(h.lower().strip("[]") for h in allowed_hosts)
        self.cors_origins = cors_origins
        self._switch_lock = threading.Lock()
        self.outputs = current_build_folder(self.outputs_root)
        self._identity = _build_identity(self.outputs)
        self.pool = pool_factory(self.outputs)
        self._connections = threading.BoundedSemaphore(MAX_CONNECTIONS)
        try:
            super().__init__(address, SparqlHandler)
        except OSError:
            self.pool.close()
            raise

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def current(self) -> tuple[Path, QueryPool]:
        """The build to answer from, switching to a newer one when ``build`` has made it."""
        folder = current_build_folder(self.outputs_root)
        identity = _build_identity(folder)
        with self._switch_lock:
            if identity != self._identity and identity[1] is not None:
                try:
                    pool = self.pool_factory(folder)
                except ClauseGraphError as exc:
                    log.error("a new build is in place but cannot be served (still serving the old one): %s", exc)
                    self._identity = identity  # do not retry on every request
                else:
                    old, self.pool, self.outputs, self._identity = self.pool, pool, folder, identity
                    log.info("serving the new build in %s", folder)
                    _close_later(old, self.query_timeout + 1)
            return self.outputs, self.pool

    def process_request(self, request, client_address):
        if not self._connections.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._connections.release()

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


def _close_later(pool: QueryPool, seconds: float) -> None:
    """Close a replaced pool once the queries it is running have had their time."""
    timer = threading.Timer(seconds, pool.close)
    timer.daemon = True
    timer.start()


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "clausegraph"
    protocol_version = "HTTP/1.1"
    timeout = READ_TIMEOUT  # socket timeout: a silent or half-open connection is dropped

    # --- reading the request, within a deadline ---

    def handle_one_request(self) -> None:
        # The socket timeout bounds each read, not the request: a client trickling a byte every
        # few seconds would hold its connection (and, 64 of them, the server) for ever.
        self._reading = threading.Timer(REQUEST_DEADLINE, self._drop_slow_client)
        self._reading.daemon = True
        self._reading.start()
        try:
            super().handle_one_request()
        finally:
            self._reading.cancel()

    def _drop_slow_client(self) -> None:
        import socket

        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _request_read(self) -> None:
        """The whole request is in: what follows (the query) has its own time limit."""
        self._reading.cancel()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (a bad request line, 414, 431, 501, 505) as plain text with
        the same security headers as every other answer."""
        self.close_connection = True
        text = message or self.responses.get(code, ("error",))[0]
        try:
            self._send_text(code, text)
        except OSError:
            pass

    # --- routing ---

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._request_read()
        url = urllib.parse.urlsplit(self.path)
        if not self._allowed(url.path):
            return
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path == "/sparql" and not any(k in params for k in ("query", "update")):
            self._service_description()
        elif url.path == "/sparql":
            self._sparql(params, body_query=None)
        elif url.path in ("/ontology", "/ontology.ttl"):
            self._ontology(turtle=url.path.endswith(".ttl"))
        elif url.path.startswith(ID_PREFIX):
            self._dereference(url.path[len(ID_PREFIX):])
        elif url.path == "/query":
            self._query_page()
        elif url.path.startswith(STATIC_PREFIX):
            self._file(STATIC_DIR, url.path[len(STATIC_PREFIX):], private=("query.html",))
        else:
            folder, _ = self.server.current()
            self._file(folder, url.path.lstrip("/"), private=PRIVATE_OUTPUT_DIRS)

    def do_POST(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        length = self.headers.get("Content-Length")
        if length is None or not (length.isascii() and length.isdigit()):
            self._send_text(411, "POST needs a Content-Length")
            self.close_connection = True
            return
        if int(length) > MAX_BODY_BYTES:
            self._discard_body(int(length))
            self._request_read()
            self._send_text(413, f"request body over {MAX_BODY_BYTES} bytes")
            self.close_connection = True
            return
        body = self.rfile.read(int(length))
        self._request_read()
        if not self._allowed(url.path):
            return
        if url.path != "/sparql":
            self._send_text(405, "POST is only for /sparql", extra={"Allow": "GET"})
            return
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

    def do_OPTIONS(self) -> None:  # noqa: N802 (a CORS preflight)
        self._request_read()
        url = urllib.parse.urlsplit(self.path)
        if not self._allowed(url.path):
            return
        extra = {"Allow": "GET, POST, OPTIONS"}
        if self._cors_origin():
            extra.update({"Access-Control-Allow-Methods": "GET, POST",
                          "Access-Control-Allow-Headers": "Content-Type, Accept",
                          "Access-Control-Max-Age": "600"})
        self._send(204, "text/plain; charset=utf-8", b"", extra)

    # --- who may ask ---

    def _allowed(self, path: str) -> bool:
        """Refuse (and answer) a request for a host name this server was not started for (a
        DNS-rebinding page), or a cross-origin request to the endpoint that --cors did not allow."""
        host = request_host(self.headers.get("Host"))
        if host is None or host not in self.server.allowed_hosts:
            self._send_text(403, f"this server does not answer to the host name {self.headers.get('Host')!r}; "
                                 "start it with --allow-host NAME to allow one")
            return False
        if path == "/sparql" and self._cross_origin() and not self._cors_origin():
            self._send_text(403, "cross-origin requests to /sparql are refused; start the server with "
                                 "--cors ORIGIN to allow a web application on another origin")
            return False
        return True

    def _cross_origin(self) -> bool:
        origin = self.headers.get("Origin")
        if origin is not None and origin != "null":
            return urllib.parse.urlsplit(origin).netloc.lower() != (self.headers.get("Host") or "").lower()
        if origin == "null":  # a sandboxed frame or a page opened from disk posting here
            return True
        return (self.headers.get("Sec-Fetch-Site") or "").lower() == "cross-site"

    def _cors_origin(self) -> str | None:
        headers = getattr(self, "headers", None)  # none yet when the request line was bad
        origin = headers.get("Origin") if headers is not None else None
        return origin if origin and origin in self.server.cors_origins else None

    def _discard_body(self, length: int) -> None:
        """Read an oversized body away (up to MAX_DISCARD_BYTES), so the client can read the 413."""
        left = min(length, MAX_DISCARD_BYTES)
        try:
            while left > 0:
                chunk = self.rfile.read(min(left, 1 << 16))
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass

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
        verdict = check_query(query)
        if not verdict.ok:
            self._send_text(verdict.status, f"read-only endpoint: {verdict.problem}" if verdict.status == 403
                            else verdict.problem)
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
                       named_graphs=tuple(params.get("named-graph-uri", [])),
                       union_default_graph=not verdict.chooses_dataset)
        started = time.monotonic()
        _, pool = self.server.current()
        answer = pool.run(job, self.server.query_timeout)
        log.info("query answered %s in %.3f s", answer.status, time.monotonic() - started)
        extra = {MAX_ROWS_HEADER: str(self.server.max_rows), "Cache-Control": "no-store"}
        if answer.truncated:
            extra[TRUNCATED_HEADER] = f"true; the result was cut at {self.server.max_rows} rows (serve --max-rows)"
        self._send(answer.status, answer.content_type, answer.body, extra)

    # --- the graph as linked data ---

    def _base(self) -> str:
        return f"http://{self.headers.get('Host')}"

    def _prefers_html(self) -> bool:
        """Does the client ask for a page (a browser) rather than data?"""
        ranges = parse_accept(self.headers.get("Accept"))
        html_q = max((q for media, q in ranges if media in ("text/html", "application/xhtml+xml")), default=0.0)
        data_q = max((q for media, q in ranges for f in GRAPH_FORMATS if media == f.media_type), default=0.0)
        return html_q > 0 and html_q >= data_q

    def _run_select(self, query: str) -> list[dict] | None:
        """Bindings of a SELECT the server itself asks (JSON, values only); None on failure."""
        _, pool = self.server.current()
        answer = pool.run(QueryJob(query=query, solution_format=SOLUTION_FORMATS[0], graph_format=None),
                          self.server.query_timeout)
        if answer.status != 200:
            return None
        rows = json.loads(answer.body)["results"]["bindings"]
        return [{k: v["value"] for k, v in row.items()} for row in rows]

    def _service_description(self) -> None:
        """GET /sparql with no query: the SPARQL 1.1 Service Description of this endpoint (a
        browser is sent to the query page instead)."""
        import pyoxigraph as ox

        if self._prefers_html():
            self._send(303, "text/plain; charset=utf-8", b"", {"Location": "/query"})
            return
        try:
            fmt = negotiate(GRAPH_FORMATS, self.headers.get("Accept"), None)
        except NotAcceptable as exc:
            self._send_text(406, str(exc))
            return
        sd, fmts = "http://www.w3.org/ns/sparql-service-description#", "http://www.w3.org/ns/formats/"
        rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        service, dataset, default = ox.NamedNode(self._base() + "/sparql"), ox.BlankNode("dataset"), ox.BlankNode("default")
        triples = [
            ox.Triple(service, rdf_type, ox.NamedNode(sd + "Service")),
            ox.Triple(service, ox.NamedNode(sd + "endpoint"), service),
            ox.Triple(service, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Query")),
            ox.Triple(service, ox.NamedNode(sd + "feature"), ox.NamedNode(sd + "UnionDefaultGraph")),
            ox.Triple(service, ox.NamedNode(sd + "defaultDataset"), dataset),
            ox.Triple(dataset, rdf_type, ox.NamedNode(sd + "Dataset")),
            ox.Triple(dataset, ox.NamedNode(sd + "defaultGraph"), default),
            ox.Triple(default, rdf_type, ox.NamedNode(sd + "Graph")),
        ]
        triples += [ox.Triple(service, ox.NamedNode(sd + "resultFormat"), ox.NamedNode(fmts + name))
                    for name in SERVICE_RESULT_FORMATS]
        graphs = self._run_select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g") or []
        for n, row in enumerate(graphs):
            node = ox.BlankNode(f"g{n}")
            triples += [ox.Triple(dataset, ox.NamedNode(sd + "namedGraph"), node),
                        ox.Triple(node, ox.NamedNode(sd + "name"), ox.NamedNode(row["g"]))]
        body = serialize_triples(triples, fmt, {"sd": sd, "formats": fmts})
        self._send(200, _with_charset(fmt.media_type), body)

    def _ontology(self, turtle: bool) -> None:
        """/ontology: the vocabulary documented as HTML, or as Turtle (/ontology.ttl, or by Accept)."""
        from .render.ontology import ontology_html
        from .store import ontology_dir

        path = ontology_dir() / "clausegraph.ttl"
        if turtle or not self._prefers_html() and self.headers.get("Accept"):
            self._send(200, "text/turtle; charset=utf-8", path.read_bytes())
        else:
            self._send(200, "text/html; charset=utf-8", ontology_html(path).encode("utf-8"))

    def _dereference(self, rest: str) -> None:
        """/id/…: a node of the graph. A browser is sent (303) to the place in the reader where
        the node's words stand; a data client gets the node's triples (Turtle by default)."""
        from .store import ID_BASE

        iri = ID_BASE + rest
        if not rest or not _SAFE_IRI.match(iri):
            self._send_text(404, "not a node of this graph")
            return
        node = f"<{iri}>"
        if self._prefers_html():
            location = self._reader_location(node)
            if location is not None:
                self._send(303, "text/plain; charset=utf-8", b"", {"Location": location})
                return
        if not (self._run_select(f"SELECT ?p WHERE {{ GRAPH ?g {{ {node} ?p ?o }} }} LIMIT 1") or []):
            self._send_text(404, f"no node {iri} in this build")
            return
        try:
            fmt = negotiate(GRAPH_FORMATS, None if self._prefers_html() else self.headers.get("Accept"), None)
        except NotAcceptable as exc:
            self._send_text(406, str(exc))
            return
        _, pool = self.server.current()
        job = QueryJob(query=f"CONSTRUCT {{ {node} ?p ?o }} WHERE {{ GRAPH ?g {{ {node} ?p ?o }} }}",
                       solution_format=None, graph_format=fmt)
        answer = pool.run(job, self.server.query_timeout)
        self._send(answer.status, answer.content_type, answer.body)

    def _reader_location(self, node: str) -> str | None:
        """The reader page and anchor of a node made from text (a document: its reader's top)."""
        from .render.common import READER, clause_href, doc_page

        rows = self._run_select(
            f"PREFIX cg: <{CG_NS}> PREFIX nif: <{NIF_NS}>\n"
            f"SELECT ?doc ?label ?begin WHERE {{ GRAPH ?g {{"
            f" {{ {node} cg:documentId ?doc }} UNION"
            f" {{ {node} cg:inDocument ?d . ?d cg:documentId ?doc OPTIONAL {{ {node} cg:label ?label }}"
            f" OPTIONAL {{ {node} nif:beginIndex ?begin }} }} }} }} LIMIT 1")
        if not rows:
            return None
        row = rows[0]
        page = "/" + doc_page(row["doc"], READER, from_doc=None)
        label = row.get("label")
        if label is None and "begin" in row:
            doc = json.dumps(row["doc"])  # a SPARQL string literal: JSON's escapes are SPARQL's
            inner = self._run_select(
                f"PREFIX cg: <{CG_NS}> PREFIX nif: <{NIF_NS}>\n"
                f"SELECT ?label WHERE {{ GRAPH ?g {{ ?c a cg:Clause ; cg:inDocument ?d ; cg:label ?label ;"
                f" nif:beginIndex ?b ; nif:endIndex ?e . ?d cg:documentId {doc}"
                f" FILTER(?b <= {int(row['begin'])} && {int(row['begin'])} < ?e) }} }} ORDER BY DESC(?b) LIMIT 1")
            label = inner[0]["label"] if inner else None
        return page + (clause_href(label) if label else "")

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
        self._send(200, "text/html; charset=utf-8", page.encode("utf-8"))

    def _file(self, root: Path, relative: str, private: tuple[str, ...]) -> None:
        path = safe_path(root, urllib.parse.unquote(relative), private)
        try:
            if path is not None and path.is_dir():
                own_path = urllib.parse.urlsplit(self.path).path  # never an absolute-form target's host
                if not own_path.endswith("/") and relative:
                    self._send(301, "text/plain; charset=utf-8", b"", {"Location": own_path + "/"})
                    return
                path = path / "index.html"
            found = path is not None and path.is_file()
        except OSError:  # e.g. a name longer than the file system allows
            found = False
        if not found:
            self._send_text(404, "not found")
            return
        media_type = guess_type(path)
        size = path.stat().st_size
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(size))
        self._common_headers()
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
        self._common_headers()
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _common_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        origin = self._cors_origin()
        if origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Expose-Headers", f"{TRUNCATED_HEADER}, {MAX_ROWS_HEADER}")
        if self.server.cors_origins:
            self.send_header("Vary", "Origin")

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's signature)
        log.info("%s %s", self.address_string(), format % args)


EXTRA_TYPES = {".nq": "application/n-quads", ".trig": "application/trig", ".jsonld": "application/ld+json",
               ".ttl": "text/turtle", ".nt": "application/n-triples", ".rq": "application/sparql-query",
               ".json": "application/json", ".js": "text/javascript", ".css": "text/css",
               ".svg": "image/svg+xml", ".txt": "text/plain"}


def request_host(header: str | None) -> str | None:
    """The host name of a ``Host`` header, lower-case, without port or IPv6 brackets."""
    if not header:
        return None
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        rest = header[end + 1:] if end > 0 else None
        if rest is None or not (rest == "" or (rest.startswith(":") and rest[1:].isascii() and rest[1:].isdigit())):
            return None  # "[::1].evil.com" or "[::1]/x" is no host name
        return header[1:end]
    name, _, port = header.rpartition(":")
    return name if name and port.isascii() and port.isdigit() else header


def is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
    inside = path.relative_to(root).parts
    if inside and inside[0] in private:  # a link inside the build that points into store/
        return None
    return path


# --- entry points --------------------------------------------------------------------------------


def make_server(outputs: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
                timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS,
                workers: int = DEFAULT_WORKERS, worker_memory_mb: int = DEFAULT_WORKER_MEMORY_MB,
                allow_hosts: tuple[str, ...] = (), cors: tuple[str, ...] = ()) -> SparqlServer:
    """A started query pool and a bound (not yet serving) HTTP server. ``port=0`` picks a free port.

    The server answers to the loopback names, ``host`` and ``allow_hosts``; ``cors`` lists the
    web origins allowed to query it from their pages.

    The workers are started with multiprocessing's "spawn", which imports the caller's main
    module again in each worker: a script that calls this needs the usual
    ``if __name__ == "__main__":`` guard, and cannot be fed to ``python -`` on stdin.
    """
    from .store import open_store

    if timeout <= 0:
        raise ClauseGraphError("--timeout must be a positive number of seconds")
    if max_rows < 1:
        raise ClauseGraphError("--max-rows must be at least 1")
    if worker_memory_mb < 64:
        raise ClauseGraphError("--worker-memory must be at least 64 (MB)")
    for origin in cors:
        parts = urllib.parse.urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise ClauseGraphError(f"--cors {origin!r}: give an origin such as https://example.org")
    outputs = Path(outputs)
    probe = open_store(current_build_folder(outputs))  # one clear line when nothing was built
    del probe  # the workers open their own read-only handles

    def pool_factory(folder: Path) -> QueryPool:
        pool = QueryPool(folder, workers=workers, max_rows=max_rows, memory_mb=worker_memory_mb)
        pool.start()
        if not pool.network_sealed:
            log.warning("the query workers could not give up the network (no network namespaces here); "
                        "SERVICE is still refused by the query check")
        return pool

    hosts = LOOPBACK_HOSTS | {host.lower().strip("[]")} | {h.lower().strip("[]") for h in allow_hosts}
    try:
        return SparqlServer((host, port), outputs, pool_factory, timeout=timeout, max_rows=max_rows,
                            allowed_hosts=frozenset(hosts), cors_origins=frozenset(o.rstrip("/") for o in cors))
    except OSError as exc:
        raise ClauseGraphError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


def serve(outputs: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, ready=None, **options) -> None:
    """Serve until interrupted (``options`` as for make_server). ``ready(server)`` is called once
    the socket listens."""
    server = make_server(outputs, host, port, **options)
    try:
        if ready is not None:
            ready(server)
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
