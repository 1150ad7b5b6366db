"""``clausegraph push``: send each named graph to an existing SPARQL server.

SPARQL 1.1 Graph Store Protocol, one ``PUT {graph-store}?graph={iri}`` per named graph (each
document's graph, the corpus entities graph and the ontology graph), so pushing again replaces
every graph instead of adding a second copy. Bodies are N-Triples: every server reads them
(Virtuoso 7 answers 500 to TriG with a GRAPH block and to JSON-LD; tests/support/VIRTUOSO.md).
Afterwards the SPARQL endpoint is asked how many triples each graph holds, and a count that
differs from the local store's is an error: the push is verified, not assumed.

Credentials: HTTP digest (Virtuoso's ``/sparql-graph-crud-auth``) or basic. The password
comes from the environment or a prompt, never from the command line, and never appears in a
message or a log line. With digest, each PUT is preceded by a body-less GET that fetches a
fresh challenge, so the PUT goes out already signed and its body is sent once. urllib's own
digest handler sends the body unsigned first and again after the 401; that doubles the upload,
and tests/support/VIRTUOSO.md saw Virtuoso reset the connection instead of answering 401 to an
unsigned request with a big body (a 3 MB PUT did get its 401 here, so it is not every time).
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from base64 import b64encode
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ClauseGraphError

log = logging.getLogger("clausegraph.push")

# Seconds to wait for one HTTP answer; a PUT of 50k triples took 1.5 s on Virtuoso here.
HTTP_TIMEOUT = 120.0
# Seconds the first look at each URL may take: a URL where nothing answers fails in this time,
# naming the URL, instead of after HTTP_TIMEOUT per graph.
PREFLIGHT_TIMEOUT = 5.0
GRAPH_STORE_HINT = ("is it a SPARQL 1.1 Graph Store Protocol URL? Virtuoso: http://HOST:8890/sparql-graph-crud, "
                    "Fuseki: http://HOST:3030/DATASET/data")
# The query string parameter that names the graph (SPARQL 1.1 Graph Store Protocol §4.2).
GRAPH_PARAM = "graph"
# Characters of a server's error body quoted in our message, e.g. Virtuoso's "SR133: ...".
ERROR_EXCERPT = 300
NTRIPLES = "application/n-triples"
SPARQL_JSON = "application/sparql-results+json"


class PushError(ClauseGraphError):
    """The server refused a graph, could not be reached, or holds other counts than we sent."""

    exit_code = 5


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)  # never in a repr, a log line or a message
    kind: str = "digest"  # or "basic"


@dataclass(frozen=True)
class PushedGraph:
    graph: str
    triples: int  # what we sent
    status: int  # the server's answer: 201 created, 200/204 replaced
    seconds: float
    remote_triples: int | None = None  # what the endpoint counts afterwards


@dataclass
class PushReport:
    graph_store: str
    endpoint: str
    graphs: list[PushedGraph]
    seconds: float

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)


def redact(url: str) -> str:
    """A URL fit for messages: any user:password@ part removed."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def graph_url(graph_store: str, graph: str) -> str:
    """The Graph Store Protocol URL of one named graph (indirect identification)."""
    joiner = "&" if urllib.parse.urlsplit(graph_store).query else "?"
    return f"{graph_store}{joiner}{urllib.parse.urlencode({GRAPH_PARAM: graph})}"


class _Client:
    """urllib with the credentials applied up front (digest: from a fresh challenge)."""

    def __init__(self, credentials: Credentials | None, timeout: float = HTTP_TIMEOUT):
        self.credentials = credentials
        self.timeout = timeout
        self._opener = urllib.request.build_opener()  # no auth handlers: we sign requests ourselves

    def request(self, method: str, url: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
        if self.credentials is not None:
            authorization = self._authorization(request)
            if authorization:
                request.add_unredirected_header("Authorization", authorization)
        return self._send(request)

    def _send(self, request: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise PushError(f"{redact(request.full_url)}: no answer within {self.timeout:g} s; "
                                f"{GRAPH_STORE_HINT}") from exc
            raise PushError(f"{redact(request.full_url)}: cannot reach the server ({reason})") from exc

    def _authorization(self, request: urllib.request.Request) -> str | None:
        creds = self.credentials
        if creds.kind == "basic":
            token = b64encode(f"{creds.user}:{creds.password}".encode("utf-8")).decode("ascii")
            return f"Basic {token}"
        # digest: ask for a challenge with a body-less GET of the same URL
        probe = urllib.request.Request(request.full_url, method="GET")
        try:
            with self._opener.open(probe, timeout=self.timeout):
                return None  # the server let us in without credentials
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "")
            exc.read()
            if exc.code != 401:
                return None  # e.g. 404 for a graph not there yet: this URL needs no password
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PushError(f"{redact(request.full_url)}: cannot reach the server ({reason})") from exc
        scheme, _, params = challenge.partition(" ")
        if scheme.lower() != "digest":
            raise PushError(f"{redact(request.full_url)}: the server asks for {scheme or 'unknown'} "
                            "authentication, not digest (try --auth basic)")
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, request.full_url, creds.user, creds.password)
        signer = urllib.request.AbstractDigestAuthHandler(passwords)
        chal = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(params)))
        try:
            signed = signer.get_authorization(request, chal)
        except (ValueError, UnicodeEncodeError) as exc:
            raise PushError(f"{redact(request.full_url)}: cannot answer the digest challenge ({exc})") from exc
        return f"Digest {signed}" if signed else None


