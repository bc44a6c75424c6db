"""An agenda item, a document attached to it, and a member's own recusal from it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from grappe.core.idempotency import OnceFormMixin
from grappe.members.models import User

from ..models import AgendaItem


def member_choice(seats, label, required=True) -> forms.ModelChoiceField:
    """A field choosing one of the members sitting on the body (selectors.members_sitting)."""
    return forms.ModelChoiceField(label=label, required=required,
                                  queryset=User.objects.filter(pk__in=[seat.user_id for seat in seats]))


def member_label(seat) -> str:
    return f"{seat.user} ({seat.organisation})" if seat.organisation else str(seat.user)


class ItemForm(OnceFormMixin, StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=600, initial=15)

    def __init__(self, seats, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"] = member_choice(seats, _("Presenter"), required=False)
        self.fields["presenter"].label_from_instance = labels(seats)
        self.order_fields(["title", "description", "presenter", "duration_minutes"])

    @classmethod
    def of(cls, seats, item: AgendaItem, data=None) -> "ItemForm":
        return cls(seats, data, initial={"title": item.title, "description": item.description,
                                         "presenter": item.presenter_id, "duration_minutes": item.duration_minutes})

    def item_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("title", "description", "presenter", "duration_minutes")}


class DocumentForm(OnceFormMixin, StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Document"), widget=forms.ClearableFileInput(attrs={
        "accept": ".pdf,.docx,.xlsx,.pptx"}))


class RecusalForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Your conflict of interest"), max_length=500)


def labels(seats):
    names = {seat.user_id: member_label(seat) for seat in seats}
    return lambda user: names.get(user.pk, str(user))
