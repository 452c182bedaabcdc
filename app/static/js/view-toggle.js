// The catalogue's list/map toggle on phones: progressive enhancement (without JavaScript,
// and on wide screens, the list and the map are both shown).
(function () {
  "use strict";
  // Shown on every page load, boosted navigation and history restore (a restored page is a
  // copy of the old DOM: its toggle is hidden again only if it never ran).
  function show() {
    var toggle = document.getElementById("view-toggle");
    var layout = document.getElementById("catalogue-layout");
    if (!toggle || !layout) return;
    toggle.hidden = false;
    layout.classList.add("has-toggle");
  }
  // One listener on the document: it outlives the elements htmx swaps in and out.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("#view-toggle button[data-view]");
    var layout = document.getElementById("catalogue-layout");
    if (!button || !layout) return;
    layout.dataset.view = button.dataset.view;
    button.parentNode.querySelectorAll("button[data-view]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b === button));
    });
    // Leaflet measures its container again on resize (the map was hidden until now).
    window.dispatchEvent(new Event("resize"));
  });
  document.addEventListener("DOMContentLoaded", show);
  document.addEventListener("htmx:afterSettle", show);
  document.addEventListener("htmx:historyRestore", show);
  if (document.readyState !== "loading") show();
})();
