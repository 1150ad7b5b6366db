"""The pages `clausegraph build` writes: reader, network, index — their HTML, read without a browser.

Fixture outputs: a real build of the corpus whose underwriting-agreement records (references,
terms, obligations, conditions, parties, lint findings) are replaced by records made from the
gold fixtures (read by people), so the pages are tested on realistic records whatever the
taggers produce today. ``evil_outputs`` is a built document whose text and records carry
markup and script, to prove that nothing from a contract reaches a page unescaped.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from clausegraph.model import Condition, Deontic, Entity, Finding, Mention, Reference, Span, Term, record_json
from clausegraph.render import write_pages
from clausegraph.render.common import clause_href, clause_id, party_key, script_json, slug
from clausegraph.render.network import (
    aggregate,
    document_graph,
    layout,
    remote_resources,
    render_network,
    strip_remote_resources,
)
from clausegraph.render.outputs import load_outputs
from conftest import GOLD, UA, read_source

EVIL = "evil-exhibit-2024"
EVIL_TEXT = """EXHIBIT 10.1

SERVICES AGREEMENT

1. The Company shall pay the Supplier <script>window.__pwned = 1; alert("pwned")</script> within
thirty days, as provided in Section 2 hereof.

2. Notices go to <a href="javascript:window.__pwned=2">the Supplier's office</a> and to
<img src=x onerror="window.__pwned=3"> the "SUPPLIER <b>BOLD</b>" of record.

