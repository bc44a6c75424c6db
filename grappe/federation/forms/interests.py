"""The forms of interests across clusters: a member's interest in a partner cluster's item, the list's
filters, and the reason given when an interest is declined."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from grappe.core.idempotency import OnceFormMixin

from ..models import ItemKind
from ..services.interests import MESSAGE_MAX, REASON_MAX


class InterestForm(OnceFormMixin, StyledFormMixin, forms.Form):
    message = forms.CharField(label=_("Your message"), max_length=MESSAGE_MAX,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Why your organisation is interested, what it could bring."))
    give_contact = forms.BooleanField(
        label=_("Give my name and work email to the other cluster's staff"), required=False, initial=False,
        help_text=_("Without it, they know only your organisation's name and your message. Either way, if "
                    "the introduction is made, you receive the contact of the person who agreed to it."))


class DeclineForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Sent to the other cluster, for the member who was interested."))


class RemoteFilterForm(StyledFormMixin, forms.Form):
    """The list's filters: a kind, a partner cluster, words of the title."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    partner = forms.TypedChoiceField(label=_("Cluster"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("Search in titles"), required=False, max_length=200)

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Every kind")), *ItemKind.choices]
        self.fields["partner"].choices = [("", _("Every cluster")), *((p.pk, p.name) for p in partners)]

    def value(self, name):
        return self.cleaned_data.get(name) if self.is_valid() else None
