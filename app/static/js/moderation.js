// Moderation queue: select all items for a bulk action; show refused (409) fragments.
(function () {
  "use strict";
  // A refused action answers 409 with a fragment that explains why: swap it in.
  document.body.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr && e.detail.xhr.status === 409) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
})();
