"""An evaluator's score sheet (a score and a comment per criterion of the call's grid, and a recommendation) and
their declaration of a conflict of interest. Scores are read in the reader's way of writing numbers ("7,5" in
French); the rule of a score's range is the service's (scoring.check_score), checked here beside each field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import QuickSelect, StyledFormMixin, searchable
from grappe.core.idempotency import OnceFormMixin

from ..models import Criterion, EvaluatorAssignment, Recommendation
from ..selectors import organisations_to_declare
from ..services.scoring import Entry, Sheet, check_score

SUBMIT = "submit"  # the name of the button that submits; any other post saves a draft


class ScoreSheetForm(OnceFormMixin, StyledFormMixin, forms.Form):
    recommendation = forms.ChoiceField(label=_("Your recommendation"), choices=Recommendation.choices,
                                       required=False, widget=forms.RadioSelect)

    def __init__(self, criteria: list[Criterion], assignment: EvaluatorAssignment, data=None):
        scores = {score.criterion_id: score for score in assignment.scores.all()}
        initial = {"recommendation": assignment.recommendation}
        for criterion in criteria:
            score = scores.get(criterion.pk)
            initial[self.value_name(criterion)] = score.value if score else None
            initial[self.comment_name(criterion)] = score.comment if score else ""
        super().__init__(data, initial=initial)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[self.value_name(criterion)] = forms.DecimalField(
                label=_("Score out of %(max)s") % {"max": criterion.max_score}, required=False, localize=True,
                validators=[lambda value, criterion=criterion: check_score(criterion, value)],
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"}))
            self.fields[self.comment_name(criterion)] = forms.CharField(
                label=_("Comment"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    @staticmethod
    def value_name(criterion: Criterion) -> str:
        return f"value_{criterion.pk}"

    @staticmethod
    def comment_name(criterion: Criterion) -> str:
        return f"comment_{criterion.pk}"

    def rows(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        """Each criterion with its score's field and its comment's, in the grid's order."""
        return [(criterion, self[self.value_name(criterion)], self[self.comment_name(criterion)])
                for criterion in self.criteria]

    def sheet(self) -> Sheet:
        return {criterion.pk: Entry(self.cleaned_data[self.value_name(criterion)],
                                    self.cleaned_data[self.comment_name(criterion)])
                for criterion in self.criteria}

    def add_refusal(self, error) -> None:
        """Put each of the service's refusals beside the field it concerns (its criterion's score or comment)."""
        for item in error.error_list:
            params = item.params or {}
            if "criterion_id" in params:
                name = f"{params['part']}_{params['criterion_id']}"
                if name in self.fields:
                    self.add_error(name, item)
                    continue
            if item.code == "recommendation":
                self.add_error("recommendation", item)
            else:
                self.add_error(None, item)


class ConflictForm(StyledFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=organisations_to_declare(),
                                          widget=QuickSelect(searchable()))
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             help_text=_("For example: a former employer, a family member works there, a client."),
                             widget=forms.Textarea(attrs={"rows": 2}))
