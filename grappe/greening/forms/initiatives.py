"""The form of a new shared initiative."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from grappe.core.idempotency import OnceFormMixin
from grappe.partnering.models import MAX_DESCRIPTION_LENGTH, Visibility

from ..models import InitiativeTheme


class InitiativeForm(OnceFormMixin, StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 6}),
                                  max_length=MAX_DESCRIPTION_LENGTH,
                                  help_text=_("What is pooled, where, with whom, and what it is expected to save."))
    theme = forms.ChoiceField(label=_("theme"), choices=InitiativeTheme.choices)
    expected_reduction_kg = forms.DecimalField(
        label=_("expected reduction (kg CO2e a year)"), required=False, min_value=0, max_digits=16,
        decimal_places=2)
    visibility = forms.ChoiceField(label=_("visibility"), choices=Visibility.choices, initial=Visibility.MEMBERS)
