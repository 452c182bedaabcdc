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
  // After a comment, reply or edit is stored, focus moves to it and the live region says
  // what happened; without this the replaced form leaves the focus on <body>.
  var sending = null;
  document.addEventListener("htmx:beforeRequest", function (e) {
    var form = e.detail && e.detail.elt;
    sending = null;
    if (!form || !form.matches || !form.matches("form.comment-form")) { return; }
    var ids = {};
    Array.prototype.forEach.call(document.querySelectorAll("article.comment[id]"), function (a) { ids[a.id] = true; });
    var kind = form.classList.contains("reply-form") ? "reply"
      : form.classList.contains("edit-form") ? "edit" : "comment";
    sending = { ids: ids, kind: kind, target: (form.getAttribute("hx-target") || "").replace("#", "") };
  });
  document.addEventListener("htmx:afterSettle", function () {
    var sent = sending;
    sending = null;
    if (!sent || document.querySelector("#discussion [aria-invalid=true]")) { return; }
    var article = null;
    if (sent.kind === "edit") {
      article = document.getElementById(sent.target);
    } else {
      article = Array.prototype.filter.call(document.querySelectorAll("article.comment[id]"), function (a) {
        return !sent.ids[a.id];
      })[0] || null;
    }
    if (!article) { return; }
    article.setAttribute("tabindex", "-1");
    article.focus();
    var status = document.getElementById("discussion-status");
    if (status) {
      var key = article.classList.contains("is-pending") ? "pending" : sent.kind;
      status.textContent = "";
      window.setTimeout(function () { status.textContent = status.getAttribute("data-" + key) || ""; }, 50);
    }
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
