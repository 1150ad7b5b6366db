"""`clausegraph serve`: the real server over HTTP, with SPARQLWrapper and plain urllib / http.client.

Most tests run against a small store made here from an N-Quads fixture (laid out like a build:
outputs/manifest.json, outputs/store/, a page or two), so they do not wait for the corpus build;
one test serves a real `clausegraph build` output.
"""

from __future__ import annotations

import csv
import http.client as httpclient
import io
import json
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from clausegraph.serve import (
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    TRUNCATED_HEADER,
    NotAcceptable,
    make_server,
    negotiate,
    safe_path,
)
from clausegraph.querycheck import check_query

ID = "https://w3id.org/clausegraph/id/"
CG = "https://w3id.org/clausegraph/ontology#"
GRAPH_A = ID + "doc-a/graph"
GRAPH_B = ID + "doc-b/graph"
ONTOLOGY = "https://w3id.org/clausegraph/ontology"
CLAUSES_A = 60  # clauses in doc-a: more than MAX_ROWS, so SELECT * is cut
MAX_ROWS = 50
TIMEOUT = 2.0  # seconds: the server's per-query limit in these tests
TRICKY = 'Zürich "quoted"\ttab\nnew line – ✓ 𝄞 \\ back'

# The fixture dataset: a few hand-written quads with awkward literals, plus doc-a's clauses.
FIXTURE_NQUADS = f"""\
<{CG}Clause> <http://www.w3.org/2000/01/rdf-schema#label> "clause"@en <{ONTOLOGY}> .
<{ID}doc-b> <{CG}documentId> "doc-b" <{GRAPH_B}> .
<{ID}doc-b/clause/1> <{CG}label> "1" <{GRAPH_B}> .
<{ID}doc-b/clause/1> <{CG}inDocument> <{ID}doc-b> <{GRAPH_B}> .
<{ID}doc-b/clause/1> <{CG}heading> "Representations"@en-US <{GRAPH_B}> .
<{ID}doc-b/clause/1> <{CG}text> {json.dumps(TRICKY, ensure_ascii=False)} <{GRAPH_B}> .
<{ID}doc-b/clause/1> <{CG}weight> "1.50"^^<http://www.w3.org/2001/XMLSchema#decimal> <{GRAPH_B}> .
<{ID}doc-b/clause/1> <{CG}note> _:n1 <{GRAPH_B}> .
_:n1 <{CG}says> "blank" <{GRAPH_B}> .
<{ID}doc-a> <{CG}documentId> "doc-a" <{GRAPH_A}> .
""" + "".join(
    f'<{ID}doc-a/clause/{i}> <{CG}label> "{i}" <{GRAPH_A}> .\n'
    f'<{ID}doc-a/clause/{i}> <{CG}order> "{i}"^^<http://www.w3.org/2001/XMLSchema#integer> <{GRAPH_A}> .\n'
    f"<{ID}doc-a/clause/{i}> <{CG}inDocument> <{ID}doc-a> <{GRAPH_A}> .\n"
    for i in range(CLAUSES_A)
)
FIXTURE_QUADS = 9 + 1 + 3 * CLAUSES_A
SECRET = "outside the outputs folder"


