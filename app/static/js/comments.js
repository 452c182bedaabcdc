// Small enhancements of the discussion; everything works without this file.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSwap", function (e) {
    var target = e.detail && e.detail.target;
    if (!target || !target.querySelector) { return; }
    // A form loaded into a comment's slot (reply, edit, report): start typing there.
    if (target.classList && target.classList.contains("action-slot")) {
      var first = target.querySelector("textarea, input[type=radio], button");
      if (first) { first.focus(); }
      return;
    }
    // After posting: focus the first field with an error, or announce the status.
    var error = document.querySelector("#discussion [aria-invalid=true]");
    if (error) { error.focus(); }
  });
  // Cancel links inside a slot just close the slot when JavaScript runs.
  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest(".action-slot .actions a") : null;
    if (!link) { return; }
    var slot = link.closest(".action-slot");
    e.preventDefault();
    slot.innerHTML = "";
  });
})();