def _excerpt(body: bytes) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return text[:ERROR_EXCERPT] + ("…" if len(text) > ERROR_EXCERPT else "")


def _count_triples(ntriples: bytes) -> int:
    return sum(1 for line in ntriples.splitlines() if line.strip() and not line.lstrip().startswith(b"#"))


def remote_counts(client: _Client, endpoint: str, graphs: list[str]) -> dict[str, int]:
    """Triples per named graph on the server, by one SPARQL query."""
    values = " ".join(f"<{g}>" for g in graphs)
    query = (f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
             "GROUP BY ?g")
    body = urllib.parse.urlencode({"query": query}).encode("utf-8")
    status, answer = client.request("POST", endpoint, body, {
        "Content-Type": "application/x-www-form-urlencoded", "Accept": SPARQL_JSON})
    if status != 200:
        raise PushError(f"{redact(endpoint)}: counting the pushed triples failed: HTTP {status} {_excerpt(answer)}")
    try:
        rows = json.loads(answer)["results"]["bindings"]
        return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}
    except (ValueError, KeyError, TypeError) as exc:
        raise PushError(f"{redact(endpoint)}: unexpected answer to a SPARQL COUNT ({exc})") from exc


def _preflight(client: _Client, endpoint: str, first_graph_url: str) -> None:
    """Fail at once, naming the URL, when the endpoint or the Graph Store does not answer HTTP.
    Any answer will do here (a 404 for a graph not there yet, a 401 before credentials)."""
    client.request("GET", first_graph_url)
    client.request("GET", endpoint + ("&" if "?" in endpoint else "?") + urllib.parse.urlencode({"query": "ASK {}"}),
                   headers={"Accept": SPARQL_JSON})


def push(folder: Path, endpoint: str, graph_store: str | None = None, *,
         credentials: Credentials | None = None, timeout: float = HTTP_TIMEOUT) -> PushReport:
    """PUT every named graph of the store in ``folder`` and verify the counts via ``endpoint``.

    ``graph_store`` defaults to ``endpoint`` (servers may serve both on one URL; Virtuoso's
    Graph Store is ``…/sparql-graph-crud``, Fuseki's ``…/data``).
    """
    from .store import open_store

    for url in (endpoint, graph_store):
        if url is None:
            continue
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise PushError(f"{redact(url)}: expected an http:// or https:// URL")
        if parts.username is not None:
            raise PushError(f"{redact(url)}: give credentials with --user and $CLAUSEGRAPH_PASSWORD, not in the URL")
    graph_store = graph_store or endpoint
    store = open_store(Path(folder))
    graphs = store.named_graphs()
    client = _Client(credentials, timeout)
    if graphs:
        _preflight(_Client(credentials, min(timeout, PREFLIGHT_TIMEOUT)), endpoint, graph_url(graph_store, graphs[0]))
    started = time.monotonic()
    pushed = []
    for graph in graphs:
        body = store.graph_ntriples(graph)
        t0 = time.monotonic()
        status, answer = client.request("PUT", graph_url(graph_store, graph), body,
                                        {"Content-Type": f"{NTRIPLES}; charset=utf-8"})
        if status not in (200, 201, 204):
            hint = " (wrong or missing credentials?)" if status in (401, 403) else ""
            raise PushError(f"{redact(graph_store)}: PUT of <{graph}> answered HTTP {status}{hint}: {_excerpt(answer)}")
        pushed.append(PushedGraph(graph, _count_triples(body), status, time.monotonic() - t0))
        log.info("PUT <%s>: %d triples, HTTP %d", graph, pushed[-1].triples, status)
    counts = remote_counts(client, endpoint, [p.graph for p in pushed]) if pushed else {}
    verified = [PushedGraph(p.graph, p.triples, p.status, p.seconds, counts.get(p.graph, 0)) for p in pushed]
    wrong = [p for p in verified if p.remote_triples != p.triples]
    if wrong:
        details = "; ".join(f"<{p.graph}> sent {p.triples}, server has {p.remote_triples}" for p in wrong[:3])
        raise PushError(f"{redact(endpoint)}: the server's triple counts differ from what was sent: {details}")
    return PushReport(redact(graph_store), redact(endpoint), verified, time.monotonic() - started)
