// Progress bars take their width from data-width-percent: the Content Security Policy forbids inline styles,
// but a script of ours may set them. Runs on page load and on every piece of page htmx swaps in.
(function () {
  function sizeProgressBars(root) {
    root.querySelectorAll("[data-width-percent]").forEach(function (bar) {
      bar.style.width = bar.dataset.widthPercent + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { sizeProgressBars(document); });
  document.addEventListener("htmx:load", function (event) { sizeProgressBars(event.detail.elt); });
})();
