"""Manual check of the vendored YASGUI (graph/render/static/yasgui/).

    /work/venv/bin/python tests/support/check_yasgui.py [--virtuoso] [OUT_DIR]

1. Writes a page to OUT_DIR (default /tmp) that loads the vendored JS and CSS from disk and creates
   a Yasgui with the offline config from the README, pointed at a dummy endpoint.
   It then checks three things: no console errors and no network request at load; none while
   typing in positions that would trigger the LOV class/property autocompleters;
   and that bundled prefix autocompletion still works.
2. With --virtuoso it also starts a throw-away Virtuoso (CORS on), PUTs a graph,
   runs a query from the page and checks that the result table shows it.
Screenshots go to OUT_DIR/cg_yasgui_*.png.
"""

from __future__ import annotations

import json
import sys
import tempfile
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent.parent))
from support.browser import chromium_available, recording_page  # noqa: E402

STATIC = HERE.parents[2] / "graph" / "render" / "static" / "yasgui"

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>yasgui check</title>
<link rel="stylesheet" href="{css}">
<script src="{js}"></script>
</head><body><div id="yasgui"></div>
<script>
  var ENDPOINT = {endpoint};
  // Only the offline autocompleters (the others query lov.linkeddata.es while typing).
  // Must be set on the defaults: a yasqe.autocompleters array in the config is *merged*
  // index by index into the default one and so does not remove anything.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  window.yasgui = new Yasgui(document.getElementById("yasgui"), {{
    requestConfig: {{ endpoint: ENDPOINT }},
    persistenceId: null,          // no tabs/queries kept in localStorage
    populateFromUrl: false,       // ignore ?query=... / #... in the page URL
    autofocus: false,
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: {{ getData: function () {{ return [{{ endpoint: ENDPOINT }}]; }} }},
    yasqe: {{ persistenceId: null, prefixCcApi: null, value: {query} }},
    yasr: {{ persistenceId: null }}
  }});
</script></body></html>
"""


def write_page(out: Path, name: str, endpoint: str, query: str) -> Path:
    f = out / name
    f.write_text(PAGE.format(css=(STATIC / "yasgui.min.css").as_uri(),
                             js=(STATIC / "yasgui.min.js").as_uri(),
                             endpoint=json.dumps(endpoint), query=json.dumps(query)),
                 encoding="utf-8")
    return f


def type_at_end(page, text_before: str, typed: str) -> None:
    page.evaluate("t => { yasgui.getTab().getYasqe().setValue(t); }", text_before)
    page.click(".CodeMirror")
    page.keyboard.press("Control+End")
    page.keyboard.type(typed)
    page.keyboard.press("Control+Space")
    page.wait_for_timeout(600)


def check_offline(out: Path) -> bool:
    f = write_page(out, "cg_yasgui_offline.html", "http://127.0.0.1:9/sparql",
                   "SELECT * WHERE { ?s ?p ?o } LIMIT 10")
    with recording_page() as rec:
        p = rec.page
        p.goto(f.as_uri())
        p.wait_for_load_state("networkidle")
        p.wait_for_timeout(300)
        load_ok = rec.errors == [] and rec.network_requests == []
        print("load: errors", rec.errors, "network", rec.network_requests)
        p.screenshot(path=str(out / "cg_yasgui_load.png"))
        type_at_end(p, "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nSELECT * WHERE { ?s a foaf:Per", "s")
        p.keyboard.press("Escape")
        type_at_end(p, "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nSELECT * WHERE { ?s foaf:na", "m")
        p.keyboard.press("Escape")
        p.evaluate("() => { yasgui.getTab().getYasqe().setValue('PREFIX fo'); }")
        p.click(".CodeMirror")
        p.keyboard.press("Control+End")
        p.keyboard.type("a")
        p.wait_for_timeout(600)
        hints = p.locator(".CodeMirror-hints").inner_text() if p.locator(".CodeMirror-hints").count() else ""
        p.screenshot(path=str(out / "cg_yasgui_prefix_hint.png"))
        typing_ok = rec.errors == [] and rec.network_requests == []
        print("after typing: errors", rec.errors, "network", rec.network_requests)
        print("prefix hints:", hints.strip()[:120])
        return load_ok and typing_ok and "foaf: <http://xmlns.com/foaf/0.1/>" in hints


def check_virtuoso(out: Path) -> bool:
    from support.virtuoso import running_virtuoso, virtuoso_available
    reason = virtuoso_available()
    if reason:
        print("virtuoso SKIP:", reason)
        return True
    with tempfile.TemporaryDirectory(prefix="cg-yasgui-vt-") as tmp, \
            running_virtuoso(tmp, cors=True) as vt:
        body = '<http://ex/s> <http://ex/p> "Zürich \\"q\\"" .\n'.encode()
        req = urllib.request.Request(vt.graph_url("http://example.org/g1"), data=body,
                                     method="PUT", headers={"Content-Type": "text/turtle"})
        urllib.request.urlopen(req, timeout=30).close()
        f = write_page(out, "cg_yasgui_vt.html", vt.sparql_url,
                       "SELECT * WHERE { GRAPH <http://example.org/g1> { ?s ?p ?o } }")
        with recording_page(allow_urls=[vt.base_url]) as rec:
            rec.page.goto(f.as_uri())
            rec.page.wait_for_timeout(300)
            rec.page.evaluate("() => { yasgui.getTab().query(); }")
            rec.page.wait_for_selector(".yasr table.dataTable td", timeout=10_000)
            text = rec.page.inner_text(".yasr")
            rec.page.screenshot(path=str(out / "cg_yasgui_virtuoso.png"))
            print("virtuoso query: errors", rec.errors, "network", rec.network_requests)
            return rec.errors == [] and rec.network_requests == [vt.sparql_url] and 'Zürich "q"' in text


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0] if args else "/tmp")
    reason = chromium_available()
    if reason:
        print("SKIP:", reason)
        return 0
    ok = check_offline(out)
    if "--virtuoso" in sys.argv:
        ok = check_virtuoso(out) and ok
    print("all checks passed" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