3. This Agreement is governed by the laws of New York.
"""


# --- fixture outputs ---------------------------------------------------------------------


def _gold(name: str):
    return json.loads((GOLD / name).read_text(encoding="utf-8"))


def _words_pattern(words: str) -> re.Pattern:
    return re.compile(r"\s+".join(re.escape(w) for w in words.split()))


def _term_forms(term: str) -> list[str]:
    """How a quoted term is written where it is used: "TIME OF DELIVERY" -> "Time of Delivery"."""
    small = {"of", "and", "or", "the", "to", "in", "for", "by"}
    words = " ".join(term.split()).split(" ")
    titled = " ".join(w.lower() if (i and w.lower() in small) else (w[:1] + w[1:].lower()) for i, w in enumerate(words))
    return sorted({" ".join(words), titled, titled.replace("(B)", "(b)")}, key=len, reverse=True)


def _clause_at(clauses: list[dict], offset: int) -> str | None:
    best = None
    for c in clauses:
        if c["start"] <= offset < c["end"]:
            best = c["label"]
    return best


def ua_fixture_records(source: str, clauses: list[dict]) -> dict[str, list]:
    """Realistic records for the underwriting agreement, from the gold fixtures."""
    refs = [
        Reference(doc=UA, source=r["source"], text=r["text"], start=r["start"], end=r["end"], target=r["target"],
                  target_doc=UA if r["target"] else None, external=r["external"])
        for r in _gold(f"{UA}.refs.json")
    ]
    terms = []
    for t in _gold(f"{UA}.terms.json"):
        found = _words_pattern(t["definition_first_words"]).search(source, max(0, t["start"] - 600))
        d_start, d_end = (found.start(), found.end()) if found else (t["start"], t["end"])
        uses = []
        for form in _term_forms(t["term"]):
            for m in re.finditer(r"(?<![\w-])" + _words_pattern(form).pattern + r"(?![\w-])", source):
                if m.start() != t["start"] and not any(u.start <= m.start() < u.end for u in uses):
                    uses.append(Span(UA, m.start(), m.end(), m.group()))
        uses.sort(key=lambda u: u.start)
        used_in = tuple(dict.fromkeys(c for c in (_clause_at(clauses, u.start) for u in uses) if c))
        terms.append(Term(term=t["term"], doc=UA, defined_in=t["defined_in"], start=t["start"], end=t["end"],
                          definition=t["definition_first_words"], definition_start=d_start, definition_end=d_end,
                          uses=tuple(uses), used_in=used_in))
    by_label = {c["label"]: c for c in clauses}
    deontics = []
    for o in _gold(f"{UA}.obligations.json"):
        clause = by_label.get(o["clause"])
        if not clause:
            continue
        m = _words_pattern(o["first_words"]).search(source, clause["start"], clause["end"])
        if not m:
            continue
        stop = source.find(";", m.end(), clause["end"])
        end = stop if 0 < stop < m.end() + 300 else min(m.end() + 120, clause["end"])
        deontics.append(Deontic(doc=UA, clause=o["clause"], modality=o["modality"], bearer=o["bearer"],
                                counterparty=o["counterparty"], start=m.start(), end=end,
                                text=" ".join(source[m.start():end].split()), trigger="will"))
    conditions = []
    for m in re.finditer(r"provided,\s+however,\s+that", source):
        label = _clause_at(clauses, m.start())
        conditions.append(Condition(doc=UA, clause=label, kind="proviso", start=m.start(), end=m.end() + 60,
                                    text=" ".join(source[m.start():m.end() + 60].split()),
                                    trigger="provided, however, that", governs=label))
    entities, mentions = [], []
    for p in _gold(f"{UA}.parties.json"):
        key = slug(p["name"])
        entities.append(Entity(key=key, name=p["name"], kind=p["kind"], aliases=tuple(p["aliases"]),
                               roles=tuple((UA, r) for r in p["roles"]),
                               parties_in=(UA,) if p["party"] else (), docs=(UA,)))
        m = source.find(p["name"])
        if m >= 0:
            mentions.append(Mention(entity=key, doc=UA, clause=_clause_at(clauses, m) or "preamble",
                                    start=m, end=m + len(p["name"]), text=p["name"]))
    broken = source.index("Section 8(c)")
    findings = [
        Finding(doc=UA, kind="broken reference", clause="12", start=broken, end=broken + len("Section 8(c)"),
                text="Section 8(c)", message="a made-up finding, to test the link to where it occurs"),
        Finding(doc=UA, kind="unused definition", clause="14", start=None, end=None, text="Business Day",
                message="“Business Day” is defined but never used"),
    ]
    return {"refs": refs, "terms": terms, "obligations": deontics, "conditions": conditions,
            "mentions": mentions, "entities": entities, "lint": findings}


def _write(path: Path, records) -> None:
    path.write_text(json.dumps([record_json(r) for r in records], ensure_ascii=False, indent=1), encoding="utf-8")


def make_fixture_outputs(built_out: Path, dest: Path) -> Path:
    """A copy of a real build with gold-made records for the underwriting agreement; pages rewritten."""
    shutil.copytree(built_out, dest)
    folder = dest / "docs" / UA
    source = read_source(folder / "source.txt")
    clauses = json.loads((folder / "clauses.json").read_text(encoding="utf-8"))
    records = ua_fixture_records(source, clauses)
    for name in ("refs", "terms", "obligations", "conditions", "mentions"):
        _write(folder / f"{name}.json", records[name])
    _write(dest / "entities.json", records["entities"])
    _write(dest / "lint.json", records["lint"])
    write_pages(dest)
    return dest


def make_evil_outputs(dest: Path) -> Path:
    """A built document whose text and records carry <script>, <a href> and onerror markup."""
    from clausegraph.build import build

    corpus = dest / "corpus"
    corpus.mkdir(parents=True)
    (corpus / f"{EVIL}.txt").write_text(EVIL_TEXT, encoding="utf-8")
    out = dest / "outputs"
    report = build([corpus], out)
    assert report.ok, report.errors
    folder = out / "docs" / EVIL
    source = read_source(folder / "source.txt")
    clauses = json.loads((folder / "clauses.json").read_text(encoding="utf-8"))
    s = source.index("<script>")
    a = source.index("<a href")
    term_at = source.index("SUPPLIER <b>BOLD</b>")
    evil_party = '<img src=x onerror="window.__pwned=4">Supplier'
    at_s, at_a = _clause_at(clauses, s), _clause_at(clauses, a)
    _write(folder / "terms.json", [Term(
        term="SUPPLIER <b>BOLD</b>", doc=EVIL, defined_in=_clause_at(clauses, term_at), start=term_at,
        end=term_at + len("SUPPLIER <b>BOLD</b>"), definition='<script>window.__pwned=5</script> the "href" party',
        definition_start=a, definition_end=a + 10, uses=(Span(EVIL, s, s + 8, "<script>"),), used_in=(at_s,))])
    _write(folder / "refs.json", [Reference(doc=EVIL, source=at_a, text=source[a:a + 40], start=a, end=a + 40,
                                            target=at_s, target_doc=EVIL, external=None)])
    _write(folder / "obligations.json", [Deontic(doc=EVIL, clause=at_s, modality="obligation", bearer=evil_party,
                                                 counterparty='<a href="javascript:1">x</a>', start=s, end=s + 60,
                                                 text=source[s:s + 60], trigger="shall")])
    _write(folder / "conditions.json", [Condition(doc=EVIL, clause=at_s, kind="condition", start=s, end=s + 30,
                                                  text='<img src=x onerror="window.__pwned=7">', trigger="<b>if</b>",
                                                  governs=at_s)])
    _write(out / "lint.json", [Finding(doc=EVIL, kind="<b>kind</b>", clause=at_a, start=a, end=a + 8, text="<a href",
                                       message='<script>window.__pwned=6</script> href="x"')])
    write_pages(out)
    return out


@pytest.fixture(scope="session")
def fixture_outputs(built, tmp_path_factory) -> Path:
    _, out = built
    return make_fixture_outputs(out, tmp_path_factory.mktemp("pages") / "outputs")


@pytest.fixture(scope="session")
def evil_outputs(tmp_path_factory) -> Path:
    return make_evil_outputs(tmp_path_factory.mktemp("evil"))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def network_data(path: Path) -> tuple[list, list, dict]:
    page = soup(path)
    read = lambda i: json.loads(page.find("script", id=i).string)  # noqa: E731
    return read("cg-nodes"), read("cg-edges"), read("cg-details")


# --- what build writes -----------------------------------------------------------------------


def test_build_writes_every_page(built):
    """A build writes the index, the corpus network, a reader and a network per document, and assets."""
    report, out = built
    assert (out / "index.html").exists() and (out / "network.html").exists()
    for doc in report.documents:
        assert (out / "docs" / doc.doc_id / "reader.html").exists()
        assert (out / "docs" / doc.doc_id / "network.html").exists()
    for asset in ("vis-network.min.js", "vis-network.min.css", "pages.css", "network.js", "reader.js"):
        assert (out / "assets" / asset).stat().st_size > 0


def test_write_pages_returns_what_it_wrote(built, tmp_path):
    """write_pages returns the path of every page and asset it wrote, and they all exist."""
    _, out = built
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    written = write_pages(copy)
    names = {p.relative_to(copy).as_posix() for p in written}
    assert {"index.html", "network.html", f"docs/{UA}/reader.html", f"docs/{UA}/network.html",
            "assets/vis-network.min.js"} <= names
    assert all(p.exists() for p in written)


def test_pages_load_nothing_remote(fixture_outputs):
    """No page carries an http(s):// (or //host) script or stylesheet."""
    pages = list(fixture_outputs.rglob("*.html"))
    assert len(pages) >= 9
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert remote_resources(html) == [], path
        assert not re.search(r"<(?:script|link)[^>]+(?:src|href)=\"https?:", html), path


