"""An organisation's profile, a capability it declares, a certification it holds."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin, searchable
from grappe.core.idempotency import OnceFormMixin

from ..address import require_both_coordinates
from ..models import Capability, CapabilityLevel, Certification, Organisation
from ..services.fields import ORGANISATION_FIELDS


class OrganisationForm(OnceFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS
        widgets = {
            "member_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "membership_ends": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description_fr": forms.Textarea(attrs={"rows": 4, "lang": "fr"}),
            "description_en": forms.Textarea(attrs={"rows": 4, "lang": "en"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code", "size": 8}),
            "street_address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "mrc": forms.TextInput(attrs={"list": "mrc-names", "autocomplete": "off"}),
        }

    def __init__(self, *args, can_manage_membership: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_manage_membership:
            for name in ("membership_status", "member_since", "membership_ends"):
                del self.fields[name]

    def clean_neq(self):
        return self.cleaned_data["neq"] or None

    def clean(self):
        data = super().clean()
        require_both_coordinates(self)
        return data


class OrganisationCapabilityForm(StyledFormMixin, forms.Form):
    capability = forms.ModelChoiceField(label=_("Capability"), queryset=Capability.objects.none(),
                                        widget=forms.Select(attrs=searchable()))
    level = forms.ChoiceField(label=_("Level"), choices=CapabilityLevel.choices)
    evidence = forms.CharField(label=_("Evidence"), required=False, max_length=500,
                               help_text=_("A project, a customer, equipment… that shows it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capability"].queryset = (
            Capability.objects.filter(is_active=True, parent__isnull=False).select_related("parent")
            .order_by("parent__position", "position"))
        self.fields["capability"].label_from_instance = lambda c: f"{c.parent.label} › {c.label}"


class CertificationForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["certification_type", "certificate_number", "issued_on", "expires_on", "scope"]
        widgets = {
            "certification_type": forms.Select(attrs=searchable()),
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        data = super().clean()
        if data.get("issued_on") and data.get("expires_on") and data["expires_on"] <= data["issued_on"]:
            self.add_error("expires_on", _("The expiry date must come after the issue date."))
        return data
