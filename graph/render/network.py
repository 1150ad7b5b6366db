"""The network pages: a document's graph (and the corpus's) drawn with pyvis / vis-network.

Nodes are clauses (with their hierarchy), parties, defined terms and external authorities;
edges are typed: contains, refers to, defines, uses, bears, owed to, conditioned on, cites.

Why the page draws fast (pyvis's defaults took 15–21 s for 200 nodes, DESIGN.md): the
layout is computed here, once (the clause tree as an outline in newspaper columns, sections
in reading order with their parts beneath; parties at its left; terms and authorities at its
right, next to the columns that define them), so the page starts with physics off and nothing
to stabilise; edges are straight (curved
edges add a hidden physics node each); the node and edge lists are filled directly
(``add_node``/``add_edge`` grow quadratically). The layout has no randomness: the same
outputs give the same picture.

Why it is safe: every label and title handed to pyvis is HTML-escaped here (pyvis's own
template would put titles into ``innerHTML`` as soon as one contains "href"); the page's
script decodes them into plain text for the canvas and builds tooltips with ``textContent``.
Everything else (clause texts for the side panel) travels as JSON inside
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, and reaches the DOM
only through ``textContent``.

Why it works offline: our template (``templates/network.html``) links vis-network from the
outputs' ``assets/`` folder, and :func:`strip_remote_resources` removes any ``http(s)://``
script or stylesheet that a template might still carry (pyvis's own always loads Bootstrap
from a CDN); :func:`remote_resources` is the check that none is left.
"""

from __future__ import annotations

import math
import re
import sys
import types
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from .common import (
    NETWORK,
    READER,
    bearer_groups,
    bearer_key,
    clause_href,
    counterparty_key,
    doc_page,
    esc,
    nav,
    render_template,
    script_json,
)
from .outputs import DocOutputs, Outputs, kind_text

TEMPLATES = Path(__file__).parent / "templates"

# In the corpus network, a document with more top-level clauses than this (a press release's
# paragraphs) is folded by heading.
SECTIONS_MAX = 24
HEADING_LABEL_MAX = 26
# A graph with more nodes than this is drawn one node per section (top-level clause).
AGGREGATE_ABOVE = 1500  # e.g. a 400-page credit agreement with 2,600 clauses and terms

# Geometry of the outline layout, in vis-network canvas pixels.
ROW = 31  # between one clause and the next in a column (a section's box is 27 px high)
INDENT = 22  # a part sits this far right of its parent
COLUMN = 190  # width of a column of the outline (a label such as "Annex I, v(i)" fits)
SECTION_GAP = 1  # empty rows between two sections
MIN_COLUMN_ROWS = 12  # a short document still makes a column, not a line
ASPECT = 1.33  # width / height aimed at: the canvas beside the controls on a laptop
SIDE_GAP = 80  # between the outline and the parties / terms beside it
PARTY_ROW, PARTY_COLUMN = 46, 230  # parties (and authorities) have long names: more room
TERM_COLUMN = 230
TERM_ROW = 32  # a term's label sits under its square
LABEL_MAX = 30  # longer labels are cut on the canvas ("BB&T Capital Markets, a division…")
# The first view: fitted to the screen unless that makes section labels smaller than this;
# then it opens at this size on the first sections (network.js; the test reads the same).
READABLE_PX = 12

