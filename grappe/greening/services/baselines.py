"""A member's yearly emissions baseline: saving it from its activity data, and reporting it.

A baseline is computed with the current factor set and remembers it; its lines keep the kg CO2e they came to,
and the baseline its scope totals, so that pages and dashboards never compute them again. Everything a person
may get wrong is refused before anything is written, with a reason that says what to type instead: a negative
quantity, a unit that does not fit the source (litres of natural gas), a province or gas the set has no factor
for. A quantity far above what a member could use (sources.UNUSUAL) is not refused but kept only once the person
confirmed it: `UnusualQuantities` says which lines and why, and the form asks.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit
from grappe.core.errors import Conflict
from grappe.core.permissions import require

from .. import calculations, selectors
from ..models import (
    SOURCE_SCOPE,
    SOURCE_UNIT,
    ActivityLine,
    Baseline,
    BaselineStatus,
    Scope,
    Scope3Category,
    Scope3Line,
    SourceKind,
)
from ..progress import progress_changed
from ..sources import UNUSUAL, WITH_VARIANT, variant_label

FIRST_YEAR, LAST_YEAR = 1990, 2100
MAX_QUANTITY = Decimal("9999999999999")  # the column holds 16 digits, 3 of them decimals


@dataclass
class LineInput:
    source_kind: str
    quantity: Decimal
    unit: str
    variant: str = ""
    confirmed_unusual: bool = False


@dataclass
class Scope3Input:
    category: int
    kg_co2e: Decimal
    method: str = ""


class LineRefused(ValidationError):
    """A line cannot be kept as typed: `index` says which (the form shows the reason beside it)."""

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index


class UnusualQuantities(ValidationError):
    """Some lines hold quantities far above what a member uses: {index: reason}. Kept once confirmed."""

    def __init__(self, reasons: dict[int, str]):
        super().__init__(list(reasons.values()))
        self.reasons = reasons


def computed_lines(lines: list[ActivityLine], factors: dict) -> tuple[list[ActivityLine], dict[int, Decimal]]:
    """The lines with their kg CO2e computed with `factors` ({(source, variant): factor}), and the scope totals."""
    for line in lines:
        line.kg_co2e = calculations.line_kg(line.quantity, factors[(line.source_kind, line.variant)].kg_co2e_per_unit)
    totals = calculations.scope_totals((SOURCE_SCOPE.get(line.source_kind, Scope.DIRECT), line.kg_co2e)
                                       for line in lines)
    return lines, totals


def expected_unit_message(source_kind: str, unit: str) -> str:
    return _("%(source)s is measured in %(unit)s, not in %(given)s.") % {
        "source": SourceKind(source_kind).label, "unit": SOURCE_UNIT[source_kind].label, "given": unit}


def save_baseline(actor, organisation, *, year: int, employees: int | None = None, revenue: Decimal | None = None,
                  lines: list[LineInput], scope3: list[Scope3Input] = (), new: bool = False) -> Baseline:
    """Save `organisation`'s baseline of `year` (create it, or replace its lines): a new one is computed with the
    current factor set, an existing one with its own (baseline.factor_set) — changing a factor recomputes past
    figures only when the staff say so (the recompute job). A reported baseline stays reported: its change is audited like any other. `new`: refuse when
    the year has a baseline already (the create page must not replace one unseen)."""
    existing = Baseline.objects.filter(organisation=organisation, year=year).first()
    require(actor, "greening.edit_figures", existing or Baseline(organisation=organisation))
    if new and existing:
        raise Conflict(_("The baseline of %(year)s exists already: change it from its own page.") % {"year": year})
    # A past baseline keeps the factors it was computed with: only the staff's recompute moves it to another set.
    factor_set = existing.factor_set if existing else selectors.current_factor_set()
    if factor_set is None:
        raise Conflict(_("No emission factors are published yet: the staff must publish a set first."))
    _check_figures(year, employees, revenue)
    factors = selectors.factor_table(factor_set)
    _check_lines(lines, factors, factor_set)
    _check_scope3(scope3)
    with transaction.atomic():
        baseline, created = Baseline.objects.select_for_update().get_or_create(
            organisation=organisation, year=year, defaults={"factor_set": factor_set})
        before = None if created else _totals(baseline)
        baseline.lines.all().delete()
        baseline.scope3_lines.all().delete()
        made, totals = computed_lines([ActivityLine(
            baseline=baseline, source_kind=line.source_kind, variant=line.variant if line.source_kind in WITH_VARIANT
            else "", quantity=Decimal(line.quantity), unit=line.unit, confirmed_unusual=line.confirmed_unusual)
            for line in lines], factors)
        ActivityLine.objects.bulk_create(made)
        Scope3Line.objects.bulk_create(Scope3Line(baseline=baseline, category=item.category,
                                                  kg_co2e=Decimal(item.kg_co2e).quantize(calculations.GRAM),
                                                  method=item.method) for item in scope3)
        baseline.employees, baseline.revenue, baseline.factor_set = employees, revenue, factor_set
        baseline.scope1_kg, baseline.scope2_kg = totals[Scope.DIRECT], totals[Scope.ENERGY]
        baseline.scope3_kg = sum((Decimal(item.kg_co2e).quantize(calculations.GRAM) for item in scope3),
                                 Decimal("0.000")) if scope3 else None
        baseline.updated_by = actor
        baseline.save()
        audit.record(actor, "baseline.saved", baseline, before=before,
                     after={**_totals(baseline), "factor_set": factor_set.pk})
        progress_changed()
    return baseline


def report_baseline(actor, baseline: Baseline) -> Baseline:
    """Report the year's figures to the cluster. Later changes keep it reported, and are audited."""
    require(actor, "greening.edit_figures", baseline)
    with transaction.atomic():
        baseline = Baseline.objects.select_for_update().get(pk=baseline.pk)
        if baseline.status == BaselineStatus.SUBMITTED:
            raise Conflict(_("This baseline is already reported."))
        if not baseline.lines.exists():
            raise Conflict(_("Enter at least one source before reporting the baseline."))
        baseline.status, baseline.submitted_at, baseline.updated_by = BaselineStatus.SUBMITTED, timezone.now(), actor
        baseline.save(update_fields=["status", "submitted_at", "updated_by", "updated_at"])
        audit.record(actor, "baseline.reported", baseline, after=_totals(baseline))
        progress_changed()
    return baseline


