"""The endpoint speaks the protocol fully (issue 12): a service description at GET /sparql,
N-Quads and TriG for CONSTRUCT, 406 that says what is offered, dereferenceable node IRIs, and
the ontology as a page. Driven over HTTP against a real build of two small contracts.
"""

from __future__ import annotations

import threading
import urllib.parse

import pytest
import rdflib

from clausegraph.build import build
from clausegraph.serve import make_server
from test_serve import get_query, http

CG = "https://w3id.org/clausegraph/ontology#"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
SUPPLY = """SUPPLY AGREEMENT

This Supply Agreement is made between Acme Corp. (the "Seller") and Beta LLC (the "Buyer").

1. Delivery. The Seller shall deliver the Goods within ten days. The "Goods" means the products listed in Section 2.

2. Payment. The Buyer shall pay for the Goods as provided in Section 1.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("linked-data")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "supply.txt").write_text(SUPPLY, encoding="utf-8")
    report = build([corpus], root / "outputs")
    assert report.documents, report.errors
    srv = make_server(root / "outputs", "127.0.0.1", 0, timeout=10.0, workers=1)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def no_redirect(server, path: str, accept: str):
    """(status, Location) without following a redirect."""
    import http.client

    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request("GET", path, headers={"Accept": accept})
        response = conn.getresponse()
        response.read()
        return response.status, response.headers.get("Location")
    finally:
        conn.close()


def node_of(server, query: str) -> str:
    _, _, body = get_query(server, f"PREFIX cg: <{CG}> SELECT ?n WHERE {{ {query} }} LIMIT 1",
                           accept="text/csv")
    return body.decode().splitlines()[1].strip()


def test_service_description(server):
    """GET /sparql without a query gives a SPARQL 1.1 Service Description naming the endpoint,
    its result formats and the named graphs; a browser is sent to the query page."""
    status, headers, body = http("GET", f"{server.base_url}/sparql", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=body, format="turtle")
    service = rdflib.URIRef(f"{server.base_url}/sparql")
    assert (service, rdflib.RDF.type, SD.Service) in g
    assert (service, SD.endpoint, service) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    names = {str(o) for o in g.objects(None, SD.name)}
    assert "https://w3id.org/clausegraph/id/supply/graph" in names
    assert rdflib.URIRef("http://www.w3.org/ns/formats/N-Quads") in set(g.objects(service, SD.resultFormat))
    assert no_redirect(server, "/sparql", "text/html,application/xhtml+xml,*/*;q=0.8") == (303, "/query")


@pytest.mark.parametrize("accept, rdflib_format", [
    ("application/n-quads", "nquads"),
    ("application/trig", "trig"),
    ("text/turtle", "turtle"),
])
def test_construct_in_quad_formats(server, accept, rdflib_format):
    """CONSTRUCT answers in N-Quads and TriG as well as Turtle, with the same triples."""
    query = f"PREFIX cg: <{CG}> CONSTRUCT {{ ?c cg:label ?l }} WHERE {{ ?c cg:label ?l }}"
    status, headers, body = get_query(server, query, accept=accept)
    assert status == 200 and headers["Content-Type"].startswith(accept)
    parsed = rdflib.Dataset().parse(data=body, format=rdflib_format)
    labels = {str(o) for _, _, o, _ in parsed.quads((None, rdflib.URIRef(CG + "label"), None, None))}
    assert {"1", "2"} <= labels


def test_406_says_what_is_offered(server):
    """A client that accepts nothing this result comes in is told which types it could have."""
    query = f"PREFIX cg: <{CG}> CONSTRUCT {{ ?c cg:label ?l }} WHERE {{ ?c cg:label ?l }}"
    status, _, body = get_query(server, query, accept="image/png")
    assert status == 406
    assert b"text/turtle" in body and b"application/n-quads" in body and b"image/png" in body


def test_clause_iri_dereferences_to_the_reader_and_to_turtle(server):
    """/id/… of a clause: a browser is sent to its anchor in the reader; a data client gets its triples."""
    iri = node_of(server, '?n cg:label "2" ; cg:inDocument ?d . ?d cg:documentId "supply"')
    path = urllib.parse.urlsplit(iri).path.removeprefix("/clausegraph")
    assert path.startswith("/id/supply/")
    status, location = no_redirect(server, path, "text/html")
    assert status == 303 and location == "/docs/supply/reader.html#2"
    status, _, page = http("GET", server.base_url + location.split("#")[0])
    assert status == 200 and b'id="2"' in page
    status, headers, body = http("GET", server.base_url + path, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=body, format="turtle")
    assert (rdflib.URIRef(iri), rdflib.URIRef(CG + "label"), rdflib.Literal("2")) in g


def test_term_iri_dereferences_to_its_clause(server):
    """A defined term's IRI leads a browser to the clause where it is defined."""
    iri = node_of(server, "?n a cg:DefinedTerm ; cg:termText ?t FILTER(str(?t) = \"Seller\")")
    path = urllib.parse.urlsplit(iri).path.removeprefix("/clausegraph")
    status, location = no_redirect(server, path, "text/html")
    assert status == 303 and location == "/docs/supply/reader.html#preamble"


@pytest.mark.parametrize("path", ["/id/no-such-doc/sec_1", "/id/", "/id/supply/sec_9%3E%20%7B"])
def test_unknown_or_malformed_iris_are_404(server, path):
    """A node the build does not have (or a path that is no IRI) is 404, for pages and data alike."""
    for accept in ("text/html", "text/turtle"):
        assert no_redirect(server, path, accept)[0] == 404


def test_ontology_page(server):
    """/ontology documents every class and property as HTML; as Turtle by Accept or /ontology.ttl."""
    status, headers, body = http("GET", f"{server.base_url}/ontology", headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert 'id="Clause"' in page and 'id="DeonticStatement"' in page and 'id="bearer"' in page
    for accept, path in (("text/turtle", "/ontology"), ("*/*", "/ontology.ttl")):
        status, headers, body = http("GET", server.base_url + path, headers={"Accept": accept})
        assert status == 200 and headers["Content-Type"].startswith("text/turtle")
        g = rdflib.Graph().parse(data=body, format="turtle")
        assert (rdflib.URIRef(CG + "Clause"), rdflib.RDF.type, rdflib.OWL.Class) in g
