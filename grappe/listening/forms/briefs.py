"""Forms of listening's government briefs: the period and language of a new brief, the staff's
recommendations."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin

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
