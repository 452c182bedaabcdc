// Platsdialog: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Move focus to the first error summary after a form comes back with errors.
  function focusErrors(root) {
    var summary = (root || document).querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  document.addEventListener("htmx:afterSwap", function (e) { focusErrors(e.target); });
})();
