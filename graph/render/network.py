"""The network pages: a document's graph (and the corpus's) drawn with pyvis / vis-network.

Nodes are clauses (with their hierarchy), parties, defined terms and external authorities;
edges are typed: contains, refers to, defines, uses, bears, owed to, conditioned on, cites.

Why the page draws fast (pyvis's defaults took 15–21 s for 200 nodes, DESIGN.md): the
layout is computed here, once, with networkx (a radial tree of the clauses; parties in the
middle; terms and authorities on outer rings next to the clauses that define or cite them),
so the page starts with physics off and nothing to stabilise; edges are straight (curved
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
    script_json,
)
from .outputs import DocOutputs, Outputs, kind_text

TEMPLATES = Path(__file__).parent / "templates"

# A graph with more nodes than this is drawn one node per section (top-level clause).
AGGREGATE_ABOVE = 1500  # e.g. a 400-page credit agreement with 2,600 clauses and terms

# Geometry of the radial layout, in vis-network canvas pixels.
LEAF_SPACING = 34  # arc length between neighbouring leaves of the clause tree
RING_MIN = 110  # distance between depth rings (grows with the number of leaves)
OUTER_SPACING = 60  # arc length between neighbouring terms / authorities on their rings
PARTY_SPACING = 150  # arc length between parties on the inner circle (their labels are long)
LABEL_MAX = 30  # longer labels are cut on the canvas ("BB&T Capital Markets, a division…")

# (label, vis shape, colour) per node type; the legend is made from this table.
NODE_TYPES = {
    "document": ("Document", "star", "#9c755f"),
    "clause": ("Clause", "dot", "#4e79a7"),
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
CLAUSE_SIZES = (16, 11, 8, 6)  # node size by depth: sections, subsections, clauses, deeper
# Edge types drawn only when asked for (their checkbox starts off): a term used in 60 clauses
# draws 60 lines, and together they hide the structure. network.js hands them to vis only
# when their box is ticked (a credit agreement: 2,800 of its 4,700 edges).
HIDDEN_AT_FIRST = {"uses"}
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
    graph = Graph(title="Corpus")
    for doc in outputs.documents:
        graph.add_node(Node(id=f"d:{doc.doc}", type="document", label=doc.doc,
                            title=f"{doc.title or doc.doc} ({doc.kind})", text=f"{doc.title or ''}\n{doc.kind}",
                            reader=doc_page(doc.doc, READER, from_doc=None), meta={"doc": doc.doc}))
        reader = doc_page(doc.doc, READER, from_doc=None)
        part = aggregate(document_graph(outputs, doc, prefix=f"{doc.doc}/", reader=reader), keep_terms=False)
        for node in part.nodes.values():
            if node.type == "clause" and node.parent is None:
                node.parent = f"d:{doc.doc}"
            graph.add_node(node)
        for edge in part.edges.values():
            graph.add_edge(edge.source, edge.target, edge.type, edge.count)
        for node in part.nodes.values():
            if node.parent == f"d:{doc.doc}":
                graph.add_edge(f"d:{doc.doc}", node.id, "contains")
    graph.aggregated = True
    return graph


def aggregate(graph: Graph, *, keep_terms: bool = True) -> Graph:
    """One node per section: every clause folds into its top-level ancestor, edges are merged."""
    out = Graph(title=graph.title, aggregated=True)
    fold = {}
    for node in graph.nodes.values():
        if node.type == "clause":
            fold[node.id] = node.section or node.id
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


# --- layout ---------------------------------------------------------------------------------


def layout(graph: Graph) -> dict[str, tuple[int, int]]:
    """Positions: clauses as a radial tree, parties inside it, terms and authorities outside."""
    tree = nx.DiGraph()
    tree_types = ("clause", "document")
    for node in graph.nodes.values():
        if node.type in tree_types:
            tree.add_node(node.id)
            if node.parent in graph.nodes and graph.nodes[node.parent].type in tree_types:
                tree.add_edge(node.parent, node.id)
    roots = [n for n in tree.nodes if tree.in_degree(n) == 0]
    leaves: dict[str, int] = {}
    height: dict[str, int] = {}
    for n in nx.dfs_postorder_nodes(tree):
        kids = list(tree.successors(n))
        leaves[n] = sum(leaves[k] for k in kids) if kids else 1
        height[n] = 1 + max((height[k] for k in kids), default=0)
    total = sum(leaves[r] for r in roots) or 1
    depth = max((height[r] for r in roots), default=1)
    ring = max(RING_MIN, total * LEAF_SPACING / (2 * math.pi) / depth)

    parties = [n for n in graph.nodes.values() if n.type == "party"]
    party_radius = 0.0 if len(parties) <= 1 else max(PARTY_SPACING * len(parties) / (2 * math.pi), 70)
    # The second ring (where most leaves sit) gets LEAF_SPACING pixels of arc per leaf.
    first_ring = max(party_radius + ring * (0.9 if parties else 1.0), total * LEAF_SPACING / (2 * math.pi) - ring)

    pos: dict[str, tuple[float, float]] = {}
    angle_of: dict[str, float] = {}

    def shares(nodes: list[str]) -> list[float]:
        # Mostly by size, a quarter evenly: a run of one-line sections does not collapse into a clump.
        weight = sum(leaves[n] for n in nodes)
        return [0.75 * leaves[n] / weight + 0.25 / len(nodes) for n in nodes]

    def place(n: str, level: int, a0: float, a1: float) -> None:
        mid = (a0 + a1) / 2
        radius = first_ring + (level - 1) * ring
        angle_of[n] = mid
        pos[n] = (radius * math.cos(mid), radius * math.sin(mid))
        kids = list(tree.successors(n))  # successors keep insertion (reading) order
        a = a0
        for kid, share in zip(kids, shares(kids) if kids else []):
            place(kid, level + 1, a, a + (a1 - a0) * share)
            a += (a1 - a0) * share

    a = -math.pi / 2  # the first section at twelve o'clock, reading order clockwise
    for r, share in zip(roots, shares(roots) if roots else []):
        place(r, 1, a, a + 2 * math.pi * share)
        a += 2 * math.pi * share
    outer = first_ring + (depth - 1) * ring

    neighbours: dict[str, list[str]] = defaultdict(list)
    for e in graph.edges.values():
        neighbours[e.source].append(e.target)
        neighbours[e.target].append(e.source)

    def mean_angle(n: str, prefer: str | None = None) -> float:
        anchors = [prefer] if prefer in angle_of else [m for m in neighbours[n] if m in angle_of]
        if not anchors:
            return 0.0
        return math.atan2(sum(math.sin(angle_of[m]) for m in anchors), sum(math.cos(angle_of[m]) for m in anchors))

    for i, node in enumerate(parties):
        t = -math.pi / 2 + 2 * math.pi * i / max(len(parties), 1)
        pos[node.id] = (party_radius * math.cos(t), party_radius * math.sin(t))

    for kind, radius in (("term", outer + ring * 0.9), ("authority", outer + ring * 1.7)):
        nodes = [n for n in graph.nodes.values() if n.type == kind]
        angles = _spread([mean_angle(n.id, n.parent) for n in nodes], OUTER_SPACING / radius)
        by_angle = sorted(range(len(nodes)), key=lambda i: angles[i])
        for rank, i in enumerate(by_angle):  # neighbours alternate between two radii: labels clear
            r = radius + (rank % 2) * ring * 0.4
            pos[nodes[i].id] = (r * math.cos(angles[i]), r * math.sin(angles[i]))

    for node in graph.nodes.values():  # anything left (a clause outside the tree): the middle
        pos.setdefault(node.id, (0.0, 0.0))
    return {n: (round(x), round(y)) for n, (x, y) in pos.items()}


def _spread(angles: list[float], gap: float) -> list[float]:
    """Angles moved apart, keeping their order, so that neighbours are at least ``gap`` apart.

    Nodes that want the same place form a run centred on where they want to be.
    """
    if not angles:
        return []
    if gap * len(angles) >= 2 * math.pi:
        gap = 2 * math.pi / len(angles)
    order = sorted(range(len(angles)), key=lambda i: (angles[i], i))
    runs: list[list[int]] = []  # each run: indices placed gap apart, centred on their mean wish
    for i in order:
        runs.append([i])
        while len(runs) > 1:
            a, b = runs[-2], runs[-1]
            if _run_start(angles, b, gap) - _run_start(angles, a, gap) >= gap * len(a):
                break
            runs[-2:] = [a + b]
    out = [0.0] * len(angles)
    for run in runs:
        start = _run_start(angles, run, gap)
        for k, i in enumerate(run):
            out[i] = start + k * gap
    return out


def _run_start(angles: list[float], run: list[int], gap: float) -> float:
    return sum(angles[i] for i in run) / len(run) - gap * (len(run) - 1) / 2


# --- the page -------------------------------------------------------------------------------


def render_network(graph: Graph, *, title: str, doc: str | None, assets: str, reader: str | None) -> str:
    """The network page's HTML (pyvis fills our template; we add controls and data)."""
    if len(graph.nodes) > AGGREGATE_ABOVE and not graph.aggregated:
        graph = aggregate(graph)
    positions = layout(graph)

    from pyvis.network import Network  # pyvis imports IPython: only when pages are written

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
    size = {"clause": CLAUSE_SIZES[min(node.depth, len(CLAUSE_SIZES) - 1)], "document": 22, "party": 16,
            "term": 7, "authority": 10}[node.type]
    font = {"size": 15 if node.type in ("party", "document") or (node.type == "clause" and node.depth == 0)
            else 12 if node.type in ("term", "authority") else 10}
    return {
        "id": node.id,
        "label": esc(_short(node.label)),  # escaped: see the module docstring
        "title": esc(node.title),
        "shape": shape,
        "color": color,
        "size": size,
        "font": font,
        "x": xy[0],
        "y": xy[1],
        "cgType": node.type,
    }