def test_strip_remote_resources_cleans_a_stock_pyvis_page(tmp_path):
    """pyvis's own in_line page loads Bootstrap from a CDN; stripping leaves no remote resource."""
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")
    net.nodes = [{"id": 1, "label": "a", "shape": "dot"}]
    html = net.generate_html(notebook=False)
    assert any("bootstrap" in url for url in remote_resources(html))
    cleaned = strip_remote_resources(html)
    assert remote_resources(cleaned) == []
    assert "vis.Network" in cleaned  # the drawing code itself stays


# --- anchors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("label, anchor, href", [
    ("8(c)", "8(c)", "#8(c)"),  # a subsection keeps its citation
    ("7(d)(vii)", "7(d)(vii)", "#7(d)(vii)"),  # roman parts too
    ("Annex I, v(i)", "Annex_I,_v(i)", "#Annex_I,_v(i)"),  # spaces in attachment labels
    ("Schedule II, (b)", "Schedule_II,_(b)", "#Schedule_II,_(b)"),
    ("p2(i)", "p2(i)", "#p2(i)"),  # unnumbered documents
])
def test_clause_anchor_ids(label, anchor, href):
    """A clause's anchor is its label with spaces as "_"; its href needs no further encoding."""
    assert clause_id(label) == anchor
    assert clause_href(label) == href


@pytest.mark.parametrize("text, slugged", [
    ("Time of Delivery", "time-of-delivery"),
    ("RULE 462(b) REGISTRATION\n         STATEMENT", "rule-462-b-registration-statement"),
    ("<b>", "b"),
    ("§§", "x"),  # never empty
])
def test_slug(text, slugged):
    """Slugs for definition and entity anchors: lowercase words joined by hyphens."""
    assert slug(text) == slugged


