"""Reads of greening that more than one page or endpoint needs."""

from django.db.models import QuerySet

from .models import Baseline, Commitment, FactorSet


def baselines_of(organisation) -> QuerySet:
    return Baseline.objects.filter(organisation=organisation).select_related("factor_set").order_by("-year")


def commitments_of(organisation) -> QuerySet:
    return Commitment.objects.filter(organisation=organisation, withdrawn_at__isnull=True)


def current_factor_set() -> FactorSet | None:
    return FactorSet.objects.filter(is_current=True).first()
