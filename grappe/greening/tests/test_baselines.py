"""Saving and reporting a baseline: who may, what is computed and kept, what is refused (and then nothing is
written), and what the form does with a refusal."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from grappe.core.models import AuditEntry
from grappe.greening.models import ActivityLine, Baseline, BaselineStatus
from grappe.greening.services.baselines import (
    LineInput,
    LineRefused,
    Scope3Input,
    UnusualQuantities,
    report_baseline,
    save_baseline,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def _save(ctx, actor=None, year=2023, **changes):
    lines = changes.pop("lines", [LineInput("natural_gas", Decimal(10_000), "m3"),
                                  LineInput("electricity", Decimal(50_000), "kWh", "QC"),
                                  LineInput("electricity", Decimal(50_000), "kWh", "AB"),
                                  LineInput("refrigerant", Decimal("2.5"), "kg", "R-410A")])
    return save_baseline(actor or ctx.own_admin, ctx.org_a, year=year, lines=lines, **changes)


def test_an_administrator_saves_a_baseline_computed_with_the_current_set(greening_matrix):
    """Scope 1: 10,000 m³ × 1.936311 = 19,363.110 + 2.5 kg × 2,255.5 = 5,638.750 → 25,001.860;
    scope 2: 50,000 kWh × 0.0015 = 75.000 + 50,000 × 0.670 = 33,500.000 → 33,575.000."""
    ctx = greening_matrix
    entries = AuditEntry.objects.count()
    baseline = _save(ctx, employees=20, revenue=Decimal(4_500_000),
                     scope3=[Scope3Input(6, Decimal("1200.5"), "flights booked")])
    assert (baseline.scope1_kg, baseline.scope2_kg, baseline.scope3_kg) == (
        Decimal("25001.860"), Decimal("33575.000"), Decimal("1200.500"))
    assert baseline.factor_set == ctx.factor_set
    assert sorted(baseline.lines.values_list("variant", "kg_co2e")) == [
        ("", Decimal("19363.110")), ("AB", Decimal("33500.000")), ("QC", Decimal("75.000")),
        ("R-410A", Decimal("5638.750"))]
    entry = AuditEntry.objects.get(pk__gt=0, action="baseline.saved", target_id=str(baseline.pk))
    assert AuditEntry.objects.count() == entries + 1
    assert entry.before is None and entry.after["scope1_kg"] == "25001.860"


def test_saving_again_replaces_the_lines_and_audits_before_and_after(greening_matrix):
    ctx = greening_matrix
    baseline = save_baseline(ctx.own_admin, ctx.org_a, year=2022, lines=[LineInput("natural_gas", Decimal(1000), "m3")])
    assert list(baseline.lines.values_list("quantity", flat=True)) == [Decimal("1000.000")]
    entry = AuditEntry.objects.filter(action="baseline.saved").latest("pk")
    assert entry.before["scope1_kg"] == "77452.440"  # 40,000 m³ × 1.936311, the matrix's baseline
    assert entry.after["scope1_kg"] == "1936.311"
    # The matrix's baseline was reported: it stays reported after the change.
    assert baseline.status == BaselineStatus.SUBMITTED


@pytest.mark.parametrize("actor", ["own_user", "other_member", "staff", "observer"])
def test_only_an_administrator_of_the_organisation_saves_its_baseline(greening_matrix, actor):
    ctx = greening_matrix
    with pytest.raises(PermissionDenied):
        _save(ctx, actor=getattr(ctx, actor))
    assert not Baseline.objects.filter(year=2023).exists()


@pytest.mark.parametrize(("line", "reason"), [
    (LineInput("natural_gas", Decimal(-5), "m3"), "cannot be negative"),
    (LineInput("natural_gas", Decimal(500), "L"), "Natural gas is measured in m³, not in L."),
    (LineInput("electricity", Decimal(500), "kWh", "XX"), "has no factor for Electricity XX"),
    (LineInput("refrigerant", Decimal(1), "kg", "R-999"), "has no factor for Refrigerant leaked R-999"),
    (LineInput("diesel", Decimal(1000), "L"), "has no factor for Diesel"),
    (LineInput("electricity", Decimal(500), "kWh"), "Choose the province or the gas"),
])
def test_a_line_that_cannot_be_kept_is_refused_and_nothing_is_written(greening_matrix, line, reason):
    ctx = greening_matrix
    entries, lines = AuditEntry.objects.count(), ActivityLine.objects.count()
    with pytest.raises(LineRefused, match=reason) as refused:
        _save(ctx, lines=[LineInput("natural_gas", Decimal(10), "m3"), line])
    assert refused.value.index == 1
    assert (AuditEntry.objects.count(), ActivityLine.objects.count()) == (entries, lines)
    assert not Baseline.objects.filter(year=2023).exists()


def test_the_same_source_twice_is_refused(greening_matrix):
    with pytest.raises(LineRefused, match="entered twice"):
        _save(greening_matrix, lines=[LineInput("electricity", Decimal(1), "kWh", "QC"),
                                      LineInput("electricity", Decimal(2), "kWh", "QC")])


def test_an_absurd_quantity_is_kept_only_once_confirmed(greening_matrix):
    """2 TWh of electricity is more than a city of 100,000 people uses in a year."""
    ctx = greening_matrix
    city = LineInput("electricity", Decimal(2_000_000_000), "kWh", "QC")
    with pytest.raises(UnusualQuantities) as flagged:
        _save(ctx, lines=[LineInput("natural_gas", Decimal(10), "m3"), city])
    assert list(flagged.value.reasons) == [1]
    assert "city of 100,000 people" in flagged.value.reasons[1]
    assert not Baseline.objects.filter(year=2023).exists()
    city.confirmed_unusual = True
    baseline = _save(ctx, lines=[city])
    assert baseline.lines.get().confirmed_unusual is True
    assert baseline.scope2_kg == Decimal("3000000.000")  # 2,000,000,000 kWh × 0.0015


def test_figures_out_of_range_are_refused(greening_matrix):
    with pytest.raises(ValidationError, match="revenue"):
        _save(greening_matrix, revenue=Decimal(0))
    with pytest.raises(ValidationError, match="negative"):
        _save(greening_matrix, employees=-1)
    with pytest.raises(ValidationError, match="twice"):
        _save(greening_matrix, scope3=[Scope3Input(1, Decimal(1)), Scope3Input(1, Decimal(2))])


def test_reporting_a_baseline_once(greening_matrix):
    ctx = greening_matrix
    baseline = _save(ctx)
    report_baseline(ctx.own_admin, baseline)
    baseline.refresh_from_db()
    assert baseline.status == BaselineStatus.SUBMITTED and baseline.submitted_at is not None
    assert AuditEntry.objects.filter(action="baseline.reported", target_id=str(baseline.pk)).count() == 1
    with pytest.raises(ValidationError, match="already reported"):
        report_baseline(ctx.own_admin, baseline)
    with pytest.raises(PermissionDenied):
        report_baseline(ctx.own_user, baseline)


def test_the_clusters_progress_is_renewed_once_a_baseline_is_saved_or_reported(greening_matrix,
                                                                                django_capture_on_commit_callbacks):
    """The progress page caches its figures under a version: a saved or reported baseline must move it."""
    from grappe.core import cache_versions
    from grappe.greening.progress import VERSION_NAME

    ctx = greening_matrix
    before = cache_versions.current(VERSION_NAME)
    with django_capture_on_commit_callbacks(execute=True):
        baseline = _save(ctx)
    saved = cache_versions.current(VERSION_NAME)
    with django_capture_on_commit_callbacks(execute=True):
        report_baseline(ctx.own_admin, baseline)
    assert before < saved < cache_versions.current(VERSION_NAME)


# The form -----------------------------------------------------------------------------------------------------

def _post(client, ctx, **rows):
    data = {"form_token": "0b5d3a52-0b1e-4d0a-8d57-6f0f3d3c2a10", "year": 2023, "employees": "20",
            "lines-TOTAL_FORMS": 2, "lines-INITIAL_FORMS": 0, "scope3-TOTAL_FORMS": 0, "scope3-INITIAL_FORMS": 0,
            "lines-0-source_kind": "natural_gas", "lines-0-quantity": "10000", "lines-0-unit": "m3",
            "lines-1-source_kind": "electricity", "lines-1-variant": "QC", "lines-1-quantity": "50000",
            "lines-1-unit": "kWh", **rows}
    client.force_login(ctx.own_admin)
    return client.post("/en/greening/baselines/new/", data)


def test_the_form_refuses_litres_of_natural_gas_and_keeps_what_was_typed(greening_matrix, client):
    response = _post(client, greening_matrix, **{"lines-0-unit": "L"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Natural gas is measured in m³, not in L." in page
    assert 'value="10000"' in page and 'value="50000"' in page
    assert not Baseline.objects.filter(year=2023).exists()


def test_the_form_asks_to_confirm_an_absurd_quantity_then_saves_it(greening_matrix, client):
    ctx = greening_matrix
    response = _post(client, ctx, **{"lines-1-quantity": "2000000000"})
    assert "city of 100,000 people" in response.content.decode()
    assert 'value="2000000000"' in response.content.decode()
    assert not Baseline.objects.filter(year=2023).exists()
    response = _post(client, ctx, **{"lines-1-quantity": "2000000000", "lines-1-confirmed_unusual": "on",
                                     "form_token": "0b5d3a52-0b1e-4d0a-8d57-6f0f3d3c2a11"})
    assert response.status_code == 302
    assert Baseline.objects.get(organisation=ctx.org_a, year=2023).scope2_kg == Decimal("3000000.000")


def test_a_double_submission_saves_once(greening_matrix, client):
    ctx = greening_matrix
    _post(client, ctx)
    _post(client, ctx)
    assert AuditEntry.objects.filter(action="baseline.saved", target_id=str(
        Baseline.objects.get(organisation=ctx.org_a, year=2023).pk)).count() == 1


def test_the_saved_baseline_shows_each_factor_and_its_reference(greening_matrix, client):
    ctx = greening_matrix
    client.force_login(ctx.own_admin)
    page = client.get("/en/greening/baselines/2022/").content.decode()
    assert "NIR 2021 Part 3 Annex 13, Quebec" in page
    assert "77,452.440" in page  # 40,000 m³ × 1.936311


def test_another_member_does_not_reach_a_baseline_of_organisation_a(greening_matrix, client):
    client.force_login(greening_matrix.other_member)
    assert client.get("/en/greening/baselines/2022/").status_code == 404


def test_my_figures_show_each_year_with_its_chart_and_the_staff_the_factor_pages(greening_matrix, client):
    ctx = greening_matrix
    save_baseline(ctx.own_admin, ctx.org_a, year=2023, employees=20, lines=[
        LineInput("natural_gas", Decimal(38_000), "m3")])
    client.force_login(ctx.own_user)
    page = client.get("/fr/greening/").content.decode()
    assert 'data-testid="baseline-2022"' in page and 'data-testid="baseline-2023"' in page
    assert "grappe-chart" in page and "/fr/greening/factors/" not in page
    assert "/fr/greening/baselines/2022/" not in page  # a plain member user reads, does not edit
    client.force_login(ctx.staff)
    assert "/fr/greening/factors/" in client.get("/fr/greening/").content.decode()


def test_the_create_page_does_not_replace_an_existing_year(greening_matrix, client):
    ctx = greening_matrix
    response = _post(client, ctx, year=2022)
    assert "The baseline of 2022 exists already" in response.content.decode()
    assert Baseline.objects.get(pk=ctx.baseline.pk).scope1_kg == Decimal("77452.440")


def test_a_baseline_page_saves_its_own_year_whatever_the_year_sent(greening_matrix, client):
    ctx = greening_matrix
    client.force_login(ctx.own_admin)
    data = {"form_token": "0b5d3a52-0b1e-4d0a-8d57-6f0f3d3c2a12", "year": 2019, "lines-TOTAL_FORMS": 1,
            "lines-INITIAL_FORMS": 0, "scope3-TOTAL_FORMS": 0, "scope3-INITIAL_FORMS": 0,
            "lines-0-source_kind": "natural_gas", "lines-0-quantity": "1000", "lines-0-unit": "m3"}
    assert client.post("/en/greening/baselines/2022/", data).status_code == 302
    assert not Baseline.objects.filter(year=2019).exists()
    assert Baseline.objects.get(pk=ctx.baseline.pk).scope1_kg == Decimal("1936.311")


def test_editing_a_past_baseline_keeps_its_factor_set(greening_matrix):
    """The staff publish a new set (natural gas doubled): the 2022 baseline, changed by its member, is still
    computed with the set it was made with; only a new year takes the new set."""
    from grappe.greening.models import FactorSet

    ctx = greening_matrix
    old = ctx.factor_set
    FactorSet.objects.filter(pk=old.pk).update(is_current=False)
    new = FactorSet.objects.create(name="RIN 2026", year=2026, source="ECCC", is_current=True)
    for factor in old.factors.all():
        factor.pk, factor.factor_set = None, new
        if factor.source_kind == "natural_gas":
            factor.kg_co2e_per_unit *= 2
        factor.save()
    edited = save_baseline(ctx.own_admin, ctx.org_a, year=2022, lines=[LineInput("natural_gas", Decimal(1000), "m3")])
    edited.refresh_from_db()
    assert edited.factor_set == old
    assert edited.scope1_kg == Decimal("1936.311")
    fresh = save_baseline(ctx.own_admin, ctx.org_a, year=2024, lines=[LineInput("natural_gas", Decimal(1000), "m3")])
    assert fresh.factor_set == new
    assert fresh.scope1_kg == Decimal("3872.622")
