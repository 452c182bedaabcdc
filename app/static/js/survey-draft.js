/* Survey drafts: the answers in progress kept on this device (localStorage, key
 * "pd-survey-draft-<survey id>") until they are sent, so a reload, a language switch, Back or
 * coming back days later goes on where the resident left off (docs/design.md, section 4).
 *
 * - survey-offline.js saves and restores the draft on the survey's pages (it reads every
 *   question's inputs); this file keeps the draft on the review page, clears it on the receipt
 *   and offers "Start over".
 * - Never kept in kiosk mode (data-kiosk), in a staff preview or for a typed-in paper form
 *   (data-no-draft); every draft is removed on logout (app.js).
 * - Every step of the survey is the answer to a form (POST): its history entry is turned into a
 *   plain GET of the survey's address (with "#step-N"), so Back and reload never ask to send a
 *   form again; the draft brings the answers back.
 * - Sending after the page was left open for hours: the security token is fetched afresh
 *   before the answers are sent, so nothing is lost.
 */
(function () {
  "use strict";
  var PREFIX = "pd-survey-draft-";
  var Draft = window.PDSurveyDraft = window.PDSurveyDraft || {
    load: function (id) {
      try {
        var draft = JSON.parse(localStorage.getItem(PREFIX + id) || "null");
        return draft && typeof draft.answers === "object" ? draft : null;
      } catch (e) { return null; }
    },
    save: function (id, draft) {
      draft.savedAt = new Date().toISOString();
      try { localStorage.setItem(PREFIX + id, JSON.stringify(draft)); } catch (e) { /* full or private */ }
    },
    clear: function (id) {
      try { localStorage.removeItem(PREFIX + id); } catch (e) { /* ignore */ }
      try { sessionStorage.removeItem("pd-survey-attempt-" + id); } catch (e) { /* ignore */ }
    },
    /** Start the survey again: forget the draft and open its first page afresh. */
    discard: function (id) {
      Draft.discarding = true;
      Draft.clear(id);
      window.location.replace(window.location.pathname + window.location.search);
    },
    keeps: function (form) {
      return !form.hasAttribute("data-kiosk") && !form.hasAttribute("data-no-draft");
    },
    /** Turn this history entry into a GET of the survey (see above). */
    markStep: function (step) {
      if (!window.history.replaceState) { return; }
      try {
        window.history.replaceState(null, "", window.location.pathname + window.location.search + "#step-" + step);
      } catch (e) { /* ignore */ }
    },
  };

  var done = document.querySelector("[data-survey-done]");
  if (done) { Draft.clear(done.getAttribute("data-survey-done")); }
  var printButton = document.querySelector("[data-print]");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  var form = document.querySelector(".survey-form[data-survey-id]");
  if (!form || form.getAttribute("data-bound-draft")) { return; }
  form.setAttribute("data-bound-draft", "1");
  var id = form.getAttribute("data-survey-id");
  var step = form.getAttribute("data-step");
  var openedAt = Date.now();
  var keeps = Draft.keeps(form);
  if (form.hasAttribute("data-kiosk")) { Draft.clear(id); }
  if (step === "review") {
    Draft.markStep("review");
    if (keeps) {
      var state = {};
      try { state = JSON.parse(form.elements.namedItem("state").value || "{}"); } catch (e) { state = {}; }
      Draft.save(id, { answers: state.answers || {}, nickname: state.nickname || null, page: "review" });
      var note = document.querySelector("[data-draft-note]");
      if (note) {
        note.hidden = false;
        note.querySelector("[data-draft-discard]").addEventListener("click", function () { Draft.discard(id); });
      }
    }
  }

  // A fresh security token before sending (and before any step of a page left open long).
  var refreshing = false;
  var refreshed = false;
  form.addEventListener("submit", function (event) {
    if (refreshed || form.hasAttribute("data-offline-active") || !navigator.onLine || !window.fetch) { return; }
    var submitter = event.submitter;
    var sending = submitter && submitter.value === "submit";
    if (!sending && Date.now() - openedAt < 20 * 60 * 1000) { return; }
    event.preventDefault();
    if (refreshing) { return; }
    refreshing = true;
    var go = function () {
      refreshed = true;
      if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
    };
    fetch("/csrf-token", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (body && body.csrf_token) {
          form.querySelectorAll("input[name=csrf_token]").forEach(function (input) { input.value = body.csrf_token; });
        }
      })
      .catch(function () { /* the server says so if the token is refused: nothing is lost */ })
      .then(go);
  }, true);
})();