def _vis_edge(edge: Edge, graph: Graph) -> dict:
    color, dashed, _ = EDGE_TYPES[edge.type]
    src, dst = graph.nodes[edge.source], graph.nodes[edge.target]
    times = f" ({edge.count}×)" if edge.count > 1 else ""
    return {
        "id": f"{edge.source}|{edge.type}|{edge.target}",
        "from": edge.source,
        "to": edge.target,
        "title": esc(f"{src.label} {edge.type} {dst.label}{times}"),
        "color": {"color": color, "highlight": color, "hover": color},
        "dashes": dashed,
        "width": 1 + min(edge.count, 4) * 0.5 if edge.type in ("refers to", "bears", "cites") else 1,
        "cgType": edge.type,  # types in HIDDEN_AT_FIRST reach vis only when ticked (network.js)
    }


def _short(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1].rstrip() + "…"


def _party_option(node: Node) -> str:
    """ "Company (The Hartford Financial Services Group, Inc.)": the word the contract uses, and whom it means."""
    full = node.meta.get("name") or node.label
    return node.label if full == node.label else f"{node.label} ({full})"


def _controls(graph: Graph, title: str, reader: str | None) -> str:
    node_counts = Counter(n.type for n in graph.nodes.values())
    edge_counts = Counter(e.type for e in graph.edges.values())
    node_rows = "".join(
        f'<label class="legend-row"><input type="checkbox" data-filter="node" value="{t}" checked>'
        f'<span class="shape shape-{shape}" style="--c:{color}"></span>{esc(label)}'
        f'<span class="count">{node_counts[t]}</span></label>'
        for t, (label, shape, color) in NODE_TYPES.items() if node_counts[t] or t != "document"
    )
    edge_rows = "".join(
        f'<label class="legend-row" title="{esc(meaning)}"><input type="checkbox" data-filter="edge" value="{esc(t)}"{"" if t in HIDDEN_AT_FIRST else " checked"}>'
        f'<span class="line{" dashed" if dashed else ""}" style="--c:{color}"></span>{esc(t)}'
        f'<span class="count">{edge_counts[t]}</span></label>'
        for t, (color, dashed, meaning) in EDGE_TYPES.items()
    )
    parties = sorted((n for n in graph.nodes.values() if n.type == "party"), key=lambda n: n.label.lower())
    options = "".join(f'<option value="{esc(n.id)}">{esc(_party_option(n))}</option>' for n in parties)
    note = ('<p class="note">One node per section: parts of a section are folded into it.</p>'
            if graph.aggregated else "")
    to_reader = f'<a href="{esc(reader)}">Read the document</a>' if reader else ""
    return (
        f'<h1>{esc(title)}</h1>{note}'
        '<label class="search"><span>Search</span>'
        '<input id="cg-search" type="search" placeholder="label or words, e.g. 8(c) or indemnify" autocomplete="off"></label>'
        '<ol id="cg-results" class="results"></ol>'
        '<label class="party-select"><span>Party</span>'
        f'<select id="cg-party"><option value="">All parties</option>{options}</select></label>'
        f'<fieldset class="legend"><legend>Nodes</legend>{node_rows}</fieldset>'
        f'<fieldset class="legend"><legend>Edges</legend>{edge_rows}</fieldset>'
        '<label class="physics"><input id="cg-physics" type="checkbox"> Physics (let the layout move)</label>'
        '<button id="cg-fit" type="button">Fit to screen</button> '
        f'<p class="hint">Click a node to read it and see its links; click the background to clear. {to_reader}</p>'
    )


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
