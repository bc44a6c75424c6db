"""The milestones of a commitment as the staff set them (a row each), a progress report with its optional claim
as the lead's people type it, and the staff's review of a claim."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import AmountField, StyledFormMixin
from grappe.core.idempotency import OnceFormMixin

from ..models import Commitment


class MilestoneForm(StyledFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("milestone"), max_length=200)
    due_on = forms.DateField(label=_("due on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    amount = AmountField(label=_("amount (CAD)"))


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2, can_delete=True)


def milestones_formset(commitment: Commitment, data=None):
    initial = [{"id": m.pk, "name": m.name, "due_on": m.due_on, "amount": m.amount}
               for m in commitment.milestones.all()]
    return MilestoneFormSet(data, initial=initial, prefix="milestones")


class ReportForm(OnceFormMixin, StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("progress report"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("What was done at this milestone, and what comes next."))
    amount = AmountField(label=_("amount claimed (CAD)"), required=False,
                         help_text=_("Leave it empty to report without claiming."))


class ApproveClaimForm(StyledFormMixin, forms.Form):
    paid_on = forms.DateField(label=_("paid on"), required=False, help_text=_("Today if left empty."),
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class SendBackForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
