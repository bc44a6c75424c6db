"""The forms of the staff's partnership pages: another instance's address (step 1 of adding a partner), the
approval with the kinds that may travel (step 2), and the kinds of an existing partner."""

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from grappe.core.idempotency import OnceFormMixin

from ..models import ItemKind


class KindsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=ItemKind.choices, required=False, label=_("What may travel to this cluster"),
                         help_text=_("Only the items our members chose to share, of these kinds, are sent. "
                                     "Nothing else leaves this instance. A kind unticked is withdrawn from "
                                     "the other cluster."), **kwargs)


class AddressForm(StyledFormMixin, forms.Form):
    address = forms.CharField(
        label=_("Address of the other cluster's Grappe"), max_length=400,
        help_text=_("As the other cluster's staff gave it to you, e.g. https://logistique.example.org"))

    def clean_address(self) -> str:
        """An address typed without https:// gets it; what was typed stays in the field if refused."""
        address = self.cleaned_data["address"].strip()
        if "://" not in address:
            address = f"https://{address}"
        URLValidator(schemes=["http", "https"], message=_("Enter a web address, e.g. https://logistique.example.org"))(
            address)
        return address


class ApproveForm(OnceFormMixin, StyledFormMixin, forms.Form):
    """Step 2: the address and the fingerprint the staff compared come back hidden; the view fetches the address
    again and refuses if its key is no longer the one compared."""

    address = forms.CharField(widget=forms.HiddenInput, max_length=400)
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=100)
    kinds = KindsField()


class KindsForm(StyledFormMixin, forms.Form):
    kinds = KindsField()
