"""The consortium as the lead sets it: its own shares, then a row per partner organisation (chosen in a searchable
list) with its shares of the work and of the budget, in % as the reader writes them ("33,5" in French)."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import QuickSelect, StyledFormMixin, searchable
from grappe.members.models import MembershipStatus, Organisation

PARTNER_ROWS = 3  # empty rows offered below the partners already chosen
HUNDRED = Decimal(100)


class PercentField(forms.DecimalField):
    """A share in %, typed with or without the sign: "40", "33,5 %" in French, "33.5%" in English."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100),
                         localize=True, **kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off", "size": 6}

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("%", "").replace("\u00a0", "").replace("\u202f", "").strip()
        return super().to_python(value)


class LeadSharesForm(StyledFormMixin, forms.Form):
    share_of_work = PercentField(label=_("Share of the work (%)"))
    share_of_budget = PercentField(label=_("Share of the budget (%)"))


class PartnerForm(StyledFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Partner organisation"), queryset=Organisation.objects.none(),
                                          required=False, widget=QuickSelect(searchable()))
    share_of_work = PercentField(label=_("Share of the work (%)"), required=False)
    share_of_budget = PercentField(label=_("Share of the budget (%)"), required=False)

    def __init__(self, *args, choices: list[tuple[int | str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(pk__in=[pk for pk, _name in choices if pk])
        field.choices = choices

    def clean(self):
        data = super().clean()
        if data.get("organisation") is None:
            return data
        for name in ("share_of_work", "share_of_budget"):
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, _("Give this partner its share."))
        return data


class BasePartnerFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        chosen = [form.cleaned_data["organisation"] for form in self.forms if form.cleaned_data.get("organisation")]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("An organisation appears twice in the consortium."))

    def shares(self) -> dict[Organisation, tuple[Decimal, Decimal]]:
        return {form.cleaned_data["organisation"]: (form.cleaned_data["share_of_work"],
                                                    form.cleaned_data["share_of_budget"])
                for form in self.forms if form.cleaned_data.get("organisation")}


def partner_choices(lead: Organisation, also: set[int]) -> list[tuple[int | str, str]]:
    """The organisations a lead may name as partners: active members listed in the directory (an unlisted one is
    not revealed), and those `also` named (already partners, or partners of its opportunity in Partnering)."""
    organisations = (Organisation.objects.filter(Q(listed_in_directory=True) | Q(pk__in=also),
                                                 membership_status=MembershipStatus.ACTIVE)
                     .exclude(pk=lead.pk).order_by("legal_name").only("pk", "legal_name", "trade_name"))
    return [("", "—"), *sorted(((o.pk, o.display_name) for o in organisations), key=lambda c: c[1].casefold())]


PartnerFormSet = forms.formset_factory(PartnerForm, formset=BasePartnerFormSet, extra=PARTNER_ROWS, max_num=50,
                                       validate_max=True)


class OpportunityForm(StyledFormMixin, forms.Form):
    """One of the lead's opportunities in Partnering whose partners accepted: its partners fill the rows."""

    opportunity = forms.TypedChoiceField(label=_("Partners of an opportunity in Partnering"), coerce=int)

