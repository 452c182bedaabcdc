// Survey builder: reload the resident preview after each change; show refused (409) fragments.
(function () {
  "use strict";
  function reloadPreview() {
    var frame = document.getElementById("survey-preview");
    if (!frame) { return; }
    var src = frame.getAttribute("src");
    // Replace the preview's document in place: one navigation (an about:blank step raced
    // with the real one), and no entry in the builder's history, so Back leaves the builder.
    try {
      frame.contentWindow.location.replace(src);
    } catch (err) {
      frame.setAttribute("src", src);
    }
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
