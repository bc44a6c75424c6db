"""The directory's filters (search words, capability, certification, type, region, size)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import QuickSelect, StyledFormMixin, searchable

from .. import directory_cache
from ..models import Capability, CertificationType, OrganisationKind, Region, SizeBand


class DirectoryFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. usinage 5 axes, NDT, composites")}))
    capability = forms.ModelChoiceField(label=_("Capability"), required=False, widget=QuickSelect(searchable()),
                                        queryset=Capability.objects.filter(is_active=True),
                                        empty_label=_("All capabilities"))
    certification = forms.ModelChoiceField(label=_("Certification"), required=False,
                                           widget=QuickSelect(searchable()),
                                           queryset=CertificationType.objects.all(),
                                           empty_label=_("All certifications"))
    kind = forms.ChoiceField(label=_("Type"), required=False, widget=QuickSelect,
                             choices=[("", _("All types"))] + OrganisationKind.choices)
    region = forms.ChoiceField(label=_("Region"), required=False, widget=QuickSelect,
                               choices=[("", _("All regions"))] + Region.choices)
    size = forms.ChoiceField(label=_("Size"), required=False, widget=QuickSelect,
                             choices=[("", _("All sizes"))] + SizeBand.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels read as rows, not models, and kept per directory version: this form is on every directory
        # page (bench/directory.py).
        choices = directory_cache.filter_choices()
        for name in ("capability", "certification"):
            field = self.fields[name]
            field.choices = [("", field.empty_label), *choices[name]]
