"""The staff's forms to set up a program and its calls: the program (its envelope typed in the reader's way),
a call (its window typed in the call's own time zone, who may apply, amounts, documents) and its evaluation grid
(a row per criterion). A published call's form holds only what may still change: texts and the deadline."""

import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import AmountField, QuickSelect, StyledFormMixin, searchable
from grappe.core.idempotency import OnceFormMixin
from grappe.members.models import CertificationType, OrganisationKind, Region, SizeBand

from ..models import DEFAULT_TIME_ZONE, Call, DocumentKind, Program
from ..services.calls import CRITERION_FIELDS, RULE_FIELDS, TEXT_FIELDS
from ..services.programs import PROGRAM_FIELDS

TIME_ZONES = sorted(name for name in zoneinfo.available_timezones() if "/" in name and not name.startswith("Etc/"))
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class ProgramForm(OnceFormMixin, StyledFormMixin, forms.Form):
    funder = forms.CharField(label=_("funder"), max_length=200)
    name_fr = forms.CharField(label=_("name (French)"), max_length=200)
    name_en = forms.CharField(label=_("name (English)"), max_length=200)
    envelope = AmountField(label=_("envelope (CAD)"),
                           help_text=_("It may not be less than what is already committed."))
    rules_fr = forms.CharField(label=_("rules (French)"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    rules_en = forms.CharField(label=_("rules (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    @classmethod
    def for_program(cls, program: Program | None, data=None) -> "ProgramForm":
        initial = {name: getattr(program, name) for name in PROGRAM_FIELDS} if program else None
        return cls(data, initial=initial)


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time typed as the call's time zone reads it (not the reader's): `zone` is set by the form."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)
    zone = zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)

    def to_python(self, value):
        with timezone.override(self.zone):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(self.zone):
            return super().prepare_value(value)


class CallTextForm(OnceFormMixin, StyledFormMixin, forms.Form):
    """What a published call may still change: its texts, and a later deadline."""

    title_fr = forms.CharField(label=_("title (French)"), max_length=200)
    title_en = forms.CharField(label=_("title (English)"), max_length=200)
    text_fr = forms.CharField(label=_("text (French)"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    text_en = forms.CharField(label=_("text (English)"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    closes_at = ZonedDateTimeField(label=_("closes (deadline)"))
    fields_saved = (*TEXT_FIELDS, "closes_at")

    def __init__(self, *args, zone: str = DEFAULT_TIME_ZONE, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone_name = self._zone_name(zone)
        for field in self.fields.values():
            if isinstance(field, ZonedDateTimeField):
                field.zone = zoneinfo.ZoneInfo(self.zone_name)
                field.help_text = _("Date and time in the call's time zone (%(zone)s).") % {"zone": self.zone_name}

    def _zone_name(self, zone: str) -> str:
        return zone

    @classmethod
    def for_call(cls, call: Call | None, data=None, **kwargs):
        initial = {name: getattr(call, name) for name in cls.fields_saved} if call else None
        if call is not None and "certifications" in cls.base_fields:
            initial["certifications"] = list(call.required_certifications.all())
        return cls(data, initial=initial, zone=call.time_zone if call else DEFAULT_TIME_ZONE, **kwargs)

    def saved(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields_saved}


class CallForm(CallTextForm):
    """A draft call, whole: texts, window and time zone, who may apply, amounts and documents."""

    opens_at = ZonedDateTimeField(label=_("opens"))
    time_zone = forms.ChoiceField(label=_("time zone"), choices=[(z, z) for z in TIME_ZONES],
                                  initial=DEFAULT_TIME_ZONE, widget=QuickSelect(searchable()),
                                  help_text=_("The opening and the deadline are read in this time zone."))
    eligible_kinds = forms.MultipleChoiceField(label=_("eligible member types"), required=False,
                                               choices=OrganisationKind.choices, widget=forms.CheckboxSelectMultiple,
                                               help_text=_("None checked: every type."))
    eligible_size_bands = forms.MultipleChoiceField(label=_("eligible sizes"), required=False,
                                                    choices=SizeBand.choices, widget=forms.CheckboxSelectMultiple,
                                                    help_text=_("None checked: every size."))
    eligible_regions = forms.MultipleChoiceField(label=_("eligible regions"), required=False, choices=Region.choices,
                                                 widget=forms.SelectMultiple, help_text=_("None: every region."))
    certifications = forms.ModelMultipleChoiceField(
        label=_("required certifications"), required=False, queryset=CertificationType.objects.all(),
        widget=forms.SelectMultiple, help_text=_("Every one listed is required, valid on the day."))
    requires_good_standing = forms.BooleanField(label=_("membership in good standing required"), required=False,
                                                initial=True)
    max_amount = AmountField(label=_("maximum amount (CAD)"), required=False)
    max_share_of_cost = forms.DecimalField(label=_("maximum share of the project cost (%)"), required=False,
                                           min_value=0.01, max_value=100, decimal_places=2, localize=True)
    required_documents = forms.MultipleChoiceField(label=_("required documents"), required=False,
                                                   choices=DocumentKind.choices, widget=forms.CheckboxSelectMultiple)
    passing_score = forms.DecimalField(label=_("passing score"), required=False, min_value=0, max_value=100,
                                       decimal_places=2, localize=True,
                                       help_text=_("Out of 100: the weighted score as a share of the grid's maximum."))
    fields_saved = (*TEXT_FIELDS, "closes_at", *RULE_FIELDS)
    field_order = ["title_fr", "title_en", "text_fr", "text_en", "time_zone", "opens_at", "closes_at"]

    def _zone_name(self, zone: str) -> str:
        """The zone the window is typed in: the one chosen on this form, else the call's."""
        chosen = self.data.get(self.add_prefix("time_zone")) if self.is_bound else None
        return chosen if chosen in TIME_ZONES else zone

    def saved(self) -> dict:
        data = super().saved()
        data["requires_good_standing"] = bool(data["requires_good_standing"])
        return data


class CriterionForm(StyledFormMixin, forms.Form):
    name_fr = forms.CharField(label=_("criterion (French)"), max_length=200)
    name_en = forms.CharField(label=_("criterion (English)"), max_length=200)
    weight = forms.DecimalField(label=_("weight"), min_value=0.01, max_digits=5, decimal_places=2, initial=1,
                                localize=True)
    max_score = forms.IntegerField(label=_("maximum score"), min_value=1, max_value=1000, initial=10)


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True)


def criteria_formset(call: Call | None, data=None):
    initial = [{name: getattr(c, name) for name in CRITERION_FIELDS} for c in call.criteria.all()] if call else []
    return CriterionFormSet(data, initial=initial, prefix="criteria")


def kept_rows(formset) -> list[dict]:
    """The rows of a valid formset that were filled in and not marked for removal."""
    rows = []
    for index, form in enumerate(formset.forms):
        blank_extra = index >= formset.initial_form_count() and not form.has_changed()
        if blank_extra or not form.cleaned_data or form.cleaned_data.get("DELETE"):
            continue
        rows.append({name: value for name, value in form.cleaned_data.items() if name != "DELETE"})
    return rows
