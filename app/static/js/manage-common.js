// Staff pages: keep keyboard focus on the item just moved, and confirm destructive forms.
(function () {
  "use strict";
  function focusMoved(root) {
    var el = (root || document).querySelector("[data-focus]");
    if (el) { el.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusMoved(document); });
  document.addEventListener("htmx:afterSettle", function () { focusMoved(document); });
  // Forms with data-confirm ask first; without JavaScript they submit at once.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
})();
