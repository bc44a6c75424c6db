"""Forms of the introduction pages: ask to be introduced to a partner, write in an introduction's thread."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from grappe.core.idempotency import OnceFormMixin
from grappe.members.models import MembershipStatus, Organisation


class IntroductionRequestForm(forms.Form):
    partner = forms.ModelChoiceField(queryset=Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE),
                                     widget=forms.HiddenInput)
    message = forms.CharField(label=_("A word for them (optional)"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class MessageForm(OnceFormMixin, StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
