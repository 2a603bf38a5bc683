// The inbox: a selection that outlives a page change, and how many are selected in all.
// Without this script the batch form decides the rows ticked on the page it is sent from.
(function () {
  "use strict";
  var form = document.getElementById("batch");
  if (!form) { return; }
  var KEY = "daftar.inbox.selected." + (form.dataset.scope || "");
  var DIGITS = "۰۱۲۳۴۵۶۷۸۹";

  function fa(n) {
    return String(n).replace(/[0-9]/g, function (d) { return DIGITS[d]; });
  }
  function load() {
    try { return JSON.parse(window.sessionStorage.getItem(KEY) || "{}") || {}; }
    catch (e) { return {}; }
  }
  function save(selected) {
    try { window.sessionStorage.setItem(KEY, JSON.stringify(selected)); } catch (e) { /* full */ }
  }
  function boxes() {
    return Array.prototype.slice.call(
      document.querySelectorAll("input[name=ids][form=batch]:not([disabled])"));
  }

  var selected = load();
  // Rows just decided leave the selection; the rows the page shows ticked (kept after a
  // refusal) join it, and the page's boxes show what was ticked on other visits.
  document.querySelectorAll("#batch-results tr.result-applied[data-id]").forEach(function (tr) {
    delete selected[tr.dataset.id];
  });
  boxes().forEach(function (box) {
    if (box.checked) { selected[box.value] = 1; } else if (selected[box.value]) { box.checked = true; }
  });
  save(selected);

  function show() {
    var out = document.getElementById("selected-count");
    var here = boxes().filter(function (b) { return b.checked; }).length;
    var all = Object.keys(selected).length;
    if (out) { out.textContent = fa(all); }
    var elsewhere = document.getElementById("selected-elsewhere");
    if (elsewhere) {
      elsewhere.hidden = all === here;
      elsewhere.textContent = all === here ? "" : " (" + fa(all - here) + " از صفحه‌های دیگر)";
    }
    var clear = document.getElementById("clear-selection");
    if (clear) { clear.hidden = all === 0; }
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches && box.matches("[data-select-all]")) {
      boxes().forEach(function (b) { b.checked = box.checked; });
    }
    if (box.matches && (box.matches("[data-select-all]") || box.matches("input[name=ids]"))) {
      boxes().forEach(function (b) {
        if (b.checked) { selected[b.value] = 1; } else { delete selected[b.value]; }
      });
      save(selected);
    }
    show();
  });

  var clear = document.getElementById("clear-selection");
  if (clear) {
    clear.addEventListener("click", function () {
      selected = {};
      save(selected);
      boxes().forEach(function (b) { b.checked = false; });
      show();
    });
  }

  // The rows ticked on other pages go with the form.
  form.addEventListener("submit", function () {
    form.querySelectorAll("input[data-elsewhere]").forEach(function (i) { i.remove(); });
    var here = {};
    boxes().forEach(function (b) { here[b.value] = true; });
    Object.keys(selected).forEach(function (id) {
      if (here[id]) { return; }
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "ids";
      input.value = id;
      input.setAttribute("data-elsewhere", "");
      form.appendChild(input);
    });
  });

  show();
  // After the other scripts' start-up (which count only this page's boxes).
  document.addEventListener("DOMContentLoaded", show);
  window.addEventListener("load", show);
})();
