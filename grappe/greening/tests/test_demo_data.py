"""The demo's greening: the shipped factor set current, three years of baselines for a third of the members,
each computed from its lines with the set's factors and plausible for its size, commitments for some; a second
run changes nothing."""

from decimal import Decimal

import pytest

from grappe.greening import calculations
from grappe.greening.demo_data import YEARS, generate_greening
from grappe.greening.models import Baseline, Commitment, FactorSet
from grappe.members import demo_data
from grappe.members.models import MembershipStatus, Organisation
from grappe.members.services.taxonomy import load_taxonomy
from grappe.members.taxonomy_file import read_taxonomy

pytestmark = pytest.mark.django_db


def test_the_demo_gives_a_third_of_the_members_three_years_of_baselines():
    load_taxonomy(read_taxonomy())
    demo_data.generate_cluster(organisations=30, people=60, seed=2026)
    made = generate_greening(seed=2026)
    members = Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE).count()
    with_baselines = Baseline.objects.values("organisation").distinct().count()
    assert with_baselines == -(-members // 3)
    assert made["baselines"] == 3 * with_baselines == Baseline.objects.count()
    assert set(Baseline.objects.values_list("year", flat=True)) == set(YEARS)
    factor_set = FactorSet.objects.get(is_current=True)
    factors = {(f.source_kind, f.variant): f.kg_co2e_per_unit for f in factor_set.factors.all()}
    for baseline in Baseline.objects.prefetch_related("lines"):
        assert baseline.factor_set == factor_set
        scope1 = sum((line.kg_co2e for line in baseline.lines.all() if line.source_kind != "electricity"), Decimal(0))
        assert baseline.scope1_kg == scope1 > 0
        for line in baseline.lines.all():
            assert line.kg_co2e == calculations.line_kg(line.quantity, factors[(line.source_kind, line.variant)])
        # About 15,000 kWh and 2,000 m³ of natural gas per employee a year.
        gas = baseline.lines.get(source_kind="natural_gas").quantity
        assert 1_000 * baseline.employees <= gas <= 3_000 * baseline.employees
    assert made["commitments"] == Commitment.objects.count() > 0
    assert generate_greening(seed=2026) == {"baselines": 0, "commitments": 0}
    assert Baseline.objects.count() == made["baselines"]
