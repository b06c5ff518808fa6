/* The minutes editor: progressive enhancement only; the form works the same without it.
   - form[data-minutes-editor]: warn before leaving the page with unsaved changes
     (beforeunload, only once something changed); submitting the form saves, so no warning.
   - [data-autosave]: save a draft a few seconds after typing stops, and with each item's
     "Lagre" button, without leaving the page. The request carries the edit version the page
     was loaded with; the answer gives the new one. A 409 (someone else saved in between)
     stops autosaving: "Lagre" then posts the form and the page shows the difference.
   - Enter in the new task's fields adds the task (instead of the form's first button). */
(function () {
  "use strict";

  var form = document.querySelector("form[data-minutes-editor]");
  if (!form) { return; }
  var status = form.querySelector("[data-save-status]");
  var version = form.querySelector('input[name="version"]');
  var autosave = form.hasAttribute("data-autosave") && window.fetch && window.FormData;
  var DELAY_MS = 4000;
  var changes = 0;      // bumped on every edit
  var savedAt = 0;      // the value of `changes` the last successful save covered
  var timer = null;
  var saving = false;
  var stopped = false;  // after a conflict: only a full submit may save now
  var submitting = false;

  function dirty() { return changes !== savedAt; }

  function say(text) { if (status) { status.textContent = text || ""; } }

  function edited(event) {
    if (event.target.closest(".new-action")) { return; }  // a task is saved with its button
    changes += 1;
    say(form.getAttribute("data-unsaved-label"));
    if (autosave && !stopped) {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, DELAY_MS);
    }
  }

  function payload() {
    var data = new FormData(form);
    ["what", "owner_id", "due_on", "item_id", "delete_action", "then", "focus"].forEach(
      function (name) { data.delete(name); }
    );
    return data;
  }

  function save() {
    window.clearTimeout(timer);
    if (saving || stopped || submitting || !dirty()) { return Promise.resolve(); }
    saving = true;
    var covering = changes;
    say(form.getAttribute("data-saving-label"));
    return fetch(form.action || window.location.href, {
      method: "POST",
      body: payload(),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) {
          if (version && body.version !== undefined) { version.value = String(body.version); }
          savedAt = covering;
          say(dirty() ? form.getAttribute("data-unsaved-label") : body.saved);
          if (dirty()) { timer = window.setTimeout(save, DELAY_MS); }
        } else {
          if (response.status === 409) { stopped = true; }
          say(body.error || form.getAttribute("data-failed-label"));
        }
      });
    }).catch(function () {
      say(form.getAttribute("data-failed-label"));
    }).then(function () { saving = false; });
  }

  form.addEventListener("input", edited);
  form.addEventListener("change", edited);

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (autosave && !stopped && submitter && submitter.hasAttribute("data-save-item")) {
      event.preventDefault();  // save in place; the page (and where one is in it) stays
      save();
      return;
    }
    submitting = true;  // the browser posts everything: nothing to warn about
    window.setTimeout(function () {
      if (event.defaultPrevented) { submitting = false; }  // e.g. a confirm was declined
    }, 0);
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !dirty()) { return undefined; }
    event.preventDefault();
    event.returnValue = "";
    return "";
  });

  var task = form.querySelector(".new-action");
  if (task) {
    var add = task.querySelector('button[type="submit"]');
    task.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.tagName === "INPUT" && add) {
        event.preventDefault();
        add.click();
      }
    });
  }
}());
