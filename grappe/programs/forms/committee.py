"""The programs officer's forms on a call: eligibility decided by hand (a reason required), and the committee's
decisions on several ranked applications in one submit."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import AmountField, StyledFormMixin, widget_css_class
from grappe.core.idempotency import OnceFormMixin

from ..models import Outcome


class EligibilityForm(StyledFormMixin, forms.Form):
    eligible = forms.TypedChoiceField(
        label=_("eligibility"), widget=forms.RadioSelect, coerce=lambda value: value == "yes",
        choices=[("yes", _("Eligible")), ("no", _("Not eligible"))])
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required: it is kept with the application and in its history."))


@dataclass
class DecisionLine:
    """One ranked application on the bulk form: its fields, and why it was refused (the form's or the
    service's reasons)."""

    ranked: object
    select: forms.BoundField
    outcome: forms.BoundField
    amount: forms.BoundField
    reason: forms.BoundField
    errors: list[str]


class BulkDecisionForm(OnceFormMixin, StyledFormMixin, forms.Form):
    """A row per application still to decide: selected or not, fund (the amount asked unless changed) or
    decline (a reason: the row's own, or the one for every selected row)."""

    common_reason = forms.CharField(
        label=_("reason for every selected row without its own"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, ranked_rows, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ranked_rows = list(ranked_rows)
        self.row_errors: dict[int, list[str]] = {}
        for row in self.ranked_rows:
            application = row.application
            pk = application.pk
            self.fields[f"select_{pk}"] = forms.BooleanField(
                label=_("Decide “%(title)s”") % {"title": application.title}, required=False)
            self.fields[f"outcome_{pk}"] = forms.ChoiceField(
                label=_("decision"), choices=Outcome.choices, required=False,  # read only when selected
                initial=Outcome.DECLINED if row.row.passes is False else Outcome.FUNDED)
            self.fields[f"amount_{pk}"] = AmountField(label=_("amount granted (CAD)"), required=False,
                                                      initial=application.amount_requested)
            self.fields[f"reason_{pk}"] = forms.CharField(label=_("reason"), max_length=2000, required=False)
            for name in ("select", "outcome", "amount", "reason"):  # added after StyledFormMixin styled the rest
                widget = self.fields[f"{name}_{pk}"].widget
                css = widget_css_class(widget)
                widget.attrs["class"] = css if name == "select" else f"{css} {css}-sm"

    def clean(self):
        data = super().clean()
        chosen = []
        for row in self.ranked_rows:
            pk = row.application.pk
            if not data.get(f"select_{pk}"):
                continue
            outcome = data.get(f"outcome_{pk}")
            if not outcome:
                self.add_error(f"outcome_{pk}", _("Choose to fund or to decline."))
            amount = data.get(f"amount_{pk}") if outcome == Outcome.FUNDED else None
            if outcome == Outcome.FUNDED and amount is None and f"amount_{pk}" not in self.errors:
                amount = row.application.amount_requested
            reason = (data.get(f"reason_{pk}") or "").strip() or (data.get("common_reason") or "").strip()
            if outcome == Outcome.DECLINED and not reason:
                self.add_error(f"reason_{pk}", _("Say why the application is declined."))
            chosen.append((row.application, outcome, amount, reason))
        # None chosen is the service's to refuse: a double submit, whose rows are decided since, must reach
        # submit_once to be answered with the first submit's result.
        data["choices"] = chosen
        return data

    def lines(self) -> list[DecisionLine]:
        lines = []
        for row in self.ranked_rows:
            pk = row.application.pk
            fields = [self[f"{name}_{pk}"] for name in ("select", "outcome", "amount", "reason")]
            errors = [str(e) for field in fields for e in field.errors] + self.row_errors.get(pk, [])
            lines.append(DecisionLine(row, *fields, errors))
        return lines
