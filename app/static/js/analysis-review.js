// Keyboard shortcuts of the coding review: 1–9 choose a theme, a accept, r reject,
// n next, p previous. The buttons and links work the same without this script.
(function () {
  "use strict";

  var selected = 1;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-theme-row]"));
  }

  function select(n) {
    var all = rows();
    if (!all.length) return;
    selected = Math.min(Math.max(n, 1), all.length);
    all.forEach(function (row) {
      row.classList.toggle("is-selected", Number(row.dataset.themeRow) === selected);
    });
    var button = all[selected - 1].querySelector("[data-decision='a']");
    if (button) button.focus();
  }

  function typing(target) {
    var tag = (target && target.tagName) || "";
    return tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (target && target.isContentEditable);
  }

  function onKey(event) {
    var item = document.querySelector("[data-review]");
    if (!item || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key;
    if (/^[1-9]$/.test(key)) {
      select(Number(key));
      event.preventDefault();
    } else if (key === "a" || key === "r") {
      var row = rows()[selected - 1];
      var button = row && row.querySelector("[data-decision='" + key + "']");
      if (button) {
        event.preventDefault();
        button.click();
      }
    } else if ((key === "n" && item.dataset.next) || (key === "p" && item.dataset.prev)) {
      event.preventDefault();
      window.location.assign(key === "n" ? item.dataset.next : item.dataset.prev);
    }
  }

  function init() {
    if (!document.querySelector("[data-review]")) return;
    if (!document.body.dataset.reviewKeys) {
      document.body.dataset.reviewKeys = "1";
      document.addEventListener("keydown", onKey);
    }
    selected = 1;
    if (rows().length) rows()[0].classList.add("is-selected");
  }

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:load", init);
})();
