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
  // A counter under every comment box with a limit: how much room is left, and how much too
  // much there is, without ever cutting what was typed or pasted. Screen readers hear it
  // only near the limit (not at every key).
  function grouped(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, " ");  // Swedish: space between thousands
  }
  function counted(box) {
    var max = parseInt(box.getAttribute("data-max-chars"), 10);
    var counter = box.parentNode.querySelector("[data-char-count]");
    if (!counter) {
      counter = document.createElement("p");
      counter.className = "hint char-count";
      counter.setAttribute("data-char-count", "");
      counter.id = (box.id || "comment") + "-count";
      box.insertAdjacentElement("afterend", counter);
      var described = (box.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (described.indexOf(counter.id) === -1) { described.push(counter.id); }
      box.setAttribute("aria-describedby", described.join(" "));
    }
    var n = box.value.length;
    var over = n - max;
    var text = over > 0
      ? (PD.text("tooLong") || "{n} too many (at most {max})").replace("{n}", grouped(over)).replace("{max}", grouped(max))
      : (PD.text("charCount") || "{n} of {max} characters").replace("{n}", grouped(n)).replace("{max}", grouped(max));
    counter.textContent = text;
    counter.classList.toggle("field-error", over > 0);
    counter.setAttribute("aria-live", max - n <= 100 ? "polite" : "off");
  }
  function countAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("textarea[data-max-chars]"), counted);
  }
  document.addEventListener("input", function (e) {
    if (e.target && e.target.matches && e.target.matches("textarea[data-max-chars]")) { counted(e.target); }
  });
  document.addEventListener("DOMContentLoaded", function () { countAll(document); });
  document.addEventListener("htmx:afterSettle", function () { countAll(document); });
  if (document.readyState !== "loading") { countAll(document); }

  // Cancel links inside a slot just close the slot when JavaScript runs.
  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest(".action-slot .actions a") : null;
    if (!link) { return; }
    var slot = link.closest(".action-slot");
    e.preventDefault();
    slot.innerHTML = "";
  });
})();
