"""Manual check of tests/support/virtuoso.py against the real Virtuoso.

    /work/venv/bin/python tests/support/check_virtuoso.py

Starts a throw-away server, exercises the Graph Store Protocol (PUT replaces,
content types, tricky literals, digest-auth endpoint) and the SPARQL endpoint
(JSON results, GRAPH ?g), and prints what it found.  Exits non-zero on a
failed expectation.  Not a pytest module (no test_ prefix).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from support.virtuoso import running_virtuoso, virtuoso_available  # noqa: E402

G1 = "http://example.org/g1"
failures: list[str] = []


def check(cond: bool, what: str) -> None:
    print(("  ok   " if cond else "  FAIL ") + what)
    if not cond:
        failures.append(what)


def http(method: str, url: str, data: bytes | None = None, headers=None, opener=None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type"), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read()


def select(vt, query: str) -> list[dict]:
    body = urllib.parse.urlencode({"query": query}).encode()
    st, ct, data = http("POST", vt.sparql_url, body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json"})
    assert st == 200, (st, data[:500])
    assert ct.startswith("application/sparql-results+json"), ct
    return json.loads(data)["results"]["bindings"]


def count(vt, graph: str) -> int:
    rows = select(vt, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"]["value"])


def put(vt, graph: str, text: str, ctype: str, url=None, opener=None):
    return http("PUT", url or vt.graph_url(graph), text.encode("utf-8"),
                {"Content-Type": ctype}, opener)


def main() -> int:
    reason = virtuoso_available()
    if reason:
        print("SKIP:", reason)
        return 0
    with tempfile.TemporaryDirectory(prefix="vt-check-") as tmp:
        t0 = time.monotonic()
        with running_virtuoso(tmp) as vt:
            t_ready = time.monotonic() - t0
            print(f"binary={vt.binary} sparql={vt.sparql_url} gsp={vt.graph_store_url}")
            print(f"auth={vt.auth} auth_kind={vt.auth_kind} dba_auth={vt.dba_auth}/{vt.dba_auth_kind}")
            print(f"HTTP endpoint answered after {vt.startup_seconds:.2f}s; "
                  f"ready incl. GRANT after {t_ready:.2f}s")

            print("PUT / replace:")
            st, _, _ = put(vt, G1, "<http://ex/s> <http://ex/p> <http://ex/o1> .\n"
                                   "<http://ex/s> <http://ex/p> <http://ex/o2> .\n"
                                   "<http://ex/s> <http://ex/p> <http://ex/o3> .\n",
                           "application/n-triples")
            check(st in (200, 201, 204), f"PUT n-triples -> {st}")
            check(count(vt, G1) == 3, f"3 triples after first PUT (got {count(vt, G1)})")
            st, _, _ = put(vt, G1, "@prefix ex: <http://ex/> .\nex:s ex:q ex:only .\n",
                           "text/turtle")
            check(st in (200, 201, 204), f"second PUT text/turtle -> {st}")
            check(count(vt, G1) == 1, f"PUT replaces: 1 triple now (got {count(vt, G1)})")

            print("GRAPH ?g:")
            put(vt, "http://example.org/g2",
                "<http://ex/a> <http://ex/b> <http://ex/c> .\n", "text/turtle")
            rows = select(vt, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                              "FILTER(STRSTARTS(STR(?g), 'http://example.org/')) } "
                              "GROUP BY ?g ORDER BY ?g")
            got = {r["g"]["value"]: int(r["n"]["value"]) for r in rows}
            print("   ", got)
            check(got == {G1: 1, "http://example.org/g2": 1}, "GRAPH ?g sees g1 and g2 only")
            rows = select(vt, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            print(f"    (all graphs in a fresh DB: {len(rows)}: "
                  f"{sorted(r['g']['value'] for r in rows)[:8]} ...)")

            print("content types for PUT:")
            samples = {
                "text/turtle": "<http://ex/s> <http://ex/p> \"x\" .\n",
                "application/x-turtle": "<http://ex/s> <http://ex/p> \"x\" .\n",
                "application/n-triples": "<http://ex/s> <http://ex/p> \"x\" .\n",
                "text/plain": "<http://ex/s> <http://ex/p> \"x\" .\n",
                "text/n3": "<http://ex/s> <http://ex/p> \"x\" .\n",
                "application/rdf+xml": '<?xml version="1.0"?><rdf:RDF xmlns:rdf='
                    '"http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex/">'
                    '<rdf:Description rdf:about="http://ex/s"><ex:p>x</ex:p>'
                    '</rdf:Description></rdf:RDF>',
                "application/ld+json": '{"@id": "http://ex/s", "http://ex/p": "x"}',
                "application/trig": "<http://ex/s> <http://ex/p> \"x\" .\n",
                "text/turtle; charset=utf-8": "<http://ex/s> <http://ex/p> \"x\" .\n",
            }
            for i, (ct, text) in enumerate(samples.items()):
                g = f"http://example.org/ct{i}"
                st, _, body = put(vt, g, text, ct)
                n = count(vt, g)
                print(f"    {ct:28s} -> HTTP {st}, {n} triple(s)"
                      + ("" if st < 300 else f"  {body[:120]!r}"))

            print("tricky literals (round trip through PUT + SELECT json):")
            tricky = 'say "hi"\nnext line – Zürich ✓ 𝄞 \\ back\ttab'
            long_s = "x" * 100_000 + "é"
            esc = (tricky.replace("\\", "\\\\").replace('"', '\\"')
                   .replace("\n", "\\n").replace("\t", "\\t"))
            ttl = (
                "@prefix ex: <http://ex/> .\n"
                "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
                f'ex:s ex:tricky "{esc}" .\n'
                f'ex:s ex:triple """{tricky.replace(chr(92), chr(92) * 2)}""" .\n'
                'ex:s ex:lang "Vertrag"@de .\n'
                'ex:s ex:langsub "color"@en-US .\n'
                'ex:s ex:int "42"^^xsd:integer .\n'
                "ex:s ex:intbare 7 .\n"
                'ex:s ex:big "123456789012345678901234567890"^^xsd:integer .\n'
                'ex:s ex:dec "3.14"^^xsd:decimal .\n'
                'ex:s ex:date "2004-05-01"^^xsd:date .\n'
                'ex:s ex:bool true .\n'
                'ex:s ex:custom "abc"^^<http://ex/mytype> .\n'
                f'ex:s ex:long "{long_s}" .\n'
                "ex:s ex:iri <http://ex/caf%C3%A9> .\n"
                "ex:s ex:iri2 <http://ex/café> .\n"
                "_:b ex:blank ex:s .\n"
            )
            st, _, body = put(vt, "http://example.org/lit", ttl, "text/turtle")
            check(st in (200, 201, 204), f"PUT tricky turtle -> {st} {body[:200]!r}")
            rows = select(vt, "SELECT ?p ?o (DATATYPE(?o) AS ?dt) (LANG(?o) AS ?l) WHERE "
                              "{ GRAPH <http://example.org/lit> { ?s ?p ?o } }")
            by_p = {r["p"]["value"].rsplit("/", 1)[1]: r for r in rows}
            for k, r in sorted(by_p.items()):
                o = r["o"]
                v = o["value"]
                shown = v if len(v) < 60 else f"<{len(v)} chars>"
                print(f"    {k:8s} {o['type']:14s} {shown!r} datatype={o.get('datatype')}"
                      f" xml:lang={o.get('xml:lang')} DATATYPE()={r.get('dt', {}).get('value')}")
            check(by_p["tricky"]["o"]["value"] == tricky, "quote/newline/tab/backslash/non-ASCII/astral survive")
            check(by_p["triple"]["o"]["value"] == tricky, "long-quote \"\"\" literal survives")
            check(by_p["lang"]["o"].get("xml:lang") == "de", "language tag kept")
            check(by_p["int"]["o"].get("datatype", "").endswith("#integer"), "xsd:integer kept")
            check(by_p["long"]["o"]["value"] == long_s, "100k-char literal survives")
            check(by_p["custom"]["o"].get("datatype") == "http://ex/mytype", "custom datatype kept")

            print("GET the graph back (GSP GET):")
            st, ct, body = http("GET", vt.graph_url(G1), headers={"Accept": "text/turtle"})
            print(f"    HTTP {st} {ct}: {body[:200]!r}")
            st, ct, body = http("GET", vt.graph_url(G1), headers={"Accept": "application/n-triples"})
            print(f"    HTTP {st} {ct}: {body[:200]!r}")

            print("DELETE graph:")
            st, _, _ = http("DELETE", vt.graph_url("http://example.org/g2"))
            check(st in (200, 204) and count(vt, "http://example.org/g2") == 0, f"DELETE -> {st}")

            print("POST (GSP merge) adds:")
            st, _, _ = http("POST", vt.graph_url(G1),
                            b"<http://ex/s> <http://ex/p> <http://ex/added> .\n",
                            {"Content-Type": "text/turtle"})
            check(count(vt, G1) == 2, f"POST -> {st}, now {count(vt, G1)} triples (merge)")

            print("SPARQL UPDATE over /sparql (anonymous):")
            body = urllib.parse.urlencode({"update": "INSERT DATA { GRAPH <http://example.org/u> "
                                                     "{ <http://ex/a> <http://ex/b> 1 } }"}).encode()
            st, _, resp = http("POST", vt.sparql_url, body,
                               {"Content-Type": "application/x-www-form-urlencoded"})
            check(st == 200 and count(vt, "http://example.org/u") == 1, f"update= form POST -> {st}")
            st, _, resp = http("POST", vt.sparql_url,
                               b"CLEAR GRAPH <http://example.org/u>",
                               {"Content-Type": "application/sparql-update"})
            check(count(vt, "http://example.org/u") == 0,
                  f"application/sparql-update body -> {st} {resp[:150]!r}")

            print("digest-auth endpoint (/sparql-graph-crud-auth):")
            pm = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            pm.add_password(None, vt.base_url, *vt.dba_auth)
            opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(pm))
            url = vt.graph_store_auth_url + "?graph-uri=" + urllib.parse.quote("http://example.org/auth")
            st, _, _ = put(vt, None, "<http://ex/a> <http://ex/b> <http://ex/c> .\n",
                           "text/turtle", url=url)
            check(st == 401, f"without credentials -> {st}")
            st, _, _ = put(vt, None, "<http://ex/a> <http://ex/b> <http://ex/c> .\n",
                           "text/turtle", url=url, opener=opener)
            check(st in (200, 201, 204), f"urllib digest -> {st}")
            try:
                import requests
                from requests.auth import HTTPDigestAuth
                r = requests.put(url, data="<http://ex/a> <http://ex/b> <http://ex/d> .\n",
                                 headers={"Content-Type": "text/turtle"},
                                 auth=HTTPDigestAuth(*vt.dba_auth), timeout=30)
                check(r.status_code in (200, 201, 204), f"requests digest -> {r.status_code}")
                r = requests.put(url, data="<http://ex/a> <http://ex/b> <http://ex/d> .\n",
                                 headers={"Content-Type": "text/turtle"},
                                 auth=vt.dba_auth, timeout=30)
                print(f"    requests BASIC auth -> {r.status_code} (basic is not accepted)")
            except ImportError:
                pass

            t1 = time.monotonic()
        print(f"stop took {time.monotonic() - t1:.2f}s; total {time.monotonic() - t0:.2f}s")
    print("FAILURES:" if failures else "all checks passed", *failures, sep="\n  ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
