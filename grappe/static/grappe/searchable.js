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
      new TomSelect(select, settings);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });
})();
