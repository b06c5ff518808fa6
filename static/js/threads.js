// Threads: mark the thread as read once shown, and quote a selected passage.
// Progressive enhancement only: without this script the buttons and links still work.
(function () {
  "use strict";
  var form = document.querySelector("form[data-auto-read]");
  if (form && window.fetch && window.FormData) {
    window.fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).catch(function () { /* the button stays for a manual try */ });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.quote-link") : null;
    if (!link) { return; }
    var body = document.getElementById("post-" + link.getAttribute("data-post") + "-body");
    var selection = window.getSelection ? window.getSelection() : null;
    if (!body || !selection || selection.isCollapsed) { return; }
    if (!body.contains(selection.anchorNode) || !body.contains(selection.focusNode)) { return; }
    var passage = selection.toString().trim().slice(0, 2000);
    if (passage) {
      event.preventDefault();
      window.location.href = link.href + "&passage=" + encodeURIComponent(passage);
    }
  });
})();
