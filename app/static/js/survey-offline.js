/* Finish a survey without the network.
 *
 * Every survey page carries all of the survey's pages (the others hidden), so a page opened
 * once holds every question. While the connection is up the server flow runs as without
 * JavaScript. When the device is offline (or once this script has taken over), Back/Next,
 * progress, required checks, display conditions and the review step run here, mirroring the
 * server, and the answers go to the JSON API through the outbox (outbox.js): sent at once when
 * possible, otherwise kept on the device and sent when the connection returns. The client id
 * is made once per attempt and kept in sessionStorage, so a reload or a second click never
 * creates a second response.
 *
 * The answers in progress are also kept on the device as a draft (survey-draft.js): saved as
 * they are given, restored over a freshly opened survey (they win over the earlier response
 * the server fills in), removed when they are sent or the resident starts over.
 */
(function () {
  "use strict";
  var dataEl = document.getElementById("survey-offline-data");
  var form = document.querySelector(".survey-form");
  if (!dataEl || !form || !window.PlatsdialogOffline) { return; }
  var data;
  try { data = JSON.parse(dataEl.textContent); } catch (e) { return; }
  var S = data.strings || {};
  var questions = data.questions || [];
  var byId = {};
  questions.forEach(function (q) { byId[q.id] = q; });
  var pageEls = Array.prototype.slice.call(form.querySelectorAll("[data-survey-page]"));
  var pageNumbers = pageEls.map(function (el) { return parseInt(el.getAttribute("data-survey-page"), 10); });
  var STORE_KEY = "pd-survey-attempt-" + data.survey;
  var CHOICE = ["single_choice", "age_band", "gender", "district", "relation", "likert", "scale"];
  var MAP = ["map_point", "map_line", "map_polygon"];
  var active = false;
  var current = data.page;
  var nav = null;
  var review = null;
  var sending = false;
  var Draft = window.PDSurveyDraft;
  var keepsDraft = Boolean(Draft && Draft.keeps(form));
  var fresh = form.hasAttribute("data-fresh");
  var dirty = false;
  var finished = false;
  // After "Change" on the offline review, the page's main button goes back to the review.
  var returnToReview = false;

  function fmt(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (m, k) {
      return values[k] !== undefined ? values[k] : m;
    });
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /** The client id of this attempt: the same across reloads until it has been handed over. */
  function clientId() {
    var id = null;
    try { id = sessionStorage.getItem(STORE_KEY); } catch (e) { id = null; }
    if (!id) {
      id = newId();
      try { sessionStorage.setItem(STORE_KEY, id); } catch (e) { /* private mode: per page */ }
    }
    return id;
  }

  // -- reading answers (mirrors QuestionKind.from_form on the server) ----------------------
  function formInt(value) {
    if (value === null || value === undefined || String(value).trim() === "") { return null; }
    var text = String(value).trim();
    return /^[+-]?\d+$/.test(text) ? parseInt(text, 10) : text;
  }

  function field(name) {
    var el = form.elements.namedItem(name);
    if (!el) { return null; }
    if (el instanceof RadioNodeList || (el.length !== undefined && !el.tagName)) {
      var checked = Array.prototype.filter.call(el, function (i) { return i.checked; });
      return checked.length ? checked[0].value : null;
    }
    if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return null; }
    return el.value;
  }

  function raw(q) {
    var n = "q" + q.id;
    if (CHOICE.indexOf(q.type) !== -1) {
      var v = formInt(field(n));
      return v === null ? null : { value: v };
    }
    if (q.type === "multi_choice") {
      var values = Array.prototype.filter.call(form.querySelectorAll('[name="' + n + '"]'), function (i) { return i.checked; })
        .map(function (i) { return formInt(i.value); }).filter(function (x) { return x !== null; });
      var other = String(field(n + "_other") || "").trim();
      if (!values.length && !other) { return null; }
      return { value: values, other: other || null };
    }
    if (q.type === "ranking") {
      var ranks = [];
      var seen = {};
      var given = false;
      var ids = [];
      var clash = null;
      form.querySelectorAll('[name^="' + n + '_rank_"]').forEach(function (select) {
        var optionId = parseInt(select.name.slice((n + "_rank_").length), 10);
        ids.push(optionId);
        var rank = formInt(select.value);
        if (rank === null) { return; }
        given = true;
        if (typeof rank !== "number" || seen[rank]) { clash = clash || optionId; return; }
        seen[rank] = true;
        ranks.push([rank, optionId]);
      });
      if (!given) { return null; }
      if (clash !== null) { return { value: ids.concat([clash]) }; }
      ranks.sort(function (a, b) { return a[0] - b[0]; });
      return { value: ranks.map(function (r) { return r[1]; }) };
    }
    if (q.type === "number") {
      var text = String(field(n) || "").trim().replace(/ /g, "").replace(/,/g, ".");
      if (!text) { return null; }
      var num = Number(text);
      if (isNaN(num)) { return { value: text }; }
      return { value: num };
    }
    if (MAP.indexOf(q.type) !== -1) {
      var features = String(field(n + "_features") || "").trim();
      if (features && features !== "[]" && features !== "null") {
        try { return { features: JSON.parse(features) }; } catch (e) { return { features: "invalid" }; }
      }
      var place = formInt(field(n + "_place"));
      var description = String(field(n + "_description") || "").trim();
      if (place === null && !description) { return null; }
      var value = {};
      if (place !== null) { value.place = place; }
      if (description) { value.description = description; }
      return { value: value };
    }
    var plain = String(field(n) || "").trim();
    return plain ? { value: plain } : null;
  }

  function isBlank(answer) {
    if (!answer) { return true; }
    if (Array.isArray(answer.features) && answer.features.length) { return false; }
    var v = answer.value;
    if (v === null || v === undefined || v === "") { return true; }
    if (Array.isArray(v)) { return v.length === 0 && !answer.other; }
    if (typeof v === "object") { return Object.keys(v).length === 0; }
    return false;
  }

  function chosen(answer) {
    if (!answer) { return []; }
    return Array.isArray(answer.value) ? answer.value : [answer.value];
  }

  /** Ids of the questions whose display condition holds (services._visibility). */
  function visibleIds() {
    var visible = {};
    questions.forEach(function (q) {
      var c = q.condition;
      if (!c || !byId[c[0]]) { visible[q.id] = true; return; }
      if (!visible[c[0]]) { return; }
      var answer = raw(byId[c[0]]);
      if (!isBlank(answer) && chosen(answer).indexOf(c[1]) !== -1) { visible[q.id] = true; }
    });
    return visible;
  }

  function box(q) { return document.getElementById("question-" + q.id); }

  function applyVisibility() {
    var visible = visibleIds();
    questions.forEach(function (q) {
      var el = box(q);
      if (el) { el.hidden = !visible[q.id]; }
    });
    return visible;
  }

  function visiblePages(visible) {
    return pageNumbers.filter(function (p) {
      return questions.some(function (q) { return q.page === p && visible[q.id]; });
    });
  }

  // -- map libraries for pages rendered without them ---------------------------------------
  var loaded = {};
  function load(url) {
    if (loaded[url]) { return loaded[url]; }
    loaded[url] = new Promise(function (resolve) {
      var present = document.querySelector('script[src="' + url + '"], link[href="' + url + '"]');
      if (present) { resolve(); return; }
      var el;
      if (/\.css(\?|$)/.test(url)) {
        el = document.createElement("link");
        el.rel = "stylesheet";
        el.href = url;
      } else {
        el = document.createElement("script");
        el.src = url;
        el.async = false;
      }
      el.onload = function () { resolve(); };
      el.onerror = function () { resolve(); };
      document.head.appendChild(el);
    });
    return loaded[url];
  }
  function loadAll(urls) {
    return urls.reduce(function (chain, url) { return chain.then(function () { return load(url); }); }, Promise.resolve());
  }

  /** Load Leaflet (and geoman for lines and areas) before a page with a map is shown. */
  function mapAssetsFor(el) {
    var maps = el.querySelectorAll("[data-map-draw]");
    if (!maps.length || !data.assets) { return Promise.resolve(); }
    var drawing = Array.prototype.some.call(maps, function (m) { return m.dataset.geometry !== "Point"; });
    var chain = Promise.resolve();
    if (typeof L === "undefined") { chain = loadAll(data.assets.leaflet); }
    if (drawing) {
      chain = chain.then(function () { return (typeof L !== "undefined" && L.PM) ? null : loadAll(data.assets.geoman); });
    }
    return chain.then(function () { return loadAll(data.assets.draw); });
  }

  // -- showing pages -----------------------------------------------------------------------
  function progress(index, total, label) {
    var p = document.getElementById("survey-progress-label");
    var bar = document.querySelector(".survey-progress progress");
    if (p) { p.textContent = label || fmt(S.page, { n: index, total: total }); }
    if (bar) { bar.max = total + 1; bar.value = index; bar.textContent = index + "/" + total; }
  }

  function clearErrors() {
    form.querySelectorAll("[data-offline-error]").forEach(function (el) { el.remove(); });
    form.querySelectorAll(".question.has-error").forEach(function (el) { el.classList.remove("has-error"); });
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.remove(); }
  }

  function focusTop(target) {
    var heading = target || document.querySelector(".survey h1");
    if (heading) {
      if (!heading.hasAttribute("tabindex")) { heading.setAttribute("tabindex", "-1"); }
      heading.focus();
    }
    window.scrollTo(0, 0);
  }

  function show(page) {
    var visible = applyVisibility();
    var shown = visiblePages(visible);
    current = page;
    if (review) { review.hidden = true; }
    pageEls.forEach(function (el, i) { el.hidden = pageNumbers[i] !== page; });
    nav.hidden = false;
    var index = pageNumbers.indexOf(page) + 1;
    progress(index, pageNumbers.length);
    var later = shown.filter(function (p) { return p > page; });
    nav.querySelector("[data-go=next]").textContent = returnToReview ? S.toReviewAgain : (later.length ? S.next : S.toReview);
    nav.querySelector("[data-go=back]").hidden = !shown.some(function (p) { return p < page; });
    var shownEl = pageEls[pageNumbers.indexOf(page)];
    mapAssetsFor(shownEl).then(function () {
      document.dispatchEvent(new CustomEvent("pd:survey-page-shown", { detail: { page: page } }));
    });
  }

  function checkPage() {
    clearErrors();
    var visible = applyVisibility();
    var problems = [];
    questions.forEach(function (q) {
      if (q.page !== current || !visible[q.id] || !q.required || !box(q)) { return; }
      if (isBlank(raw(q))) { problems.push(q); }
    });
    if (!problems.length) { return true; }
    var summary = document.createElement("div");
    summary.className = "error-summary";
    summary.setAttribute("role", "alert");
    summary.setAttribute("tabindex", "-1");
    var h = document.createElement("h2");
    h.textContent = S.fix;
    summary.appendChild(h);
    var list = document.createElement("ul");
    problems.forEach(function (q) {
      var el = box(q);
      el.classList.add("has-error");
      var msg = document.createElement("p");
      msg.className = "field-error";
      msg.id = "q" + q.id + "-offline-error";
      msg.setAttribute("data-offline-error", "");
      msg.textContent = S.required;
      var prompt = el.querySelector(".question-prompt");
      (prompt && prompt.parentNode === el.querySelector("fieldset") ? prompt : (prompt || el.firstChild)).after(msg);
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#question-" + q.id;
      link.textContent = (prompt ? prompt.textContent.replace(/\s*\*.*$/, "").trim() : "") + ": " + S.required;
      item.appendChild(link);
      list.appendChild(item);
    });
    summary.appendChild(list);
    form.parentNode.insertBefore(summary, form);
    summary.focus();
    return false;
  }

  function go(direction) {
    var visible = applyVisibility();
    var shown = visiblePages(visible);
    if (direction === "back") {
      returnToReview = false;
      clearErrors();
      if (review && !review.hidden) { show(shown.length ? shown[shown.length - 1] : pageNumbers[0]); focusTop(); return; }
      var before = shown.filter(function (p) { return p < current; });
      show(before.length ? before[before.length - 1] : pageNumbers[0]);
      focusTop();
      return;
    }
    if (!checkPage()) { return; }
    if (returnToReview) { returnToReview = false; showReview(); return; }
    var after = shown.filter(function (p) { return p > current; });
    if (after.length) { show(after[0]); focusTop(); } else { showReview(); }
  }

  // -- review and submit ---------------------------------------------------------------------
  function labelText(input) {
    var label = input.id ? document.querySelector('label[for="' + input.id + '"]') : null;
    return label ? label.textContent.trim() : input.value;
  }

  function describe(q) {
    var el = box(q);
    if (!el) { return ""; }
    var parts = [];
    if (MAP.indexOf(q.type) !== -1) {
      var answer = raw(q);
      if (answer && Array.isArray(answer.features)) {
        parts.push(fmt(S.markings, { n: answer.features.length }));
        answer.features.forEach(function (f) {
          var said = (f.properties && f.properties.comment) || "";
          if (f.properties && f.properties.photo && S.withPhoto) { said = (said ? said + " " : "") + "(" + S.withPhoto + ")"; }
          if (said) { parts.push(said); }
        });
        return parts.join(" – ");
      }
    }
    el.querySelectorAll("input, select, textarea").forEach(function (input) {
      if (input.closest("[data-map-draw]") || input.type === "hidden") { return; }
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { parts.push(labelText(input)); }
      } else if (input.tagName === "SELECT") {
        if (input.value) {
          var option = input.options[input.selectedIndex].textContent.trim();
          parts.push(q.type === "ranking" ? input.value + ". " + labelText(input) : option);
        }
      } else if (input.value.trim()) {
        parts.push(input.value.trim());
      }
    });
    return parts.join(" – ");
  }

  function showReview() {
    var visible = applyVisibility();
    if (!review) {
      review = document.createElement("section");
      review.className = "survey-review";
      form.insertBefore(review, nav);
    }
    review.textContent = "";
    var h = document.createElement("h2");
    h.textContent = S.review;
    review.appendChild(h);
    var hint = document.createElement("p");
    hint.textContent = S.reviewHint;
    review.appendChild(hint);
    var dl = document.createElement("dl");
    dl.className = "review-list";
    questions.forEach(function (q) {
      if (!visible[q.id] || !box(q)) { return; }
      var row = document.createElement("div");
      row.className = "review-row";
      var dt = document.createElement("dt");
      var prompt = box(q).querySelector(".question-prompt");
      dt.textContent = prompt ? prompt.textContent.replace(/\s*\*[\s\S]*$/, "").trim() : "";
      var dd = document.createElement("dd");
      var text = describe(q);
      if (text) { dd.textContent = text; } else {
        var none = document.createElement("span");
        none.className = "muted";
        none.textContent = S.notAnswered;
        dd.appendChild(none);
      }
      var change = document.createElement("button");
      change.type = "button";
      change.className = "link-button change-link";
      change.textContent = S.change;
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = ": " + dt.textContent;
      change.appendChild(hidden);
      change.addEventListener("click", function () { returnToReview = true; show(q.page); focusTop(); });
      dd.appendChild(document.createTextNode(" "));
      dd.appendChild(change);
      row.appendChild(dt);
      row.appendChild(dd);
      dl.appendChild(row);
    });
    review.appendChild(dl);
    var actions = document.createElement("div");
    actions.className = "survey-nav";
    var send = document.createElement("button");
    send.type = "button";
    send.className = "button";
    send.setAttribute("data-go", "send");
    send.textContent = S.send;
    send.addEventListener("click", submit);
    var back = document.createElement("button");
    back.type = "button";
    back.className = "button button-secondary";
    back.textContent = S.back;
    back.addEventListener("click", function () { go("back"); });
    actions.appendChild(send);
    actions.appendChild(back);
    review.appendChild(actions);
    pageEls.forEach(function (el) { el.hidden = true; });
    nav.hidden = true;
    review.hidden = false;
    progress(pageNumbers.length + 1, pageNumbers.length, S.review);
    focusTop(h);
  }

  function nickname() {
    var input = form.elements.namedItem("nickname");
    if (input && input.value && input.value.trim()) { return input.value.trim(); }
    try {
      var state = JSON.parse(form.elements.namedItem("state").value || "{}");
      return state.nickname || null;
    } catch (e) { return null; }
  }

  function payload(id) {
    var visible = applyVisibility();
    var answers = [];
    questions.forEach(function (q) {
      if (!visible[q.id]) { return; }
      var answer = raw(q);
      if (answer) { answers.push(Object.assign({ question_id: q.id }, answer)); }
    });
    var body = { client_id: id, language: data.language, channel: form.hasAttribute("data-kiosk") ? "kiosk" : (navigator.onLine ? "web" : "offline"), answers: answers };
    var nick = nickname();
    if (nick) { body.nickname = nick; }
    return body;
  }

  async function submit(event) {
    var button = event && event.currentTarget;
    if (sending) { return; }
    sending = true;
    if (button) { button.disabled = true; button.setAttribute("aria-disabled", "true"); }
    var id = clientId();
    var receiptUrl = data.receipt.replace("CLIENT_ID", encodeURIComponent(id));
    var result;
    try {
      var body = payload(id);
      // The photos of markings kept on the device go with the answers (survey-photos.js).
      var P = window.PDSurveyPhotos;
      var photos = P ? await P.filesFor(P.keysOf(body.answers)) : [];
      result = await window.PlatsdialogOffline.submit({
        url: data.api, payload: body, clientId: id, kind: "survey", title: data.title, receiptUrl: receiptUrl,
        photos: photos,
      });
    } catch (e) {
      result = "failed";
    }
    if (result === "sent" || result === "queued") {
      finished = true;
      if (Draft) { Draft.clear(data.survey); }
    }
    if (result === "sent") {
      try { sessionStorage.removeItem(STORE_KEY); } catch (e) { /* ignore */ }
      window.location.assign(receiptUrl);
      return;
    }
    if (result === "queued") {
      try { sessionStorage.removeItem(STORE_KEY); } catch (e) { /* ignore */ }
      showQueued(id);
      return;
    }
    sending = false;
    if (button) { button.disabled = false; button.removeAttribute("aria-disabled"); }
    var note = review.querySelector("[data-send-error]");
    if (!note) {
      note = document.createElement("p");
      note.className = "error-summary";
      note.setAttribute("role", "alert");
      note.setAttribute("data-send-error", "");
      review.insertBefore(note, review.firstChild.nextSibling);
    }
    note.textContent = S.failed;
  }

  function showQueued(id) {
    var panel = document.createElement("section");
    panel.className = "survey-queued";
    panel.setAttribute("data-survey-queued", "");
    var h = document.createElement("h2");
    h.textContent = S.queuedTitle;
    panel.appendChild(h);
    var p = document.createElement("p");
    p.textContent = S.queued;
    panel.appendChild(p);
    var saved = document.createElement("p");
    saved.textContent = fmt(S.savedAt, { time: new Date().toLocaleString(document.documentElement.lang || "sv") });
    panel.appendChild(saved);
    var status = document.createElement("div");
    status.className = "outbox-status";
    status.setAttribute("data-outbox-status", "");
    status.setAttribute("data-outbox-client-id", id);
    status.setAttribute("data-receipt-label", S.receipt);
    panel.appendChild(status);
    form.hidden = true;
    form.parentNode.insertBefore(panel, form);
    progress(pageNumbers.length + 1, pageNumbers.length, S.queuedTitle);
    window.PlatsdialogOffline.render();
    focusTop(h);
  }

  // -- the draft on this device -------------------------------------------------------------
  function stateOf() {
    try { return JSON.parse(form.elements.namedItem("state").value || "{}") || {}; } catch (e) { return {}; }
  }

  function position() {
    if (review && !review.hidden) { return "review"; }
    return active ? current : parseInt(form.elements.namedItem("step").value, 10) || current;
  }

  function saveDraft() {
    if (!keepsDraft || finished || Draft.discarding) { return; }
    var answers = {};
    questions.forEach(function (q) {
      var answer = raw(q);
      if (answer) { answers[q.id] = answer; }
    });
    Draft.save(data.survey, { answers: answers, nickname: nickname(), page: position() });
  }

  function setInput(name, value) {
    var el = form.elements.namedItem(name);
    if (el && !el.length && el.tagName) { el.value = value === null || value === undefined ? "" : String(value); }
  }

  /** Put a raw answer (the server's shape) into a question's inputs; null empties them. */
  function setRaw(q, answer) {
    var el = box(q);
    if (!el) { return; }
    var n = "q" + q.id;
    el.querySelectorAll("input, select, textarea").forEach(function (input) {
      if (input.closest("[data-map-draw]")) { return; }
      if (input.type === "radio" || input.type === "checkbox") { input.checked = false; } else { input.value = ""; }
    });
    var saved = el.querySelector("[data-saved-note]");
    if (saved) { saved.remove(); }
    if (!answer) { return; }
    var v = answer.value;
    if (CHOICE.indexOf(q.type) !== -1 || q.type === "multi_choice") {
      var chosenIds = (Array.isArray(v) ? v : [v]).map(String);
      form.querySelectorAll('[name="' + n + '"]').forEach(function (input) {
        input.checked = chosenIds.indexOf(input.value) !== -1;
      });
      if (answer.other) { setInput(n + "_other", answer.other); }
    } else if (q.type === "ranking") {
      (Array.isArray(v) ? v : []).forEach(function (optionId, i) { setInput(n + "_rank_" + optionId, i + 1); });
    } else if (MAP.indexOf(q.type) !== -1) {
      if (Array.isArray(answer.features) && answer.features.length) {
        setInput(n + "_features", JSON.stringify(answer.features));
      } else if (v && typeof v === "object") {
        if (v.place !== undefined) { setInput(n + "_place", v.place); }
        if (v.description) { setInput(n + "_description", v.description); }
      }
    } else {
      setInput(n, v);
    }
  }

  /** Show ``page`` in the server's flow (its Next/Back buttons post as usual). */
  function moveTo(page) {
    var visible = applyVisibility();
    var shown = visiblePages(visible);
    form.elements.namedItem("step").value = String(page);
    pageEls.forEach(function (el, i) { el.hidden = pageNumbers[i] !== page; });
    var shownField = form.querySelector("[data-shown-field]");
    if (shownField) {
      shownField.value = questions.filter(function (q) { return q.page === page && visible[q.id]; })
        .map(function (q) { return q.id; }).join(",");
    }
    progress(pageNumbers.indexOf(page) + 1, pageNumbers.length);
    var intro = document.querySelector(".survey-intro");
    if (intro) { intro.hidden = page !== pageNumbers[0]; }
    var serverNav = form.querySelector(".survey-nav");
    var next = serverNav && serverNav.querySelector("button[value=next]");
    if (next) { next.textContent = shown.some(function (p) { return p > page; }) ? S.next : S.toReview; }
    var back = serverNav && serverNav.querySelector("button[value=back]");
    if (!back && serverNav && shown.some(function (p) { return p < page; })) {
      back = document.createElement("button");
      back.type = "submit";
      back.name = "action";
      back.value = "back";
      back.className = "button button-secondary";
      back.textContent = S.back;
      serverNav.appendChild(back);
    }
    current = page;
    document.title = document.title.replace(/^(.*?) – .*? – /, "$1 – " + fmt(S.page, { n: pageNumbers.indexOf(page) + 1, total: pageNumbers.length }) + " – ");
  }

  function draftNote(text) {
    var note = document.createElement("p");
    note.className = "notice draft-note";
    note.setAttribute("role", "status");
    note.setAttribute("data-draft-note", "");
    note.appendChild(document.createTextNode(text + " "));
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link-button";
    discard.setAttribute("data-draft-discard", "");
    discard.textContent = S.discard;
    discard.addEventListener("click", function () { Draft.discard(data.survey); });
    note.appendChild(discard);
    var old = document.querySelector("[data-draft-note]");
    if (old) { old.remove(); }
    form.parentNode.insertBefore(note, form);
  }

  /** Put the draft over a freshly opened survey; returns the step to resume at. */
  function restore(draft) {
    // Only answers to the survey's questions as it is now (it may have changed since).
    var answers = {};
    questions.forEach(function (q) {
      if (draft.answers[q.id]) { answers[q.id] = draft.answers[q.id]; }
      setRaw(q, draft.answers[q.id] || null);
    });
    var state = stateOf();
    state.answers = answers;
    state.nickname = draft.nickname || state.nickname || null;
    form.elements.namedItem("state").value = JSON.stringify(state);
    var nick = form.elements.namedItem("nickname");
    if (nick && draft.nickname) { nick.value = draft.nickname; }
    var earlierNote = document.querySelector("[data-earlier-note]");
    if (earlierNote) { earlierNote.remove(); }
    applyVisibility();
    var wanted = (/^#step-(\d+|review)$/.exec(window.location.hash) || [])[1] || draft.page;
    var shown = visiblePages(applyVisibility());
    if (wanted === "review") { return "review"; }
    wanted = parseInt(wanted, 10);
    return shown.indexOf(wanted) !== -1 ? wanted : (shown[0] || pageNumbers[0]);
  }

  // -- taking over ---------------------------------------------------------------------------
  function takeOver() {
    if (active) { return; }
    active = true;
    form.setAttribute("data-offline-active", "");
    var serverNav = form.querySelector(".survey-nav");
    if (serverNav) { serverNav.hidden = true; }
    nav = document.createElement("div");
    nav.className = "survey-nav";
    var next = document.createElement("button");
    next.type = "button";
    next.className = "button";
    next.setAttribute("data-go", "next");
    next.addEventListener("click", function () { go("next"); });
    var back = document.createElement("button");
    back.type = "button";
    back.className = "button button-secondary";
    back.setAttribute("data-go", "back");
    back.textContent = S.back;
    back.addEventListener("click", function () { go("back"); });
    nav.appendChild(next);
    nav.appendChild(back);
    form.appendChild(nav);
    var note = document.createElement("p");
    note.className = "notice";
    note.setAttribute("role", "status");
    note.textContent = S.offline;
    form.parentNode.insertBefore(note, form);
    show(current);
  }

  if (keepsDraft) {
    ["input", "change", "click"].forEach(function (type) {
      form.addEventListener(type, function () { dirty = true; saveDraft(); });
    });
    window.addEventListener("pagehide", function () { if (dirty || !fresh) { saveDraft(); } });
    var draft = fresh ? Draft.load(data.survey) : null;
    if (draft) {
      var resumeAt = restore(draft);
      draftNote(S.resumed);
      if (resumeAt === "review") {
        var shownPages = visiblePages(applyVisibility());
        moveTo(shownPages[shownPages.length - 1] || pageNumbers[0]);
        if (navigator.onLine) {
          var toReview = form.querySelector(".survey-nav button[value=next]");
          if (form.requestSubmit && toReview) { form.requestSubmit(toReview); }
        } else {
          takeOver();
          showReview();
        }
      } else if (resumeAt !== data.page) {
        moveTo(resumeAt);
      }
      dirty = true;
    } else if (!fresh) {
      saveDraft();
      draftNote(S.kept);
    }
  } else if (Draft && form.hasAttribute("data-kiosk")) {
    Draft.clear(data.survey);
  }
  // A step's page is the answer to a form: its history entry becomes a GET (survey-draft.js).
  if (Draft && !form.hasAttribute("data-no-draft") && (!fresh || window.location.hash)) {
    Draft.markStep(form.elements.namedItem("step").value || current);
  }

  form.addEventListener("submit", function (event) {
    if (!active && navigator.onLine) { saveDraft(); return; }
    event.preventDefault();
    var action = event.submitter ? event.submitter.value : "next";
    takeOver();
    if (action === "review") { returnToReview = true; }
    go(action === "back" ? "back" : "next");
  });
  window.addEventListener("offline", takeOver);
  if (!navigator.onLine) { takeOver(); }
})();
