"""`clausegraph serve` under attack (issue 9, items 4–7): nothing leaves the machine, only the
configured host names and origins are answered, resources are bounded, and a rebuild is served
whole. Every test drives the real server over HTTP on 127.0.0.1; "contact" is checked with a real
listening socket that records whether anything connected to it.
"""

from __future__ import annotations

import http.client as httpclient
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from clausegraph.serve import CONTENT_SECURITY_POLICY, QueryJob, QueryPool, SOLUTION_FORMATS, make_server
from test_serve import FIXTURE_QUADS, get_query, http, make_fixture_outputs, post_form

ROOT = Path(__file__).resolve().parent.parent
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.contacts: list[bytes] = []
        self._stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                self.contacts.append(conn.recv(300))
            except OSError:
                self.contacts.append(b"")
            conn.close()

    def close(self):
        self._stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.fixture()
def listener():
    lst = Listener()
    yield lst
    lst.close()


def start(outputs: Path, **options):
    srv = make_server(outputs, "127.0.0.1", 0, **{"timeout": 5.0, "max_rows": 50, "workers": 2, **options})
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    return srv, thread


def stop(srv, thread):
    srv.shutdown()
    srv.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    return make_fixture_outputs(tmp_path_factory.mktemp("serve-security"))


@pytest.fixture(scope="module")
def server(outputs):
    srv, thread = start(outputs, allow_hosts=("contracts.internal",), cors=("https://app.example",))
    yield srv
    stop(srv, thread)


def raw(server, method: str, path: str, headers: dict, body: bytes = b""):
    """One request with exactly these headers (Host included): (status, headers, body)."""
    host, port = server.server_address[:2]
    conn = httpclient.HTTPConnection(host, port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for key, value in headers.items():
            conn.putheader(key, value)
        if body:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body or None)
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


# --- item 5: SERVICE never leaves the machine ---------------------------------------------------------

def service_payloads(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/x"
    return [
        # the red team's bypass of the keyword filter: a \u escape in an IRI, then '#'
        f"SELECT * WHERE {{ OPTIONAL {{ ?s ?p <http://a\\u0041#> }} SERVICE <{url}> {{ ?x ?y ?z }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o . SERVICE <{url}> {{ ?x ?y ?z }} }}",
        f"SELECT * WHERE {{ {{ SELECT * {{ SERVICE SILENT <{url}> {{ ?a ?b ?c }} }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?a ?b ?c }} }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?a ?b ?c }} }}",
    ]


@pytest.mark.parametrize("index", range(5))
@pytest.mark.parametrize("via", ["get", "form", "sparql-query body", "cross-origin form"])
def test_service_is_refused_and_nothing_is_contacted(server, listener, index, via):
    """Every way of sending a SERVICE query is answered 403 or 400, and the URL is never fetched."""
    query = service_payloads(listener.port)[index]
    if via == "get":
        status, _, body = get_query(server, query)
    elif via == "form":
        status, _, body = post_form(server, {"query": query})
    elif via == "sparql-query body":
        status, _, body = http("POST", f"{server.base_url}/sparql", query.encode(),
                               {"Content-Type": "application/sparql-query"})
    else:  # what an auto-submitted form on another origin sends
        status, _, body = http("POST", f"{server.base_url}/sparql", urllib.parse.urlencode({"query": query}).encode(),
                               {"Content-Type": "application/x-www-form-urlencoded",
                                "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert status in (400, 403), body
    time.sleep(0.3)
    assert listener.contacts == []


def test_workers_have_no_network_even_when_the_check_is_bypassed(outputs, listener):
    """The second wall: a SERVICE query handed straight to a worker cannot reach a loopback port."""
    if not sys.platform.startswith("linux"):
        pytest.skip("network namespaces are Linux-only")
    pool = QueryPool(outputs, workers=1, max_rows=10)
    pool.start()
    try:
        assert pool.network_sealed
        job = QueryJob(query=f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?a ?b ?c }} }}",
                       solution_format=SOLUTION_FORMATS[0], graph_format=None)
        answer = pool.run(job, 5.0)
        assert answer.status >= 400  # the fetch fails inside the worker ...
        # ... and the worker still answers the next query (the store opened before the seal)
        ok = pool.run(QueryJob(query=COUNT, solution_format=SOLUTION_FORMATS[0], graph_format=None), 5.0)
        assert ok.status == 200 and json.loads(ok.body)["results"]["bindings"][0]["n"]["value"] == str(FIXTURE_QUADS)
    finally:
        pool.close()
    time.sleep(0.3)
    assert listener.contacts == []


