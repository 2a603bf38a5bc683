// One application's page. «همهٔ موارد تأیید شد» ticks every QUAL-1 item here, without sending
// the form, so the reviewer can still untick a single item before choosing the outcome.
// Without this script the same button sends the form and the server ticks every item.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-verify-all]");
    if (!button) { return; }
    var form = button.form;
    if (!form) { return; }
    event.preventDefault();
    var boxes = form.querySelectorAll("input[type=checkbox][name=checks]");
    boxes.forEach(function (box) { box.checked = true; });
    var status = form.querySelector("[data-verify-status]");
    if (status) {
      status.textContent = "همهٔ موارد علامت خورد؛ موردی را که تأیید نشده است بردارید.";
    }
  });
}());
