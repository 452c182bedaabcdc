// Survey builder: reload the resident preview after each change; show refused (409) fragments.
(function () {
  "use strict";
  function reloadPreview() {
    var frame = document.getElementById("survey-preview");
    if (!frame) { return; }
    var src = frame.getAttribute("src");
    frame.setAttribute("src", "about:blank");
    frame.setAttribute("src", src);
  }
  document.body.addEventListener("survey-changed", reloadPreview);
  // A refused action answers 409 with a fragment that explains why: swap it in.
  document.body.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr && e.detail.xhr.status === 409) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
})();
