"""The criteria of a segment, a saved set of organisations."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from grappe.core.idempotency import OnceFormMixin

from .. import directory_cache
from ..models import MembershipStatus, OrganisationKind, Region, SizeBand


class SegmentForm(OnceFormMixin, StyledFormMixin, forms.Form):
    """The criteria of a segment, with the directory's choices and labels ("Usinage › Usinage 5 axes")."""

    name = forms.CharField(label=_("Name"), max_length=150)
    kinds = forms.MultipleChoiceField(label=_("Types"), required=False, choices=OrganisationKind.choices,
                                      widget=forms.CheckboxSelectMultiple)
    size_bands = forms.MultipleChoiceField(label=_("Sizes"), required=False, choices=SizeBand.choices,
                                           widget=forms.CheckboxSelectMultiple)
    regions = forms.MultipleChoiceField(label=_("Regions"), required=False, choices=Region.choices,
                                        widget=forms.SelectMultiple)
    capabilities = forms.TypedMultipleChoiceField(
        label=_("Capabilities"), required=False, coerce=int, widget=forms.SelectMultiple,
        help_text=_("Any of them. A domain stands for every capability in it."))
    certification_types = forms.TypedMultipleChoiceField(
        label=_("Certifications"), required=False, coerce=int, widget=forms.SelectMultiple,
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
