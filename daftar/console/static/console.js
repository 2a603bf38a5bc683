// Small progressive enhancement; every page works without it.
(function () {
  "use strict";
  // Styles that only make sense with this script (the file fields' Persian button).
  document.documentElement.classList.add("js");

  // A form marked data-once is sent once: its submit buttons are disabled as it goes, so a
  // double click sends nothing twice (the workflow would refuse a repeat anyway).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-once")) { return; }
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    form.dataset.sending = "1";
    var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
    // After this tick, so the button that was pressed still goes with the form.
    window.setTimeout(function () {
      buttons.forEach(function (b) { b.disabled = true; b.setAttribute("aria-disabled", "true"); });
    }, 0);
  });

  // A page restored from the back-forward cache may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.dataset.sending = "";
      form.querySelectorAll("button").forEach(function (b) {
        b.disabled = false; b.removeAttribute("aria-disabled");
      });
    });
  });

  // A printable page's print button: shown only where a script can press it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
  // A refusal's fields: each violation (`li[data-field]` of a refusal box) that names a field
  // of the form the box belongs to marks it: aria-invalid, the error style, and the Persian
  // cause beside it by aria-describedby. A field is the input named exactly as the
  // violation's path (`score`, `reason`, `outcome`), or one whose data-field says that path;
  // `items.3.score` is looked for as itself, then `items.3`, `items`, then `score`.
  function inputsOf(scope, name) {
    var found = [];
    scope.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (el.type === "hidden") { return; }
      if (el.name === name || el.getAttribute("data-field") === name) { found.push(el); }
    });
    return found;
  }
  function fieldsFor(scope, path) {
    var parts = path.split(".");
    var names = [];
    for (var n = parts.length; n > 0; n--) { names.push(parts.slice(0, n).join(".")); }
    var last = parts.filter(function (p) { return !/^[0-9]+$/.test(p); }).pop();
    if (last) { names.push(last); }
    for (var i = 0; i < names.length; i++) {
      var found = inputsOf(scope, names[i]);
      // `checks.GEN-3`: of the boxes named `checks`, the one whose value is GEN-3.
      var rest = path.slice(names[i].length + 1);
      var valued = found.filter(function (e) { return rest && e.value === rest; });
      if (valued.length) { return valued; }
      if (found.length) { return found; }
    }
    return [];
  }
  function causeOf(item) {
    var parts = item.querySelectorAll(".note, .why");
    var text = Array.prototype.map.call(parts, function (p) { return p.textContent.trim(); })
      .filter(Boolean).join(" ");
    if (!text) {
      var rule = item.querySelector(".rule-text");
      text = rule ? rule.textContent.trim() : "";
    }
    return text;
  }
  function describe(el, id) {
    var ids = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (ids.indexOf(id) < 0) { ids.push(id); }
    el.setAttribute("aria-describedby", ids.join(" "));
  }
  function markFields(box) {
    var scope = box.closest("form");
    var whole = !scope;
    scope = scope || document;
    var marked = new Map();  // the first input of a field → the message beside it
    box.querySelectorAll("li[data-field]").forEach(function (item) {
      var path = item.getAttribute("data-field");
      var els = fieldsFor(scope, path);
      var forms = els.map(function (e) { return e.form; });
      var group = els.length > 1 ? els[0].closest("fieldset") : null;
      // Outside a form, only a field no other form shares is meant; several inputs are one
      // field only inside one fieldset (the radios of a choice, a checklist).
      if (!els.length || (whole && forms.some(function (f) { return f !== forms[0]; })) ||
          (els.length > 1 && !(group && els.every(function (e) { return group.contains(e); })))) {
        return;
      }
      var rule = item.getAttribute("data-rule") || "";
      var text = causeOf(item);
      var entry = marked.get(els[0]);
      // Several refused rows may name one field for one cause: it is said once beside it.
      var said = rule + " " + text;
      if (entry && entry.dataset.said.split("\n").indexOf(said) >= 0) {
        item.classList.add("marked");
        return;
      }
      if (!entry) {
        var msg = document.createElement("p");
        msg.className = "field-error";
        msg.id = box.id + "-field-" + marked.size;
        if (group) {
          var legend = group.querySelector("legend");
          if (legend) { legend.after(msg); } else { group.prepend(msg); }
        } else {
          var anchor = els[els.length - 1];
          (anchor.closest("label") || anchor).after(msg);
        }
        els.forEach(function (e) {
          e.setAttribute("aria-invalid", "true");
          e.classList.add("invalid");
          describe(e, msg.id);
        });
        marked.set(els[0], msg);
        entry = msg;
      } else {
        entry.appendChild(document.createTextNode(" "));
      }
      var id = document.createElement("bdi");
      id.className = "rule-id";
      id.textContent = rule;
      entry.appendChild(id);
      entry.appendChild(document.createTextNode(" " + text));
      entry.dataset.said = (entry.dataset.said ? entry.dataset.said + "\n" : "") + said;
      item.classList.add("marked");
    });
  }

  // A file field: the native input is visually hidden behind a Persian button (its label)
  // and the name of the chosen file, or «فایلی انتخاب نشده است».
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-file-input]")) { return; }
    var out = document.getElementById(input.id + "-name");
    if (!out) { return; }
    var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
    out.textContent = names.length ? names.join("، ") : out.getAttribute("data-none");
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-refusal]").forEach(markFields);
    document.querySelectorAll("[data-print]").forEach(function (b) { b.hidden = false; });
    // A refusal shown in place gets the focus, so keyboard and screen-reader users meet it.
    var refusal = document.getElementById("decision-error") || document.getElementById("refusal");
    if (refusal) { refusal.focus(); }
  });
})();
