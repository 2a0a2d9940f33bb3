// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // Postal-code look-up: a button next to the postal code fills prefecture and municipality from the
  // server's postal data (no outside network). Fields are found by data attributes set in the form.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-postal-lookup]");
    if (!button) return;
    event.preventDefault();
    var form = button.closest("form");
    var code = form.querySelector("[name='" + button.dataset.postalLookup + "']").value;
    var status = form.querySelector("[data-postal-status]");
    fetch(button.dataset.url + "?code=" + encodeURIComponent(code), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.error) { if (status) status.textContent = data.error; return; }
        ["prefecture", "municipality", "address_line"].forEach(function (name) {
          var input = form.querySelector("[name='" + (button.dataset.prefix || "") + name + "']");
          if (input && data[name] !== undefined && (name !== "address_line" || !input.value)) input.value = data[name];
        });
        if (status) status.textContent = data.prefecture + data.municipality + data.address_line + " を入力しました。";
      })
      .catch(function () { if (status) status.textContent = "住所を取得できませんでした。手入力してください。"; });
  });
  // Print buttons (no inline scripts under our Content-Security-Policy).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { event.preventDefault(); window.print(); }
  });
  // Warn before leaving a form with unsaved changes.
  var dirty = false;
  document.addEventListener("input", function (event) { if (event.target.closest("form[data-warn-unsaved]")) dirty = true; });
  document.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) { if (dirty) { event.preventDefault(); event.returnValue = ""; } });
})();
