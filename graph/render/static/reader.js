/* clausegraph reader page: hover tips, the outline (folding, the clause in view highlighted),
 * "go to" a clause by its label, search in the text with next/previous, the uses of a defined
 * term, and the obligations of a party (highlighted, and listed in the drawer).
 *
 * The page is complete without this script. Safety rule: every string from the document
 * comes from a data-* attribute or the text itself and reaches the DOM via textContent only. */
(function () {
  "use strict";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function labelOf(node) {
    var holder = node.closest ? node.closest("[data-label]") : null;
    return holder ? holder.getAttribute("data-label") : "";
  }

  // --- the sticky bars' height: every jump lands below them ------------------------------------
  var bars = document.querySelector(".reader-bars"), nav = document.querySelector(".cg-nav");
  function barsBottom() {
    var b = bars ? bars.getBoundingClientRect().bottom : 0;
    return Math.max(b, nav ? nav.getBoundingClientRect().bottom : 0);
  }
  function measureBars() {  // where the bars sit once stuck: under the nav while the nav sticks
    var navSticks = nav && getComputedStyle(nav).position === "sticky";
    var h = (bars ? bars.offsetHeight : 0) + (navSticks ? nav.offsetHeight : 0);
    document.documentElement.style.setProperty("--bars", h + "px");
  }
  measureBars();
  window.addEventListener("resize", measureBars);
  function reveal(target) {  // scroll a node (or a Range) just below the sticky bars
    var r = target.getBoundingClientRect();
    window.scrollTo(0, window.scrollY + r.top - barsBottom() - 16);
  }
  function flash(node) {
    node.classList.remove("flash");
    void node.offsetWidth;  // restart the animation
    node.classList.add("flash");
  }

  // --- tips ---------------------------------------------------------------------------------
  var tipBox = document.getElementById("cg-tip");
  function showTip(e) {
    tipBox.textContent = e.getAttribute("data-tip");
    tipBox.hidden = false;
    var r = e.getBoundingClientRect();
    var top = window.scrollY + r.bottom + 6;
    var left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - tipBox.offsetWidth - 12);
    tipBox.style.top = top + "px";
    tipBox.style.left = Math.max(8, left) + "px";
  }
  function hideTip() { tipBox.hidden = true; }
  document.addEventListener("mouseover", function (ev) {
    var e = ev.target.closest ? ev.target.closest("[data-tip]") : null;
    if (e) showTip(e); else hideTip();
  });
  document.addEventListener("focusin", function (ev) {
    var e = ev.target.closest ? ev.target.closest("[data-tip]") : null;
    if (e) showTip(e);
  });

  // --- the drawer: a list of places with previous / next ----------------------------------------
  var drawer = document.getElementById("cg-drawer");
  var drawerList = document.getElementById("cg-drawer-list");
  var drawerPos = document.getElementById("cg-drawer-pos");
  var drawerItems = [], drawerAt = -1, drawerKind = "";
  function openDrawer(kind, title, sub, items) {
    drawerKind = kind; drawerItems = items; drawerAt = -1;
    document.getElementById("cg-drawer-title").textContent = title;
    document.getElementById("cg-drawer-sub").textContent = sub;
    drawerList.textContent = "";
    items.forEach(function (item, i) {
      var li = el("li");
      var b = el("button", "place"); b.type = "button";
      b.appendChild(el("span", "where", item.clause || "—"));
      item.lines.forEach(function (line, k) { b.appendChild(el("span", k ? "detail" : "words", line)); });
      b.addEventListener("click", function () { drawerGo(i); });
      li.appendChild(b); drawerList.appendChild(li);
    });
    if (!items.length) drawerList.appendChild(el("li", "none", "none"));
    drawer.hidden = false;
    document.body.classList.add("drawer-open");
    drawer.setAttribute("data-kind", kind);
    drawerPos.textContent = items.length + (items.length === 1 ? " place" : " places");
  }
  function closeDrawer() { drawer.hidden = true; drawerKind = ""; document.body.classList.remove("drawer-open"); }
  function drawerGo(i) {
    if (!drawerItems.length) return;
    drawerAt = (i + drawerItems.length) % drawerItems.length;
    var node = drawerItems[drawerAt].node;
    reveal(node); flash(node);
    drawerList.querySelectorAll("li").forEach(function (li, k) { li.classList.toggle("at", k === drawerAt); });
    var li = drawerList.children[drawerAt];
    if (li && li.scrollIntoView) li.scrollIntoView({ block: "nearest" });
    drawerPos.textContent = (drawerAt + 1) + " / " + drawerItems.length;
  }
  document.getElementById("cg-drawer-prev").addEventListener("click", function () { drawerGo(drawerAt - 1); });
  document.getElementById("cg-drawer-next").addEventListener("click", function () { drawerGo(drawerAt + 1); });
  document.getElementById("cg-drawer-close").addEventListener("click", function () {
    if (drawerKind === "party") filterParty(""); else closeDrawer();
  });

  // --- defined terms: every use, with its clause ------------------------------------------------
  function context(node) {  // a few words either side of a use, from its own paragraph
    var block = node.closest(".txt") || node.parentNode;
    var range = document.createRange();
    function text(r) {
      var part = r.cloneContents();
      part.querySelectorAll(".act, .also-refs, .refby").forEach(function (x) { x.remove(); });
      return part.textContent.replace(/\s+/g, " ");
    }
    range.selectNodeContents(block); range.setEndBefore(node);
    var before = text(range);
    range.selectNodeContents(block); range.setStartAfter(node);
    var after = text(range);
    return "…" + before.slice(-50) + node.textContent.replace(/\s+/g, " ") + after.slice(0, 50) + "…";
  }
  function termUses(slug) {
    var def = document.querySelector('dfn[data-term="' + CSS.escape(slug) + '"]');
    var name = def ? def.textContent.replace(/\s+/g, " ") : slug;
    var uses = Array.prototype.slice.call(document.querySelectorAll('main a.term[data-term="' + CSS.escape(slug) + '"]'));
    var items = uses.map(function (u) { return { node: u, clause: labelOf(u), lines: [context(u)] }; });
    var where = def ? "defined in " + labelOf(def) : "";
    openDrawer("term", "Uses of “" + name + "”", items.length + (items.length === 1 ? " use" : " uses") + (where ? " · " + where : ""), items);
    document.querySelectorAll(".term-row").forEach(function (r) { r.classList.toggle("on", r.getAttribute("data-term") === slug); });
    return items.length;
  }
  // A use in the text still goes to the definition (its href); the drawer lists every use.
  document.addEventListener("click", function (ev) {
    var t = ev.target.closest ? ev.target.closest("a.term[data-term], dfn.defined[data-term], .term-row[data-term]") : null;
    if (t) termUses(t.getAttribute("data-term"));
  });
  window.cgTermUses = termUses;

  // --- obligations by party --------------------------------------------------------------------
  var buttons = document.querySelectorAll(".party-filter");
  function words(node) {  // the document's words in a node, without the badges we add to them
    var copy = node.cloneNode(true);
    copy.querySelectorAll(".act, .also-refs, .refby").forEach(function (x) { x.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }
  function obligationsOf(key) {
    return Array.prototype.slice.call(document.querySelectorAll('mark.ob[id][data-party="' + CSS.escape(key) + '"]'))
      .map(function (m) {
        var lines = [m.getAttribute("data-modality") + " (“" + m.getAttribute("data-trigger") + "”)"
                     + (m.getAttribute("data-counterparty") ? " · owed to " + m.getAttribute("data-counterparty") : ""),
                     words(m).slice(0, 160)];
        var conds = m.getAttribute("data-conditions");
        if (conds) lines.push("Conditions: " + conds);
        var said = lines[1]; lines[1] = lines[0]; lines[0] = said;  // the words first, then the facts
        return { node: m, clause: m.getAttribute("data-clause"), lines: lines };
      });
  }
  function filterParty(key) {
    var name = "";
    buttons.forEach(function (b) {
      var on = b.getAttribute("data-party") === key;
      if (on) name = b.getAttribute("data-name") || "";
      b.classList.toggle("on", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    document.body.classList.toggle("party-filtered", !!key);
    document.querySelectorAll("mark.ob").forEach(function (m) {
      m.classList.toggle("off", !!key && m.getAttribute("data-party") !== key);
    });
    document.querySelectorAll(".txt").forEach(function (t) {
      var has = !key || t.querySelector('mark.ob[data-party="' + CSS.escape(key) + '"]');
      t.classList.toggle("dim", !has);
    });
    if (!key) { if (drawerKind === "party") closeDrawer(); return; }
    var items = obligationsOf(key);
    openDrawer("party", "Obligations of the " + name, items.length + " statements, in reading order", items);
    if (items.length) drawerGo(0);
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () { filterParty(b.getAttribute("data-party")); });
  });
  window.cgFilterParty = filterParty;

  // --- outline ----------------------------------------------------------------------------------
  var outline = document.getElementById("cg-outline");
  var toggle = document.getElementById("cg-outline-toggle");
  function setOutline(open) {
    document.body.classList.toggle("outline-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  toggle.addEventListener("click", function () { setOutline(!document.body.classList.contains("outline-open")); });
  if (window.matchMedia && window.matchMedia("(min-width: 1280px)").matches) setOutline(true);
  outline.addEventListener("click", function (ev) {
    var fold = ev.target.closest("button.fold");
    if (fold) {
      var li = fold.parentNode, folded = !li.classList.contains("folded");
      li.classList.toggle("folded", folded);
      fold.setAttribute("aria-expanded", folded ? "false" : "true");
      fold.textContent = folded ? "▸" : "▾";
      return;
    }
    if (ev.target.closest("a") && !window.matchMedia("(min-width: 1280px)").matches) setOutline(false);
  });
  // Long agreements start with their sections only: parts unfold on demand.
  outline.querySelectorAll(":scope > ul > li.has-kids").forEach(function (li) {
    if (li.querySelectorAll("li").length > 6) {
      li.classList.add("folded");
      var b = li.querySelector(":scope > button.fold"); b.textContent = "▸"; b.setAttribute("aria-expanded", "false");
    }
  });
  var outlineLinks = {};
  outline.querySelectorAll("a[data-label]").forEach(function (a) { outlineLinks[a.getAttribute("data-label")] = a; });
  var blocks = Array.prototype.slice.call(document.querySelectorAll("main section.clause[data-label]"));
  var current = null;
  function markCurrent() {
    var line = barsBottom() + 24, here = null;
    for (var i = 0; i < blocks.length; i++) {  // the last block (in reading order) that starts above the line
      var top = blocks[i].getBoundingClientRect().top;
      if (top <= line) { if (blocks[i].getBoundingClientRect().bottom > line) here = blocks[i]; } else break;
    }
    var label = here ? here.getAttribute("data-label") : null;
    if (label === current) return;
    current = label;
    outline.querySelectorAll(".current, .on-path").forEach(function (x) { x.classList.remove("current", "on-path"); });
    var a = label && outlineLinks[label];
    if (!a) return;
    a.classList.add("current");
    for (var li = a.parentNode; li && li !== outline; li = li.parentNode) if (li.tagName === "LI") li.classList.add("on-path");
    var r = a.getBoundingClientRect(), o = outline.getBoundingClientRect();
    if (a.offsetParent && (r.top < o.top || r.bottom > o.bottom)) outline.scrollTop += r.top - o.top - o.height / 3;
  }
  function placePanels() {  // the outline and the drawer start where the bars end, stuck or not
    var top = Math.max(0, Math.round(barsBottom())) + "px";
    outline.style.top = top; drawer.style.top = window.innerWidth > 700 ? top : "";
  }
  var ticking = false;
  window.addEventListener("scroll", function () {
    if (ticking) return;
    ticking = true;
    requestAnimationFrame(function () { ticking = false; placePanels(); markCurrent(); });
  }, { passive: true });
  window.addEventListener("resize", placePanels);
  placePanels();
  markCurrent();
  window.cgCurrentClause = function () { markCurrent(); return current; };

  // --- go to a clause by its label ---------------------------------------------------------------
  // "Section 8(c)", "8(c)", "8C", "8 (c)", "s. 8c", "annex i, v(i)": compared without case or spaces.
  var LEAD = /^(?:sections?|sec\.?|ss?\.|§+|clauses?|subsections?|paragraphs?|para\.?|articles?|art\.?)\s*/i;
  function norm(text) {
    var t = text.trim().replace(LEAD, "").toLowerCase().replace(/\s+/g, "");
    t = t.replace(/\.$/, "");
    // 8c -> 8(c), 8c(iv) -> 8(c)(iv), 8.c -> 8(c): a letter run after the number is a part
    t = t.replace(/^(\d+)\.?([a-z]{1,3})(?=$|\()/, "$1($2)");
    return t;
  }
  var byLabel = {};
  document.querySelectorAll("main [data-label][id]").forEach(function (e) {
    var k = norm(e.getAttribute("data-label"));
    if (!byLabel[k]) byLabel[k] = e;
  });
  function gotoLabel(text) {
    var target = byLabel[norm(text)];
    var msg = document.getElementById("cg-goto-msg");
    if (!target) { msg.textContent = "no clause “" + text.trim() + "”"; return false; }
    msg.textContent = "";
    if (location.hash === "#" + target.id) reveal(target);
    else location.hash = target.id;
    flash(target);
    return target.id;
  }
  document.getElementById("cg-goto").addEventListener("submit", function (ev) {
    ev.preventDefault();
    gotoLabel(document.getElementById("cg-goto-input").value);
  });
  window.cgGoto = gotoLabel;

  // --- search in the text ---------------------------------------------------------------------
  // The text is never rewritten: matches are Ranges painted with the CSS Custom Highlight API.
  var findInput = document.getElementById("cg-find-input"), findCount = document.getElementById("cg-find-count");
  var pieces = null, joined = "", matches = [], at = -1;
  function collect() {  // every text node of the document's words, and where it starts in one string
    pieces = []; var parts = [], pos = 0;
    var walker = document.createTreeWalker(document.querySelector("main.reader"), NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return n.parentNode.closest(".txt") && !n.parentNode.closest(".refby, .act, .also-refs")
          ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
      }
    });
    for (var n = walker.nextNode(); n; n = walker.nextNode()) {
      pieces.push({ node: n, start: pos }); parts.push(n.data); pos += n.data.length;
    }
    joined = parts.join("").toLowerCase();
  }
  function pointAt(offset) {  // (text node, offset in it) of an offset in the joined string
    var lo = 0, hi = pieces.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (pieces[mid].start <= offset) lo = mid; else hi = mid - 1; }
    return { node: pieces[lo].node, offset: offset - pieces[lo].start };
  }
  function paint() {
    if (!window.CSS || !CSS.highlights || typeof Highlight === "undefined") return;
    CSS.highlights.set("cg-find", new Highlight(...matches));
    CSS.highlights.set("cg-find-current", at >= 0 ? new Highlight(matches[at]) : new Highlight());
  }
  function find(query) {
    if (!pieces) collect();
    matches = []; at = -1;
    var q = query.trim().toLowerCase().replace(/\s+/g, " ");
    if (q) {
      // white space in the query matches any run of white space in the text
      var re = new RegExp(q.split(" ").map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("\\s+"), "g");
      var m;
      while ((m = re.exec(joined)) && matches.length < 5000) {
        var a = pointAt(m.index), b = pointAt(m.index + m[0].length - 1);
        var r = document.createRange();
        r.setStart(a.node, a.offset); r.setEnd(b.node, b.offset + 1);
        matches.push(r);
      }
    }
    findCount.textContent = q ? (matches.length ? matches.length + " matches" : "no match") : "";
    paint();
    return matches.length;
  }
  function step(delta) {
    if (!matches.length) return 0;
    at = (at + delta + matches.length) % matches.length;
    reveal(matches[at]);
    findCount.textContent = (at + 1) + " / " + matches.length;
    paint();
    return at + 1;
  }
  var findTimer = null, lastQuery = "";
  findInput.addEventListener("input", function () {
    clearTimeout(findTimer);
    findTimer = setTimeout(function () {
      if (findInput.value === lastQuery) return;  // Enter got there first: keep its place
      lastQuery = findInput.value; find(lastQuery);
    }, 150);
  });
  findInput.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") return;
    ev.preventDefault();
    if (findInput.value !== lastQuery) { lastQuery = findInput.value; find(lastQuery); }
    step(ev.shiftKey ? -1 : 1);
  });
  document.getElementById("cg-find").addEventListener("submit", function (ev) { ev.preventDefault(); });
  document.getElementById("cg-find-next").addEventListener("click", function () {
    if (findInput.value !== lastQuery) { lastQuery = findInput.value; find(lastQuery); }
    step(1);
  });
  document.getElementById("cg-find-prev").addEventListener("click", function () {
    if (findInput.value !== lastQuery) { lastQuery = findInput.value; find(lastQuery); }
    step(-1);
  });
  window.cgFind = function (q) { lastQuery = q; findInput.value = q; return find(q); };
  window.cgFindStep = step;
})();
