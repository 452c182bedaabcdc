// Survey pages: show or hide questions whose display condition depends on an answer on the
// same page. The server decides too, so the page works without this file.
(function () {
  "use strict";
  function selected(form, questionId) {
    var values = [];
    form.querySelectorAll("[name=q" + questionId + "]").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value) {
        values.push(input.value);
      }
    });
    return values;
  }
  function update(form) {
    var shownField = form.querySelector("[data-shown-field]");
    var shown = [];
    form.querySelectorAll(".question").forEach(function (box) {
      var cond = box.dataset.conditionQuestion;
      if (cond) {
        var parent = document.getElementById("question-" + cond);
        var visible = parent && !parent.hidden && selected(form, cond).indexOf(box.dataset.conditionOption) !== -1;
        box.hidden = !visible;
      }
      if (!box.hidden) { shown.push(box.id.replace("question-", "")); }
    });
    if (shownField) { shownField.value = shown.join(","); }
  }
  function init() {
    document.querySelectorAll(".survey-form").forEach(function (form) {
      if (!form.querySelector("[data-condition-question]")) { return; }
      form.addEventListener("change", function () { update(form); });
      update(form);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
