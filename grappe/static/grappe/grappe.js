// Forms marked data-once cannot be sent twice by a double click: the first submit disables their buttons.
// (The server refuses a second submit of the same form token anyway; this spares the user the wait.)
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-once")) return;
  if (form.dataset.sent === "1") { event.preventDefault(); return; }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-disabled", "true"); b.classList.add("disabled"); });
});
