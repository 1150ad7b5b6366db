"""The /query page (vendored YASGUI) in headless Chromium: a result table a lawyer can read.

YASR puts a row-number column before the first variable; with its stock CSS the number ran into
the first cell ("1" + "8(e)" read as "18(e)", "10" + "11" as "1011"). The page's own CSS sets the
row number apart; this test measures the rendered boxes.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from clausegraph.serve import make_server
from support.browser import chromium_available, recording_page

pytestmark = pytest.mark.browser

ID = "https://w3id.org/clausegraph/id/"
CG = "https://w3id.org/clausegraph/ontology#"
LABELS = ["8(e)", "11", "12", "Annex I, v(i)", "9", "10", "13", "14", "15", "16", "17"]
GAP_MIN_PX = 6  # between the row number's text and the first cell's text


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    out = tmp_path_factory.mktemp("yasgui") / "outputs"
    (out / "docs").mkdir(parents=True)
    graph = f"<{ID}doc-a/graph>"
    quads = "".join(f'<{ID}doc-a/clause/{i}> <{CG}label> {json.dumps(label)} {graph} .\n'
                    f'<{ID}doc-a/clause/{i}> <{CG}order> "{i}"^^<http://www.w3.org/2001/XMLSchema#integer> {graph} .\n'
                    for i, label in enumerate(LABELS))
    (out / "dataset.nq").write_text(quads, encoding="utf-8")
    store = ox.Store(str(out / "store"))
    store.bulk_load(path=str(out / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    (out / "manifest.json").write_text(json.dumps({"clausegraph": "test", "documents": [{"doc": "doc-a"}]}),
                                       encoding="utf-8")
    srv = make_server(out, "127.0.0.1", 0, timeout=30, max_rows=100, workers=1)  # a loaded machine is slow
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def screenshot_dirs(tmp_path: Path) -> list[Path]:
    dirs = [tmp_path]
    if os.environ.get("CLAUSEGRAPH_SCREENSHOTS"):
        dirs.append(Path(os.environ["CLAUSEGRAPH_SCREENSHOTS"]))
    return dirs


def test_row_numbers_stand_apart_from_the_first_column(server, tmp_path):
    """In the result table the row number and the first cell are separate boxes with a visible gap,
    and the number is drawn so it cannot be read as part of a label ("1" + "8(e)" is not "18(e)")."""
    reason = chromium_available()
    if reason:
        pytest.skip(reason)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with recording_page(allow_urls=[base]) as rec:
        page = rec.page
        page.goto(f"{base}/query")
        page.wait_for_load_state("networkidle")
        query = f"SELECT ?label WHERE {{ ?c <{CG}label> ?label ; <{CG}order> ?n }} ORDER BY ?n"
        page.evaluate("q => { yasgui.getTab().getYasqe().setValue(q); yasgui.getTab().query(); }", query)
        page.wait_for_selector(".yasr table.dataTable td div.rowNumber", timeout=15_000)
        rows = page.evaluate("""() => [...document.querySelectorAll('.yasr table.dataTable tbody tr')].map(tr => {
            const number = tr.querySelector('div.rowNumber');
            const cell = tr.querySelectorAll('td')[1];
            const text = el => { const r = document.createRange(); r.selectNodeContents(el);
                                 const b = r.getBoundingClientRect(); return {left: b.left, right: b.right}; };
            return {number: number.textContent, cell: cell.innerText.trim(),
                    numberText: text(number), cellText: text(cell),
                    numberColour: getComputedStyle(number).color, cellColour: getComputedStyle(cell).color};
        })""")
        for directory in screenshot_dirs(tmp_path):
            directory.mkdir(parents=True, exist_ok=True)
            page.locator(".yasr").screenshot(path=str(directory / "yasgui-table.png"))
        assert rec.errors == []
    assert [r["cell"] for r in rows] == LABELS
    for r in rows:
        gap = r["cellText"]["left"] - r["numberText"]["right"]
        assert gap >= GAP_MIN_PX, (r["number"], r["cell"], gap)
        assert r["numberColour"] != r["cellColour"]  # the number is muted, the label is ink
