from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import QuickSelect, StyledFormMixin
from grappe.core.idempotency import OnceFormMixin

from . import directory_cache
from .models import (
    Capability,
    CapabilityLevel,
    Certification,
    CertificationType,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Person,
    Region,
    SizeBand,
)
from .services import ORGANISATION_FIELDS, PERSON_FIELDS, check_person_email


class DirectoryFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. usinage 5 axes, NDT, composites")}))
    capability = forms.ModelChoiceField(label=_("Capability"), required=False, widget=QuickSelect,
                                        queryset=Capability.objects.filter(is_active=True),
                                        empty_label=_("All capabilities"))
    certification = forms.ModelChoiceField(label=_("Certification"), required=False, widget=QuickSelect,
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


class OrganisationForm(OnceFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS
        widgets = {
            "member_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "membership_ends": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description_fr": forms.Textarea(attrs={"rows": 4, "lang": "fr"}),
            "description_en": forms.Textarea(attrs={"rows": 4, "lang": "en"}),
        }

    def __init__(self, *args, can_manage_membership: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_manage_membership:
            for name in ("membership_status", "member_since", "membership_ends"):
                del self.fields[name]

    def clean_neq(self):
        return self.cleaned_data["neq"] or None


class OrganisationCapabilityForm(StyledFormMixin, forms.Form):
    capability = forms.ModelChoiceField(label=_("Capability"), queryset=Capability.objects.none())
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
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        data = super().clean()
        if data.get("issued_on") and data.get("expires_on") and data["expires_on"] <= data["issued_on"]:
            self.add_error("expires_on", _("The expiry date must come after the issue date."))
        return data


class PersonEmailMixin:
    """A person's address as `actor` may write it (members.services.check_person_email: another person's, or
    another account's, is refused). Shared by the organisation's page and the back office."""

    actor = None

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        person = self.instance if self.instance.pk else None  # as stored: the form fills it in after cleaning
        if person is None or email != person.email.lower():
            check_person_email(actor=self.actor, email=email, person=person)
        return email


class PersonForm(PersonEmailMixin, OnceFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = PERSON_FIELDS

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor


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


class SegmentForm(OnceFormMixin, StyledFormMixin, forms.Form):
    """The criteria of a segment, with the directory's choices and labels ("Usinage › Usinage 5 axes")."""

    name = forms.CharField(label=_("Name"), max_length=150)
    kinds = forms.MultipleChoiceField(label=_("Types"), required=False, choices=OrganisationKind.choices,
                                      widget=forms.CheckboxSelectMultiple)
    size_bands = forms.MultipleChoiceField(label=_("Sizes"), required=False, choices=SizeBand.choices,
                                           widget=forms.CheckboxSelectMultiple)
    regions = forms.MultipleChoiceField(label=_("Regions"), required=False, choices=Region.choices,
                                        widget=forms.SelectMultiple(attrs={"size": 8}))
    capabilities = forms.TypedMultipleChoiceField(
        label=_("Capabilities"), required=False, coerce=int, widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Any of them. A domain stands for every capability in it."))
    certification_types = forms.TypedMultipleChoiceField(
        label=_("Certifications"), required=False, coerce=int, widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Any of them."))
    membership_statuses = forms.MultipleChoiceField(
        label=_("Membership status"), required=False, choices=MembershipStatus.choices,
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = directory_cache.filter_choices()
        self.fields["capabilities"].choices = choices["capability"]
        self.fields["certification_types"].choices = choices["certification"]

    @classmethod
    def initial_for(cls, segment) -> dict:
        return {"name": segment.name, "kinds": segment.kinds, "size_bands": segment.size_bands,
                "regions": segment.regions, "membership_statuses": segment.membership_statuses,
                "capabilities": list(segment.capabilities.values_list("pk", flat=True)),
                "certification_types": list(segment.certification_types.values_list("pk", flat=True))}
