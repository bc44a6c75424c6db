"""The forms of the cluster's progress: the dashboard's filters, the yearly report's parameters."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from grappe.members.models import OrganisationKind, Region, Segment, SizeBand

from ..progress import Filters

ANY = [("", _("All"))]


class ProgressFilterForm(StyledFormMixin, forms.Form):
    """Years, and at most a type, a size, a region — and, for the staff, a saved segment."""

    year_from = forms.IntegerField(label=_("from"), required=False, min_value=1990, max_value=2100)
    year_to = forms.IntegerField(label=_("to"), required=False, min_value=1990, max_value=2100)
    kind = forms.ChoiceField(label=_("type"), choices=ANY + OrganisationKind.choices, required=False)
    size_band = forms.ChoiceField(label=_("size"), choices=ANY + SizeBand.choices, required=False)
    region = forms.ChoiceField(label=_("region"), choices=ANY + Region.choices, required=False)
    segment = forms.ModelChoiceField(label=_("segment"), queryset=Segment.objects.none(), required=False,
                                     empty_label=_("All"))

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["segment"].queryset = Segment.objects.order_by("name")
        else:
            del self.fields["segment"]

    def clean(self):
        data = super().clean()
        first, last = data.get("year_from"), data.get("year_to")
        if first and last and first > last:
            raise forms.ValidationError(_("The first year comes after the last."))
        return data

    def filters(self) -> Filters:
        """The filters asked for; none when the form is not valid."""
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        segment = data.get("segment")
        return Filters(year_from=data.get("year_from"), year_to=data.get("year_to"), kind=data.get("kind") or "",
                       size_band=data.get("size_band") or "", region=data.get("region") or "",
                       segment=segment.pk if segment else None)


class ReportForm(StyledFormMixin, forms.Form):
    """The yearly report: which year, PDF or XLSX, in French or English."""

    year = forms.IntegerField(label=_("year"), min_value=1990, max_value=2100)
    format = forms.ChoiceField(label=_("format"), choices=[("pdf", "PDF"), ("xlsx", "XLSX")])
    language = forms.ChoiceField(label=_("language"), choices=settings.LANGUAGES)