def make_fixture_outputs(folder: Path) -> Path:
    """An outputs folder as `build` lays it out: manifest.json, store/, dataset.nq, pages."""
    out = folder / "outputs"
    (out / "docs" / "doc-a").mkdir(parents=True)
    (out / "dataset.nq").write_text(FIXTURE_NQUADS, encoding="utf-8")
    store = ox.Store(str(out / "store"))
    store.bulk_load(path=str(out / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    store.flush()
    assert len(store) == FIXTURE_QUADS
    del store
    manifest = {"clausegraph": "test", "documents": [{"doc": "doc-a"}, {"doc": "doc-b"}]}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (out / "index.html").write_text("<!DOCTYPE html><title>index</title><p>corpus index</p>", encoding="utf-8")
    (out / "docs" / "doc-a" / "reader.html").write_text("<p>reader of doc-a</p>", encoding="utf-8")
    (folder / "secret.txt").write_text(SECRET, encoding="utf-8")
    (out / "docs" / "escape").symlink_to(folder)  # a link that points out of outputs/
    return out


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    return make_fixture_outputs(tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def server(outputs):
    """The real HTTP server on a free loopback port, run in a thread of this process."""
    srv = make_server(outputs, "127.0.0.1", 0, timeout=TIMEOUT, max_rows=MAX_ROWS, workers=2)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) of one request with plain urllib; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def get_query(server, query: str, accept: str | None = None, **params):
    url = f"{server.base_url}/sparql?" + urllib.parse.urlencode({"query": query, **params})
    return http("GET", url, headers={"Accept": accept} if accept else {})


def post_form(server, fields: dict, accept: str | None = None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept:
        headers["Accept"] = accept
    return http("POST", f"{server.base_url}/sparql", urllib.parse.urlencode(fields).encode(), headers)


def raw_get(server, path: str):
    """A GET with the path sent exactly as written (urllib would not, for some)."""
    host, port = server.server_address[:2]
    conn = httpclient.HTTPConnection(host, port, timeout=30)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wrapper(server, query: str, fmt=JSON, method=None) -> SPARQLWrapper:
    sparql = SPARQLWrapper(f"{server.base_url}/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    if method:
        sparql.setMethod(method)
    return sparql


LABELS_B = f"SELECT ?label ?heading WHERE {{ ?c <{CG}label> ?label ; <{CG}heading> ?heading }}"


# --- a standard client ----------------------------------------------------------------------------


@pytest.mark.parametrize("method", [None, POST], ids=["GET", "POST"])
def test_sparqlwrapper_select_json(server, method):
    """SPARQLWrapper's SELECT (GET and form POST) gets SPARQL JSON with the exact terms."""
    result = wrapper(server, LABELS_B, JSON, method).query().convert()
    assert result["head"]["vars"] == ["label", "heading"]
    assert result["results"]["bindings"] == [{
        "label": {"type": "literal", "value": "1"},
        "heading": {"type": "literal", "value": "Representations", "xml:lang": "en-us"},
    }]


def test_sparqlwrapper_ask_construct_and_xml(server):
    """ASK gives a boolean, CONSTRUCT parses as Turtle, XML results parse as XML, via SPARQLWrapper."""
    assert wrapper(server, f"ASK {{ <{ID}doc-a> <{CG}documentId> \"doc-a\" }}").query().convert()["boolean"] is True
    assert wrapper(server, f"ASK {{ <{ID}doc-a> <{CG}documentId> \"nope\" }}").query().convert()["boolean"] is False
    graph = wrapper(server, f"CONSTRUCT {{ ?c <{CG}label> ?l }} WHERE {{ GRAPH <{GRAPH_A}> {{ ?c <{CG}label> ?l }} }} "
                            "ORDER BY ?l LIMIT 5", TURTLE).query().convert()
    triples = list(ox.parse(graph, format=ox.RdfFormat.TURTLE))
    assert len(triples) == 5 and all(t.predicate.value == CG + "label" for t in triples)
    doc = wrapper(server, LABELS_B, XML).query().convert()  # an xml.dom.minidom Document
    literals = [n.firstChild.data for n in doc.getElementsByTagName("literal")]
    assert literals == ["1", "Representations"]


def test_sparqlwrapper_csv_and_tsv(server):
    """CSV and TSV through SPARQLWrapper: header row, then the values (TSV in N-Triples form)."""
    body = wrapper(server, LABELS_B, CSV).query().convert().decode("utf-8")
    assert body == "label,heading\r\n1,Representations\r\n"
    body = wrapper(server, LABELS_B, TSV).query().convert().decode("utf-8")
    assert body == '?label\t?heading\n"1"\t"Representations"@en-us\n'


def test_post_sparql_query_body(server):
    """POST with Content-Type application/sparql-query carries the query as the body."""
    status, headers, body = http("POST", f"{server.base_url}/sparql", LABELS_B.encode(),
                                 {"Content-Type": "application/sparql-query",
                                  "Accept": "application/sparql-results+json"})
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["label"]["value"] == "1"


# --- content negotiation ----------------------------------------------------------------------------

SELECT_TRICKY = f"SELECT ?text ?weight ?note WHERE {{ ?c <{CG}text> ?text ; <{CG}weight> ?weight ; <{CG}note> ?note }}"
CONSTRUCT_B = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH_B}> {{ ?s ?p ?o }} }}"

NEGOTIATION = [
    # (Accept, ?format=, query, expected Content-Type)
    (None, None, SELECT_TRICKY, "application/sparql-results+json"),  # no Accept: JSON
    ("*/*", None, SELECT_TRICKY, "application/sparql-results+json"),  # anything: JSON
    ("text/html,application/xhtml+xml,*/*;q=0.8", None, SELECT_TRICKY, "application/sparql-results+json"),  # a browser
    ("application/sparql-results+xml", None, SELECT_TRICKY, "application/sparql-results+xml"),
    ("text/csv;q=0.5, application/sparql-results+xml", None, SELECT_TRICKY, "application/sparql-results+xml"),  # q wins
    ("text/tab-separated-values", None, SELECT_TRICKY, "text/tab-separated-values"),
    ("application/json", None, SELECT_TRICKY, "application/sparql-results+json"),  # plain JSON alias
    ("text/*", None, SELECT_TRICKY, "text/csv"),  # a type wildcard: our first text format
    (None, "csv", SELECT_TRICKY, "text/csv"),  # ?format= overrides
    ("application/sparql-results+xml", "json", SELECT_TRICKY, "application/sparql-results+json"),  # ... even Accept
    (None, None, CONSTRUCT_B, "text/turtle"),  # graphs: Turtle by default
    ("application/n-triples", None, CONSTRUCT_B, "application/n-triples"),
    ("application/rdf+xml", None, CONSTRUCT_B, "application/rdf+xml"),
    ("application/ld+json", None, CONSTRUCT_B, "application/ld+json"),
    ("application/sparql-results+json, text/turtle;q=0.9", None, CONSTRUCT_B, "text/turtle"),  # YASGUI-like
    (None, "ntriples", f"DESCRIBE <{ID}doc-b/clause/1>", "application/n-triples"),
]


@pytest.mark.parametrize("accept, fmt, query, expected", NEGOTIATION)
def test_content_negotiation(server, accept, fmt, query, expected):
    """The Accept header (and ?format=) picks the result format; the body parses in that format."""
    params = {"format": fmt} if fmt else {}
    status, headers, body = get_query(server, query, accept, **params)
    assert status == 200, body
    assert headers["Content-Type"].split(";")[0] == expected
    if expected in ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"):
        rdf_format = ox.RdfFormat.from_media_type(expected)
        assert len(list(ox.parse(body, format=rdf_format))) == (8 if "CONSTRUCT" in query else 7)
    elif expected == "text/csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
        assert rows[0] == ["text", "weight", "note"] and rows[1][:2] == [TRICKY, "1.5"]
        assert rows[1][2].startswith("_:")
    else:
        results_format = ox.QueryResultsFormat.from_media_type(expected)
        solutions = list(ox.parse_query_results(body, format=results_format))
        assert len(solutions) == 1
        assert solutions[0]["text"] == ox.Literal(TRICKY)
        assert solutions[0]["weight"] == ox.Literal("1.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
        assert isinstance(solutions[0]["note"], ox.BlankNode)


@pytest.mark.parametrize("results_format", [ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.TSV])
def test_our_serialisers_agree_with_oxigraphs(server, outputs, results_format):
    """Our (capped) JSON, XML and TSV serialisers give the same solutions as Oxigraph's own."""
    query = f"SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} ORDER BY ?g ?s ?p ?o LIMIT {MAX_ROWS}"
    status, _, body = get_query(server, query, results_format.media_type.split(";")[0])
    assert status == 200
    ours = [[s[v] for v in ("g", "s", "p", "o")] for s in ox.parse_query_results(body, format=results_format)]
    store = ox.Store.read_only(str(outputs / "store"))
    own = store.query(query).serialize(format=results_format)
    theirs = [[s[v] for v in ("g", "s", "p", "o")] for s in ox.parse_query_results(own, format=results_format)]

    def without_bnode_ids(rows):
        return [[None if isinstance(t, ox.BlankNode) else t for t in row] for row in rows]

    assert len(ours) == MAX_ROWS and without_bnode_ids(ours) == without_bnode_ids(theirs)


def test_not_acceptable(server):
    """An Accept header the server cannot meet gets 406 with the types it can send."""
    status, _, body = get_query(server, LABELS_B, "image/png")
    assert status == 406 and b"application/sparql-results+json" in body
    status, _, body = get_query(server, LABELS_B, None, format="yaml")
    assert status == 400 and b"unknown result format 'yaml'" in body


NEGOTIATE_TABLE = [
    # (formats, Accept, ?format=, expected name) — the pure function, including edge cases
    (SOLUTION_FORMATS, "application/sparql-results+json;q=0, */*;q=0.1", None, "xml"),  # q=0 excludes
    (SOLUTION_FORMATS, "text/csv, text/tab-separated-values", None, "csv"),  # ties: the client's order
    (SOLUTION_FORMATS, "text/tab-separated-values, text/csv", None, "tsv"),
    (SOLUTION_FORMATS, "text/csv;q=0.2, text/*;q=0.9", None, "tsv"),  # most specific range sets csv's q
    (GRAPH_FORMATS, "application/turtle,text/turtle", None, "turtle"),  # SPARQLWrapper's TURTLE
    (GRAPH_FORMATS, None, "xml", "rdfxml"),  # SPARQLWrapper sends format=xml for RDF/XML
    (SOLUTION_FORMATS, None, "application/sparql-results+xml", "xml"),  # a media type as ?format=
    (SOLUTION_FORMATS, "TEXT/CSV", None, "csv"),  # case-insensitive
]


@pytest.mark.parametrize("formats, accept, requested, expected", NEGOTIATE_TABLE)
def test_negotiate_table(formats, accept, requested, expected):
    """negotiate() follows q-values, specificity and order, and maps SPARQLWrapper's names."""
    assert negotiate(formats, accept, requested).name == expected


def test_negotiate_refuses():
    """negotiate() raises NotAcceptable when every offered type has q=0 or does not match."""
    with pytest.raises(NotAcceptable):
        negotiate(GRAPH_FORMATS, "application/sparql-results+json", None)
    with pytest.raises(NotAcceptable):
        negotiate(SOLUTION_FORMATS, "*/*;q=0", None)


# --- read-only: refusals -------------------------------------------------------------------------

REFUSED = [
    # (query text, the word the message must contain)
    (f"INSERT DATA {{ GRAPH <{GRAPH_A}> {{ <{ID}x> <{CG}label> \"x\" }} }}", "INSERT"),
    (f"PREFIX cg: <{CG}>\nDELETE WHERE {{ ?s cg:label ?o }}", "DELETE"),  # after a prologue
    ("# a comment first\nBASE <http://ex/> LOAD <http://example.org/data.ttl>", "LOAD"),
    (f"DROP GRAPH <{GRAPH_A}>", "DROP"),
    ("drop all", "DROP"),  # keywords are case-insensitive
    ("CLEAR DEFAULT", "CLEAR"),
    (f"WITH <{GRAPH_A}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}", "WITH"),
    ("COPY DEFAULT TO <http://ex/g>", "COPY"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o .service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),  # no space
    ("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", "SERVICE"),
]


@pytest.mark.parametrize("query, word", REFUSED)
def test_updates_load_and_service_are_refused(server, query, word):
    """Updates, LOAD and SERVICE get 403 with a message naming what was refused; nothing changes."""
    status, _, body = post_form(server, {"query": query})
    assert status == 403, body
    assert body.decode().startswith("read-only endpoint") and word in body.decode()
    _, _, body = get_query(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(FIXTURE_QUADS)


@pytest.mark.parametrize("via", ["update-form", "sparql-update-body", "sparqlwrapper"])
def test_update_operations_refused_by_protocol(server, via):
    """The protocol's update forms (update=, application/sparql-update, SPARQLWrapper) are refused."""
    update = f"INSERT DATA {{ GRAPH <{GRAPH_A}> {{ <{ID}x> <{CG}label> \"x\" }} }}"
    if via == "update-form":
        status, _, body = post_form(server, {"update": update})
    elif via == "sparql-update-body":
        status, _, body = http("POST", f"{server.base_url}/sparql", update.encode(),
                               {"Content-Type": "application/sparql-update"})
    else:
        sparql = wrapper(server, update, JSON, POST)
        with pytest.raises(urllib.error.HTTPError) as info:
            sparql.query()
        status, body = info.value.code, info.value.read()
    assert status == 403 and b"SPARQL Update is refused" in body
    assert get_query(server, f"ASK {{ <{ID}x> ?p ?o }}")[2] == b'{"head": {}, "boolean": false}'


NOT_REFUSED = [
    # (query, why it is fine) — the words appear, but not as keywords
    ('SELECT ?service WHERE { ?s ?p "SERVICE" }', "a variable and a string"),
    ("SELECT * WHERE { ?s <http://ex/SERVICE> ?o } # SERVICE <http://x> {}", "an IRI and a comment"),
    ("PREFIX service: <http://ex/> SELECT * WHERE { ?s service:drop ?o }", "prefixed names"),
    ("SELECT * WHERE { ?s ?p 'INSERT DATA { <a> <b> <c> }' }", "an update inside a string"),
    ('SELECT * WHERE { ?s ?p """multi\nSERVICE <http://x> { }\nline""" }', "a long string"),
    ('SELECT * WHERE { ?s ?p "say \\"SERVICE\\"" }', "escaped quotes in a string"),
    ("SELECT * WHERE { ?s ?p ?o FILTER(lang(?o) = 'en') } # DROP ALL", "a comment after the query"),
]


@pytest.mark.parametrize("query, why", NOT_REFUSED)
def test_refusal_looks_at_keywords_only(query, why):
    """The query check ignores the words inside strings, IRIs, comments, variables and prefixed names."""
    assert check_query(query).ok, why


def test_refusal_ignored_words_still_run(server):
    """A query that merely mentions SERVICE in a string runs normally."""
    status, _, body = get_query(server, 'SELECT ?service WHERE { BIND("SERVICE" AS ?service) }')
    assert status == 200 and json.loads(body)["results"]["bindings"] == [{"service": {"type": "literal", "value": "SERVICE"}}]


def test_other_methods_are_refused(server):
    """PUT and DELETE (Graph Store writes) get 405."""
    status, _, body = http("PUT", f"{server.base_url}/sparql?graph={GRAPH_A}", b"<a> <b> <c> .",
                           {"Content-Type": "text/turtle"})
    assert status == 405 and b"read-only" in body
    assert http("DELETE", f"{server.base_url}/sparql?graph={GRAPH_A}")[0] == 405


# --- malformed queries ---------------------------------------------------------------------------

MALFORMED = [
    # (query, a piece of the message: the query check's parser for syntax, Oxigraph's for the rest)
    ("SELECT * WHERE { ?s ?p ", "(line:1, col:"),
    ("SELEKT * WHERE { ?s ?p ?o }", "(line:1, col:1)"),
    ("SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?s", "error at 1:"),  # ?x neither grouped nor aggregated
    ("SELECT * WHERE { ?s nope:p ?o }", "Prefix not found"),  # undeclared prefix
]


@pytest.mark.parametrize("query, message", MALFORMED)
def test_malformed_queries_get_400_with_the_parser_message(server, query, message):
    """A malformed query gets 400 and the parser's message, with the place, in the body."""
    status, headers, body = get_query(server, query)
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    assert body.decode().startswith("malformed SPARQL:") and message in body.decode()


def test_sparqlwrapper_sees_bad_query(server):
    """SPARQLWrapper turns the 400 into QueryBadFormed, carrying the parser message."""
    with pytest.raises(QueryBadFormed, match="line:1"):
        wrapper(server, "SELECT * WHERE { ?s ?p ").query()


@pytest.mark.parametrize("params, status", [
    ({"query": "   "}, 400),  # a blank one (no query at all is the service description)
    ({"query": ""}, 400),
])
def test_missing_query(server, params, status):
    """/sparql with an empty query says how to send one."""
    code, _, body = http("GET", f"{server.base_url}/sparql?" + urllib.parse.urlencode(params))
    assert code == status and b"missing query" in body


def test_post_without_query(server):
    """A form POST with no query field says how to send one."""
    code, _, body = post_form(server, {"default-graph-uri": GRAPH_A})
    assert code == 400 and b"missing query" in body


# --- time limit and result cap -----------------------------------------------------------------------

EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # 190^4 rows


def test_time_limit_stops_an_expensive_query(server):
    """A cross product of all triples four times over is stopped at the limit with 503 and a message."""
    started = time.monotonic()
    status, _, body = get_query(server, EXPENSIVE)
    elapsed = time.monotonic() - started
    assert status == 503 and b"time limit of 2 s" in body
    assert TIMEOUT <= elapsed < TIMEOUT + 3
    # the killed worker is replaced: the server keeps answering, also several queries at once
    results = []

    def ask():
        results.append(get_query(server, f"ASK {{ <{ID}doc-a> ?p ?o }}")[2])

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == [b'{"head": {}, "boolean": true}'] * 4


def test_time_limit_with_sparqlwrapper(server):
    """SPARQLWrapper gets an HTTP 503 for a query over the limit."""
    with pytest.raises(urllib.error.HTTPError) as info:
        wrapper(server, EXPENSIVE).query()
    assert info.value.code == 503


@pytest.mark.parametrize("query, accept, count", [
    ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "application/sparql-results+json", FIXTURE_QUADS),
    ("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", "application/n-triples", FIXTURE_QUADS),
])
def test_result_cap_truncates_with_a_header(server, query, accept, count):
    """More rows (or triples) than --max-rows: the first MAX_ROWS are sent, and a header says so."""
    assert count > MAX_ROWS
    status, headers, body = get_query(server, query, accept)
    assert status == 200
    assert headers[TRUNCATED_HEADER].startswith("true") and str(MAX_ROWS) in headers[TRUNCATED_HEADER]
    if accept.endswith("json"):
        assert len(json.loads(body)["results"]["bindings"]) == MAX_ROWS
    else:
        assert len(body.decode().strip().splitlines()) == MAX_ROWS


def test_result_under_the_cap_is_not_marked(server):
    """A result within the cap carries no truncation header."""
    status, headers, body = get_query(server, f"SELECT * WHERE {{ GRAPH <{GRAPH_B}> {{ ?s ?p ?o }} }}")
    assert status == 200 and TRUNCATED_HEADER not in headers
    assert len(json.loads(body)["results"]["bindings"]) == 8


def test_dataset_parameters(server):
    """default-graph-uri restricts the default graph to that graph (instead of the union)."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{CG}label> ?o }}"
    counts = {}
    for params in ({}, {"default-graph-uri": GRAPH_B}, {"default-graph-uri": GRAPH_A}):
        _, _, body = get_query(server, query, **params)
        counts[params.get("default-graph-uri", "union")] = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    assert counts == {"union": CLAUSES_A + 1, GRAPH_B: 1, GRAPH_A: CLAUSES_A}


# --- files: pages, assets, traversal ---------------------------------------------------------------

FILES = [
    # (path as sent, status, a piece of the body or None)
    ("/", 200, b"corpus index"),
    ("/index.html", 200, b"corpus index"),
    ("/docs/doc-a/reader.html", 200, b"reader of doc-a"),
    ("/dataset.nq", 200, b"<https://w3id.org/clausegraph/id/doc-b>"),
    ("/_static/yasgui/yasgui.min.js", 200, None),
    ("/manifest.json", 200, b'"doc-a"'),
    ("/missing.html", 404, None),
    ("/../secret.txt", 404, None),  # plain ..
    ("/docs/../../secret.txt", 404, None),
    ("/%2e%2e/secret.txt", 404, None),  # percent-encoded dots
    ("/docs/..%2f..%2fsecret.txt", 404, None),  # an encoded slash
    ("/docs/..%5c..%5csecret.txt", 404, None),  # an encoded backslash
    ("/docs/escape/secret.txt", 404, None),  # a symlink out of outputs/
    ("/store/CURRENT", 404, None),  # the database files are not pages
    ("/_static/../serve.py", 404, None),  # out of the static folder
    ("/_static/%2e%2e/%2e%2e/serve.py", 404, None),
    ("/_static/query.html", 404, None),  # the page template only at /query
    ("/docs/%00/reader.html", 404, None),  # a NUL byte
]


@pytest.mark.parametrize("path, status, fragment", FILES)
def test_files_and_traversal(server, path, status, fragment):
    """Files under outputs/ are served; nothing outside it (.., encodings, symlinks) nor store/ is."""
    code, body = raw_get(server, path)
    assert code == status
    assert SECRET.encode() not in body
    if fragment:
        assert fragment in body


@pytest.mark.parametrize("relative, inside", [
    ("index.html", True), ("docs/doc-a/reader.html", True), ("", True),
    ("../secret.txt", False), ("docs/../../secret.txt", False), ("docs\\..\\..\\secret.txt", False),
    ("docs/escape/secret.txt", False), ("store/CURRENT", False), ("/etc/passwd", True),  # = outputs/etc/passwd
])
def test_safe_path_table(outputs, relative, inside):
    """safe_path() keeps every path inside the root and away from private folders."""
    path = safe_path(outputs, relative, ("store",))
    assert (path is not None) == inside
    if path is not None:
        assert path.is_relative_to(outputs.resolve())


def test_content_types_of_files(server):
    """Files go out with their media types (N-Quads, HTML, JavaScript)."""
    for path, media in (("/dataset.nq", "application/n-quads"), ("/", "text/html"),
                        ("/_static/yasgui/yasgui.min.js", "text/javascript")):
        status, headers, _ = http("GET", server.base_url + path)
        assert status == 200 and headers["Content-Type"].split(";")[0] == media


# --- the query page ---------------------------------------------------------------------------------


def test_query_page_html(server):
    """/query is the editor page: vendored assets, a CSP limited to this server, named queries inlined."""
    status, headers, body = http("GET", f"{server.base_url}/query")
    page = body.decode("utf-8")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "connect-src 'self'" in headers["Content-Security-Policy"]
    assert '<script src="_static/yasgui/yasgui.min.js">' in page
    assert "http://" not in page.split("<body>")[1].split('id="named-queries"')[0]  # no external URL in the markup
    named = json.loads(page.split('id="named-queries">')[1].split("</script>")[0])
    assert isinstance(named, dict)


@pytest.mark.browser
def test_query_page_runs_a_query_in_chromium(server):
    """In headless Chromium, /query loads with no console error, runs a query and shows the result,
    and every request goes to this server only."""
    from support.browser import chromium_available, recording_page

    reason = chromium_available()
    if reason:
        pytest.skip(reason)
    with recording_page(allow_urls=[server.base_url]) as rec:
        rec.page.goto(f"{server.base_url}/query")
        rec.page.wait_for_load_state("networkidle")
        assert rec.errors == []
        query = f"SELECT ?heading WHERE {{ <{ID}doc-b/clause/1> <{CG}heading> ?heading }}"
        rec.page.evaluate("q => { yasgui.getTab().getYasqe().setValue(q); yasgui.getTab().query(); }", query)
        rec.page.wait_for_selector(".yasr table.dataTable td", timeout=15_000)
        text = rec.page.inner_text(".yasr")
        assert "Representations" in text
        assert rec.errors == []
        outside = [u for u in rec.network_requests if not u.startswith(server.base_url + "/")]
        assert outside == []
        assert f"{server.base_url}/sparql" in rec.network_requests


# --- the real command ----------------------------------------------------------------------------------


def clausegraph_command() -> list[str]:
    exe = shutil.which("clausegraph", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "clausegraph.cli"]


def _children(pid: int) -> list[int]:
    """Child processes of ``pid``, whichever of its threads started them (Linux /proc)."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return children


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_cli_serve_subprocess(outputs):
    """`clausegraph serve --port 0` prints its URL, answers SPARQL, and SIGTERM stops it and its workers."""
    process = subprocess.Popen([*clausegraph_command(), "serve", "--store", str(outputs), "--port", "0",
                                "--workers", "1", "--timeout", "3"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("serving http://127.0.0.1:"), (line, process.stderr.read() if process.poll() else "")
        base = line.split()[1].rstrip("/")
        status, _, body = http("GET", f"{base}/sparql?" + urllib.parse.urlencode({"query": LABELS_B}))
        assert status == 200 and json.loads(body)["results"]["bindings"][0]["label"]["value"] == "1"
        workers = _children(process.pid)
        assert workers, "expected a query worker process"
        process.send_signal(signal.SIGTERM)
        assert process.wait(20) == 0
        deadline = time.monotonic() + 10
        while any(_running(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_running(w) for w in workers)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux-only")
def test_killed_server_leaves_no_busy_worker(outputs):
    """SIGKILL of the server while a worker runs an endless query takes the worker down too."""
    process = subprocess.Popen([*clausegraph_command(), "serve", "--store", str(outputs), "--port", "0",
                                "--workers", "1", "--timeout", "60"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = process.stdout.readline().split()[1].rstrip("/")
        def endless_query():
            try:
                http("GET", f"{base}/sparql?" + urllib.parse.urlencode({"query": EXPENSIVE}))
            except (OSError, httpclient.HTTPException):
                pass  # the server is killed under it

        threading.Thread(target=endless_query, daemon=True).start()
        time.sleep(1.0)  # the worker is now deep in the cross product
        workers = _children(process.pid)
        assert workers and all(_running(w) for w in workers)
        process.kill()
        process.wait(10)
        deadline = time.monotonic() + 10
        while any(_running(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_running(w) for w in workers)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def test_cli_serve_without_a_build(tmp_path):
    """`clausegraph serve` on an empty folder fails at once with one clear line and exit code 3."""
    result = subprocess.run([*clausegraph_command(), "serve", "--store", str(tmp_path), "--port", "0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 3
    assert result.stderr.strip().startswith("clausegraph:") and "clausegraph build" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- a real build -------------------------------------------------------------------------------------


def test_serves_a_real_build(built):
    """Over a real `clausegraph build`: every document's named graph is there, the endpoint counts
    every quad of the store, and each named query answers exactly what the embedded store answers."""
    from clausegraph.store import document_graph_iri, load_query, open_store, query_names

    _, out = built
    if not (out / "store" / "CURRENT").exists():
        pytest.skip("the build does not write outputs/store/ yet (issue 4, store.py)")
    store = open_store(out)
    srv = make_server(out, "127.0.0.1", 0, timeout=30, max_rows=100_000, workers=1)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        _, _, body = get_query(srv, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        graphs = {b["g"]["value"] for b in json.loads(body)["results"]["bindings"]}
        assert {document_graph_iri(d["doc"]) for d in manifest["documents"]} <= graphs
        _, _, body = get_query(srv, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == len(store)
        names = query_names()
        assert names, "no named queries in ontology/queries/"
        for name in names:
            text = load_query(name)
            status, _, body = post_form(srv, {"query": text}, "application/sparql-results+json")
            assert status == 200, (name, body[:300])
            served = json.loads(body)
            own = json.loads(store.query(text).serialize(format=ox.QueryResultsFormat.JSON))
            assert served["head"]["vars"] == own["head"]["vars"], name
            # as multisets: rows that tie under ORDER BY come in hash order, which varies by process
            assert sorted(json.dumps(b, sort_keys=True) for b in served["results"]["bindings"]) == \
                sorted(json.dumps(b, sort_keys=True) for b in own["results"]["bindings"]), name
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)
