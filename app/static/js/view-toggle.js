// The catalogue's list/map toggle on phones: progressive enhancement (without JavaScript,
// and on wide screens, the list and the map are both shown).
(function () {
  "use strict";
  function init() {
    var toggle = document.getElementById("view-toggle");
    var layout = document.getElementById("catalogue-layout");
    if (!toggle || !layout || toggle.dataset.ready) return;
    toggle.dataset.ready = "1";
    toggle.hidden = false;
    layout.classList.add("has-toggle");
    toggle.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-view]");
      if (!button) return;
      var view = button.dataset.view;
      layout.dataset.view = view;
      toggle.querySelectorAll("button[data-view]").forEach(function (b) {
        b.setAttribute("aria-pressed", String(b === button));
      });
      // Leaflet measures its container again on resize (the map was hidden until now).
      window.dispatchEvent(new Event("resize"));
    });
  }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
  if (document.readyState !== "loading") init();
})();
