"""The reader's navigation in headless Chromium, on the 33,000-pixel underwriting agreement:
outline, "go to", search, the uses of a term, the obligations of a party, every target a link,
a phone's width and print. Screenshots go to a tmp folder (and $CLAUSEGRAPH_SCREENSHOTS)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from support.browser import chromium_available, chromium_session, save_screenshot
from conftest import UA
from test_pages import fixture_outputs  # noqa: F401 — session fixture

pytestmark = pytest.mark.browser

REASON = chromium_available()
PHONE = (390, 844)
MIN_READABLE_PX = 14  # body text on a phone


@pytest.fixture(scope="module")
def browser():
    if REASON:
        pytest.skip(REASON)
    with chromium_session(viewport=(1400, 900)) as session:
        yield session


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def open_reader(session, out: Path, fragment: str = ""):
    rec = session.new_page()
    rec.page.goto((out / "docs" / UA / "reader.html").as_uri() + fragment)
    rec.page.wait_for_load_state("load")
    return rec


def below_bars(page, selector_or_js: str) -> float:
    """Top of an element (or of a JS expression's box), measured from the sticky bars' bottom."""
    bars = page.evaluate("document.querySelector('.reader-bars').getBoundingClientRect().bottom")
    top = page.evaluate(f"({selector_or_js}).getBoundingClientRect().top")
    return top - bars


# --- outline ------------------------------------------------------------------------------------


def test_outline_follows_the_reading(browser, fixture_outputs, shots):
    """The outline is open on a wide screen; clicking 8(c) lands there and highlights it; scrolling
    to Section 12 moves the highlight to 12; folding a section hides its parts."""
    rec = open_reader(browser, fixture_outputs)
    page = rec.page
    outline = page.locator("#cg-outline")
    assert outline.is_visible() and outline.bounding_box()["x"] >= 0
    fold = page.locator("#cg-outline button.fold[aria-label='Fold 8']")
    if fold.get_attribute("aria-expanded") == "false":  # a long section starts folded
        fold.click()
    page.locator('#cg-outline a[data-label="8(c)"]').click()
    page.wait_for_function("location.hash === '#8(c)'")
    page.wait_for_timeout(100)
    assert page.locator("#cg-outline a.current").get_attribute("data-label") == "8(c)"
    assert 0 <= below_bars(page, "document.getElementById('8(c)')") < 60
    page.evaluate("document.getElementById('12').scrollIntoView()")  # lands below the bars (scroll-margin)
    page.wait_for_timeout(150)
    assert page.evaluate("cgCurrentClause()") == "12"
    assert page.locator("#cg-outline a.current").get_attribute("data-label") == "12"
    assert page.locator("#cg-outline a.current").is_visible()
    save_screenshot(page, "reader-outline.png", shots)
    fold = page.locator("#cg-outline button.fold[aria-label='Fold 8']")
    part = page.locator('#cg-outline a[data-label="8(a)"]')
    assert part.is_visible()
    fold.click()
    assert part.is_hidden() and fold.get_attribute("aria-expanded") == "false"
    assert rec.errors == [] and rec.network_requests == []


# --- go to -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["8(c)", "Section 8(c)", "8C", "section 8 (c)", "§ 8(c)", "8c"])
def test_go_to_takes_a_label_as_a_lawyer_writes_it(browser, fixture_outputs, typed):
    """ "Go to" takes 8(c), Section 8(c), 8C in any case, and lands on 8(c) below the bars."""
    rec = open_reader(browser, fixture_outputs)
    page = rec.page
    page.fill("#cg-goto-input", typed)
    page.press("#cg-goto-input", "Enter")
    page.wait_for_function("location.hash === '#8(c)'")
    page.wait_for_timeout(50)
    assert 0 <= below_bars(page, "document.getElementById('8(c)')") < 60
    assert page.locator("#cg-goto-msg").text_content() == ""


def test_go_to_an_item_inside_a_sentence_and_an_unknown_label(browser, fixture_outputs):
    """An item enumerated in a sentence (7(h)(iv)-style) is a target too; an unknown label says so."""
    rec = open_reader(browser, fixture_outputs)
    page = rec.page
    item = page.evaluate("document.querySelector('main span.item[data-label]').getAttribute('data-label')")
    page.fill("#cg-goto-input", item.upper())
    page.press("#cg-goto-input", "Enter")
    page.wait_for_function("h => decodeURIComponent(location.hash) === h", arg="#" + item.replace(" ", "_"))
    page.fill("#cg-goto-input", "99(z)")
    page.press("#cg-goto-input", "Enter")
    assert "no clause" in page.locator("#cg-goto-msg").text_content()


# --- search ----------------------------------------------------------------------------------------


def text_count(out: Path, words: str) -> int:
    """How often the words occur in the reader's text (margins, "referred to by" and badges left out)."""
    page = BeautifulSoup((out / "docs" / UA / "reader.html").read_text(encoding="utf-8"), "html.parser")
    for noise in page.select("main .refby, main .act, main .also-refs"):
        noise.decompose()
    text = "".join(t.get_text() for t in page.select("main .txt"))
    return len(re.findall(r"\s+".join(map(re.escape, words.split())), text, re.I))


def test_search_counts_and_steps_through_matches(browser, fixture_outputs):
    """Searching "indemnified party" finds every occurrence (across line breaks and links); Enter
    steps forward, Shift+Enter back, wrapping round; each match is brought below the bars."""
    expected = text_count(fixture_outputs, "indemnified party")
    assert expected > 3
    rec = open_reader(browser, fixture_outputs)
    page = rec.page
    page.fill("#cg-find-input", "Indemnified  Party")
    page.press("#cg-find-input", "Enter")
    assert page.locator("#cg-find-count").text_content() == f"1 / {expected}"
    page.press("#cg-find-input", "Enter")
    assert page.locator("#cg-find-count").text_content() == f"2 / {expected}"
    page.press("#cg-find-input", "Shift+Enter")
    page.press("#cg-find-input", "Shift+Enter")
    assert page.locator("#cg-find-count").text_content() == f"{expected} / {expected}"
    top = page.evaluate("""() => { const r = CSS.highlights.get('cg-find-current');
                                   return [...r][0].getBoundingClientRect().top; }""")
    bars = page.evaluate("document.querySelector('.reader-bars').getBoundingClientRect().bottom")
    assert bars <= top < 900
    assert page.evaluate("[...CSS.highlights.get('cg-find-current')][0].toString().toLowerCase().replace(/\\s+/g, ' ')") \
        == "indemnified party"
    page.fill("#cg-find-input", "no such words anywhere")
    page.press("#cg-find-input", "Enter")
    assert page.locator("#cg-find-count").text_content() == "no match"
    assert rec.errors == []


# --- defined terms ------------------------------------------------------------------------------


def test_term_uses_listed_with_their_clauses(browser, fixture_outputs, shots):
    """Clicking "Time of Delivery" in the terms panel lists every use with its clause; next/previous
    and a click on a row jump to each use."""
    rec = open_reader(browser, fixture_outputs)
    page = rec.page
    page.locator("details.terms summary").click()
    page.locator('li.term-row[data-term="time-of-delivery"] button.term-uses').click()
    drawer = page.locator("#cg-drawer")
    assert drawer.is_visible()
    uses = page.evaluate("""() => [...document.querySelectorAll('main a.term[data-term="time-of-delivery"]')]
                            .map(a => a.closest('[data-label]').getAttribute('data-label'))""")
    listed = page.eval_on_selector_all("#cg-drawer-list .where", "els => els.map(e => e.textContent)")
    assert len(uses) > 3 and listed == uses
    assert "Time of Delivery".lower() in page.locator("#cg-drawer-title").text_content().lower()
    page.locator("#cg-drawer-next").click()
    page.locator("#cg-drawer-next").click()
    assert page.locator("#cg-drawer-pos").text_content() == f"2 / {len(uses)}"
    second = "document.querySelectorAll('main a.term[data-term=\"time-of-delivery\"]')[1]"
    assert 0 <= below_bars(page, second) < 900 - 200
    save_screenshot(page, "reader-term-uses.png", shots)
    page.locator("#cg-drawer-list button.place").nth(len(uses) - 1).click()
    assert page.locator("#cg-drawer-pos").text_content() == f"{len(uses)} / {len(uses)}"
    page.locator("#cg-drawer-prev").click()
    assert page.locator("#cg-drawer-pos").text_content() == f"{len(uses) - 1} / {len(uses)}"
    assert rec.errors == []


def test_clicking_a_use_in_the_text_lists_the_uses_and_goes_to_the_definition(browser, fixture_outputs):
    rec = open_reader(browser, fixture_outputs)
    page = rec.page
    page.locator('main a.term[data-term="time-of-delivery"]').first.click()
    page.wait_for_function("location.hash === '#def-time-of-delivery'")
    assert page.locator("#cg-drawer").is_visible()
    assert page.locator("#cg-drawer-sub").text_content().endswith("defined in 4")


# --- obligations of a party ----------------------------------------------------------------------


def test_obligations_of_a_party_as_a_list(browser, fixture_outputs, shots):
    """Choosing the Company lists each of its obligations with clause, modality and counterparty,
    in reading order; next/previous step through them; "All parties" closes the list."""
    records = json.loads((fixture_outputs / "docs" / UA / "obligations.json").read_text(encoding="utf-8"))
    company = [r for r in records if r["bearer"].lower().endswith("company")]
    rec = open_reader(browser, fixture_outputs)
    page = rec.page
    page.locator('button.party-filter[data-party="company"]').click()
    assert page.locator("#cg-drawer").is_visible()
    assert page.locator("#cg-drawer-title").text_content() == "Obligations of the Company"
    clauses = page.eval_on_selector_all("#cg-drawer-list .where", "els => els.map(e => e.textContent)")
    assert clauses == [r["clause"] for r in company]
    details = page.eval_on_selector_all("#cg-drawer-list button.place", "els => els.map(e => e.textContent)")
    for text, record in zip(details, company):
        assert record["modality"] in text
        if record["counterparty"]:
            assert "owed to" in text
    assert page.locator("#cg-drawer-pos").text_content() == f"1 / {len(company)}"
    page.locator("#cg-drawer-next").click()
    second = f"document.querySelectorAll('mark.ob[id][data-party=\"company\"]')[1]"
    assert 0 <= below_bars(page, second) < 600
    save_screenshot(page, "reader-company-obligations.png", shots)
    page.locator('button.party-filter[data-party=""]').click()
    assert page.locator("#cg-drawer").is_hidden()


# --- references ----------------------------------------------------------------------------------


def test_second_target_of_a_reference_is_a_link(browser, fixture_outputs):
    """In "Sections 8 and 11", clicking "11" lands on Section 11."""
    rec = open_reader(browser, fixture_outputs)
    page = rec.page
    page.locator('main a.ref[data-target="11"]', has_text=re.compile(r"^11$")).first.click()
    page.wait_for_function("location.hash === '#11'")
    assert 0 <= below_bars(page, "document.getElementById('11')") < 60


# --- width and print -----------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["index.html", f"docs/{UA}/reader.html", f"docs/{UA}/network.html"])
def test_pages_fit_a_phone(browser, fixture_outputs, shots, where):
    """At 390 px nothing runs off the side of the index, reader or network, text stays readable,
    and the reader's tools and the network's canvas are on screen."""
    rec = browser.new_page()
    page = rec.page
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    page.goto((fixture_outputs / where).as_uri())
    page.wait_for_load_state("load")
    if where.endswith("network.html"):
        page.wait_for_selector("body[data-drawn]", state="attached")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE[0], f"{where} is {width} px wide"
    if "reader" in where:
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main .txt')).fontSize)")
        assert size >= MIN_READABLE_PX
        for tool in ("#cg-goto-input", "#cg-find-input", "#cg-outline-toggle"):
            box = page.locator(tool).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0], tool
        label = page.locator('section[id="8(c)"] > .cl-label').bounding_box()
        assert label["x"] >= 0  # the margin labels move into the text column
    if where.endswith("network.html"):
        canvas = page.locator("#mynetwork").bounding_box()
        assert canvas["width"] >= PHONE[0] - 2 and canvas["height"] >= 300
    save_screenshot(page, "phone-" + where.split("/")[-1].replace(".html", ".png"), shots)
    assert rec.errors == []


