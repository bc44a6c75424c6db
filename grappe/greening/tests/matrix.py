"""The greening permission-matrix fixture: the core matrix (organisations A and B and their users, the staff,
an observer) with the shipped factor set current, a baseline of organisation A (2022, reported) and a
commitment of A (a 30 % reduction from 2022 by 2030)."""

from decimal import Decimal

import pytest

from grappe.greening.models import Baseline, BaselineStatus, Commitment, CommitmentKind
from grappe.greening.services import factors
from grappe.greening.services.baselines import LineInput, save_baseline


@pytest.fixture
def greening_matrix(matrix):
    ctx = matrix
    ctx.factor_set, _created = factors.load_file()
    ctx.baseline = save_baseline(ctx.own_admin, ctx.org_a, year=2022, employees=20, lines=[
        LineInput("natural_gas", Decimal(40_000), "m3"), LineInput("electricity", Decimal(300_000), "kWh", "QC")])
    Baseline.objects.filter(pk=ctx.baseline.pk).update(status=BaselineStatus.SUBMITTED)
    ctx.commitment = Commitment.objects.create(organisation=ctx.org_a, kind=CommitmentKind.REDUCTION, base_year=2022,
                                               target_year=2030, reduction_percent=Decimal(30))
    return ctx
