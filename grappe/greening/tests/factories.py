"""Greening objects made straight with the ORM for the progress, report and initiative tests (the baseline and
commitment services are tested on their own)."""

from decimal import Decimal

from grappe.conftest import make_organisation

from ..models import Baseline, BaselineStatus, Commitment, CommitmentKind, FactorSet


def factor_set(name: str = "RIN 2024", year: int = 2024, current: bool = True) -> FactorSet:
    return FactorSet.objects.create(name=name, year=year, source="ECCC, National Inventory Report", is_current=current)


def baseline(organisation, year: int, scope1, scope2=0, *, employees=None, revenue=None, factors=None,
             status=BaselineStatus.SUBMITTED, scope3=None) -> Baseline:
    factors = factors or FactorSet.objects.filter(is_current=True).first() or factor_set()
    return Baseline.objects.create(
        organisation=organisation, year=year, scope1_kg=Decimal(str(scope1)), scope2_kg=Decimal(str(scope2)),
        scope3_kg=None if scope3 is None else Decimal(str(scope3)), employees=employees,
        revenue=None if revenue is None else Decimal(str(revenue)), factor_set=factors, status=status)


def reduction(organisation, base_year: int, target_year: int, percent) -> Commitment:
    return Commitment.objects.create(organisation=organisation, kind=CommitmentKind.REDUCTION, base_year=base_year,
                                     target_year=target_year, reduction_percent=Decimal(str(percent)))


def pledge(organisation, kind=CommitmentKind.NET_ZERO, target_year: int = 2050) -> Commitment:
    return Commitment.objects.create(organisation=organisation, kind=kind, target_year=target_year)


def organisations(count: int, prefix: str = "Org", **fields) -> list:
    return [make_organisation(f"{prefix} {i}", **fields) for i in range(count)]