# (label, vis shape, colour) per node type; the legend is made from this table.
NODE_TYPES = {
    "document": ("Document", "box", "#9c755f"),
    "clause": ("Clause", "box", "#4e79a7"),
    "party": ("Party", "diamond", "#f28e2b"),
    "term": ("Defined term", "square", "#59a14f"),
    "authority": ("External authority", "triangle", "#b07aa1"),
}
# (colour, dashed, what the edge means) per edge type, source → target.
EDGE_TYPES = {
    "contains": ("#b9c0ca", False, "clause → its parts"),
    "refers to": ("#e15759", False, "clause → the clause it cites"),
    "defines": ("#59a14f", False, "clause → the term it defines"),
    "uses": ("#a9d99b", True, "clause → a defined term it uses"),
    "bears": ("#f28e2b", False, "party → clause where it bears an obligation"),
    "owed to": ("#9c755f", True, "clause → party an obligation is owed to"),
    "conditioned on": ("#d4a017", True, "clause → the clause or condition it depends on"),
    "cites": ("#b07aa1", False, "clause → external statute or rule"),
}
CLAUSE_FONTS = (15, 12.5, 11.5)  # label size by depth: sections, their parts, deeper
DOCUMENT_FONT = 16
DOCUMENT_LIFT = 8  # a document's box is taller than a row: it sits a little higher
CLAUSE_FILLS = ("#4e79a7", "#d6e2f0", "#edf2f8")  # sections stand out, parts recede
# Edge types drawn only when asked for (their checkbox starts off): a term used in 60 clauses
# draws 60 lines, and together they hide the structure. network.js hands them to vis only
# when their box is ticked (a credit agreement: 2,800 of its 4,700 edges).
# "contains" is drawn by the layout itself (parts indented beneath their section).
HIDDEN_AT_FIRST = {"uses", "contains"}
# Edges that run across the picture (to the parties at the left, the terms and authorities at
# the right) are drawn faint until their node or clause is selected: the tree stays readable.
FAINT = {"bears", "owed to", "cites", "defines"}
# Side-panel text per clause, in characters: a section's text holds all its parts, so a long
# agreement would otherwise carry its text many times over (ARTICLE I of a credit agreement:
# 90,000 characters, repeated in each of its 300 parts' ancestors).
PANEL_TEXT_MAX = 6000


@dataclass
class Node:
    id: str
    type: str
    label: str
    title: str  # plain text; escaped when handed to pyvis
    text: str = ""  # side panel: a clause's full text, a term's definition, …
    parent: str | None = None  # containing clause / document (the layout's tree)
    section: str | None = None  # top-level ancestor, for aggregation
    reader: str | None = None  # URL of this node in a reader page
    depth: int = 0
    meta: dict = field(default_factory=dict)


@dataclass
class Edge:
    source: str
    target: str
    type: str
    count: int = 1


@dataclass
class Graph:
    """A network before layout: ordered nodes, typed edges (one per source, target, type)."""

    title: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], Edge] = field(default_factory=dict)
    aggregated: bool = False

    def add_node(self, node: Node) -> Node:
        return self.nodes.setdefault(node.id, node)

    def add_edge(self, source: str, target: str, type_: str, count: int = 1) -> None:
        if source == target or source not in self.nodes or target not in self.nodes:
            return
        key = (source, target, type_)
        if key in self.edges:
            self.edges[key].count += count
        else:
            self.edges[key] = Edge(source, target, type_, count)


# --- building the graph ---------------------------------------------------------------------


def document_graph(outputs: Outputs, doc: DocOutputs, *, prefix: str = "", reader: str = READER) -> Graph:
    """A document's network; ``prefix`` keeps node ids apart when documents are merged.

    ``reader`` is the URL of the document's reader page as seen from the network page.
    """
    graph = Graph(title=doc.title or doc.doc)
    cid = lambda label: f"{prefix}c:{label}"  # noqa: E731 — node id of a clause

    by_label = {c.label: c for c in doc.clauses}
    for clause in doc.clauses:
        depth, top = 0, clause
        while top.parent and top.parent in by_label:
            depth, top = depth + 1, by_label[top.parent]
        words = " ".join(clause.text.split())
        head = f" — {clause.heading}" if clause.heading else ""
        graph.add_node(Node(
            id=cid(clause.label), type="clause", label=clause.label,
            title=f"{clause.label}{head} ({kind_text(clause.kind)}): {words[:160]}{'…' if len(words) > 160 else ''}",
            text=_panel_text(clause.text), parent=cid(clause.parent) if clause.parent in by_label else None,
            section=cid(top.label), reader=reader + clause_href(clause.label), depth=depth,
            meta={"kind": kind_text(clause.kind), "heading": clause.heading or "", "doc": doc.doc},
        ))
    for clause in doc.clauses:
        if clause.parent in by_label:
            graph.add_edge(cid(clause.parent), cid(clause.label), "contains")

    _add_references(graph, doc, cid)
    _add_terms(graph, doc, cid, reader, prefix)
    _add_parties(graph, outputs, doc, cid, prefix)
    _add_conditions(graph, doc, cid)
    return graph


