"""The directory's filters (search words, capability, certification, type, region, size)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import PreparedSelect, QuickSelect, QuickTextInput, StyledFormMixin, searchable

from .. import directory_cache
from ..models import Capability, CertificationType, OrganisationKind, Region, SizeBand


class DirectoryFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=QuickTextInput(attrs={"type": "search", "placeholder": _("e.g. usinage 5 axes, NDT, composites")}))
    capability = forms.ModelChoiceField(label=_("Capability"), required=False, widget=PreparedSelect(searchable()),
                                        queryset=Capability.objects.filter(is_active=True),
                                        empty_label=_("All capabilities"))
    certification = forms.ModelChoiceField(label=_("Certification"), required=False,
                                           widget=PreparedSelect(searchable()),
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
        # This form is on every directory page (bench/directory.py). The two long lists' <option>s are rendered
        # once per directory version and language (validation reads the querysets, not these). Their choices
        # are set as they are, (value, label) pairs read as rows: the `choices` setter normalising them twice
        # cost more than the search (ModelChoiceField reads `_choices` when it is set).
        long_lists = ("capability", "certification")
        choices = directory_cache.filter_choices()
        options = directory_cache.filter_options({name: self.fields[name].empty_label for name in long_lists})
        for name in long_lists:
            field = self.fields[name]
            field._choices = [("", field.empty_label), *choices[name]]
            field.widget.options = options[name]
