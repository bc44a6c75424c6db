"""Forms of listening's pages. They parse and check input; the services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from grappe.core.idempotency import OnceFormMixin
from matching.text import fold

from . import answers as answer_rules
from .models import (
    MAX_NEED_LENGTH,
    MAX_TEXT_ANSWER_LENGTH,
    Need,
    NeedCategory,
    NeedStatus,
    NeedVisibility,
    Question,
    QuestionKind,
    Survey,
    Urgency,
)
from .selectors import NeedFilters
from .services import choices_from_lines

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


# Needs ------------------------------------------------------------------------------------------------------

class NeedForm(OnceFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Need
        fields = ["category", "text", "language", "urgency", "visibility"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6, "maxlength": MAX_NEED_LENGTH}),
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "text": _("In French or English, as you would say it to the cluster staff."),
            "visibility": _("Staff only: nobody else learns it. Anonymous: it counts in figures that never point "
                            "to your organisation (groups of at least a few members). Named: the cluster may "
                            "quote it, without your name, and share it with partners."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("language", (get_language() or "fr")[:2])


class NeedResponseForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices)
    response = forms.CharField(label=_("What the cluster did (the member reads this)"), required=False,
                               max_length=MAX_NEED_LENGTH, widget=forms.Textarea(attrs={"rows": 5}))


class NeedFilterForm(StyledFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories")), *NeedCategory.choices])
    urgency = forms.ChoiceField(label=_("Urgency"), required=False, choices=[("", _("Any urgency")), *Urgency.choices])
    visibility = forms.ChoiceField(label=_("Visibility"), required=False,
                                   choices=[("", _("Any visibility")), *NeedVisibility.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *NeedStatus.choices])
    theme = forms.TypedChoiceField(label=_("Theme"), required=False, coerce=int, empty_value=None)
    search = forms.CharField(label=_("Words"), required=False, max_length=100)

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Any theme")), *((t.pk, t.name) for t in themes)]

    def filters(self) -> NeedFilters:
        if not self.is_valid():
            return NeedFilters()
        data = self.cleaned_data
        return NeedFilters(category=data["category"], urgency=data["urgency"], visibility=data["visibility"],
                           status=data["status"], theme=data["theme"], search=data["search"].strip())


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


# Themes -----------------------------------------------------------------------------------------------------

class ThemeRenameForm(StyledFormMixin, forms.Form):
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)


class ThemeMergeForm(forms.Form):
    themes = forms.TypedMultipleChoiceField(label=_("Themes to merge"), coerce=int)
    into = forms.TypedChoiceField(label=_("Into"), coerce=int)

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(t.pk, t.name) for t in themes]
        self.fields["themes"].choices = choices
        self.fields["into"].choices = choices


class ThemeSplitForm(forms.Form):
    parts = forms.IntegerField(label=_("Parts"), min_value=2, max_value=6, initial=2)


class ReassignForm(forms.Form):
    kind = forms.ChoiceField(choices=[("need", "need"), ("answer", "answer")])
    item = forms.IntegerField(min_value=1)
    theme = forms.TypedChoiceField(label=_("Move to"), coerce=int)

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [(t.pk, t.name) for t in themes]


# Briefs -----------------------------------------------------------------------------------------------------

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BriefForm(StyledFormMixin, forms.Form):
    period_start = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    period_end = forms.DateField(label=_("To"), widget=DATE_WIDGET)
    language = forms.ChoiceField(label=_("Language of the brief"), choices=[("fr", _("French")), ("en", _("English"))])

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_start"] > data["period_end"]:
            raise ValidationError(_("The period must start before it ends."))
        return data


class RecommendationsForm(StyledFormMixin, forms.Form):
    recommendations = forms.CharField(label=_("Recommendations"), required=False, max_length=20000,
                                      widget=forms.Textarea(attrs={"rows": 10}))
