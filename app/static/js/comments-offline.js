/* Post a comment without the network: when the device is offline, the comment form's
 * submission is kept in the outbox (outbox.js) and sent to the JSON API when the connection
 * returns. Its client id makes a second send harmless, so the comment is stored once.
 * Online, the form works as before (htmx, or a plain post without JavaScript). */
(function () {
  "use strict";
  if (window.PlatsdialogCommentsOffline) { return; }  // the fragment may be swapped in again
  window.PlatsdialogCommentsOffline = true;

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2, 14);
  }

  function number(value) {
    var text = String(value || "").trim().replace(",", ".");
    if (!text) { return null; }
    var n = Number(text);
    return isNaN(n) ? null : n;
  }

  function field(form, name) {
    var el = form.elements.namedItem(name);
    return el && typeof el.value === "string" ? el.value.trim() : "";
  }

  async function queue(form) {
    var match = /\/stages\/(\d+)\/comments/.exec(form.getAttribute("action") || "");
    var stageId = form.getAttribute("data-stage-id") || (match && match[1]);
    var body = form.elements.namedItem("body");
    if (!stageId || !body || !body.value.trim()) { return false; }
    var idField = form.elements.namedItem("client_id");
    var clientId = (idField && idField.value) || newId();
    if (idField) { idField.value = clientId; }
    var payload = { body: body.value.trim(), client_id: clientId };
    // Everything the form would have sent: the signature under a nickname policy, the
    // comment it replies to.
    if (field(form, "nickname")) { payload.nickname = field(form, "nickname"); }
    var parent = form.getAttribute("data-parent-id");
    if (parent) { payload.parent_id = parseInt(parent, 10); }
    var lat = number(form.elements.namedItem("lat") && form.elements.namedItem("lat").value);
    var lon = number(form.elements.namedItem("lon") && form.elements.namedItem("lon").value);
    if (lat !== null && lon !== null) { payload.geometry = { type: "Point", coordinates: [lon, lat] }; }
    var title = body.value.trim().slice(0, 60);
    // A photo (photos.js) is kept as a Blob with the comment and sent with it.
    var photo = window.PlatsdialogPhotos ? window.PlatsdialogPhotos.of(form) : null;
    var result = await window.PlatsdialogOffline.submit({
      url: "/api/v1/stages/" + stageId + "/comments", payload: payload, clientId: clientId,
      kind: "comment", title: title, formAction: form.getAttribute("action"),
      photo: photo ? photo.blob : null, photoAlt: photo ? photo.alt : "",
    });
    if (result === "failed") { return false; }
    body.value = "";
    if (photo) { window.PlatsdialogPhotos.clear(form); }
    if (idField) { idField.value = newId(); }  // the next comment is a new one
    var note = form.querySelector("[data-comment-queued]");
    if (!note) {
      note = document.createElement("div");
      note.setAttribute("data-comment-queued", "");
      note.className = "notice";
      note.setAttribute("role", "status");
      form.insertBefore(note, form.firstChild);
    }
    note.textContent = form.getAttribute("data-queued-text") || "";
    var status = document.createElement("div");
    status.className = "outbox-status";
    status.setAttribute("data-outbox-status", "");
    status.setAttribute("data-outbox-client-id", clientId);
    note.appendChild(status);
    window.PlatsdialogOffline.render();
    return true;
  }

  // "Edit and send again" on a refused comment: its text (and signature) back into the form
  // it came from, or the discussion's main form, with the reason beside it.
  document.addEventListener("pd:outbox-edit", function (event) {
    var item = event.detail || {};
    var form = document.querySelector('form.comment-form[action="' + item.formAction + '"]') ||
      document.querySelector("#discussion form.comment-form");
    if (!form || !item.payload) { return; }
    var body = form.elements.namedItem("body");
    if (body) { body.value = item.payload.body || ""; }
    var nickname = form.elements.namedItem("nickname");
    if (nickname && item.payload.nickname) { nickname.value = item.payload.nickname; }
    var idField = form.elements.namedItem("client_id");
    if (idField) { idField.value = newId(); }
    var note = form.querySelector("[data-comment-queued]");
    if (note) { note.remove(); }
    if (body) { body.focus(); }
  });

  // Capture phase: runs before htmx's own submit handler on the form.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.comment-form") || navigator.onLine) { return; }
    if (!window.PlatsdialogOffline) { return; }
    event.preventDefault();
    event.stopPropagation();
    queue(form);
  }, true);
})();
