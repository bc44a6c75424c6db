"""The minutes' one form: a member's comment on a circulated version."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from grappe.core.idempotency import OnceFormMixin

from ..services.minutes import COMMENT_MAX_LENGTH


class CommentForm(OnceFormMixin, StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=COMMENT_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("The co-chairs read it before approving the minutes."))