def test_reader_prints_the_words_only(browser, fixture_outputs, tmp_path):
    """In print, the bars, outline, drawer and panels are gone, the text spans the page, and a PDF
    comes out."""
    rec = open_reader(browser, fixture_outputs)
    page = rec.page
    page.emulate_media(media="print")
    for hidden in (".cg-nav", ".reader-bars", "#cg-outline", "details.terms"):
        assert page.evaluate(f"getComputedStyle(document.querySelector('{hidden}')).display") == "none", hidden
    assert page.evaluate("getComputedStyle(document.querySelector('main.reader')).boxShadow") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('mark.ob')).backgroundColor") == "rgba(0, 0, 0, 0)"
    pdf = tmp_path / "reader.pdf"
    page.pdf(path=str(pdf))
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 50_000
    page.emulate_media(media="screen")


@pytest.mark.parametrize("where, hidden", [
    ("index.html", (".cg-nav",)),
    (f"docs/{UA}/network.html", (".cg-nav", ".net-controls")),
])
def test_index_and_network_print_without_tools(browser, fixture_outputs, where, hidden):
    """In print the index and the network drop their bars and controls and fit the page width."""
    rec = browser.new_page()
    page = rec.page
    page.goto((fixture_outputs / where).as_uri())
    page.wait_for_load_state("load")
    page.emulate_media(media="print")
    for selector in hidden:
        assert page.evaluate(f"getComputedStyle(document.querySelector('{selector}')).display") == "none", selector
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert rec.errors == []