def _panel_text(text: str) -> str:
    """A clause's text for the side panel; a long article is cut (its span holds every part)."""
    if len(text) <= PANEL_TEXT_MAX:
        return text
    return text[:PANEL_TEXT_MAX].rstrip() + " … (continued in the reader)"


def _add_references(graph: Graph, doc: DocOutputs, cid) -> None:
    for ref in doc.references:
        if ref.target and (ref.target_doc in (None, doc.doc)):
            graph.add_edge(cid(ref.source), cid(ref.target), "refers to")
        elif ref.external:
            node = graph.add_node(Node(id=f"x:{ref.external}", type="authority", label=ref.external,
                                       title=f"{ref.external} (external authority)",
                                       text=f"Cited as: {ref.text}"))
            if ref.text not in node.text:
                node.text += f"; {' '.join(ref.text.split())}"
            graph.add_edge(cid(ref.source), node.id, "cites")


def _add_terms(graph: Graph, doc: DocOutputs, cid, reader: str, prefix: str) -> None:
    from .reader import definition_anchors

    for term, anchor in zip(doc.terms, definition_anchors(doc)):
        name = " ".join(term.term.split())
        node_id = f"{prefix}t:{name.lower()}"
        definition = " ".join(term.definition.split())
        node = graph.add_node(Node(
            id=node_id, type="term", label=name, title=f"“{name}”: {definition[:200]}",
            text=f"“{name}” means {definition}", reader=f"{reader}#{anchor}",
            parent=cid(term.defined_in), meta={"defined_in": term.defined_in},
        ))
        if node.text and definition not in node.text:  # defined twice: keep both definitions
            node.text += f"\n\nAlso (in {term.defined_in}): {definition}"
        graph.add_edge(cid(term.defined_in), node_id, "defines")
        uses = Counter(term.used_in) if term.used_in else Counter(
            c for c in (_clause_of(doc, u.start) for u in term.uses) if c)
        for label, n in uses.items():
            if label != term.defined_in:
                graph.add_edge(cid(label), node_id, "uses", n)


def _clause_of(doc: DocOutputs, offset: int) -> str | None:
    best = None
    for c in doc.clauses:
        if c.start <= offset < c.end:
            best = c.label
        elif c.start > offset:
            break
    return best


def _add_parties(graph: Graph, outputs: Outputs, doc: DocOutputs, cid, prefix: str) -> None:
    entities = {e.key: e for e in outputs.entities}
    names = bearer_groups(doc.deontics, entities)

    def party_id(key: str) -> str:
        return f"p:{key}" if key.startswith("entity:") else f"{prefix}p:{key}"

    def add_party(key: str, name: str) -> str:
        entity = entities.get(key.removeprefix("entity:")) if key.startswith("entity:") else None
        full = entity.name if entity else name
        aliases = ", ".join(entity.aliases) if entity and entity.aliases else ""
        roles = ", ".join(sorted({r for d, r in entity.roles if d == doc.doc})) if entity else ""
        text = "\n".join(x for x in (full, f"Also called: {aliases}" if aliases else "",
                                     f"Role: {roles}" if roles else "") if x)
        node = graph.add_node(Node(id=party_id(key), type="party", label=name, title=f"{full} (party)",
                                   text=text, meta={"party": key, "name": full}))
        return node.id

    for key, name in names.items():
        add_party(key, name)
    for entity in outputs.entities:  # parties that bear nothing still belong on the map
        if doc.doc in entity.parties_in and f"entity:{entity.key}" not in names:
            add_party(f"entity:{entity.key}", entity.name)

    for d in doc.deontics:
        bearer = party_id(bearer_key(d))
        graph.add_edge(bearer, cid(d.clause), "bears")
        owed = counterparty_key(d)
        if owed:
            graph.add_edge(cid(d.clause), party_id(owed), "owed to")


def _add_conditions(graph: Graph, doc: DocOutputs, cid) -> None:
    """Clause → what it depends on: a clause that holds its condition, or one the condition cites."""
    for cond in doc.conditions:
        governed = cid(cond.governs) if cond.governs else cid(cond.clause)
        if cond.governs and cond.governs != cond.clause:
            graph.add_edge(governed, cid(cond.clause), "conditioned on")
        for ref in doc.references:
            if ref.target and ref.target_doc in (None, doc.doc) and cond.start <= ref.start and ref.end <= cond.end:
                graph.add_edge(governed, cid(ref.target), "conditioned on")


