"""The network's first view in headless Chromium: section labels readable without zooming.

Measured on the rendered canvas: vis-network's scale × each section label's font size, and the
label boxes (canvas bounding boxes turned into screen pixels) — on screen, tall enough to read,
not on top of each other. Screenshots go to a tmp folder (and $CLAUSEGRAPH_SCREENSHOTS).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clausegraph.render.network import READABLE_PX
from support.browser import chromium_available, chromium_session, save_screenshot
from conftest import UA
from test_pages import fixture_outputs  # noqa: F401 — session fixture

pytestmark = pytest.mark.browser

REASON = chromium_available()
MIN_SECTIONS_IN_VIEW = 5
MIN_BOX_PX = 14  # a section's box on screen: a 12 px label and its margins

SECTION_BOXES = """() => {
  const net = cgNetwork, canvas = document.getElementById('mynetwork').getBoundingClientRect();
  const scale = net.getScale();
  return net.body.data.nodes.get({filter: n => n.cgLevel === 0}).map(n => {
    const b = net.getBoundingBox(n.id);
    const a = net.canvasToDOM({x: b.left, y: b.top}), z = net.canvasToDOM({x: b.right, y: b.bottom});
    return {id: n.id, label: n.label, px: scale * n.font.size,
            left: a.x, top: a.y, right: z.x, bottom: z.y,
            inView: a.x >= 0 && a.y >= 0 && z.x <= canvas.width && z.y <= canvas.height};
  });
}"""


@pytest.fixture(scope="module")
def browser():
    if REASON:
        pytest.skip(REASON)
    with chromium_session(viewport=(1400, 900)) as session:
        yield session


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def first_view(browser, path: Path):
    rec = browser.new_page()
    rec.page.goto(path.as_uri())
    rec.page.wait_for_selector("body[data-drawn]", state="attached")
    rec.page.wait_for_timeout(150)
    return rec


def assert_readable(boxes: list[dict]) -> list[dict]:
    shown = [b for b in boxes if b["inView"]]
    assert len(shown) >= min(MIN_SECTIONS_IN_VIEW, len(boxes)), (len(shown), len(boxes))
    for b in shown:
        assert b["px"] >= READABLE_PX, b
        assert b["bottom"] - b["top"] >= MIN_BOX_PX, b
    for i, a in enumerate(shown):  # no two section labels drawn over each other
        for b in shown[i + 1:]:
            apart = a["right"] <= b["left"] or b["right"] <= a["left"] or a["bottom"] <= b["top"] or b["bottom"] <= a["top"]
            assert apart, (a["label"], b["label"])
    return shown


@pytest.mark.parametrize("where, name", [
    (f"docs/{UA}/network.html", "network-first-view.png"),
    ("network.html", "corpus-network-first-view.png"),
    ("docs/hig-q2-2004-earnings-release/network.html", None),
])
def test_first_view_shows_readable_section_labels(browser, built, shots, where, name):
    """On opening, the section labels on screen are at least 12 px, in boxes that do not overlap."""
    _, out = built
    rec = first_view(browser, out / where)
    boxes = rec.page.evaluate(SECTION_BOXES)
    if name:
        save_screenshot(rec.page, name, shots)
    shown = assert_readable(boxes)
    if where == f"docs/{UA}/network.html":
        assert {"1", "2"} <= {b["label"] for b in shown}  # it opens on the beginning of the text
    assert rec.errors == [] and rec.network_requests == []


def test_fit_to_screen_and_back(browser, fixture_outputs):
    """ "Fit to screen" shows everything (smaller); "Readable view" brings the readable first view back."""
    rec = first_view(browser, fixture_outputs / "docs" / UA / "network.html")
    page = rec.page
    first = page.evaluate("cgNetwork.getScale()")
    page.locator("#cg-fit").click()
    fitted = page.evaluate("cgNetwork.getScale()")
    assert fitted <= first
    page.locator("#cg-first-view").click()
    assert page.evaluate("cgNetwork.getScale()") == pytest.approx(first)
    assert_readable(page.evaluate(SECTION_BOXES))


def test_drawing_a_network_does_not_load_ipython_and_leaves_it_importable(tmp_path):
    """pyvis imports IPython only for notebooks; a build draws its pages without loading it
    (a second per worker), and a later ``import IPython`` still gets the real package."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from clausegraph.build import build\n"
        f"build([Path({str(Path(__file__).parent.parent / 'corpus' / 'hig-power-of-attorney-2004.txt')!r})], "
        f"Path({str(tmp_path / 'out')!r}), jobs=1, cache=False)\n"
        "assert 'pyvis.network' in sys.modules, 'no network page was drawn'\n"
        "assert 'IPython' not in sys.modules, 'IPython was loaded'\n"
        "import IPython.display\n"
        "assert callable(IPython.display.display), 'the stand-in was left in place'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "vis-network" in (tmp_path / "out" / "docs" / "hig-power-of-attorney-2004" / "network.html").read_text()
