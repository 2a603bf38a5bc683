// Small progressive enhancement; every page works without it.
(function () {
  "use strict";

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

  // The inbox: "select all", and how many rows the batch form will decide.
  function countSelected() {
    var out = document.getElementById("selected-count");
    if (!out) { return; }
    var n = document.querySelectorAll("input[name=ids][form=batch]:checked").length;
    out.textContent = String(n).replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; });
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches && box.matches("[data-select-all]")) {
      document.querySelectorAll("input[name=ids][form=batch]").forEach(function (b) {
        b.checked = box.checked;
      });
    }
    countSelected();
  });
  // A printable page's print button: shown only where a script can press it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    countSelected();
    document.querySelectorAll("[data-print]").forEach(function (b) { b.hidden = false; });
    // A refusal shown in place gets the focus, so keyboard and screen-reader users meet it.
    var refusal = document.getElementById("decision-error") || document.getElementById("refusal");
    if (refusal) { refusal.focus(); }
  });
})();
