/* A comment's photo (app/comments/photos): made smaller on the device before it is sent (JPEG, longest
 * side data-max-side, quality 0.8), previewed, and handed to the offline outbox as a Blob.
 * Without this script the original file is sent and the server makes it smaller. */
(function () {
  "use strict";
  if (window.PlatsdialogPhotos) { return; }
  var TYPES = /^image\/(jpeg|png|webp|heic|heif|gif|bmp)$/;

  function parts(input) {
    var box = input.closest("[data-photo-field]");
    function q(sel) { return box.querySelector(sel); }
    return { box: box, preview: q("[data-photo-preview]"), clear: q("[data-photo-clear]"),
      status: q("[data-photo-status]"), error: q("[data-photo-error]") };
  }

  function say(p, error, status) {
    p.error.textContent = error || "";
    p.error.hidden = !error;
    var input = p.box.querySelector('input[name="photo"]');
    input.setAttribute("aria-describedby", "photo-hint" + (error ? " photo-error" : ""));
    if (error) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    p.status.textContent = status || "";
  }

  function busy(form, on) {
    form.querySelectorAll('button[type="submit"]').forEach(function (b) { b.disabled = on; });
  }

  async function shrink(file, maxSide) {
    var bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    var scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";  // a transparent PNG becomes white, as on the server
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    if (bitmap.close) { bitmap.close(); }
    return new Promise(function (resolve, reject) {
      canvas.toBlob(function (b) { if (b) { resolve(b); } else { reject(new Error("toBlob")); } }, "image/jpeg", 0.8);
    });
  }

  function reset(input) {
    var p = parts(input);
    input.value = "";
    if (p.preview.src) { URL.revokeObjectURL(p.preview.src); }
    p.preview.removeAttribute("src");
    p.preview.hidden = true;
    p.clear.hidden = true;
  }

  async function chosen(input) {
    var p = parts(input), form = input.form, file = input.files && input.files[0];
    if (!file) { reset(input); say(p, "", p.box.getAttribute("data-cleared")); return; }
    var maxBytes = parseInt(p.box.getAttribute("data-max-bytes"), 10);
    if (file.type && !TYPES.test(file.type)) { reset(input); say(p, p.box.getAttribute("data-wrong-type")); return; }
    busy(form, true);
    try {
      var small = await shrink(file, parseInt(p.box.getAttribute("data-max-side"), 10) || 1600);
      var name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
      var out = new File([small], name, { type: "image/jpeg" });
      var list = new DataTransfer();
      list.items.add(out);
      input.files = list.files;  // the form (htmx or plain) now sends the smaller photo
      file = out;
    } catch (err) {
      // The browser could not decode it: send the original, the server decides.
      if (file.size > maxBytes) { busy(form, false); reset(input); say(p, p.box.getAttribute("data-too-large")); return; }
    }
    busy(form, false);
    if (p.preview.src) { URL.revokeObjectURL(p.preview.src); }
    p.preview.src = URL.createObjectURL(file);
    p.preview.hidden = false;
    p.clear.hidden = false;
    say(p, "", p.box.getAttribute("data-chosen"));
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches('[data-photo-field] input[name="photo"]')) { chosen(input); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-photo-clear]");
    if (!button) { return; }
    var box = button.closest("[data-photo-field]");
    var input = box.querySelector('input[name="photo"]');
    reset(input);
    say(parts(input), "", box.getAttribute("data-cleared"));
    input.focus();
  });

  // "Edit and send again" on a refused offline comment: its photo goes back into the form too.
  document.addEventListener("pd:outbox-edit", function (event) {
    var item = event.detail || {};
    if (!item.photo) { return; }
    var form = document.querySelector('form.comment-form[action="' + item.formAction + '"]') ||
      document.querySelector("#discussion form.comment-form");
    var input = form && form.querySelector('[data-photo-field] input[name="photo"]');
    if (!input) { return; }
    var list = new DataTransfer();
    list.items.add(new File([item.photo], "photo.jpg", { type: item.photo.type || "image/jpeg" }));
    input.files = list.files;
    var alt = form.querySelector('[data-photo-field] input[name="photo_alt"]');
    if (alt) { alt.value = item.photoAlt || ""; }
    chosen(input);
  });

  window.PlatsdialogPhotos = {
    /** ``file`` as a JPEG Blob of at most ``maxSide`` pixels on its long side (also used for
     * the photos of map markings, survey-photos.js). */
    shrink: shrink,
    TYPES: TYPES,
    /** The photo chosen in ``form`` (already made smaller) and its description, or null. */
    of: function (form) {
      var input = form.querySelector('[data-photo-field] input[name="photo"]');
      var file = input && input.files && input.files[0];
      if (!file) { return null; }
      var alt = form.querySelector('[data-photo-field] input[name="photo_alt"]');
      return { blob: file, alt: alt ? alt.value.trim() : "" };
    },
    /** Empty the photo fields of ``form`` (the comment was queued). */
    clear: function (form) {
      var input = form.querySelector('[data-photo-field] input[name="photo"]');
      if (!input) { return; }
      reset(input);
      var alt = form.querySelector('[data-photo-field] input[name="photo_alt"]');
      if (alt) { alt.value = ""; }
    },
  };
})();
