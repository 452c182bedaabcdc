// Share a project or stage: the Web Share API on phones, else copy the link (with the link
// shown to copy by hand when the clipboard is not available). Progressive enhancement: the
// block stays hidden without JavaScript.
(function () {
  "use strict";
  function init() {
    document.querySelectorAll("[data-share]").forEach(function (box) {
      if (box.dataset.ready) return;
      box.dataset.ready = "1";
      box.hidden = false;
      var button = box.querySelector("[data-share-button]");
      var status = box.querySelector("[data-share-status]");
      var link = box.querySelector("[data-share-link]");
      function showLink() {
        status.textContent = status.dataset.manual;
        link.hidden = false;
        link.focus();
        link.select();
      }
      button.addEventListener("click", function () {
        var data = { title: button.dataset.title, text: button.dataset.text, url: button.dataset.url };
        if (navigator.share) {
          navigator.share(data).catch(function () { /* cancelled: nothing to say */ });
          return;
        }
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(data.url).then(function () {
            status.textContent = status.dataset.copied;
          }, showLink);
          return;
        }
        showLink();
      });
    });
  }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
  if (document.readyState !== "loading") init();
})();