def _totals(baseline: Baseline) -> dict:
    return {"scope1_kg": str(baseline.scope1_kg), "scope2_kg": str(baseline.scope2_kg),
            "scope3_kg": None if baseline.scope3_kg is None else str(baseline.scope3_kg), "status": baseline.status}


def _check_figures(year, employees, revenue) -> None:
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ValidationError(_("The year must be between %(first)s and %(last)s.") % {
            "first": FIRST_YEAR, "last": LAST_YEAR})
    if employees is not None and employees < 0:
        raise ValidationError(_("The number of employees cannot be negative."))
    if revenue is not None and revenue <= 0:
        raise ValidationError(_("Leave the revenue empty rather than giving zero or less."))


def _check_lines(lines: list[LineInput], factors: dict, factor_set) -> None:
    """Refuse the first line that cannot be kept; then gather the unusual ones not confirmed."""
    seen = set()
    unusual = {}
    for index, line in enumerate(lines):
        if line.source_kind not in SourceKind.values:
            raise LineRefused(index, _("Unknown source “%(kind)s”.") % {"kind": line.source_kind})
        quantity = Decimal(line.quantity)
        if quantity < 0:
            raise LineRefused(index, _("A quantity cannot be negative."))
        if quantity > MAX_QUANTITY:
            raise LineRefused(index, _("This quantity is too large to be kept."))
        if line.unit != SOURCE_UNIT[line.source_kind]:
            raise LineRefused(index, expected_unit_message(line.source_kind, line.unit))
        variant = line.variant if line.source_kind in WITH_VARIANT else ""
        if line.source_kind in WITH_VARIANT and not variant:
            raise LineRefused(index, _("Choose the province or the gas of this line."))
        if (line.source_kind, variant) in seen:
            raise LineRefused(index, _("%(source)s %(variant)s is entered twice: add the quantities up.") % {
                "source": SourceKind(line.source_kind).label, "variant": variant_label(line.source_kind, variant)})
        seen.add((line.source_kind, variant))
        if (line.source_kind, variant) not in factors:
            raise LineRefused(index, _("The factor set %(set)s has no factor for %(source)s %(variant)s: the "
                                       "staff have not published it.") % {
                "set": factor_set.name, "source": SourceKind(line.source_kind).label,
                "variant": variant_label(line.source_kind, variant)})
        threshold, why = UNUSUAL[line.source_kind]
        if quantity > threshold and not line.confirmed_unusual:
            unusual[index] = _("This is %(why)s. Check the quantity and its unit; if it is right, confirm it.") % {
                "why": why}
    if unusual:
        raise UnusualQuantities(unusual)


def _check_scope3(scope3) -> None:
    seen = set()
    for item in scope3:
        if item.category not in Scope3Category.values:
            raise ValidationError(_("Unknown scope 3 category."))
        if Decimal(item.kg_co2e) < 0:
            raise ValidationError(_("A scope 3 figure cannot be negative."))
        if item.category in seen:
            raise ValidationError(_("The scope 3 category “%(category)s” is entered twice.") % {
                "category": Scope3Category(item.category).label})
        seen.add(item.category)