def test_oxigraph_would_fetch_without_the_walls(listener):
    """The threat is real: Oxigraph in an ordinary process does contact a SERVICE URL (so the two
    tests above would fail without the check and the sealed workers)."""
    import pyoxigraph as ox

    with pytest.raises(OSError):
        list(ox.Store().query(f"SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?a ?b ?c }} }}"))
    time.sleep(0.3)
    assert listener.contacts and listener.contacts[0].startswith(b"POST /x")


def test_cli_query_file_with_service_is_refused_unless_allowed(tmp_path, listener):
    """`clausegraph query FILE.rq` refuses SERVICE in one line; with --allow-service a failing
    SERVICE is one line too, not a traceback."""
    from clausegraph.build import build

    out = tmp_path / "outputs"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("1. The Seller shall deliver the Goods.\n\n2. The Buyer shall pay.\n", encoding="utf-8")
    assert build([corpus], out).documents
    rq = tmp_path / "federated.rq"
    rq.write_text(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?a ?b ?c }} }}", encoding="utf-8")
    cmd = [sys.executable, "-m", "clausegraph.cli", "query", str(rq), "--store", str(out)]
    refused = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and refused.stdout == ""
    assert len(refused.stderr.strip().splitlines()) == 1 and "SERVICE" in refused.stderr and "--allow-service" in refused.stderr
    assert listener.contacts == []
    allowed = subprocess.run(cmd + ["--allow-service"], capture_output=True, text=True, timeout=120)
    assert allowed.returncode != 0
    assert len(allowed.stderr.strip().splitlines()) == 1 and "SERVICE call failed" in allowed.stderr
    assert "Traceback" not in allowed.stderr


# --- item 6: host names, origins, CORS, CSP ------------------------------------------------------------

@pytest.mark.parametrize("host, status", [
    ("127.0.0.1", 200),
    ("localhost", 200),
    ("[::1]", 200),
    ("contracts.internal", 200),  # --allow-host
    ("evil.example", 403),  # a DNS-rebinding page: its name now points here
    ("127.0.0.1.nip.io", 403),
    ("", 403),
])
def test_only_configured_host_names_are_answered(server, host, status):
    """Requests whose Host is not a loopback name, --host or --allow-host get 403, pages and SPARQL alike."""
    port = server.server_address[1]
    headers = {"Host": f"{host}:{port}"} if host else {}
    for path in ("/", "/sparql?" + urllib.parse.urlencode({"query": COUNT})):
        code, _, body = raw(server, "GET", path, headers)
        assert code == status, (host, path, body)
    if status == 403:
        assert b"host name" in body


@pytest.mark.parametrize("headers, status", [
    ({"Origin": "http://evil.example"}, 403),
    ({"Sec-Fetch-Site": "cross-site"}, 403),
    ({"Origin": "null"}, 403),  # a sandboxed frame, or a page opened from disk
    ({}, 200),  # curl, SPARQLWrapper: no Origin
    ({"Sec-Fetch-Site": "same-origin"}, 200),
])
def test_cross_origin_posts_are_refused(server, headers, status):
    """A page on another origin cannot make the endpoint run a query."""
    code, response_headers, _ = http("POST", f"{server.base_url}/sparql", urllib.parse.urlencode({"query": COUNT}).encode(),
                                     {"Content-Type": "application/x-www-form-urlencoded", **headers})
    assert code == status
    assert "Access-Control-Allow-Origin" not in response_headers


