"""The capability taxonomy's forms: a node (a domain, or a capability inside a domain), and the words that filter
the taxonomy page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin

from ..models import Capability


class CapabilityNodeForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Capability
        fields = ["parent", "code", "label_fr", "label_en", "synonyms_fr", "synonyms_en", "is_active", "position"]
        widgets = {"synonyms_fr": forms.Textarea(attrs={"rows": 3, "lang": "fr"}),
                   "synonyms_en": forms.Textarea(attrs={"rows": 3, "lang": "en"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        domains = Capability.objects.filter(parent__isnull=True)
        if self.instance.pk:
            domains = domains.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = domains
        self.fields["parent"].required = False
        self.fields["parent"].help_text = _("Leave empty to make this a domain.")


class TaxonomyFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Find a capability"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. usinage, NDT, peinture")}))

    def query(self) -> str:
        return self.cleaned_data["q"].strip() if self.is_valid() else ""
