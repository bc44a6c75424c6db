"""Forms of listening's surveys: the staff build a survey and its questions; a member answers it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from matching.text import fold

from .. import answers as answer_rules
from ..models import MAX_TEXT_ANSWER_LENGTH, Question, QuestionKind, Survey
from ..services.surveys import choices_from_lines

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


# Building a survey ------------------------------------------------------------------------------------------

class SurveyForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title_fr", "title_en", "intro_fr", "intro_en", "opens_at", "closes_at", "target_segment"]
        widgets = {"intro_fr": forms.Textarea(attrs={"rows": 3}), "intro_en": forms.Textarea(attrs={"rows": 3}),
                   "opens_at": DATETIME_WIDGET, "closes_at": DATETIME_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        target = self.fields["target_segment"]
        target.empty_label = _("Every active member")
        target.help_text = _("The staff's saved segments (Staff › Segments). Organisations already invited stay "
                             "invited when the target changes; “Invite the target” adds the new ones.")


class QuestionForm(StyledFormMixin, forms.Form):
    """A question; its choices typed one per line in each language; an optional condition on an earlier one."""

    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    wording_fr = forms.CharField(label=_("Question (French)"), max_length=1000,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    wording_en = forms.CharField(label=_("Question (English)"), max_length=1000,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    choices_fr = forms.CharField(label=_("Choices (French), one per line"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    choices_en = forms.CharField(label=_("Choices (English), one per line, in the same order"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    show_if_question = forms.ModelChoiceField(label=_("Ask only if the answer to"), required=False,
                                              queryset=Question.objects.none())
    show_if_value = forms.CharField(label=_("is (or includes)"), required=False, max_length=100,
                                    help_text=_("One of that question's choices, as worded in either language; "
                                                "1 to 5 for an agreement scale."))

    def __init__(self, *args, survey: Survey, question: Question | None = None, **kwargs):
        if question is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": question.kind, "wording_fr": question.wording_fr, "wording_en": question.wording_en,
                "choices_fr": "\n".join(c["fr"] for c in question.choices),
                "choices_en": "\n".join(c["en"] for c in question.choices),
                "required": question.required, "show_if_question": question.show_if_question_id,
                "show_if_value": question.show_if_value}
        super().__init__(*args, **kwargs)
        earlier = survey.questions.filter(retired=False)
        if question is not None:
            earlier = earlier.filter(position__lt=question.position)
        self.fields["show_if_question"].queryset = earlier
        self.fields["show_if_question"].label_from_instance = lambda q: f"{q.position}. {q.wording}"[:120]

    def clean(self):
        data = super().clean()
        if data.get("kind") in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            try:
                data["choices"] = choices_from_lines(data.get("choices_fr", ""), data.get("choices_en", ""))
            except ValidationError as error:
                self.add_error("choices_en", error)
        else:
            data["choices"] = []
        condition = data.get("show_if_question")
        if condition is not None:
            data["show_if_value"] = _choice_value(condition, data.get("show_if_value", ""))
            if not data["show_if_value"]:
                self.add_error("show_if_value", _("Say which answer makes this question appear."))
        else:
            data["show_if_value"] = ""
        return data

    def question_data(self) -> dict:
        fields = ("kind", "wording_fr", "wording_en", "choices", "required", "show_if_question", "show_if_value")
        return {name: self.cleaned_data[name] for name in fields}


def _choice_value(question: Question, typed: str) -> str:
    """The stored value of the choice the staff named by its value or its label in either language."""
    wanted = fold(typed)
    for choice in question.choices:
        if wanted in (fold(choice["value"]), fold(choice.get("fr", "")), fold(choice.get("en", ""))):
            return choice["value"]
    return typed.strip()


# Answering a survey -----------------------------------------------------------------------------------------

class AnswerForm(StyledFormMixin, forms.Form):
    """One field per question (q<pk>). Every field is optional here: which answers are required depends on the
    branching and on whether the person submits or saves a draft, which the service decides."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[self.name(question)] = _answer_field(question)

    @staticmethod
    def name(question: Question) -> str:
        return f"q{question.pk}"

    def clean(self):
        data = super().clean()
        self.values = {}
        for question in self.questions:
            name = self.name(question)
            if name in self.errors:
                continue
            try:
                self.values[question.pk] = answer_rules.clean_value(question, data.get(name))
            except ValidationError as error:
                self.add_error(name, error)
        return data

    def rows(self):
        """(question, bound field) for the template."""
        return [(question, self[self.name(question)]) for question in self.questions]


def _answer_field(question: Question) -> forms.Field:
    label, common = question.wording, {"required": False}
    if question.kind in (QuestionKind.LIKERT, QuestionKind.SINGLE):
        return forms.ChoiceField(label=label, choices=question.choice_list(), widget=forms.RadioSelect, **common)
    if question.kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(label=label, choices=question.choice_list(),
                                         widget=forms.CheckboxSelectMultiple, **common)
    if question.kind == QuestionKind.NUMBER:
        return forms.CharField(label=label, max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                               **common)
    return forms.CharField(label=label, max_length=MAX_TEXT_ANSWER_LENGTH, strip=False,
                           widget=forms.Textarea(attrs={"rows": 4}), **common)


def initial_answers(questions, values: dict) -> dict:
    """The form's initial data from stored values (numbers shown as typed, lists for several choices)."""
    initial = {}
    for question in questions:
        value = values.get(question.pk)
        if value is not None:
            initial[AnswerForm.name(question)] = value if isinstance(value, list) else str(value)
    return initial
