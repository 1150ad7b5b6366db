/* clausegraph network page: filters, search, side panel, neighbourhood highlight.
 *
 * Safety rule of this file: node labels and titles arrive HTML-escaped (see network.py);
 * decode() turns them back into plain text, and every string from a document reaches the
 * DOM through textContent only — never innerHTML.
 */
(function () {
  "use strict";

  var FADED = "rgba(200,200,200,0.35)";
  var decoder = document.createElement("textarea");
  function decode(s) { decoder.innerHTML = s == null ? "" : String(s); return decoder.value; }
  function readJSON(id) { return JSON.parse(document.getElementById(id).textContent); }
  function tip(text) { var el = document.createElement("div"); el.className = "net-tip"; el.textContent = text; return el; }

  var rawNodes = readJSON("cg-nodes"), rawEdges = readJSON("cg-edges");
  var options = readJSON("cg-options"), details = readJSON("cg-details");

  var byId = {}, out = {}, inc = {};
  rawNodes.forEach(function (n) {
    n.label = decode(n.label);
    n.plainTitle = decode(n.title);
    n.title = tip(n.plainTitle);
    n.baseColor = n.color;
    n.baseFont = (n.font && n.font.color) || "#222";
    byId[n.id] = n; out[n.id] = []; inc[n.id] = [];
  });
  rawEdges.forEach(function (e) {
    e.plainTitle = decode(e.title);
    e.title = tip(e.plainTitle);
    e.baseColor = e.color;
    if (out[e.from]) out[e.from].push(e);
    if (inc[e.to]) inc[e.to].push(e);
  });

  // Edge types whose checkbox starts unticked ("uses": 2,800 of a credit agreement's 4,700
  // edges) are not handed to vis at all until asked for: vis lays out, hit-tests and draws
  // every edge in its DataSet, hidden or not, and they would double the first draw.
  var shownNodeTypes = {}, shownEdgeTypes = {}, partyKeep = null;
  var filterBoxes = document.querySelectorAll("input[data-filter]");
  filterBoxes.forEach(function (box) {
    (box.getAttribute("data-filter") === "node" ? shownNodeTypes : shownEdgeTypes)[box.value] = box.checked;
  });
  function edgeTypeLoaded(e) { return shownEdgeTypes[e.cgType] !== false; }
  function loadedEdges() { return rawEdges.filter(edgeTypeLoaded); }
  var nodes = new vis.DataSet(rawNodes), edges = new vis.DataSet(loadedEdges());
  var container = document.getElementById("mynetwork");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  window.cgNetwork = network;  // for tests and the curious
  // The first view: the whole picture if its section labels are readable so; else readable
  // labels on the first sections (the top left of the outline), the rest a drag away.
  var READABLE_PX = parseFloat(container.getAttribute("data-readable-px")) || 12;
  function firstView() {
    network.fit({ animation: false });
    // vis fits the nodes' shapes; the labels under parties and terms reach a little further
    network.moveTo({ scale: network.getScale() * 0.92, animation: false });
    var sections = rawNodes.filter(function (n) { return n.cgLevel === 0 || n.cgType === "document"; });
    var size = Math.min.apply(null, sections.map(function (n) { return n.font.size; }).concat([15]));
    if (network.getScale() * size >= READABLE_PX || !sections.length) return;
    var scale = READABLE_PX / size;
    var box = container.getBoundingClientRect();
    var xs = rawNodes.map(function (n) { return n.x; }), ys = sections.map(function (n) { return n.y; });
    var left = Math.min.apply(null, xs) - 120, top = Math.min.apply(null, ys) - 30;  // a party's label is wide
    network.moveTo({ position: { x: left + box.width / 2 / scale, y: top + box.height / 2 / scale }, scale: scale, animation: false });
  }
  firstView();
  network.once("afterDrawing", function () {
    window.cgFirstDraw = performance.now();
    document.body.setAttribute("data-drawn", "1");
  });

  // --- visibility: node types, edge types, party -------------------------------------------
  filterBoxes.forEach(function (box) {
    box.addEventListener("change", function () {
      var isNode = box.getAttribute("data-filter") === "node";
      (isNode ? shownNodeTypes : shownEdgeTypes)[box.value] = box.checked;
      if (!isNode) {  // load or unload that edge type's edges
        var ofType = rawEdges.filter(function (e) { return e.cgType === box.value; });
        if (box.checked) edges.add(ofType.filter(function (e) { return !edges.get(e.id); }));
        else edges.remove(ofType.map(function (e) { return e.id; }));
      }
      applyVisibility();
      if (!isNode && box.checked) highlight(document.body.getAttribute("data-selected"));
    });
  });

  function partyNeighbourhood(partyId) {
    // The party, the clauses where it bears or is owed something, and their ancestors.
    var keep = {}; keep[partyId] = true;
    out[partyId].concat(inc[partyId]).forEach(function (e) {
      var other = e.from === partyId ? e.to : e.from;
      keep[other] = true;
      var parent = inc[other] && inc[other].filter(function (x) { return x.cgType === "contains"; });
      while (parent && parent.length) {
        var p = parent[0].from; if (keep[p]) break; keep[p] = true;
        parent = inc[p].filter(function (x) { return x.cgType === "contains"; });
      }
    });
    return keep;
  }

  function nodeVisible(n) {
    if (shownNodeTypes[n.cgType] === false) return false;
    if (partyKeep && !partyKeep[n.id]) return false;
    return true;
  }

  function applyVisibility() {
    var nodeUpdates = rawNodes.map(function (n) { return { id: n.id, hidden: !nodeVisible(n) }; });
    var edgeUpdates = loadedEdges().map(function (e) {
      var ok = nodeVisible(byId[e.from]) && nodeVisible(byId[e.to]);
      return { id: e.id, hidden: !ok };
    });
    nodes.update(nodeUpdates); edges.update(edgeUpdates);
  }

  var partySelect = document.getElementById("cg-party");
  partySelect.addEventListener("change", function () {
    partyKeep = partySelect.value ? partyNeighbourhood(partySelect.value) : null;
    applyVisibility();
    if (partySelect.value) network.fit({ nodes: Object.keys(partyKeep), animation: false });
  });

  // --- highlight and side panel --------------------------------------------------------------
  function highlight(centre) {
    if (!centre) {
      nodes.update(rawNodes.map(function (n) { return { id: n.id, color: n.baseColor, font: { color: n.baseFont } }; }));
      edges.update(loadedEdges().map(function (e) { return { id: e.id, color: e.baseColor }; }));
      return;
    }
    var near = {}; near[centre] = true;
    out[centre].concat(inc[centre]).forEach(function (e) { near[e.from] = true; near[e.to] = true; });
    nodes.update(rawNodes.map(function (n) {
      return near[n.id] ? { id: n.id, color: n.baseColor, font: { color: n.baseFont } }
                        : { id: n.id, color: FADED, font: { color: "rgba(120,120,120,0.4)" } };
    }));
    edges.update(loadedEdges().map(function (e) {  // update() would add the unloaded ones
      var on = e.from === centre || e.to === centre;
      return { id: e.id, color: on ? e.baseColor : { color: FADED, highlight: FADED, hover: FADED } };
    }));
  }

  var panel = document.getElementById("cg-panel");
  function linkItem(edge, otherId, arrow) {
    var li = document.createElement("li");
    var kind = document.createElement("span"); kind.className = "edge-type"; kind.textContent = edge.cgType;
    var btn = document.createElement("button"); btn.type = "button"; btn.className = "node-link";
    var other = byId[otherId];
    btn.textContent = arrow + " " + (other ? other.label : otherId);
    btn.addEventListener("click", function () { select(otherId, true); });
    li.appendChild(kind); li.appendChild(btn);
    return li;
  }
  function fill(list, items) {
    list.textContent = "";
    if (!items.length) { var li = document.createElement("li"); li.className = "none"; li.textContent = "none"; list.appendChild(li); }
    items.forEach(function (x) { list.appendChild(x); });
  }
  var TYPE_NAMES = { clause: "Clause", party: "Party", term: "Defined term", authority: "External authority", document: "Document" };

  function select(id, focus) {
    var n = byId[id]; if (!n) return;
    var d = details[id] || {};
    document.getElementById("cg-panel-type").textContent =
      (TYPE_NAMES[n.cgType] || n.cgType) + (d.kind ? " · " + d.kind : "") + (d.doc ? " · " + d.doc : "");
    document.getElementById("cg-panel-title").textContent = n.label + (d.heading ? " — " + d.heading : "");
    document.getElementById("cg-panel-text").textContent = d.text || "";
    var reader = document.getElementById("cg-panel-reader");
    if (d.reader) { reader.href = d.reader; reader.parentNode.hidden = false; } else { reader.parentNode.hidden = true; }
    fill(document.getElementById("cg-panel-out"), out[id].map(function (e) { return linkItem(e, e.to, "→"); }));
    fill(document.getElementById("cg-panel-in"), inc[id].map(function (e) { return linkItem(e, e.from, "←"); }));
    panel.hidden = false;
    panel.scrollTop = 0;
    network.selectNodes([id]);
    highlight(id);
    document.body.setAttribute("data-selected", id);
    if (focus) network.focus(id, { scale: Math.max(network.getScale(), 0.8), animation: false });
  }
  function clearSelection() {
    panel.hidden = true; highlight(null); network.unselectAll();
    document.body.removeAttribute("data-selected");
  }
  network.on("click", function (params) {
    if (params.nodes.length) select(params.nodes[0], false); else clearSelection();
  });
  document.getElementById("cg-close").addEventListener("click", clearSelection);
  document.getElementById("cg-fit").addEventListener("click", function () { network.fit({ animation: false }); });
  var firstViewButton = document.getElementById("cg-first-view");
  if (firstViewButton) firstViewButton.addEventListener("click", firstView);
  window.cgSelect = select;

  // --- search ---------------------------------------------------------------------------------
  var search = document.getElementById("cg-search"), results = document.getElementById("cg-results");
  var haystack = {};
  rawNodes.forEach(function (n) {
    var d = details[n.id] || {};
    haystack[n.id] = (n.label + " " + (d.heading || "") + " " + (d.text || "")).toLowerCase().replace(/\s+/g, " ");
  });
  function runSearch() {
    var q = search.value.trim().toLowerCase();
    results.textContent = "";
    if (!q) { highlight(null); return []; }
    var words = q.split(/\s+/);
    var hits = rawNodes.filter(function (n) {
      if (n.label.toLowerCase() === q) return true;
      return words.every(function (w) { return haystack[n.id].indexOf(w) >= 0; });
    });
    hits.sort(function (a, b) {  // exact label first, then label matches, then text matches
      function rank(n) { var l = n.label.toLowerCase(); return l === q ? 0 : l.indexOf(q) >= 0 ? 1 : 2; }
      return rank(a) - rank(b);
    });
    var hit = {}; hits.forEach(function (n) { hit[n.id] = true; });
    nodes.update(rawNodes.map(function (n) {
      return hit[n.id] ? { id: n.id, color: n.baseColor, font: { color: n.baseFont } }
                       : { id: n.id, color: FADED, font: { color: "rgba(120,120,120,0.4)" } };
    }));
    hits.slice(0, 40).forEach(function (n) {
      var li = document.createElement("li");
      var b = document.createElement("button"); b.type = "button"; b.className = "node-link";
      b.textContent = n.label + " (" + (TYPE_NAMES[n.cgType] || n.cgType).toLowerCase() + ")";
      b.addEventListener("click", function () { select(n.id, true); });
      li.appendChild(b); results.appendChild(li);
    });
    if (hits.length > 40) { var more = document.createElement("li"); more.textContent = "… " + (hits.length - 40) + " more"; results.appendChild(more); }
    if (!hits.length) { var none = document.createElement("li"); none.className = "none"; none.textContent = "no match"; results.appendChild(none); }
    return hits;
  }
  var timer = null;
  search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(runSearch, 120); });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var hits = runSearch(); if (hits.length) select(hits[0].id, true); }
  });

  // --- physics toggle -------------------------------------------------------------------------
  document.getElementById("cg-physics").addEventListener("change", function (ev) {
    network.setOptions({ physics: { enabled: ev.target.checked } });
  });

  // --- a clause named in the URL (reader.html links here as network.html#8(c)) ----------------
  function fromHash() {
    if (!location.hash) return;
    var label = decodeURIComponent(location.hash.slice(1)).replace(/_/g, " ");
    var id = Object.keys(byId).filter(function (k) {
      return byId[k].cgType === "clause" && (k === "c:" + label || k.slice(-label.length - 2) === "c:" + label);
    })[0];
    if (id) select(id, true);
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
