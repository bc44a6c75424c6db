"""The staff's factors: the shipped file, reading an uploaded file (all or nothing, an error per line), making a
set current (never touching past baselines), and recomputing past baselines as a job."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from grappe.core.models import AuditEntry, JobStatus
from grappe.greening.models import Baseline, EmissionFactor, FactorSet, RecomputeJob
from grappe.greening.services import factors
from grappe.greening.services.baselines import LineInput, save_baseline

pytestmark = pytest.mark.django_db

HEADER = "source_kind,variant,unit,kg_co2e_per_unit,reference\n"


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def test_the_shipped_file_has_a_reference_for_every_factor_and_loads_once(db):
    found = factors.read_factor_file(factors.SHIPPED.read_text())
    assert found.errors == []
    assert {"name", "year", "source"} <= set(found.meta)
    assert all(row["reference"] for row in found.rows)
    assert {row["variant"] for row in found.rows if row["source_kind"] == "electricity"} == {
        "NL", "PE", "NS", "NB", "QC", "ON", "MB", "SK", "AB", "BC", "YT", "NT", "NU"}
    call_command("load_emission_factors", verbosity=0)
    call_command("load_emission_factors", verbosity=0)
    factor_set = FactorSet.objects.get()
    assert factor_set.is_current
    assert factor_set.factors.get(source_kind="refrigerant", variant="R-410A").kg_co2e_per_unit == Decimal("2255.5")
    assert AuditEntry.objects.filter(action="factors.published").count() == 1


def test_a_file_with_errors_lists_each_line_and_publishes_nothing():
    found = factors.read_factor_file(HEADER + "natural_gas,,m3,1.9,NIR\n"
                                              "natural_gas,,L,1.9,NIR\n"
                                              "electricity,ZZ,kWh,0.1,NIR\n"
                                              "electricity,QC,kWh,-1,NIR\n"
                                              "electricity,ON,kWh,0.03,\n"
                                              "natural_gas,,m3,2.0,NIR again\n"
                                              "coal,,kg,2.4,NIR\n")
    assert found.errors == [
        "Line 3: Natural gas is measured in m³, not “L”.",
        "Line 4: unknown province “ZZ” (one of NL, PE, NS, NB, QC, ON, MB, SK, AB, BC, YT, NT, NU).",
        "Line 5: the factor must be a number between 0 and 99999999.",
        "Line 6: every factor needs its reference (document, table, year), at most 300 characters.",
        "Line 7: a second factor for Natural gas .",
        "Line 8: unknown source “coal” (one of natural_gas, propane, diesel, gasoline, jet_fuel, refrigerant, "
        "electricity).",
    ]


def test_a_file_with_wrong_columns_is_refused():
    assert factors.read_factor_file("kind,value\nnatural_gas,1.9\n").errors == [
        "Line 1: the columns must be source_kind, variant, unit, kg_co2e_per_unit, reference."]


def test_the_upload_page_publishes_nothing_when_a_line_is_wrong(greening_matrix, client):
    ctx = greening_matrix
    client.force_login(ctx.staff)
    upload = SimpleUploadedFile("f.csv", (HEADER + "natural_gas,,m3,1.95,NIR 2024\ndiesel,,m3,2.7,NIR\n").encode())
    response = client.post("/en/greening/factors/new/", {
        "form_token": "2a6b9e0e-3f0e-4f55-9b1a-1f0d3a0b0c01", "name": "NIR 2024", "year": 2024, "source": "ECCC",
        "file": upload})
    page = response.content.decode()
    assert "Line 3: Diesel is measured in L, not “m3”." in page
    assert 'value="NIR 2024"' in page
    assert not FactorSet.objects.filter(name="NIR 2024").exists()


def test_only_the_staff_administrators_publish(greening_matrix):
    with pytest.raises(PermissionDenied):
        factors.publish(greening_matrix.own_admin, name="x", year=2024, source="x", rows=[{
            "source_kind": "natural_gas", "variant": "", "unit": "m3", "kg_co2e_per_unit": Decimal(2),
            "reference": "x"}])


def _new_set(ctx, gas_factor="2.000000"):
    rows = factors.read_factor_file(HEADER + f"natural_gas,,m3,{gas_factor},NIR 2024 Annex 6\n"
                                             "electricity,QC,kWh,0.0017,NIR 2024 Annex 13\n").rows
    return factors.publish(ctx.staff, name="NIR 2024", year=2024, source="ECCC NIR 2024", rows=rows)


def test_a_new_current_set_leaves_past_baselines_alone_until_recomputed(greening_matrix,
                                                                       django_capture_on_commit_callbacks):
    """The matrix's 2022 baseline: 40,000 m³ × 1.936311 = 77,452.440 kg; with 2.0 kg/m³: 80,000.000 kg;
    300,000 kWh × 0.0015 = 450.000 kg, then × 0.0017 = 510.000 kg."""
    ctx = greening_matrix
    new_set = _new_set(ctx)
    factors.make_current(ctx.staff, new_set)
    baseline = Baseline.objects.get(pk=ctx.baseline.pk)
    assert (baseline.factor_set, baseline.scope1_kg, baseline.scope2_kg) == (
        ctx.factor_set, Decimal("77452.440"), Decimal("450.000"))
    assert FactorSet.objects.filter(is_current=True).get() == new_set
    assert AuditEntry.objects.filter(action="factors.made_current").count() == 1

    with django_capture_on_commit_callbacks(execute=True):  # the immediate task backend runs it at once
        job = factors.start_recompute(ctx.staff, new_set, [2022])
    job.refresh_from_db()
    assert (job.status, job.recomputed, job.skipped, job.processed, job.total) == (JobStatus.DONE, 1, 0, 1, 1)
    baseline.refresh_from_db()
    assert (baseline.factor_set, baseline.scope1_kg, baseline.scope2_kg) == (
        new_set, Decimal("80000.000"), Decimal("510.000"))
    assert baseline.lines.get(source_kind="natural_gas").kg_co2e == Decimal("80000.000")
    assert AuditEntry.objects.filter(action="baseline.recomputed").count() == 1


def test_a_recomputation_skips_a_baseline_with_a_source_the_set_lacks(greening_matrix,
                                                                     django_capture_on_commit_callbacks):
    ctx = greening_matrix
    save_baseline(ctx.own_admin, ctx.org_a, year=2023,
                  lines=[LineInput("refrigerant", Decimal(1), "kg", "R-134a")])
    new_set = _new_set(ctx)
    with django_capture_on_commit_callbacks(execute=True):
        job = factors.start_recompute(ctx.staff, new_set, [])
    job.refresh_from_db()
    assert (job.recomputed, job.skipped) == (1, 1)
    kept = Baseline.objects.get(organisation=ctx.org_a, year=2023)
    assert kept.factor_set == ctx.factor_set and kept.scope1_kg == Decimal("1530.000")


def test_a_recomputation_running_for_a_set_is_not_started_twice(greening_matrix):
    ctx = greening_matrix
    running = RecomputeJob.objects.create(factor_set=ctx.factor_set, owner=ctx.staff, status=JobStatus.RUNNING)
    RecomputeJob.objects.filter(pk=running.pk).update(heartbeat_at=running.created_at)
    assert factors.start_recompute(ctx.staff, ctx.factor_set, []) == running
    assert EmissionFactor.objects.filter(factor_set=ctx.factor_set).exists()
