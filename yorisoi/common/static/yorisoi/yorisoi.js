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
  // Long menus of organizations (select[data-searchable]): a box above the menu narrows it as you type
  // (width and hiragana/katakana folded). Without this file the menu is the same, only longer.
  function fold(text) {
    return (text || "").normalize("NFKC").toLowerCase().replace(/[\u3041-\u3096]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) + 0x60);
    }).replace(/\s+/g, "");
  }
  function makeSearchable(select) {
    if (select.dataset.searchReady) return;
    select.dataset.searchReady = "1";
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-filter";
    box.placeholder = "名前で絞り込み";
    var label = select.id && document.querySelector("label[for='" + select.id + "']");
    box.setAttribute("aria-label", (label ? label.textContent.trim() : "一覧") + "を絞り込む");
    box.addEventListener("input", function () {
      var wanted = fold(box.value);
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = wanted !== "" && option.value !== "" && !option.selected && fold(option.text).indexOf(wanted) < 0;
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = Array.prototype.every.call(group.children, function (o) { return o.hidden; });
      });
    });
    select.parentNode.insertBefore(box, select);
  }
  function enhance(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("select[data-searchable]"), makeSearchable);
  }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
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