def test_script_json_cannot_close_its_script():
    """JSON for a <script> element escapes <, > and & so contract text cannot end the element."""
    text = script_json({"t": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"t": "</script><script>alert(1)</script> & <!--"}


# --- the reader ------------------------------------------------------------------------------


def test_reader_anchors_every_clause(built):
    """Every clause of the underwriting agreement has its anchor in the reader, exactly once."""
    report, out = built
    page = soup(out / "docs" / UA / "reader.html")
    ua = next(d for d in report.documents if d.doc_id == UA)
    for clause in ua.clauses:
        assert len(page.find_all(id=clause_id(clause.label))) == 1, clause.label
    ids = [el["id"] for el in page.find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_reader_reference_in_12_links_to_8c(fixture_outputs):
    """In the fixture reader, "Section 8(c)" in Section 12 is a link to the anchor of 8(c)."""
    page = soup(fixture_outputs / "docs" / UA / "reader.html")
    links = [a for a in page.select("a.ref") if a.get_text() == "Section 8(c)"]
    in_12 = [a for a in links if a.find_parent("section")["id"] == "12"]
    assert [a["href"] for a in in_12] == ["#8(c)"]
    assert page.find(id="8(c)").name == "section"


def test_reader_lists_what_refers_to_a_clause(fixture_outputs):
    """8(c) says it is referred to by 12, with a link to the reference itself."""
    page = soup(fixture_outputs / "docs" / UA / "reader.html")
    refby = page.find(id="8(c)").find("span", class_="refby")
    assert refby is not None and "referred to by" in refby.get_text()
    link = next(a for a in refby.find_all("a") if a.get_text() == "12")
    target = page.find(id=link["href"][1:])
    assert target.get_text() == "Section 8(c)" and target.find_parent("section")["id"] == "12"


def test_reader_term_links_to_its_definition_in_4(fixture_outputs):
    """A use of "Time of Delivery" links to the definition, which sits in Section 4 and carries its text."""
    page = soup(fixture_outputs / "docs" / UA / "reader.html")
    uses = [a for a in page.select("a.term") if " ".join(a.get_text().split()) == "Time of Delivery"]
    assert uses, "no linked use of Time of Delivery"
    assert {a["href"] for a in uses} == {"#def-time-of-delivery"}
    definition = page.find(id="def-time-of-delivery")
    assert definition.name == "dfn" and definition.find_parent("section")["id"] == "4"
    assert "the time and date specified in such Pricing Agreement" in uses[0]["data-tip"]


def test_reader_external_reference_shows_its_act(fixture_outputs):
    """"Section 15 of the Act" in 8(a) is marked as a citation of the Securities Act of 1933."""
    page = soup(fixture_outputs / "docs" / UA / "reader.html")
    ext = [s for s in page.select("a.ref.ext") if s.get_text() == "Section 15 of the Act"]
    assert ext
    assert ext[0].find_next_sibling("span", class_="act").get_text() == "Securities Act of 1933"


def test_reader_obligations_by_bearer(fixture_outputs):
    """Obligations are marked with their bearer, and the party bar has a filter per bearer."""
    page = soup(fixture_outputs / "docs" / UA / "reader.html")
    marks = page.select("mark.ob")
    parties = {m["data-party"] for m in marks}
    assert {"company", "underwriter"} <= parties
    buttons = {b["data-party"]: b for b in page.select("button.party-filter")}
    assert "" in buttons and "company" in buttons
    assert buttons["company"]["title"] == "Show only the obligations of the Company"


def test_reader_lists_lint_findings_with_links(fixture_outputs):
    """Findings are listed at the top; each link lands on an element of the page."""
    page = soup(fixture_outputs / "docs" / UA / "reader.html")
    items = page.select("details.findings li")
    assert len(items) == 2
    for li in items:
        href = li.find("a")["href"]
        assert page.find(id=href[1:]) is not None, href
    assert page.find(id="finding-2").get_text() == "Section 8(c)"


def test_reader_links_to_network_and_index(fixture_outputs):
    """The reader links to its network page (per clause too) and to the corpus index."""
    page = soup(fixture_outputs / "docs" / UA / "reader.html")
    hrefs = {a["href"] for a in page.find_all("a", href=True)}
    assert {"network.html", "../../index.html", "network.html#8(c)"} <= hrefs


def test_reader_text_is_the_clean_text(built):
    """Page numbers are gone and wrapped lines are joined: clause 14's text reads as one paragraph."""
    _, out = built
    page = soup(out / "docs" / UA / "reader.html")
    text = " ".join(page.find(id="14").get_text(" ").split())
    assert "14. Time shall be of the essence of each Pricing Agreement" in text


# --- escaping --------------------------------------------------------------------------------


def test_evil_text_is_escaped_everywhere(evil_outputs):
    """Markup from a contract's text and records never appears as markup in any page."""
    for path in [evil_outputs / "index.html", evil_outputs / "network.html",
                 evil_outputs / "docs" / EVIL / "reader.html", evil_outputs / "docs" / EVIL / "network.html"]:
        html = path.read_text(encoding="utf-8")
        for raw in ("<script>window.__pwned", "<img src=x", '<a href="javascript', "<b>BOLD</b>", "<b>kind</b>"):
            assert raw not in html, (path.name, raw)
        page = BeautifulSoup(html, "html.parser")
        assert page.find("img") is None and page.find("b") is None
        assert all(not s.get("src") or "assets/" in s["src"] for s in page.find_all("script"))


def test_evil_reader_shows_markup_as_text(evil_outputs):
    """The reader shows the contract's "<script>" and "<a href=…>" as the words they are."""
    page = soup(evil_outputs / "docs" / EVIL / "reader.html")
    text = page.find("main").get_text()
    assert '<script>window.__pwned = 1; alert("pwned")</script>' in text
    assert '<a href="javascript:window.__pwned=2">' in text


def test_network_labels_and_titles_are_escaped(evil_outputs):
    """Every label and title handed to pyvis is HTML-escaped (pyvis may put titles in innerHTML)."""
    nodes, edges, details = network_data(evil_outputs / "docs" / EVIL / "network.html")
    party = next(n for n in nodes if n["cgType"] == "party" and "img" in n["label"])
    assert party["label"].startswith("&lt;img src=x onerror=&quot;")
    term = next(n for n in nodes if n["cgType"] == "term")
    assert term["title"].startswith("“SUPPLIER &lt;b&gt;BOLD&lt;/b&gt;”")
    for item in nodes + edges:
        assert "<" not in item["title"] and "<" not in item.get("label", "")
    # the clause text itself travels as plain text (shown with textContent only)
    assert any("<script>window.__pwned = 1" in d["text"] for d in details.values() if d["type"] == "clause")


# --- the network -----------------------------------------------------------------------------


def test_network_nodes_and_typed_edges(fixture_outputs):
    """The fixture network has every node type and the typed edges the records imply."""
    nodes, edges, details = network_data(fixture_outputs / "docs" / UA / "network.html")
    types = {n["cgType"] for n in nodes}
    assert types == {"clause", "party", "term", "authority"}
    edge_keys = {(e["from"], e["cgType"], e["to"]) for e in edges}
    expected = {
        ("c:12", "refers to", "c:8(c)"),
        ("c:8", "contains", "c:8(c)"),
        ("c:4", "defines", "t:time of delivery"),
        ("c:8(a)", "cites", "x:Securities Act of 1933"),
        ("p:company", "bears", "c:5(a)"),
        ("c:5(a)", "owed to", "p:underwriter"),
    }
    assert expected <= edge_keys
    assert any(t == "uses" for _, t, _ in edge_keys)
    assert details["c:8(c)"]["text"].startswith("(c) Promptly after receipt by an indemnified party")
    assert details["c:8(c)"]["reader"] == "reader.html#8(c)"


def test_network_has_a_legend_row_per_type(fixture_outputs):
    """The legend names every node type present and every edge type, each with a filter box."""
    page = soup(fixture_outputs / "docs" / UA / "network.html")
    node_boxes = {i["value"] for i in page.select('input[data-filter="node"]')}
    edge_boxes = {i["value"] for i in page.select('input[data-filter="edge"]')}
    assert {"clause", "party", "term", "authority"} <= node_boxes
    assert edge_boxes == {"contains", "refers to", "defines", "uses", "bears", "owed to", "conditioned on", "cites"}
    parties = [o.get_text() for o in page.select("#cg-party option")]
    assert parties[0] == "All parties" and "Company" in parties


def test_network_physics_off_and_straight_edges(fixture_outputs):
    """The page starts with physics off and straight edges, every node placed."""
    page = soup(fixture_outputs / "docs" / UA / "network.html")
    options = json.loads(page.find("script", id="cg-options").string)
    assert options["physics"]["enabled"] is False and options["edges"]["smooth"] is False
    nodes, _, _ = network_data(fixture_outputs / "docs" / UA / "network.html")
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in nodes)


def test_layout_is_stable(fixture_outputs):
    """Laying out the same outputs twice gives the same positions."""
    outputs = load_outputs(fixture_outputs)
    doc = outputs.document(UA)
    assert layout(document_graph(outputs, doc)) == layout(document_graph(outputs, doc))


def test_big_graph_is_aggregated_per_section(fixture_outputs, monkeypatch):
    """Above the node limit, the page shows one node per section, edges merged between sections."""
    import clausegraph.render.network as network

    outputs = load_outputs(fixture_outputs)
    graph = document_graph(outputs, outputs.document(UA))
    monkeypatch.setattr(network, "AGGREGATE_ABOVE", 50)
    html = render_network(graph, title="t", doc=UA, assets="../../assets", reader="reader.html")
    nodes = json.loads(BeautifulSoup(html, "html.parser").find("script", id="cg-nodes").string)
    clause_ids = {n["id"] for n in nodes if n["cgType"] == "clause"}
    assert "c:8" in clause_ids and "c:8(c)" not in clause_ids
    folded = aggregate(graph)
    assert ("c:12", "c:8", "refers to") in folded.edges  # 12 → 8(c) becomes 12 → 8


def test_corpus_network_is_one_node_per_section(fixture_outputs):
    """The corpus network has a node per document and per section, no sub-clauses, shared parties once."""
    nodes, edges, _ = network_data(fixture_outputs / "network.html")
    ids = {n["id"] for n in nodes}
    assert f"d:{UA}" in ids and f"{UA}/c:8" in ids and f"{UA}/c:8(c)" not in ids
    assert (f"{UA}/c:12", "refers to", f"{UA}/c:8") in {(e["from"], e["cgType"], e["to"]) for e in edges}


def test_layout_is_an_outline_with_parties_and_terms_beside(fixture_outputs):
    """Sections follow each other in reading order (down a column, then the next column); each
    part sits below and to the right of its parent; parties are left of every clause, terms right."""
    from clausegraph.render.network import INDENT

    outputs = load_outputs(fixture_outputs)
    doc = outputs.document(UA)
    graph = document_graph(outputs, doc)
    pos = layout(graph)
    clauses = [n for n in graph.nodes.values() if n.type == "clause"]
    sections = [n for n in clauses if n.parent is None]
    xs = sorted({pos[n.id][0] for n in sections})
    column = {x: i for i, x in enumerate(xs)}
    reading = [(column[pos[n.id][0]], pos[n.id][1]) for n in sections]
    assert reading == sorted(reading) and len(set(reading)) == len(reading)
    assert len(xs) > 1  # a long agreement takes several columns, not one tall strip
    for n in clauses:
        if n.parent:
            (px, py), (x, y) = pos[n.parent], pos[n.id]
            assert x == px + INDENT or y < py, n.label  # indented beneath, or continued in a later column
    left = min(pos[n.id][0] for n in clauses)
    right = max(pos[n.id][0] for n in clauses)
    assert all(pos[n.id][0] < left for n in graph.nodes.values() if n.type == "party")
    assert all(pos[n.id][0] > right for n in graph.nodes.values() if n.type in ("term", "authority"))


def test_corpus_network_folds_a_press_release_by_heading(built):
    """A document of many flat paragraphs shows one node per heading in the corpus network;
    an agreement keeps one node per section."""
    from clausegraph.render.network import SECTIONS_MAX, corpus_graph

    _, out = built
    outputs = load_outputs(out)
    graph = corpus_graph(outputs)
    for doc in outputs.documents:
        tops = [c for c in doc.clauses if not c.parent]
        shown = [n for n in graph.nodes.values() if n.type == "clause" and n.parent == f"d:{doc.doc}"]
        headings = [c for c in tops if str(getattr(c.kind, "value", c.kind)) == "heading"]
        if len(tops) > SECTIONS_MAX and headings:
            leading = 0 if str(getattr(tops[0].kind, "value", tops[0].kind)) == "heading" else 1
            assert len(shown) == len(headings) + leading, doc.doc
            assert any(n.label != n.id.split("/c:")[-1] for n in shown)  # a heading's words, not "p7"
        else:
            assert len(shown) == len(tops), doc.doc
    assert any(len([c for c in d.clauses if not c.parent]) > SECTIONS_MAX for d in outputs.documents), \
        "the corpus has no long flat document to fold"


def test_index_lists_documents_with_counts(fixture_outputs):
    """The index has a row per document with kind, parties and counts, linking reader and network."""
    page = soup(fixture_outputs / "index.html")
    rows = page.select("table.docs tbody tr")
    assert len(rows) == 4
    ua = next(r for r in rows if UA in r.get_text())
    cells = [td.get_text(" ", strip=True) for td in ua.find_all("td")]
    outputs = load_outputs(fixture_outputs)
    doc = outputs.document(UA)
    assert cells[1] == "underwriting agreement"
    assert "The Hartford Financial Services Group, Inc. issuer" in cells[2]  # the party, not "Company"
    assert cells[3:7] == [str(len(doc.clauses)), str(len(doc.terms)), str(len(doc.deontics)), str(len(doc.references))]
    hrefs = {a["href"] for a in ua.find_all("a")}
    assert {f"docs/{UA}/reader.html", f"docs/{UA}/network.html"} <= hrefs


def test_index_links_shared_entities(built):
    """Entities named in several documents are listed, each document linked."""
    report, out = built
    shared = [e for e in report.corpus.entities if len(e.docs) > 1]
    page = soup(out / "index.html")
    items = page.select("ul.entities li")
    assert len(items) == len(shared)
    for item in items:
        for a in item.find_all("a"):
            assert a["href"].startswith("docs/") and "/reader.html" in a["href"]


# --- reading the outputs ---------------------------------------------------------------------


def test_outputs_reader_tolerates_newer_records(built, tmp_path):
    """Unknown fields are ignored and unknown kinds stay strings: a newer build still renders."""
    _, out = built
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    folder = copy / "docs" / UA
    rows = json.loads((folder / "clauses.json").read_text(encoding="utf-8"))
    rows[1]["kind"] = "rider"
    rows[1]["a_field_from_the_future"] = 1
    (folder / "clauses.json").write_text(json.dumps(rows), encoding="utf-8")
    doc = load_outputs(copy).document(UA)
    assert doc.clauses[1].kind == "rider"
    write_pages(copy)
    assert soup(folder / "reader.html").find(id=rows[1]["label"].replace(" ", "_"))["class"][1] == "k-rider"


def test_missing_outputs_is_a_clear_error(tmp_path):
    """Pages for a folder with no build fail with a message naming the folder."""
    from clausegraph.errors import StoreError

    with pytest.raises(StoreError, match="no manifest.json"):
        write_pages(tmp_path)


def test_index_parties_are_the_documents_parties_with_roles(built):
    """The Parties column lists each document's party entities by name with their roles there, not bearer nouns."""
    _, out = built
    outputs = load_outputs(out)
    page = soup(out / "index.html")
    for row in page.select("table.docs tbody tr"):
        doc = row.select_one(".doc-id").get_text(strip=True)
        cell = row.select_one("td.parties")
        parties = [e for e in outputs.entities if doc in e.parties_in]
        if not parties:
            continue
        shown = [li.select_one("a.entity").get_text(strip=True) for li in cell.select("ul.party-list li")]
        assert shown == [e.name for e in parties], doc
        for li, e in zip(cell.select("ul.party-list li"), parties):
            roles = sorted({r for d, r in e.roles if d == doc})
            assert (li.select_one(".roles").get_text() if roles else None) == (", ".join(roles) if roles else None)
    ua = next(r for r in page.select("table.docs tbody tr") if UA in r.get_text()).select_one("td.parties")
    for bearer_noun in ("Underwriters", "Representatives", "indemnifying party", "indemnified party"):
        assert bearer_noun not in [a.get_text() for a in ua.select("a.entity")]


def test_index_press_release_shows_the_names_it_names(built):
    """A document with no parties (a press release) lists the organisations and people it names instead."""
    _, out = built
    outputs = load_outputs(out)
    release = "hig-q2-2004-earnings-release"
    assert not [e for e in outputs.entities if release in e.parties_in]
    row = next(r for r in soup(out / "index.html").select("table.docs tbody tr") if release in r.get_text())
    names = [a.get_text() for a in row.select("td.parties .names a.entity")]
    named = {e.name for e in outputs.entities if release in e.docs}
    assert names and set(names) <= named
    assert "The Hartford Financial Services Group, Inc." in names
    for a in row.select("td.parties a.entity"):
        assert a["href"].startswith(f"docs/{release}/reader.html")


@pytest.mark.parametrize("name, key", [
    ("the Underwriters", "underwriter"),
    ("Underwriter", "underwriter"),
    ("indemnified parties", "indemnified party"),
    ("an indemnified party", "indemnified party"),
    ("the Company", "company"),
    ("Business", "business"),
])
def test_party_key_groups_plural_and_singular(name, key):
    """Bearer nouns group singular with plural, "parties" with "party"."""
    assert party_key(name) == key



# --- the reader's navigation: terms panel, every target a link, outline -------------------------


def test_reader_every_target_of_a_reference_is_a_link(fixture_outputs):
    """ "Sections 8 and 11" links 8 and 11; "clause (i) or (ii)" links both clauses."""
    page = soup(fixture_outputs / "docs" / UA / "reader.html")
    links = page.select("a.ref:not(.ext)")
    pairs = [(" ".join(a.get_text().split()), a["data-target"]) for a in links]
    eight = pairs.index(("Sections 8", "8"))
    assert pairs[eight + 1] == ("11", "11")
    assert [a["href"] for a in links[eight:eight + 2]] == ["#8", "#11"]
    assert ("clause (i)", "7(f)(i)") in pairs and ("(ii)", "7(f)(ii)") in pairs


@pytest.mark.parametrize("words, targets, pieces", [
    ("Sections 8 and 11", ["8", "11"], [(0, 10), (15, 17)]),
    ("subsection (a) or (b)", ["8(a)", "8(b)"], [(0, 14), (18, 21)]),
    ("clause (i) or (ii)", ["7(f)(i)", "7(f)(ii)"], [(0, 10), (14, 18)]),
    ("Sections 1 and 11", ["1", "11"], [(0, 10), (15, 17)]),  # "1" is not the 1 of "11"
    ("Sections 8 and 11", ["11", "8"], None),  # not in the order written: one link and "also"
    ("this Section and Section 9", ["8", "9"], None),
])
def test_target_pieces(words, targets, pieces):
    from clausegraph.render.reader import _target_pieces

    assert _target_pieces(words, targets) == pieces


def test_reader_terms_panel_lists_each_term_once(built):
    """The real build's terms panel names each term once (COMPANY and REPRESENTATIVES are defined
    twice), each row with its definition's own words and its number of uses."""
    _, out = built
    terms = json.loads((out / "docs" / UA / "terms.json").read_text(encoding="utf-8"))
    if not terms:
        pytest.skip("needs term tagging")
    page = soup(out / "docs" / UA / "reader.html")
    rows = page.select("li.term-row")
    names = [" ".join(r.select_one(".term-name").get_text().split()).lower() for r in rows]
    assert len(names) == len(set(names)) == len({slug(t["term"]) for t in terms})
    for t in terms:
        row = next(r for r in rows if r["data-term"] == slug(t["term"]))
        words = " ".join(t["definition"].split())[:60]
        assert any(words in " ".join(d.get_text().split()) for d in row.select(".term-def")), t["term"]
    twice = [t["term"] for t in terms if sum(slug(u["term"]) == slug(t["term"]) for u in terms) > 1]
    for term in twice:
        row = next(r for r in rows if r["data-term"] == slug(term))
        assert row.select(".term-def.also"), term


def test_reader_term_marks_carry_their_term(fixture_outputs):
    """Every use and definition says which term it is (the uses list is made from these)."""
    page = soup(fixture_outputs / "docs" / UA / "reader.html")
    uses = page.select('main a.term[data-term="time-of-delivery"]')
    assert uses and all(a["href"] == "#def-time-of-delivery" for a in uses)
    assert page.select_one('dfn[data-term="time-of-delivery"]')["id"] == "def-time-of-delivery"


@pytest.mark.parametrize("kind, act, designator, name", [
    ("section", "Securities Act of 1933", "11(f)", "Securities Act of 1933 § 11(f)"),
    ("rule", "Securities Act of 1933", "424(b)", "Securities Act of 1933, Rule 424(b)"),
    ("regulation", "Regulation S-X", "S-X", "Regulation S-X"),
    ("section", "Securities Act of 1933", None, "Securities Act of 1933"),
])
def test_statute_name(kind, act, designator, name):
    from clausegraph.render.common import statute_name

    ref = Reference(doc="d", source="1", text="x", start=0, end=1, target=None, target_doc=None, external=act,
                    designator=designator, kind=kind)
    assert statute_name(ref) == name


def test_reader_statute_reference_names_act_and_section(built):
    """A statute reference's tip and badge name the act and the section or rule cited."""
    _, out = built
    refs = json.loads((out / "docs" / UA / "refs.json").read_text(encoding="utf-8"))
    cited = next((r for r in refs if r["external"] and r["kind"] == "section" and r["designator"]), None)
    if cited is None:
        pytest.skip("needs statute references")
    page = soup(out / "docs" / UA / "reader.html")
    tips = [s["data-tip"] for s in page.select("a.ref.ext[id]")]
    assert f"{cited['external']} § {cited['designator']}" in " ".join(tips)


def test_reader_outline_is_the_clause_tree(built):
    """The outline lists every clause that is a block of the text once, nested as in the tree,
    each linking to its anchor."""
    report, out = built
    page = soup(out / "docs" / UA / "reader.html")
    outline = page.select_one("nav#cg-outline")
    links = outline.select("a[data-label]")
    labels = [a["data-label"] for a in links]
    blocks = [s["data-label"] for s in page.select("main section.clause")]
    assert labels == blocks and len(set(labels)) == len(labels)
    for a in links:
        assert a["href"] == clause_href(a["data-label"])
    ua = next(d for d in report.documents if d.doc_id == UA)
    parents = {c.label: c.parent for c in ua.clauses}
    for li in outline.select("li[data-label]"):
        up = li.find_parent("li")
        assert (up["data-label"] if up else None) == parents[li["data-label"]], li["data-label"]


def test_reader_obligations_carry_what_the_list_shows(fixture_outputs):
    """Each obligation's first element says its clause, modality and counterparty, for the list view."""
    page = soup(fixture_outputs / "docs" / UA / "reader.html")
    firsts = page.select("mark.ob[id]")
    records = json.loads((fixture_outputs / "docs" / UA / "obligations.json").read_text(encoding="utf-8"))
    assert len(firsts) == len(records)
    for mark, record in zip(firsts, records):
        assert mark["data-clause"] == record["clause"] and mark["data-modality"] == record["modality"]
        assert bool(mark["data-counterparty"]) == bool(record["counterparty"])


def test_statute_references_link_to_their_act(built):
    """A statute reference in the reader is a link to its act's entry on the index page, which
    lists each citation (provision and clause) linked back to the words."""
    import re as _re

    from bs4 import BeautifulSoup

    from clausegraph.render.common import slug

    _, out = built
    reader = BeautifulSoup((out / "docs" / UA / "reader.html").read_text(encoding="utf-8"), "html.parser")
    links = reader.select("a.ref.ext")
    assert links
    act_ids = {a["href"].split("#", 1)[1] for a in links}
    assert f"act-{slug('Securities Act of 1933')}" in act_ids
    assert all(a["href"].startswith("../../index.html#act-") for a in links)
    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    entry = index.find(id=f"act-{slug('Securities Act of 1933')}")
    assert entry is not None
    citations = entry.select("div.in a")
    assert any(_re.search(r"§ 11\(f\)", a.get_text()) for a in citations)
    target = citations[0]["href"].split("#", 1)
    page = BeautifulSoup((out / target[0]).read_text(encoding="utf-8"), "html.parser")
    assert page.find(id=target[1]) is not None


def test_the_builds_pages_are_those_written_again_from_its_records(built, tmp_path):
    """The build renders each document from its records in memory (and its clean text, which it
    does not compute again); ``write_pages`` reads the records back from the folder and cleans the
    text itself. Both must give the same pages, to the byte, or a rebuild of the pages would
    change what a user sees."""
    _, out = built
    copy = tmp_path / "out"
    shutil.copytree(out / "current", copy, symlinks=True) if (out / "current").exists() else shutil.copytree(out, copy)
    before = {p.relative_to(copy): p.read_bytes() for p in sorted(copy.rglob("*.html"))}
    assert len(before) >= 2 * len(list((copy / "docs").iterdir())) + 1
    assert any(b'class="tab"' in data for data in before.values())  # lines laid out in columns
    write_pages(copy)
    after = {p.relative_to(copy): p.read_bytes() for p in sorted(copy.rglob("*.html"))}
    assert after.keys() == before.keys()
    for path, data in before.items():
        assert after[path] == data, path
