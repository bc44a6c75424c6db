// Long lists become searchable pickers (Tom Select): every <select data-searchable>, on the page and in what htmx
// swaps in. Type to filter, arrows and Enter to choose, Backspace drops the last choice of a multiple select.
// Without JavaScript the plain <select> stays, named by its <label> (Tom Select moves the label onto its input).
(function () {
  function enhance(root) {
    if (typeof TomSelect === "undefined" || !root.querySelectorAll) return;
    root.querySelectorAll("select[data-searchable]").forEach(function (select) {
      if (select.tomselect) return;
      var noResults = select.getAttribute("data-no-results") || "—";
      var settings = {
        maxOptions: null,
        allowEmptyOption: true,
        render: {
          no_results: function () {
            var div = document.createElement("div");
            div.className = "no-results";
            div.textContent = noResults;
            return div;
          }
        }
      };
      if (select.multiple) settings.plugins = ["remove_button"];
      var picker = new TomSelect(select, settings);
      nameAfterLabel(select, picker);
    });
  }
  // Tom Select points the <label> at its own input and keeps the original <select> hidden but in the
  // accessibility tree: both are named by the label, so a screen reader meets no unnamed control.
  function nameAfterLabel(select, picker) {
    var label = document.querySelector('label[for="' + picker.control_input.id + '"]') ||
      document.querySelector('label[for="' + select.id + '"]');
    if (!label) return;
    if (!label.id) label.id = select.id + "-label";
    select.setAttribute("aria-labelledby", label.id);
    picker.control_input.setAttribute("aria-labelledby", label.id);
  }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });
})();
