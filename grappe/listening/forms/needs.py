"""Forms of listening's needs: a member's need, the staff's answer to it, the staff's filters of the list."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from grappe.core.idempotency import OnceFormMixin

from ..models import MAX_NEED_LENGTH, Need, NeedCategory, NeedStatus, NeedVisibility, Urgency
from ..selectors.needs import NeedFilters


class NeedForm(OnceFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Need
        fields = ["category", "text", "language", "urgency", "visibility"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6, "maxlength": MAX_NEED_LENGTH}),
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "text": _("In French or English, as you would say it to the cluster staff."),
            "visibility": _("Staff only: nobody else learns of it, not even in figures. Anonymous: it counts in "
                            "figures that never point to your organisation (groups of at least a few members). "
                            "Quotable: it counts in those figures, and the cluster may also quote its text in the "
                            "briefs it publishes for its partners, without your organisation's name or contact "
                            "details."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("language", (get_language() or "fr")[:2])


class NeedResponseForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices)
    response = forms.CharField(label=_("What the cluster did (the member reads this)"), required=False,
                               max_length=MAX_NEED_LENGTH, widget=forms.Textarea(attrs={"rows": 5}))


class NeedFilterForm(StyledFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories")), *NeedCategory.choices])
    urgency = forms.ChoiceField(label=_("Urgency"), required=False, choices=[("", _("Any urgency")), *Urgency.choices])
    visibility = forms.ChoiceField(label=_("Visibility"), required=False,
                                   choices=[("", _("Any visibility")), *NeedVisibility.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *NeedStatus.choices])
    theme = forms.TypedChoiceField(label=_("Theme"), required=False, coerce=int, empty_value=None)
    search = forms.CharField(label=_("Words"), required=False, max_length=100)

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Any theme")), *((t.pk, t.name) for t in themes)]

    def filters(self) -> NeedFilters:
        if not self.is_valid():
            return NeedFilters()
        data = self.cleaned_data
        return NeedFilters(category=data["category"], urgency=data["urgency"], visibility=data["visibility"],
                           status=data["status"], theme=data["theme"], search=data["search"].strip())
