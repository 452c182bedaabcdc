/* Photos of map markings in surveys (app/surveys/photos.py, docs/photos.md).
 *
 * Each marking in the list below a survey map gets an optional photo: taken with the camera
 * or chosen, made smaller on the device (photos.js), kept on the device in IndexedDB
 * ("platsdialog-photos") under a key that the marking names in its properties ("photo", with
 * the description in "photo_alt"). The files travel with the answers in one request, so the
 * client id that stores the response once stores its photos once too:
 * - the review page's "Send" (the page flow) adds them to its form as "photo-<key>" files;
 * - the offline flow (survey-offline.js) hands them to the outbox, which sends them the same way.
 * They are forgotten on the receipt, on "Start over", on logout (app.js), at the start of each
 * kiosk survey, and after 30 days.
 */
(function () {
  "use strict";
  if (window.PDSurveyPhotos) { return; }
  var DB_NAME = "platsdialog-photos";
  var STORE = "photos";
  var MAX_AGE = 30 * 24 * 3600 * 1000;
  var memory = {};  // when IndexedDB is not available (some private modes): this page only

  function open() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        if (!req.result.objectStoreNames.contains(STORE)) {
          req.result.createObjectStore(STORE, { keyPath: "key" });
        }
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function run(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result;
        fn(t.objectStore(STORE), function (r) { result = r; });
        t.oncomplete = function () { db.close(); resolve(result); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }

  var Store = {
    put: function (key, survey, blob) {
      memory[key] = { key: key, survey: String(survey), blob: blob, savedAt: Date.now() };
      return run("readwrite", function (store) { store.put(memory[key]); }).catch(function () {});
    },
    get: function (key) {
      return run("readonly", function (store, done) {
        var req = store.get(key);
        req.onsuccess = function () { done(req.result || null); };
      }).then(function (found) { return found || memory[key] || null; })
        .catch(function () { return memory[key] || null; });
    },
    remove: function (key) {
      delete memory[key];
      return run("readwrite", function (store) { store.delete(key); }).catch(function () {});
    },
    /** Forget the photos of one survey (``survey``) or the old ones (no argument). */
    sweep: function (survey) {
      var now = Date.now();
      return run("readwrite", function (store) {
        var req = store.openCursor();
        req.onsuccess = function () {
          var cursor = req.result;
          if (!cursor) { return; }
          var value = cursor.value;
          if (survey ? value.survey === String(survey) : now - value.savedAt > MAX_AGE) { cursor.delete(); }
          cursor.continue();
        };
      }).catch(function () {});
    },
  };

  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return "p" + Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function fmt(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (m, k) { return values[k] !== undefined ? values[k] : m; });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  /** The photo field of one marking, in the list below the map (map-draw.js calls this). */
  function field(question, feature, item, base, n) {
    var d = question.root.dataset;
    if (!d.msgPhoto) { return; }
    var props = feature.properties;
    var form = question.root.closest("form");
    var survey = form ? form.getAttribute("data-survey-id") : "";
    var label = fmt(d.msgItem, { n: n });
    var box = el("div", { "class": "marking-photo-field" });
    var input = el("input", { type: "file", id: base + "-photo", accept: "image/*", "aria-describedby": base + "-photo-hint" });
    var error = el("p", { "class": "field-error", id: base + "-photo-error", hidden: "" });
    var preview = el("img", { "class": "photo-preview", hidden: "" });
    var altLabel = el("label", { "for": base + "-photo-alt" }, d.msgPhotoAlt);
    var alt = el("input", { type: "text", id: base + "-photo-alt", maxlength: "300", "aria-describedby": base + "-photo-alt-hint" });
    var altHint = el("p", { "class": "hint", id: base + "-photo-alt-hint" }, d.msgPhotoAltHint);
    var remove = el("button", { type: "button", "class": "button button-secondary" }, d.msgPhotoRemove + " (" + label + ")");
    var parts = [altLabel, altHint, alt, remove];
    box.appendChild(el("label", { "for": base + "-photo" }, d.msgPhoto + " (" + label + ")"));
    box.appendChild(el("p", { "class": "hint", id: base + "-photo-hint" }, d.msgPhotoHint));
    box.appendChild(input);
    box.appendChild(error);
    box.appendChild(preview);
    parts.forEach(function (p) { box.appendChild(p); });
    alt.value = props.photo_alt || "";

    function shown(has) {
      parts.forEach(function (p) { p.hidden = !has; });
      preview.hidden = !has;
    }
    function fail(message) {
      error.textContent = message;
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", base + "-photo-hint " + base + "-photo-error");
    }
    function ok() {
      error.hidden = true;
      input.removeAttribute("aria-invalid");
      input.setAttribute("aria-describedby", base + "-photo-hint");
    }
    function show(src) {
      if (preview.src && preview.src.indexOf("blob:") === 0) { URL.revokeObjectURL(preview.src); }
      preview.src = src;
      preview.alt = alt.value.trim() || fmt(d.msgPhotoOf, { item: label });
      shown(true);
    }
    shown(false);
    if (props.photo && props.photo_url) {
      show(props.photo_url);  // sent before: kept unless replaced or removed
    } else if (props.photo) {
      Store.get(props.photo).then(function (found) {
        if (found && props.photo) { show(URL.createObjectURL(found.blob)); }
      });
    }

    input.addEventListener("change", async function () {
      var file = input.files && input.files[0];
      if (!file) { return; }
      ok();
      var P = window.PlatsdialogPhotos;
      if (file.type && P && !P.TYPES.test(file.type)) { input.value = ""; fail(d.msgPhotoWrongType); return; }
      var blob = file;
      try {
        blob = await P.shrink(file, parseInt(d.photoMaxSide, 10) || 1600);
      } catch (err) {
        // The browser could not decode it: send the original, the server decides.
        if (file.size > (parseInt(d.photoMaxBytes, 10) || 10485760)) { input.value = ""; fail(d.msgPhotoTooLarge); return; }
      }
      var old = props.photo;
      var key = newKey();
      await Store.put(key, survey, blob);
      if (old && !props.photo_url) { Store.remove(old); }
      props.photo = key;
      delete props.photo_url;
      props.photo_alt = alt.value.trim();
      try {  // the field names the (smaller) photo it holds
        var list = new DataTransfer();
        list.items.add(new File([blob], (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" }));
        input.files = list.files;
      } catch (e) { /* older browsers: the preview says it */ }
      question.save();
      show(URL.createObjectURL(blob));
      question.say(fmt(d.msgPhotoAdded, { item: label }));
      alt.focus();
    });
    alt.addEventListener("input", function () {
      props.photo_alt = alt.value;
      preview.alt = alt.value.trim() || fmt(d.msgPhotoOf, { item: label });
      question.save();
    });
    remove.addEventListener("click", function () {
      if (props.photo && !props.photo_url) { Store.remove(props.photo); }
      delete props.photo;
      delete props.photo_alt;
      delete props.photo_url;
      alt.value = "";
      shown(false);
      question.save();
      question.say(fmt(d.msgPhotoRemoved, { item: label }));
      input.focus();
    });
    // Before the marking's buttons when they are there already (added late), else last.
    var buttons = item.querySelector("button");
    if (buttons) { item.insertBefore(box, buttons); } else { item.appendChild(box); }
  }

  /** The photo keys the markings of ``answers`` name (a list of answers or an object of them). */
  function keysOf(answers) {
    var keys = [];
    var list = Array.isArray(answers) ? answers : Object.keys(answers || {}).map(function (k) { return answers[k]; });
    list.forEach(function (answer) {
      var features = answer && answer.features;
      if (typeof features === "string") {
        try { features = JSON.parse(features); } catch (e) { features = null; }
      }
      (Array.isArray(features) ? features : []).forEach(function (f) {
        var key = f && f.properties && f.properties.photo;
        if (key && !f.properties.photo_url && keys.indexOf(key) < 0) { keys.push(key); }
      });
    });
    return keys;
  }

  /** The files kept on this device for ``keys``: [{key, blob}] (missing ones are left out). */
  function filesFor(keys) {
    return Promise.all(keys.map(function (key) { return Store.get(key); })).then(function (found) {
      return found.filter(Boolean).map(function (r) { return { key: r.key, blob: r.blob }; });
    });
  }

  // The page flow's review: "Send" carries the photos as files of its form.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches || !form.matches('.survey-form[data-step="review"]')) { return; }
    var submitter = event.submitter;
    if (!submitter || submitter.name !== "action" || submitter.value !== "submit" || form.getAttribute("data-photos-attached")) { return; }
    var state = {};
    try { state = JSON.parse(form.elements.namedItem("state").value || "{}"); } catch (e) { state = {}; }
    var keys = keysOf(state.answers);
    if (!keys.length || typeof DataTransfer !== "function") { return; }
    event.preventDefault();
    filesFor(keys).then(function (files) {
      if (files.length) { form.enctype = "multipart/form-data"; }
      files.forEach(function (f) {
        var input = el("input", { type: "file", name: "photo-" + f.key, hidden: "" });
        var list = new DataTransfer();
        list.items.add(new File([f.blob], f.key + ".jpg", { type: f.blob.type || "image/jpeg" }));
        input.files = list.files;
        form.appendChild(input);
      });
      form.setAttribute("data-photos-attached", "1");
      if (form.requestSubmit) { form.requestSubmit(submitter); return; }
      form.appendChild(el("input", { type: "hidden", name: "action", value: "submit" }));
      form.submit();
    });
  });

  // Sent (the receipt): the device forgets the survey's photos; also the old ones.
  var done = document.querySelector("[data-survey-done]");
  if (done) { Store.sweep(done.getAttribute("data-survey-done")); }
  var kiosk = document.querySelector(".survey-form[data-kiosk][data-fresh]");
  if (kiosk) { Store.sweep(kiosk.getAttribute("data-survey-id")); }
  document.addEventListener("click", function (event) {
    var discard = event.target.closest && event.target.closest("[data-draft-discard]");
    var form = discard && document.querySelector(".survey-form[data-survey-id]");
    if (form) { Store.sweep(form.getAttribute("data-survey-id")); }
  }, true);
  Store.sweep();

  window.PDSurveyPhotos = { field: field, keysOf: keysOf, filesFor: filesFor, store: Store };
})();
