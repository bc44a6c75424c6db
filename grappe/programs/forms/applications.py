"""An application's fields as the applicant types them (amounts in the reader's way of writing them), and the
staff's reason for reopening one, their decision, the funds they commit and the payments they record."""

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from grappe.core.amounts import format_amount
from grappe.core.forms import AmountField, StyledFormMixin
from grappe.core.idempotency import OnceFormMixin

from ..models import Application, Milestone, Outcome


class ApplicationForm(OnceFormMixin, StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("project title"), max_length=200)
    summary = forms.CharField(label=_("summary"), max_length=10_000, required=False,
                              widget=forms.Textarea(attrs={"rows": 6}))
    amount_requested = AmountField(label=_("amount requested (CAD)"))
    total_cost = AmountField(label=_("total project cost (CAD)"))

    @classmethod
    def for_application(cls, application: Application | None, data=None) -> "ApplicationForm":
        initial = {name: getattr(application, name) for name in ("title", "summary", "amount_requested",
                                                                  "total_cost")} if application else None
        return cls(data, initial=initial)

    def clean(self):
        data = super().clean()
        amount, cost = data.get("amount_requested"), data.get("total_cost")
        if amount is not None and cost is not None and amount > cost:
            self.add_error("amount_requested", _("The amount requested cannot exceed the project's total cost."))
        return data


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("decision"), choices=Outcome.choices, widget=forms.RadioSelect)
    amount = AmountField(label=_("amount granted (CAD)"), required=False)
    reason = forms.CharField(label=_("reason"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class CommitmentForm(StyledFormMixin, forms.Form):
    amount = AmountField(label=_("amount committed (CAD)"))


class DisbursementForm(StyledFormMixin, forms.Form):
    """The staff pay a milestone of the commitment (one that still has something to pay)."""

    milestone = forms.ModelChoiceField(label=_("milestone"), queryset=Milestone.objects.none())
    amount = AmountField(label=_("amount paid (CAD)"))
    paid_on = forms.DateField(label=_("paid on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, commitment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = Milestone.objects.filter(commitment=commitment, paid__lt=F("amount"))
        self.fields["milestone"].label_from_instance = lambda m: f"{m.name} — {format_amount(m.remaining)}"
