"""The staff's forms for emission factors: publishing a set from a CSV file, recomputing past baselines."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from grappe.core.idempotency import OnceFormMixin

from ..services.baselines import FIRST_YEAR, LAST_YEAR


class RecomputeForm(OnceFormMixin):
    years = forms.CharField(label=_("Years"), required=False, help_text=_(
        "Separated by commas, e.g. 2022, 2023. Empty: every year."))

    def clean_years(self) -> list[int]:
        text = self.cleaned_data["years"].replace(" ", "")
        try:
            years = sorted({int(part) for part in text.split(",") if part})
        except ValueError:
            raise forms.ValidationError(_("Write years as numbers separated by commas.")) from None
        if any(not FIRST_YEAR <= year <= LAST_YEAR for year in years):
            raise forms.ValidationError(_("Each year must be between %(first)s and %(last)s.") % {
                "first": FIRST_YEAR, "last": LAST_YEAR})
        return years


class FactorSetForm(OnceFormMixin):
    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(label=_("Edition year"), validators=[MinValueValidator(FIRST_YEAR),
                                                                   MaxValueValidator(LAST_YEAR)])
    source = forms.CharField(label=_("Sources"), widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("Factors (CSV)"), help_text=_(
        "Columns source_kind, variant, unit, kg_co2e_per_unit, reference, as in the shipped file. Every row "
        "is checked: if one is wrong, nothing is published and each error is listed."))
    make_current = forms.BooleanField(label=_("Make it the current set"), required=False, help_text=_(
        "New baselines are computed with the current set. Past baselines keep theirs until you recompute them."))
