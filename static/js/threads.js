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

// Mentions: typing @ and a few letters offers the members who see the thread. Without this
// script the form still works: "@Full Name" typed by hand is read the same way on the server.
(function () {
  "use strict";
  if (!window.fetch) { return; }
  var TYPED = /(^|[^\w@.])@([^\s@]{0,30}(?: [^\s@]{0,30})?)$/;
  var forms = document.querySelectorAll("form[data-mentions]");
  Array.prototype.forEach.call(forms, function (form, index) {
    var area = form.querySelector("textarea");
    if (!area) { return; }
    var list = document.createElement("ul");
    list.id = "mention-list-" + index;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    area.parentNode.insertBefore(list, area.nextSibling);
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", list.id);
    var typed = null;
    var active = -1;
    var asked = 0;

    function close() { list.hidden = true; list.textContent = ""; typed = null; active = -1; }

    function choose(name) {
      if (!typed) { return; }
      var before = area.value.slice(0, typed.start);
      var after = area.value.slice(area.selectionEnd);
      var text = "@" + name + " ";
      area.value = before + text + after;
      var caret = before.length + text.length;
      area.setSelectionRange(caret, caret);
      close();
      area.focus();
    }

    function mark(next) {
      var items = list.querySelectorAll("li");
      if (!items.length) { return; }
      active = (next + items.length) % items.length;
      Array.prototype.forEach.call(items, function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
    }

    function show(members) {
      list.textContent = "";
      members.forEach(function (member) {
        var item = document.createElement("li");
        item.setAttribute("role", "option");
        item.textContent = member.name;  // text, never markup
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(member.name);
        });
        list.appendChild(item);
      });
      list.hidden = members.length === 0;
      active = -1;
      if (members.length) { mark(0); }
    }

    area.addEventListener("input", function () {
      var head = area.value.slice(0, area.selectionStart);
      var match = TYPED.exec(head);
      if (!match) { close(); return; }
      typed = { start: head.length - match[2].length - 1, query: match[2] };
      var ticket = ++asked;
      var url = form.getAttribute("data-mentions") + "?q=" + encodeURIComponent(match[2]);
      window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { members: [] }; })
        .then(function (data) { if (ticket === asked && typed) { show(data.members || []); } })
        .catch(close);
    });

    area.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        mark(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" || event.key === "Tab") {
        var item = list.querySelectorAll("li")[active];
        if (item) { event.preventDefault(); choose(item.textContent); }
      } else if (event.key === "Escape") {
        close();
      }
    });
    area.addEventListener("blur", close);
  });
})();