def corpus_graph(outputs: Outputs) -> Graph:
    """Every document, one node per section; parties and authorities shared across documents."""
    return merge_parts([(doc.doc, doc.title, doc.kind) for doc in outputs.documents],
                       [corpus_part(outputs, doc) for doc in outputs.documents])


def corpus_part(outputs: Outputs, doc: DocOutputs) -> Graph:
    """One document's share of the corpus network: its sections, parties and authorities
    (``outputs`` needs only this document and its entities)."""
    reader = doc_page(doc.doc, READER, from_doc=None)
    part = aggregate(document_graph(outputs, doc, prefix=f"{doc.doc}/", reader=reader), keep_terms=False,
                     by_heading=True)
    for node in part.nodes.values():
        if node.type == "clause" and node.parent is None:
            node.parent = f"d:{doc.doc}"
    return part


def merge_parts(documents: list[tuple[str, str | None, str]], parts: list[Graph]) -> Graph:
    """The corpus network from each document's (id, title, kind) and ``corpus_part``, in corpus
    order: a node that several documents share (a party) is the first document's."""
    graph = Graph(title="Corpus")
    for (doc, title, kind), part in zip(documents, parts):
        graph.add_node(Node(id=f"d:{doc}", type="document", label=doc,
                            title=f"{title or doc} ({kind})", text=f"{title or ''}\n{kind}",
                            reader=doc_page(doc, READER, from_doc=None), meta={"doc": doc}))
        for node in part.nodes.values():
            graph.add_node(node)
        for edge in part.edges.values():
            graph.add_edge(edge.source, edge.target, edge.type, edge.count)
        for node in part.nodes.values():
            if node.parent == f"d:{doc}":
                graph.add_edge(f"d:{doc}", node.id, "contains")
    graph.aggregated = True
    return graph


def aggregate(graph: Graph, *, keep_terms: bool = True, by_heading: bool = False) -> Graph:
    """One node per section: every clause folds into its top-level ancestor, edges are merged.

    ``by_heading``: a document made of many flat paragraphs under headings (a press release's
    80 paragraphs) folds each heading's paragraphs into the heading, so that it does not crowd
    out the agreements beside it.
    """
    out = Graph(title=graph.title, aggregated=True)
    group = _heading_groups(graph) if by_heading else {}
    fold = {}
    for node in graph.nodes.values():
        if node.type == "clause":
            section = node.section or node.id
            fold[node.id] = group.get(section, section)
        elif node.type == "term" and not keep_terms:
            continue
        else:
            fold[node.id] = node.id
    for node in graph.nodes.values():
        if fold.get(node.id) == node.id:
            if node.type == "term" and node.parent:
                node.parent = fold.get(node.parent)
            out.add_node(node)
    for edge in graph.edges.values():
        if edge.source in fold and edge.target in fold and edge.type != "contains":
            out.add_edge(fold[edge.source], fold[edge.target], edge.type, edge.count)
    return out


def _label_width(node: Node, depth: int) -> float:
    """About how wide a node's box is drawn, with its indent and a gap (0.6 em a character)."""
    font = DOCUMENT_FONT if node.type == "document" else CLAUSE_FONTS[min(depth, len(CLAUSE_FONTS) - 1)]
    return depth * INDENT + len(_short(node.label)) * font * 0.6 + 40


def _heading_groups(graph: Graph) -> dict[str, str]:
    """Top-level clause id -> the id of the heading it sits under (or of the first clause of a
    run before any heading), when a document has more than SECTIONS_MAX top-level clauses and
    headings among them; the group's node is relabelled with the heading's words."""
    tops = [n for n in graph.nodes.values() if n.type == "clause" and n.section == n.id]
    if len(tops) <= SECTIONS_MAX or not any(n.meta.get("kind") == "heading" for n in tops):
        return {}
    group: dict[str, str] = {}
    members: dict[str, list[Node]] = defaultdict(list)
    head = None
    for node in tops:
        if node.meta.get("kind") == "heading" or head is None:
            head = node
        group[node.id] = head.id
        members[head.id].append(node)
    for head_id, nodes in members.items():
        head = graph.nodes[head_id]
        words = " ".join(head.text.split()) if head.meta.get("kind") == "heading" else ""
        span = nodes[0].label if len(nodes) == 1 else f"{nodes[0].label}–{nodes[-1].label}"
        head.label = _short(words, HEADING_LABEL_MAX) if words else span
        head.title = f"{words or span}: {span} ({len(nodes)} clauses folded into one node)"
    return group


