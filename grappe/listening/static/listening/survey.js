// Branching: a question that depends on an earlier answer is shown only when that answer matches. Without
// this script every question shows with its condition written out; the server applies the same rule.
(function () {
  function answerOf(form, name) {
    var values = [];
    form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value !== "") {
        values.push(input.value);
      }
    });
    return values;
  }

  function applyBranching(form) {
    form.querySelectorAll("fieldset.question").forEach(function (question) {
      var source = question.dataset.showIf;
      if (!source) return;
      var sourceBlock = form.querySelector("#question-" + source.slice(1));
      var sourceShown = !sourceBlock || !sourceBlock.hidden;
      question.hidden = !(sourceShown && answerOf(form, source).indexOf(question.dataset.showValue) !== -1);
      var condition = question.querySelector(".condition");
      if (condition) condition.hidden = true;
    });
    // Number the questions the person sees: a hidden branch leaves no gap (1, 2, 3, not 1, 2, 4).
    var number = 0;
    form.querySelectorAll("fieldset.question").forEach(function (question) {
      var label = question.querySelector(".question-number");
      if (!question.hidden && label) label.textContent = ++number;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("survey-form");
    if (!form) return;
    applyBranching(form);
    form.addEventListener("change", function () { applyBranching(form); });
  });
})();
