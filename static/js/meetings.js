/* Meetings: progressive enhancement only; every page works without this file.
   - [data-print] buttons print the page.
   - ol[data-sortable="<form id>"]: drag agenda items to reorder them; the position numbers
     are rewritten in the new order and the same form is posted as without JavaScript.
   - button[data-mark-all="<status>"] in the attendance form: tick that status for everyone
     at once and let the leader correct the exceptions before saving (without JavaScript the
     button asks the server to do the same). */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  function renumber(list) {
    list.querySelectorAll("li.agenda-item").forEach(function (item, index) {
      var input = item.querySelector("input.position-input");
      if (input) { input.value = index + 1; }
    });
  }

  document.querySelectorAll("ol[data-sortable]").forEach(function (list) {
    var form = document.getElementById(list.getAttribute("data-sortable"));
    if (!form) { return; }
    var dragged = null;
    list.querySelectorAll("li.agenda-item").forEach(function (item) {
      item.setAttribute("draggable", "true");
      item.classList.add("is-draggable");
      item.addEventListener("dragstart", function (event) {
        dragged = item;
        item.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.getAttribute("data-item"));
      });
      item.addEventListener("dragend", function () {
        item.classList.remove("dragging");
        dragged = null;
      });
      item.addEventListener("dragover", function (event) {
        if (!dragged || dragged === item) { return; }
        event.preventDefault();
        var box = item.getBoundingClientRect();
        var after = event.clientY > box.top + box.height / 2;
        list.insertBefore(dragged, after ? item.nextSibling : item);
      });
      item.addEventListener("drop", function (event) {
        event.preventDefault();
        renumber(list);
        form.requestSubmit ? form.requestSubmit() : form.submit();
      });
    });
  });

  document.querySelectorAll("button[data-mark-all]").forEach(function (button) {
    var form = button.form;
    if (!form) { return; }
    var value = button.getAttribute("data-mark-all");
    var status = form.querySelector("[data-mark-all-status]");
    button.addEventListener("click", function (event) {
      event.preventDefault();
      form.querySelectorAll('input[type="radio"][value="' + value + '"]').forEach(function (radio) {
        radio.checked = true;
        radio.dispatchEvent(new Event("change", { bubbles: true }));
      });
      if (status) { status.textContent = button.getAttribute("data-done-label") || ""; }
    });
  });
}());
