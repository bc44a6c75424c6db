"""Commitments: a reduction target needs a base year with a baseline, a later target year and a percentage in
(0, 100]; a refusal writes nothing; making and withdrawing each leave one audit entry. The member's page shows
the progress against each commitment."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from grappe.core.models import AuditEntry
from grappe.greening.models import Commitment
from grappe.greening.services.baselines import LineInput, save_baseline
from grappe.greening.services.commitments import make_commitment, withdraw_commitment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(("changes", "reason"), [
    ({"base_year": 2019}, "Record the baseline of 2019 first"),
    ({"target_year": 2022}, "target year must come after the base year"),
    ({"reduction_percent": Decimal(0)}, "more than 0 % and at most 100 %"),
    ({"reduction_percent": Decimal("100.01")}, "more than 0 % and at most 100 %"),
    ({"base_year": None}, "needs a base year and a percentage"),
])
def test_a_reduction_target_that_cannot_be_measured_is_refused(greening_matrix, changes, reason):
    ctx = greening_matrix
    values = {"kind": "reduction", "base_year": 2022, "target_year": 2030, "reduction_percent": Decimal(40),
              **changes}
    before = (Commitment.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError, match=reason):
        make_commitment(ctx.own_admin, ctx.org_a, **values)
    assert (Commitment.objects.count(), AuditEntry.objects.count()) == before


def test_making_and_withdrawing_a_commitment(greening_matrix):
    ctx = greening_matrix
    commitment = make_commitment(ctx.own_admin, ctx.org_a, kind="reduction", base_year=2022, target_year=2030,
                                 reduction_percent=Decimal(40))
    assert AuditEntry.objects.filter(action="commitment.made", target_id=str(commitment.pk)).count() == 1
    withdraw_commitment(ctx.own_admin, commitment)
    commitment.refresh_from_db()
    assert commitment.withdrawn_at is not None
    assert AuditEntry.objects.filter(action="commitment.withdrawn", target_id=str(commitment.pk)).count() == 1
    with pytest.raises(ValidationError, match="already withdrawn"):
        withdraw_commitment(ctx.own_admin, commitment)


def test_a_plain_member_user_makes_no_commitment(greening_matrix):
    with pytest.raises(PermissionDenied):
        make_commitment(greening_matrix.own_user, greening_matrix.org_a, kind="net_zero", target_year=2050)


def test_my_figures_show_the_progress_against_a_reduction_target(greening_matrix, client):
    """2022: 40,000 m³ × 1.936311 + 300,000 kWh × 0.0015 = 77,452.440 + 450.000 = 77,902.440 kg;
    2024: 30,000 m³ → 58,089.330 + 450.000 = 58,539.330 kg; reduction (77,902.440 − 58,539.330) / 77,902.440
    = 24.86 % → 24.9 %; the 30 % target aims at 77,902.440 × 0.7 = 54,531.708 kg."""
    ctx = greening_matrix
    save_baseline(ctx.own_admin, ctx.org_a, year=2024, employees=20, lines=[
        LineInput("natural_gas", Decimal(30_000), "m3"), LineInput("electricity", Decimal(300_000), "kWh", "QC")])
    client.force_login(ctx.own_user)
    page = client.get("/en/greening/").content.decode()
    assert "Reduction reached in 2024: 24.9 % (aim: 54,532 kg CO2e)." in page
    assert "2,927.0" in page  # 58,539.330 kg / 20 employees