def test_same_origin_post_is_answered(server):
    """The query page's own requests (Origin = this server) run."""
    host, port = server.server_address[:2]
    code, _, body = http("POST", f"{server.base_url}/sparql", urllib.parse.urlencode({"query": COUNT}).encode(),
                         {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://{host}:{port}"})
    assert code == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(FIXTURE_QUADS)


def test_cors_only_for_the_configured_origin(server):
    """--cors ORIGIN: that origin gets Access-Control-Allow-Origin (and a preflight answer); no other does."""
    url = f"{server.base_url}/sparql?" + urllib.parse.urlencode({"query": COUNT})
    code, headers, _ = http("GET", url, headers={"Origin": "https://app.example"})
    assert code == 200 and headers["Access-Control-Allow-Origin"] == "https://app.example"
    code, headers, _ = http("OPTIONS", f"{server.base_url}/sparql",
                            headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"})
    assert code == 204 and "POST" in headers["Access-Control-Allow-Methods"]
    code, headers, _ = http("GET", url, headers={"Origin": "https://other.example"})
    assert code == 403 and "Access-Control-Allow-Origin" not in headers


def test_no_cors_headers_without_cors(outputs):
    """Without --cors no response carries Access-Control-Allow-Origin, whatever the Origin."""
    srv, thread = start(outputs)
    try:
        url = f"{srv.base_url}/sparql?" + urllib.parse.urlencode({"query": COUNT})
        for origin in ("https://app.example", f"http://127.0.0.1:{srv.server_address[1]}"):
            _, headers, _ = http("GET", url, headers={"Origin": origin})
            assert "Access-Control-Allow-Origin" not in headers
    finally:
        stop(srv, thread)


@pytest.mark.parametrize("path", ["/", "/docs/doc-a/reader.html", "/query", "/nope", "/sparql"])
def test_every_response_has_a_content_security_policy(server, path):
    """Pages, the editor, errors and SPARQL answers all carry the CSP."""
    _, headers, _ = http("GET", server.base_url + path)
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


def test_serve_warns_when_host_is_not_loopback(outputs):
    """`clausegraph serve --host 0.0.0.0` says on stderr that other machines can reach it."""
    proc = subprocess.Popen([sys.executable, "-m", "clausegraph.cli", "serve", "--host", "0.0.0.0", "--port", "0",
                             "--store", str(outputs), "--workers", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("serving ")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "not a loopback address" in err


# --- item 7: resource limits -----------------------------------------------------------------------------

def test_a_query_over_the_memory_cap_gets_503_and_the_server_goes_on(outputs):
    """A sort over a cross product stops at the worker's memory cap with 503; the next query runs."""
    srv, thread = start(outputs, timeout=60.0, worker_memory_mb=1024, workers=1)
    try:
        hog = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
        status, _, body = get_query(srv, hog)
        assert status == 503 and b"memory" in body
        status, _, body = get_query(srv, COUNT)
        assert status == 200
    finally:
        stop(srv, thread)


def test_a_cheap_query_is_answered_while_expensive_ones_run(outputs):
    """Two expensive queries occupy both workers; a cheap one is still answered before they end."""
    srv, thread = start(outputs, timeout=8.0, workers=2)
    results: dict[str, int] = {}

    def expensive(name):
        results[name] = get_query(srv, EXPENSIVE)[0]

    runners = [threading.Thread(target=expensive, args=(f"e{i}",)) for i in range(2)]
    try:
        for r in runners:
            r.start()
        time.sleep(1.0)  # both are running now
        status, _, body = get_query(srv, COUNT)
        assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(FIXTURE_QUADS)
        assert all(r.is_alive() for r in runners)  # answered while both were still running
        # an expensive query arriving meanwhile is sent back, not queued for the whole limit
        status, _, body = get_query(srv, EXPENSIVE)
        assert status == 503 and b"busy" in body
    finally:
        for r in runners:
            r.join(30)
        stop(srv, thread)
    assert results == {"e0": 503, "e1": 503}  # both stopped at the time limit


def test_silent_connections_are_dropped(outputs, monkeypatch):
    """A connection that sends nothing is closed after the read timeout (not held forever)."""
    from clausegraph.serve import SparqlHandler

    monkeypatch.setattr(SparqlHandler, "timeout", 1.0)
    srv, thread = start(outputs)
    try:
        idle = [socket.create_connection(srv.server_address[:2], timeout=10) for _ in range(20)]
        status, _, _ = get_query(srv, COUNT)  # others are served meanwhile
        assert status == 200
        time.sleep(2.5)
        for sock in idle:
            assert sock.recv(100) == b""  # closed by the server
            sock.close()
    finally:
        stop(srv, thread)


def test_an_oversized_body_gets_its_413(server):
    """A 10 MB POST is read and answered 413 with a message, not a broken pipe."""
    body = b"query=" + b"x" * (10 * 1024 * 1024)
    status, _, text = http("POST", f"{server.base_url}/sparql", body,
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413 and b"request body over" in text


# --- item 4: a rebuild is served whole ------------------------------------------------------------------

def test_serve_switches_to_a_new_build(tmp_path):
    """After `build` replaces the outputs, SPARQL and pages both answer from the new build,
    consistently, with no error in between."""
    from clausegraph.build import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "first.txt").write_text("1. The Seller shall deliver the Goods.\n\n2. The Buyer shall pay.\n",
                                      encoding="utf-8")
    out = tmp_path / "outputs"
    assert build([corpus], out).documents
    docs = "PREFIX cg: <https://w3id.org/clausegraph/ontology#> SELECT ?d WHERE { ?x cg:documentId ?d } ORDER BY ?d"
    srv, thread = start(out)
    try:
        _, _, body = get_query(srv, docs)
        assert [b["d"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["first"]
        (corpus / "second.txt").write_text("1. The Lender shall lend.\n\n2. The Borrower shall repay.\n",
                                           encoding="utf-8")
        assert len(build([corpus], out).documents) == 2
        for _ in range(6):  # every answer now, from every worker, is the new build's
            status, _, body = get_query(srv, docs)
            assert status == 200
            assert [b["d"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["first", "second"]
        status, _, page = http("GET", srv.base_url + "/")
        assert status == 200 and b"second" in page
    finally:
        stop(srv, thread)


# --- the second red-team pass ------------------------------------------------------------------------

def escape_payloads(port: int) -> list[str]:
    """rdflib expands \\u escapes over the whole text, Oxigraph only in strings and IRIs: the
    same characters are a string to one parser and a SERVICE pattern to the other."""
    url = f"http://127.0.0.1:{port}/x"
    return [
        'SELECT * WHERE { FILTER(COALESCE("A\\u0022, ")) SERVICE <' + url + '> { ?x ?y ?z } #" ))\n}',
        'SELECT * WHERE { FILTER(COALESCE("A\\U00000022, ")) SERVICE <' + url + '> { ?x ?y ?z } #" ))\n}',
        "SELECT * WHERE { FILTER(COALESCE('A\\u0027, ')) SERVICE <" + url + "> { ?x ?y ?z } #' ))\n}",
        'SELECT * WHERE { FILTER(COALESCE("""A\\u0022\\u0022\\u0022, """)) SERVICE <' + url + '> { ?x ?y ?z } #""" ))\n}',
    ]


@pytest.mark.parametrize("index", range(4))
def test_codepoint_escape_differentials_are_refused(server, listener, index):
    """Queries whose \\u escapes the two parsers read differently are refused before they run."""
    status, _, body = http("POST", f"{server.base_url}/sparql", escape_payloads(listener.port)[index].encode(),
                           {"Content-Type": "application/sparql-query"})
    assert status == 400 and b"codepoint escapes" in body
    time.sleep(0.3)
    assert listener.contacts == []


def test_cli_refuses_the_escape_differential_and_cannot_reach_a_server(tmp_path, listener):
    """`clausegraph query FILE.rq` refuses the same file; and the process it runs the query in has
    no network (the CLI's second wall), checked with the function it uses."""
    rq = tmp_path / "bypass.rq"
    rq.write_text(escape_payloads(listener.port)[0], encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "clausegraph.cli", "query", str(rq), "--store", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "codepoint escapes" in done.stderr and "Traceback" not in done.stderr
    probe = (
        "import socket, sys\n"
        "from clausegraph.querycheck import seal_network\n"
        "assert seal_network()\n"
        f"try:\n    socket.create_connection(('127.0.0.1', {listener.port}), timeout=3)\n"
        "except OSError:\n    sys.exit(0)\n"
        "sys.exit(1)\n"
    )
    assert subprocess.run([sys.executable, "-c", probe], timeout=60).returncode == 0
    time.sleep(0.3)
    assert listener.contacts == []


def test_a_slowloris_client_is_dropped_at_the_request_deadline(outputs, monkeypatch):
    """A client that trickles its headers a byte at a time is cut off at REQUEST_DEADLINE, so 64
    of them cannot lock everyone out."""
    import clausegraph.serve as serve_module

    monkeypatch.setattr(serve_module, "REQUEST_DEADLINE", 1.5)
    srv, thread = start(outputs)
    try:
        sock = socket.create_connection(srv.server_address[:2], timeout=10)
        sock.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{srv.server_address[1]}\r\nX-a: ".encode())
        closed = False
        for _ in range(40):  # 40 bytes, 0.25 s apart: far past the deadline if never cut
            try:
                sock.sendall(b"a")
                sock.settimeout(0.25)
                if sock.recv(100) == b"":
                    closed = True
                    break
            except socket.timeout:
                continue
            except OSError:
                closed = True
                break
        sock.close()
        assert closed
        assert get_query(srv, COUNT)[0] == 200
    finally:
        stop(srv, thread)


def test_three_expensive_queries_do_not_starve_a_cheap_one(outputs):
    """With every worker busy (two general, the reserved one too), a cheap query takes the
    reserved worker as soon as it is free again, before the long queries end."""
    srv, thread = start(outputs, timeout=12.0, workers=2)
    runners = [threading.Thread(target=get_query, args=(srv, EXPENSIVE)) for _ in range(3)]
    try:
        for r in runners:
            r.start()
            time.sleep(0.3)
        status, _, body = get_query(srv, COUNT)
        assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(FIXTURE_QUADS)
        assert sum(r.is_alive() for r in runners) >= 2  # the general workers' queries still run
    finally:
        for r in runners:
            r.join(40)
        stop(srv, thread)


def test_a_result_over_the_byte_cap_is_refused(server):
    """One 64 MB literal is one row: the byte cap, not the row cap, stops it."""
    binds = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(16))
    query = f'SELECT ?v16 WHERE {{ BIND("{"a" * 1024}" AS ?v0) {binds} }}'
    status, _, body = post_form(server, {"query": query})
    assert status == 503 and b"MB" in body
    assert get_query(server, COUNT)[0] == 200


@pytest.mark.parametrize("method, target, headers, status", [
    ("HEAD", "/", {}, 501),  # http.server's own answer
    ("BREW", "/", {}, 501),
    ("GET", "/" + "x" * 300, {}, 404),  # a name longer than the file system allows
])
def test_every_error_has_the_security_headers(server, method, target, headers, status):
    """Errors that http.server writes itself carry the CSP and nosniff like every other answer."""
    port = server.server_address[1]
    code, response_headers, _ = raw(server, method, target, {"Host": f"127.0.0.1:{port}", **headers})
    assert code == status
    assert response_headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response_headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("host", ["[::1].evil.com", "[::1]/evil.com/x", "[::1]garbage stuff"])
def test_bracketed_hosts_with_a_tail_are_refused(server, host):
    """'[::1]' followed by anything but a port is no loopback name."""
    code, _, _ = raw(server, "GET", "/sparql", {"Host": host, "Accept": "text/turtle"})
    assert code == 403


def test_content_length_must_be_ascii_digits(server):
    """A Content-Length of a non-ASCII digit ('²') is 411, not a dropped connection."""
    port = server.server_address[1]
    code, _, _ = raw(server, "POST", "/sparql", {"Host": f"127.0.0.1:{port}", "Content-Length": "²",
                                                  "Content-Type": "application/sparql-query"})
    assert code == 411


def test_an_absolute_form_target_is_not_reflected(server):
    """GET http://evil.example/docs redirects to /docs/ on this server, never to the other host."""
    port = server.server_address[1]
    code, headers, _ = raw(server, "GET", "http://evil.example/docs", {"Host": f"127.0.0.1:{port}"})
    assert code == 301 and headers["Location"] == "/docs/"


def test_from_selects_the_named_graph(server):
    """A query with FROM runs on that graph only (the union default would ignore it)."""
    from test_serve import GRAPH_B

    status, _, body = get_query(server, f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_B}> WHERE {{ ?s ?p ?o }}")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "8"


def test_a_link_into_the_store_is_not_served(outputs, server):
    """A symbolic link inside the build that points into store/ is refused like store/ itself."""
    link = outputs / "docs" / "storelink"
    if not link.exists():
        link.symlink_to(outputs / "store")
    names = [p.name for p in (outputs / "store").iterdir() if p.is_file()]
    assert names
    for path in ("/docs/storelink/", f"/docs/storelink/{names[0]}"):
        assert http("GET", server.base_url + path)[0] == 404


@pytest.mark.parametrize("value, message", [
    ("v=\udcff\udcfe", "not valid text"),  # undecodable bytes, as a shell passes them
    ("v=abc^^xsd:integer", "not a valid integer"),
])
def test_bind_values_that_cannot_be_terms_are_one_line(tmp_path, value, message):
    """--bind with bytes that are no text, or a typed value of the wrong form, is one line."""
    import os

    done = subprocess.run([os.fsencode(sys.executable), b"-m", b"clausegraph.cli", b"query", b"documents",
                           b"--bind", os.fsencode(value), b"--store", os.fsencode(str(tmp_path))],
                          capture_output=True, timeout=120)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode != 0 and message in err and "Traceback" not in err
