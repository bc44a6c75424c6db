"""Reads of greening that more than one page or endpoint needs."""

from django.db.models import QuerySet

from . import calculations
from .models import Baseline, Commitment, EmissionFactor, FactorSet


def baselines_of(organisation) -> QuerySet:
    return Baseline.objects.filter(organisation=organisation).select_related("factor_set").order_by("-year")


def commitments_of(organisation) -> QuerySet:
    return Commitment.objects.filter(organisation=organisation, withdrawn_at__isnull=True)


def current_factor_set() -> FactorSet | None:
    return FactorSet.objects.filter(is_current=True).first()


def factor_table(factor_set: FactorSet) -> dict[tuple[str, str], EmissionFactor]:
    """{(source, variant): factor} of a set: what a baseline's lines are computed with."""
    return {(factor.source_kind, factor.variant): factor for factor in factor_set.factors.all()}


def latest_recompute(factor_set: FactorSet):
    return factor_set.recompute_jobs.order_by("-created_at").first()


def with_intensity(baselines) -> list[Baseline]:
    """The baselines, each with its intensity per employee and per million CAD of revenue (None when unknown)."""
    found = list(baselines)
    for baseline in found:
        baseline.per_employee = calculations.per_employee(baseline.total_kg, baseline.employees)
        baseline.per_million = calculations.per_million_revenue(baseline.total_kg, baseline.revenue)
    return found


def progress(commitments, baselines: list[Baseline]) -> list[Commitment]:
    """Each commitment with how far its organisation got: for a reduction target, its base year's total, the
    latest year after it, the reduction reached so far and the emissions aimed at (None where not known yet)."""
    by_year = {baseline.year: baseline for baseline in baselines}
    found = list(commitments)
    for commitment in found:
        commitment.base = by_year.get(commitment.base_year)
        later = [year for year in by_year if commitment.base_year and year > commitment.base_year]
        commitment.latest = by_year[max(later)] if later else None
        commitment.reached = (calculations.reduction_percent(commitment.base.total_kg, commitment.latest.total_kg)
                              if commitment.base and commitment.latest else None)
        commitment.aim_kg = (calculations.target_kg(commitment.base.total_kg, commitment.reduction_percent)
                             if commitment.base and commitment.reduction_percent is not None else None)
    return found
