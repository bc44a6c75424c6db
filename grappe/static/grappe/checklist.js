// A long list of checkboxes folded by group (the events' "what we offer / what we seek": ~400 capabilities in their
// domains) narrows as one types in its filter box: an option stays when its label and its group's name hold every
// typed word (case and accents aside), a group with none left hides, a group with some opens; clearing the box
// gives the list back as it was. The box is rendered hidden (it needs this script) and shown here; Enter in it
// does not send the form. A status line says how many options are shown, for screen readers too.
(function () {
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function narrow(list, input, status) {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    list.querySelectorAll("details").forEach(function (group) {
      if (group.dataset.wasOpen === undefined) group.dataset.wasOpen = group.open ? "1" : "";
      var name = fold(group.querySelector("summary").textContent);
      var inGroup = 0;
      group.querySelectorAll(".form-check").forEach(function (option) {
        var text = name + " " + fold(option.textContent);
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        option.hidden = !match;
        if (match) inGroup += 1;
      });
      group.hidden = inGroup === 0;
      group.open = words.length ? inGroup > 0 : group.dataset.wasOpen === "1";
      shown += inGroup;
    });
    status.textContent = words.length ? status.dataset.shown.replace("%(count)s", shown) : "";
  }
  function enhance(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("[data-checklist-filter]").forEach(function (box) {
      if (box.dataset.ready) return;
      box.dataset.ready = "1";
      var list = document.getElementById(box.dataset.checklistFilter);
      var input = box.querySelector("input");
      var status = box.querySelector("[role=status]");
      if (!list || !input || !status) return;
      box.hidden = false;
      input.addEventListener("keydown", function (event) { if (event.key === "Enter") event.preventDefault(); });
      input.addEventListener("input", function () { narrow(list, input, status); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });
})();
