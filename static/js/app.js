/* Progressive enhancement only: every page works without this file.
   - data-confirm on a submit button, a form or a link: ask before going on.
   - #dots-left[data-total] with inputs .dots in the same form: a live "stemmer igjen" counter.
   - [data-copy-target="id"] buttons: copy that element's text (or value) to the clipboard.
   - [data-reload-after="seconds"]: load the page again after a while (a file still being
     read), unless the reader has started typing somewhere on it.
   - tables in user text (.prose) go in a scrolling box a keyboard can reach, as the page's
     own tables do, so a wide one never widens the page on a phone.
   No inline handlers (the CSP forbids them): everything is wired up here. */
(function () {
  "use strict";

  /* ---------- Confirm dialogs ---------- */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    var message = (submitter && submitter.getAttribute("data-confirm")) ||
      form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-confirm]") : null;
    if (link && !window.confirm(link.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  /* ---------- Dot vote: votes left ---------- */
  function initDots(counter) {
    var total = parseInt(counter.getAttribute("data-total"), 10);
    if (isNaN(total)) { return; }
    var scope = counter.closest("section") || document;
    var inputs = scope.querySelectorAll("input.dots");
    if (!inputs.length) { return; }
    var leftLabel = counter.getAttribute("data-left-label") || "stemmer igjen";
    var oneLeftLabel = counter.getAttribute("data-one-left-label") || "stemme igjen";
    var overLabel = counter.getAttribute("data-over-label") || "for mange stemmer fordelt";
    var doneLabel = counter.getAttribute("data-done-label") || "Alle stemmene er fordelt.";

    function update() {
      var used = 0;
      inputs.forEach(function (input) {
        var n = parseInt(input.value, 10);
        if (!isNaN(n) && n > 0) { used += n; }
      });
      var left = total - used;
      counter.classList.toggle("over", left < 0);
      counter.classList.toggle("done", left === 0);
      if (left < 0) {
        counter.textContent = (-left) + " " + overLabel;
      } else if (left === 0) {
        counter.textContent = doneLabel;
      } else {
        counter.textContent = left + " " + (left === 1 ? oneLeftLabel : leftLabel);
      }
      inputs.forEach(function (input) {
        if (left < 0) {
          input.setAttribute("aria-invalid", "true");
        } else {
          input.removeAttribute("aria-invalid");
        }
      });
    }

    inputs.forEach(function (input) {
      input.addEventListener("input", update);
      input.addEventListener("change", update);
    });
    update();
  }

  /* ---------- Copy to clipboard ---------- */
  function textOf(target) {
    if ("value" in target && typeof target.value === "string" && target.tagName !== "BUTTON") {
      return target.value;
    }
    return (target.innerText || target.textContent || "").trim();
  }

  function copyFallback(target, text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "sr-only";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function announce(button, ok) {
    var original = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", original);
    button.textContent = ok ? (button.getAttribute("data-copied-label") || "Kopiert")
      : (button.getAttribute("data-failed-label") || "Kunne ikke kopiere");
    button.classList.toggle("copied", ok);
    var status = document.getElementById("copy-status");
    if (status) { status.textContent = button.textContent; }
    window.setTimeout(function () {
      button.textContent = original;
      button.classList.remove("copied");
    }, 2500);
  }

  function initCopy(button) {
    var id = (button.getAttribute("data-copy-target") || "").replace(/^#/, "");
    var target = id ? document.getElementById(id) : null;
    if (!target) { return; }
    // Copy buttons are rendered `hidden` so they only show where this script runs.
    button.hidden = false;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var text = textOf(target);
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { announce(button, true); },
          function () { announce(button, copyFallback(target, text)); }
        );
      } else {
        announce(button, copyFallback(target, text));
      }
    });
  }

  /* ---------- Tables in user text ---------- */
  function wrapTable(table, label) {
    if (table.parentElement && table.parentElement.classList.contains("table-wrap")) { return; }
    var box = document.createElement("div");
    box.className = "table-wrap";
    box.setAttribute("role", "region");
    box.setAttribute("tabindex", "0");
    var caption = table.querySelector("caption");
    box.setAttribute("aria-label", caption ? caption.textContent.trim() : label);
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
  }

  function init() {
    var main = document.getElementById("main");
    var label = (main && main.getAttribute("data-table-label")) || "Tabell";
    document.querySelectorAll(".prose table").forEach(function (t) { wrapTable(t, label); });
    document.querySelectorAll("#dots-left[data-total]").forEach(initDots);
    document.querySelectorAll("[data-copy-target]").forEach(initCopy);
    if (document.querySelector("[data-copy-target]") && !document.getElementById("copy-status")) {
      var status = document.createElement("p");
      status.id = "copy-status";
      status.className = "sr-only";
      status.setAttribute("role", "status");
      document.body.appendChild(status);
    }
  }

  /* ---------- Reload while a file is being read ---------- */
  var typed = false;
  document.addEventListener("input", function () { typed = true; });
  function initReload(element) {
    var seconds = parseFloat(element.getAttribute("data-reload-after"));
    if (!(seconds > 0)) { return; }
    window.setTimeout(function () {
      if (!typed) { window.location.reload(); }
    }, seconds * 1000);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var first = document.querySelector("[data-reload-after]");
    if (first) { initReload(first); }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