# --- layout ---------------------------------------------------------------------------------


def layout(graph: Graph) -> dict[str, tuple[int, int]]:
    """Positions: the clause tree as an outline in newspaper columns, parties at its left,
    defined terms and authorities at its right.

    Each section starts a block (the section, then its parts indented beneath it, in reading
    order); blocks flow down a column and on to the next, like a newspaper, so that the picture
    has about the shape of a screen and its labels stay readable when it is fitted to one. A
    section taller than a column continues at the top of the next.
    """
    tree = nx.DiGraph()
    tree_types = ("clause", "document")
    for node in graph.nodes.values():
        if node.type in tree_types:
            tree.add_node(node.id)
            if node.parent in graph.nodes and graph.nodes[node.parent].type in tree_types:
                tree.add_edge(node.parent, node.id)
    roots = [n for n in tree.nodes if tree.in_degree(n) == 0]

    blocks: list[list[tuple[str, int]]] = []
    for root in roots:
        block: list[tuple[str, int]] = []

        def walk(n: str, depth: int) -> None:
            block.append((n, depth))
            for kid in tree.successors(n):  # successors keep insertion (reading) order
                walk(kid, depth + 1)

        walk(root, 0)
        blocks.append(block)

    # Column height H so that the whole picture (outline, and the columns beside it) has the
    # screen's shape: ASPECT * H**2 - sides * H - area = 0, where area = rows * ROW * COLUMN.
    # A column is as wide as its longest label needs (a document's id in the corpus network).
    column_width = max([COLUMN] + [_label_width(graph.nodes[n], depth) for b in blocks for n, depth in b])
    rows_total = sum(len(b) + SECTION_GAP for b in blocks) or 1
    has = Counter(n.type for n in graph.nodes.values())
    sides = sum(width + SIDE_GAP for kind, width in (("party", PARTY_COLUMN), ("term", TERM_COLUMN),
                                                      ("authority", TERM_COLUMN)) if has[kind])
    area = rows_total * ROW * column_width
    column_height = (sides + math.sqrt(sides * sides + 4 * ASPECT * area)) / (2 * ASPECT)
    rows_per_column = max(MIN_COLUMN_ROWS, math.ceil(column_height / ROW))
    pos: dict[str, tuple[float, float]] = {}
    column, row = 0, 0
    for block in blocks:
        if row and row + len(block) > rows_per_column:
            column, row = column + 1, 0  # a section starts at the top of a column rather than break
        for n, depth in block:
            if row >= rows_per_column:
                column, row = column + 1, 0
            lift = DOCUMENT_LIFT if graph.nodes[n].type == "document" else 0  # its box is taller
            pos[n] = (column * column_width + depth * INDENT, row * ROW - lift)
            row += 1
        row += SECTION_GAP
    columns = column + 1 if blocks else 0
    height = rows_per_column * ROW

    def stack(nodes: list[Node], x0: float, step: float, width: float) -> float:
        """Nodes down columns of the clause grid's height from x0; returns the x after them."""
        per_column = max(1, int(height // step))
        for i, node in enumerate(nodes):
            c, r = divmod(i, per_column)
            pos[node.id] = (x0 + c * width, r * step)
        return x0 + math.ceil(len(nodes) / per_column) * width if nodes else x0

    order = {n: i for i, n in enumerate(pos)}
    parties = [n for n in graph.nodes.values() if n.type == "party"]
    party_columns = math.ceil(len(parties) / max(1, int(height // PARTY_ROW))) if parties else 0
    stack(parties, -party_columns * PARTY_COLUMN - SIDE_GAP, PARTY_ROW, PARTY_COLUMN)

    def reading_order(node: Node) -> int:  # terms beside the part of the text that defines them
        return order.get(node.parent, len(order))

    terms = sorted((n for n in graph.nodes.values() if n.type == "term"), key=reading_order)
    x = stack(terms, columns * column_width + SIDE_GAP, TERM_ROW, TERM_COLUMN)
    authorities = [n for n in graph.nodes.values() if n.type == "authority"]
    stack(authorities, x + (SIDE_GAP if terms else 0), PARTY_ROW, TERM_COLUMN)

    for node in graph.nodes.values():  # anything left (a clause outside the tree): the corner
        pos.setdefault(node.id, (0.0, -ROW * 2))
    return {n: (round(x), round(y)) for n, (x, y) in pos.items()}


# --- the page -------------------------------------------------------------------------------


def _pyvis_network() -> type:
    """pyvis's Network class, imported when a page is first drawn. pyvis imports
    IPython.display (about a second, in every worker process) only to show a network inside a
    notebook, which clausegraph never does: where IPython is not loaded already, pyvis is
    imported against a stand-in for it, removed right after, so that a later ``import IPython``
    (or a notebook's) loads the real one."""
    if "pyvis.network" not in sys.modules and "IPython" not in sys.modules:
        display = types.ModuleType("IPython.display")
        display.IFrame = _no_notebook
        package = types.ModuleType("IPython")
        package.display = display
        sys.modules.update({"IPython": package, "IPython.display": display})
        try:
            import pyvis.network  # noqa: F401
        finally:
            for name in ("IPython", "IPython.display"):
                if sys.modules.get(name) in (package, display):
                    del sys.modules[name]
    from pyvis.network import Network

    return Network


def _no_notebook(*args, **kwargs):
    raise RuntimeError("clausegraph writes network pages to files; it shows none inside a notebook")


def render_network(graph: Graph, *, title: str, doc: str | None, assets: str, reader: str | None) -> str:
    """The network page's HTML (pyvis fills our template; we add controls and data)."""
    if len(graph.nodes) > AGGREGATE_ABOVE and not graph.aggregated:
        graph = aggregate(graph)
    positions = layout(graph)

    Network = _pyvis_network()
    net = Network(height="100%", width="100%", directed=True, cdn_resources="remote")
    net.set_template_dir(str(TEMPLATES) + "/", "network.html")
    net.nodes = [_vis_node(n, positions[n.id]) for n in graph.nodes.values()]
    net.edges = [_vis_edge(e, graph) for e in graph.edges.values()]
    net.options = VIS_OPTIONS
    html = net.generate_html(name=NETWORK, notebook=False)

    details = {
        n.id: {"type": n.type, "label": n.label, "text": n.text, "reader": n.reader or "", **n.meta}
        for n in graph.nodes.values()
    }
    replacements = {
        "title": esc(f"{title} — network"),
        "assets": esc(assets),
        "nav": nav(doc, "network" if doc else "corpus-network", doc or "Corpus"),
        "controls": _controls(graph, title, reader),
        "details": script_json(details),
        "readable": str(READABLE_PX),
    }
    for key, value in replacements.items():
        html = html.replace(f"<!--cg:{key}-->", value)
    html = strip_remote_resources(html)
    left = remote_resources(html)
    if left:
        raise AssertionError(f"network page would load from the network: {left[:3]}")
    return html


VIS_OPTIONS = {
    "autoResize": True,
    "physics": {"enabled": False, "solver": "forceAtlas2Based", "stabilization": {"enabled": False},
                "forceAtlas2Based": {"gravitationalConstant": -40, "springLength": 80}},
    "layout": {"improvedLayout": False},
    "edges": {"smooth": False, "width": 1, "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
              "selectionWidth": 2},
    "nodes": {"borderWidth": 1, "font": {"size": 13, "face": "system-ui, sans-serif", "color": "#222"}},
    "interaction": {"hover": True, "tooltipDelay": 200, "hideEdgesOnDrag": True, "hideEdgesOnZoom": True,
                    "multiselect": False},
}


def _vis_node(node: Node, xy: tuple[int, int]) -> dict:
    label, shape, color = NODE_TYPES[node.type]
    vis = {
        "id": node.id,
        "label": esc(_short(node.label)),  # escaped: see the module docstring
        "title": esc(node.title),
        "shape": shape,
        "x": xy[0],
        "y": xy[1],
        "cgType": node.type,
    }
    if node.type == "clause":
        level = min(node.depth, len(CLAUSE_FONTS) - 1)
        fill = CLAUSE_FILLS[level]
        vis.update(color={"background": fill, "border": color, "highlight": {"background": "#ffe58a", "border": "#b26a00"},
                          "hover": {"background": fill, "border": "#1f2328"}},
                   font={"size": CLAUSE_FONTS[level], "color": "#ffffff" if level == 0 else "#1f2328",
                         "bold": level == 0},
                   margin={"top": 3, "bottom": 3, "left": 5, "right": 5}, borderWidth=1, shapeProperties={"borderRadius": 3},
                   cgLevel=level)
    elif node.type == "document":
        vis.update(color={"background": color, "border": "#5c4433"}, font={"size": DOCUMENT_FONT, "color": "#ffffff", "bold": True},
                   margin=6, shapeProperties={"borderRadius": 3}, cgLevel=0)
    else:
        vis.update(color=color, size={"document": 22, "party": 14, "term": 7, "authority": 9}[node.type],
                   font={"size": 14 if node.type == "party" else 13, "color": "#1f2328"})
    return vis


def _vis_edge(edge: Edge, graph: Graph) -> dict:
    color, dashed, _ = EDGE_TYPES[edge.type]
    src, dst = graph.nodes[edge.source], graph.nodes[edge.target]
    times = f" ({edge.count}×)" if edge.count > 1 else ""
    return {
        "id": f"{edge.source}|{edge.type}|{edge.target}",
        "from": edge.source,
        "to": edge.target,
        "title": esc(f"{src.label} {edge.type} {dst.label}{times}"),
        "color": {"color": _faint(color) if edge.type in FAINT else color, "highlight": color, "hover": color},
        "dashes": dashed,
        "width": 1 + min(edge.count, 4) * 0.5 if edge.type in ("refers to", "bears", "cites") else 1,
        "cgType": edge.type,  # types in HIDDEN_AT_FIRST reach vis only when ticked (network.js)
    }


def _faint(hex_colour: str, alpha: float = 0.3) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _short(label: str, limit: int = 0) -> str:
    limit = limit or LABEL_MAX
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _party_option(node: Node) -> str:
    """ "Company (The Hartford Financial Services Group, Inc.)": the word the contract uses, and whom it means."""
    full = node.meta.get("name") or node.label
    return node.label if full == node.label else f"{node.label} ({full})"


def _controls(graph: Graph, title: str, reader: str | None) -> str:
    node_counts = Counter(n.type for n in graph.nodes.values())
    edge_counts = Counter(e.type for e in graph.edges.values())
    node_rows = [{"type": t, "label": label, "shape": shape, "color": color, "count": node_counts[t]}
                 for t, (label, shape, color) in NODE_TYPES.items() if node_counts[t] or t != "document"]
    edge_rows = [{"type": t, "color": color, "dashed": dashed, "meaning": meaning, "count": edge_counts[t],
                  "checked": t not in HIDDEN_AT_FIRST}
                 for t, (color, dashed, meaning) in EDGE_TYPES.items()]
    parties = sorted((n for n in graph.nodes.values() if n.type == "party"), key=lambda n: n.label.lower())
    return render_template("network_controls.html", title=title, aggregated=graph.aggregated, reader=reader,
                           parties=[{"id": n.id, "text": _party_option(n)} for n in parties],
                           node_rows=node_rows, edge_rows=edge_rows)


# --- offline --------------------------------------------------------------------------------

_REMOTE_TAG = re.compile(
    r"<(script|link)\b[^>]*?\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//[^>]*>(?:\s*</script>)?", re.I | re.S)
_REMOTE_URL = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*[\"']?\s*((?:https?:)?//[^\"'\s>]+)", re.I | re.S)
_REMOTE_IMPORT = re.compile(r"@import\s+(?:url\()?[\"']?((?:https?:)?//[^\"')\s]+)", re.I)


def strip_remote_resources(html: str) -> str:
    """Remove every <script src> and <link href> that points at http(s):// or //host."""
    html = _REMOTE_TAG.sub("", html)
    return _REMOTE_IMPORT.sub("", html)


def remote_resources(html: str) -> list[str]:
    """The remote script / stylesheet URLs a page would load (none, for our pages)."""
    return _REMOTE_URL.findall(html) + _REMOTE_IMPORT.findall(html)


def write_network(path: Path, graph: Graph, *, title: str, doc: str | None, assets: str, reader: str | None) -> None:
    path.write_text(render_network(graph, title=title, doc=doc, assets=assets, reader=reader), encoding="utf-8")
