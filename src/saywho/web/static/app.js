// saywho dashboard: small progressive enhancements; every page works without them.
// Served from /static under a CSP that forbids inline script, so all behaviour lives here.
"use strict";

(function () {
  // Article page: show or hide a highlight layer (speakers, cues, contents, mentions).
  function setUpLayerToggles() {
    var text = document.getElementById("article-text");
    if (!text) return;
    document.querySelectorAll("input[data-layer]").forEach(function (box) {
      box.addEventListener("change", function () {
        text.classList.toggle("hide-" + box.dataset.layer, !box.checked);
      });
    });
  }

  // Article page: pointing at a statement lights up its speaker, cue and content in the text,
  // and clicking highlighted text scrolls to the statement it belongs to.
  function setUpStatementLinks() {
    var text = document.getElementById("article-text");
    if (!text) return;
    function pieces(anchor) {
      return Array.prototype.filter.call(text.querySelectorAll("[data-s]"), function (el) {
        return el.dataset.s.split(" ").indexOf(anchor) >= 0;
      });
    }
    function light(anchor, on) {
      pieces(anchor).forEach(function (el) { el.classList.toggle("lit", on); });
    }
    document.querySelectorAll("li[data-anchor]").forEach(function (item) {
      var anchor = item.dataset.anchor;
      item.addEventListener("mouseenter", function () { light(anchor, true); });
      item.addEventListener("mouseleave", function () { light(anchor, false); });
    });
    text.addEventListener("click", function (event) {
      var target = event.target;
      if (!(target instanceof Element) || target.closest("a")) return;
      var piece = target.closest("[data-s]");
      if (!piece) return;
      var item = document.getElementById(piece.dataset.s.split(" ")[0]);
      if (item) {
        item.scrollIntoView({ block: "center", behavior: "smooth" });
        item.classList.add("flash");
        setTimeout(function () { item.classList.remove("flash"); }, 1200);
      }
    });
    // Arriving at #statement-N (from the ledger or a search hit): light that statement up.
    var hash = decodeURIComponent(window.location.hash.slice(1));
    if (hash) {
      var item = document.getElementById(hash);
      if (item && item.dataset.anchor) {
        item.classList.add("flash");
        light(hash, true);
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpLayerToggles();
    setUpStatementLinks();
  });
})();
