"""The forms of labour sharing: an availability, a need, and the board's filters. Skills are picked from the
taxonomy with the directory's searchable picker (a domain stands for every capability in it)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import AmountField, StyledFormMixin, searchable
from grappe.core.idempotency import OnceFormMixin
from grappe.members import directory_cache
from grappe.members.models import Region

from ..models import Clearance, WorkMode
from ..services.posts import AVAILABILITY_FIELDS, NEED_FIELDS

DATE = {"type": "date"}


def skill_field(**kwargs) -> forms.Field:
    return forms.TypedMultipleChoiceField(
        label=_("Skills"), coerce=int, widget=forms.SelectMultiple,
        help_text=_("From the capability taxonomy. A domain stands for every capability in it."), **kwargs)


class PostForm(OnceFormMixin, StyledFormMixin, forms.Form):
    """What an availability and a need both say. No field names a person: employees are named only on a loan
    both organisations accepted."""

    fields_saved: tuple[str, ...] = ()

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("The work, the tools, the hours. Do not name anyone."))
    skills = skill_field()
    people = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=500)
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs=DATE))
    end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs=DATE))
    region = forms.ChoiceField(label=_("Region"), choices=Region.choices)
    location = forms.CharField(label=_("Place"), required=False, max_length=200,
                               help_text=_("A town or a plant, if it helps."))
    mode = forms.ChoiceField(label=_("On site or remote"), choices=WorkMode.choices, initial=WorkMode.ON_SITE)
    clearance = forms.ChoiceField(label=_("Security clearance"), choices=Clearance.choices,
                                  initial=Clearance.NONE)
    controlled_goods = forms.BooleanField(label=_("Controlled Goods Program registration"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = directory_cache.filter_choices()["capability"]

    @classmethod
    def for_post(cls, post, data=None):
        initial = None
        if post is not None:
            initial = {name: getattr(post, name) for name in cls.fields_saved}
            initial["skills"] = list(post.skills.values_list("pk", flat=True))
        return cls(data, initial=initial)

    def saved(self) -> dict:
        return {name: self.cleaned_data[name] for name in (*self.fields_saved, "skills")}


class AvailabilityForm(PostForm):
    fields_saved = AVAILABILITY_FIELDS

    hourly_rate = AmountField(label=_("Rate at cost (CAD per hour)"), max_digits=8, help_text=_(
        "At cost: the wages and charges of the people lent, with no margin. Members lend each other hands; "
        "they do not sell them."))
    # Not required by the form: the service refuses an unconfirmed rate with the reason, beside the box.
    at_cost_confirmed = forms.BooleanField(
        label=_("I confirm that this rate covers the wages and charges of the people lent only, with no margin."),
        required=False)


class NeedForm(PostForm):
    fields_saved = NEED_FIELDS

    max_hourly_rate = AmountField(label=_("Highest rate (CAD per hour)"), max_digits=8, required=False,
                                  help_text=_("Optional. Lenders charge at cost."))


class BoardFilterForm(StyledFormMixin, forms.Form):
    skill = forms.TypedChoiceField(label=_("Skill"), required=False, coerce=int, empty_value=None)
    region = forms.ChoiceField(label=_("Region"), required=False, choices=[("", _("All regions")), *Region.choices])
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs=DATE))
    end = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs=DATE))
    mode = forms.ChoiceField(label=_("On site or remote"), required=False, choices=[
        ("", _("Either")), (WorkMode.ON_SITE, WorkMode.ON_SITE.label), (WorkMode.REMOTE, WorkMode.REMOTE.label)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", _("All skills")), *directory_cache.filter_choices()["capability"]]
        self.fields["skill"].widget.attrs.update(searchable())

    def filters(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value} if self.is_valid() else {}
