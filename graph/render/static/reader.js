/* clausegraph reader page: hover tips (definitions, reference targets, obligations) and the
 * "show only this party's obligations" filter. The page is complete without this script;
 * every string shown comes from a data-tip attribute and reaches the DOM via textContent. */
(function () {
  "use strict";

  var tipBox = document.getElementById("cg-tip");
  function showTip(el) {
    tipBox.textContent = el.getAttribute("data-tip");
    tipBox.hidden = false;
    var r = el.getBoundingClientRect();
    var top = window.scrollY + r.bottom + 6;
    var left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - tipBox.offsetWidth - 12);
    tipBox.style.top = top + "px";
    tipBox.style.left = Math.max(8, left) + "px";
  }
  function hideTip() { tipBox.hidden = true; }
  document.addEventListener("mouseover", function (ev) {
    var el = ev.target.closest ? ev.target.closest("[data-tip]") : null;
    if (el) showTip(el); else hideTip();
  });
  document.addEventListener("focusin", function (ev) {
    var el = ev.target.closest ? ev.target.closest("[data-tip]") : null;
    if (el) showTip(el);
  });
  // (no hiding on scroll: the tip sits in page coordinates and scrolls with its word)

  // --- obligations by bearer -------------------------------------------------------------------
  var buttons = document.querySelectorAll(".party-filter");
  function filterParty(key) {
    buttons.forEach(function (b) {
      var on = b.getAttribute("data-party") === key;
      b.classList.toggle("on", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    document.body.classList.toggle("party-filtered", !!key);
    document.querySelectorAll("mark.ob").forEach(function (m) {
      m.classList.toggle("off", !!key && m.getAttribute("data-party") !== key);
    });
    var first = key && document.querySelector('mark.ob[data-party="' + CSS.escape(key) + '"]');
    if (first) first.scrollIntoView({ block: "center" });
    document.querySelectorAll(".txt").forEach(function (t) {
      var has = !key || t.querySelector('mark.ob[data-party="' + CSS.escape(key) + '"]');
      t.classList.toggle("dim", !has);
    });
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () { filterParty(b.getAttribute("data-party")); });
  });
  window.cgFilterParty = filterParty;
})();
