"""The forms of a member's baseline and commitments. A unit that does not fit its source is refused here,
beside the line, before the service refuses it too; every refusal keeps what was typed."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from grappe.core.idempotency import OnceFormMixin

from ..models import SOURCE_UNIT, CommitmentKind, Scope3Category, SourceKind, Unit
from ..services.baselines import FIRST_YEAR, LAST_YEAR, LineInput, Scope3Input, expected_unit_message
from ..sources import PROVINCES, REFRIGERANTS

VARIANTS = [("", _("—")), (_("Province or territory"), list(PROVINCES.items())),
            (_("Refrigerant"), [(gas, gas) for gas in REFRIGERANTS])]


class BaselineForm(OnceFormMixin):
    year = forms.IntegerField(label=_("Year"), validators=[MinValueValidator(FIRST_YEAR),
                                                           MaxValueValidator(LAST_YEAR)])
    employees = forms.IntegerField(label=_("Employees (full-time equivalent)"), required=False, min_value=0)
    revenue = forms.DecimalField(label=_("Revenue (CAD)"), required=False, max_digits=16, decimal_places=2,
                                 min_value=Decimal("0.01"), help_text=_("Optional: gives the intensity per million "
                                                                        "dollars of revenue."))


class RowLabelsMixin:
    """A row of a table of fields has no <label> of its own (the column headings name its fields for the eye):
    each field says its column's name and its row's number to a screen reader ("Quantity (2)")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        row = (self.prefix or "").rpartition("-")[2]
        number = int(row) + 1 if row.isdigit() else 1
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput):  # a checkbox has its own <label>
                field.widget.attrs["aria-label"] = f"{field.label} ({number})"


class ActivityLineForm(RowLabelsMixin, forms.Form):
    source_kind = forms.ChoiceField(label=_("Source"), choices=SourceKind.choices)
    variant = forms.ChoiceField(label=_("Province or gas"), choices=VARIANTS, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), required=False, max_digits=16, decimal_places=3)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    confirmed_unusual = forms.BooleanField(label=_("I confirm this quantity"), required=False)

    def clean(self):
        data = super().clean()
        kind, quantity, unit, variant = (data.get("source_kind"), data.get("quantity"), data.get("unit"),
                                         data.get("variant", ""))
        if quantity is None or not kind:
            return data
        if quantity < 0:
            self.add_error("quantity", _("A quantity cannot be negative."))
        if unit and unit != SOURCE_UNIT[kind]:
            self.add_error("unit", expected_unit_message(kind, unit))
        if kind == SourceKind.ELECTRICITY and variant not in PROVINCES:
            self.add_error("variant", _("Choose the province the electricity was used in."))
        elif kind == SourceKind.REFRIGERANT and variant not in REFRIGERANTS:
            self.add_error("variant", _("Choose the refrigerant that leaked."))
        return data

    def line(self) -> LineInput | None:
        """The line to save, or None when the row was left empty."""
        data = self.cleaned_data
        if data.get("quantity") is None:
            return None
        return LineInput(source_kind=data["source_kind"], variant=data.get("variant", ""), quantity=data["quantity"],
                         unit=data["unit"], confirmed_unusual=data.get("confirmed_unusual", False))


class Scope3Form(RowLabelsMixin, forms.Form):
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, required=False,
                                      choices=[("", "—"), *Scope3Category.choices])
    kg_co2e = forms.DecimalField(label=_("kg CO2e"), required=False, min_value=0, max_digits=18, decimal_places=3)
    method = forms.CharField(label=_("How it was estimated"), required=False, max_length=300)

    def clean(self):
        data = super().clean()
        if data.get("category") and data.get("kg_co2e") is None:
            self.add_error("kg_co2e", _("Give the figure of this category, or leave the category empty."))
        if data.get("kg_co2e") is not None and not data.get("category"):
            self.add_error("category", _("Choose the category of this figure."))
        return data

    def item(self) -> Scope3Input | None:
        data = self.cleaned_data
        if not data.get("category"):
            return None
        return Scope3Input(category=data["category"], kg_co2e=data["kg_co2e"], method=data.get("method", ""))


LineFormSet = formset_factory(ActivityLineForm, extra=0)
Scope3FormSet = formset_factory(Scope3Form, extra=0)
SCOPE3_ROWS = 3
EXTRA_ROWS = (SourceKind.ELECTRICITY, SourceKind.REFRIGERANT)  # a second province, a second gas


def line_rows(lines=()) -> list[dict]:
    """The rows the form shows: the baseline's lines, then one empty row per source it lacks, and a spare row
    for another province's electricity and another refrigerant."""
    rows = [{"source_kind": line.source_kind, "variant": line.variant, "quantity": line.quantity,
             "unit": line.unit, "confirmed_unusual": line.confirmed_unusual} for line in lines]
    present = {line.source_kind for line in lines}
    for kind in SourceKind:
        if kind not in present:
            rows.append({"source_kind": kind, "unit": SOURCE_UNIT[kind],
                         "variant": "QC" if kind == SourceKind.ELECTRICITY else ""})
    rows += [{"source_kind": kind, "unit": SOURCE_UNIT[kind]} for kind in EXTRA_ROWS]
    return rows


def scope3_rows(lines=()) -> list[dict]:
    rows = [{"category": line.category, "kg_co2e": line.kg_co2e, "method": line.method} for line in lines]
    return rows + [{}] * SCOPE3_ROWS


class CommitmentForm(OnceFormMixin):
    kind = forms.ChoiceField(label=_("Commitment"), choices=CommitmentKind.choices)
    target_year = forms.IntegerField(label=_("Target year"), validators=[MinValueValidator(2000),
                                                                         MaxValueValidator(LAST_YEAR)])
    base_year = forms.IntegerField(label=_("Base year"), required=False, help_text=_(
        "For a reduction target: the year whose baseline the reduction is measured from."),
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)])
    reduction_percent = forms.DecimalField(label=_("Reduction (%)"), required=False, max_digits=5, decimal_places=2,
                                           help_text=_("For a reduction target: more than 0 and at most 100."))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if data.get("kind") == CommitmentKind.REDUCTION:
            if data.get("base_year") is None:
                self.add_error("base_year", _("A reduction target needs a base year."))
            percent = data.get("reduction_percent")
            if percent is None or not Decimal(0) < percent <= Decimal(100):
                self.add_error("reduction_percent", _("The reduction must be more than 0 % and at most 100 %."))
        return data
