"""Who may open each page of greening (grappe/core/tests/permission_matrix.py)."""

import uuid

import pytest

from grappe.core.tests.permission_matrix import (
    ANONYMOUS,
    OBSERVER,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    STAFF,
    STAFF_ONLY,
    PermissionMatrix,
)
from grappe.greening.models import Baseline, Commitment, FactorSet, InitiativeParticipant

from .progress_matrix import ProgressMatrix

MEMBERS_AND_STAFF = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 403}


class TestMyFigures(PermissionMatrix):
    url = "greening:my-figures"
    expect = MEMBERS_AND_STAFF


# Baselines, commitments and factors -------------------------------------------------------------------------

# An organisation's administrator writes its figures; its other people read them on my-figures (403 here);
# another member's organisation has no such baseline (404); the staff read but do not write a member's figures.
OWN_ADMIN_ONLY = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 403, OWN_ADMIN: 200, STAFF: 404, OBSERVER: 403}


class GreeningMatrix(PermissionMatrix):
    @pytest.fixture
    def matrix(self, greening_matrix):
        return greening_matrix


class TestBaselineCreatePage(GreeningMatrix):
    url = "greening:baseline-create"
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 200, STAFF: 404, OBSERVER: 403}


def _new_baseline(ctx) -> dict:
    return {"form_token": "6a1f0f5e-8f8e-4a55-9c1a-5f0d3a0b0c01", "year": 2023, "employees": 21,
            "lines-TOTAL_FORMS": 1, "lines-INITIAL_FORMS": 0, "lines-0-source_kind": "natural_gas",
            "lines-0-quantity": "38000", "lines-0-unit": "m3", "scope3-TOTAL_FORMS": 0, "scope3-INITIAL_FORMS": 0}


class TestBaselineCreate(GreeningMatrix):
    url = "greening:baseline-create"
    method = "post"
    data = staticmethod(_new_baseline)
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 302, STAFF: 404, OBSERVER: 403}
    audit_action = "baseline.saved"


class TestBaselineEditPage(GreeningMatrix):
    url = "greening:baseline-edit"
    args = staticmethod(lambda ctx: [ctx.baseline.year])
    expect = OWN_ADMIN_ONLY


def _edited_baseline(ctx) -> dict:
    return {**_new_baseline(ctx), "form_token": "6a1f0f5e-8f8e-4a55-9c1a-5f0d3a0b0c02", "year": 2022,
            "lines-0-quantity": "41000"}


class TestBaselineEdit(GreeningMatrix):
    url = "greening:baseline-edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.baseline.year])
    data = staticmethod(_edited_baseline)
    expect = {**OWN_ADMIN_ONLY, OWN_ADMIN: 302}
    audit_action = "baseline.saved"
    effect = staticmethod(lambda ctx, year: str(Baseline.objects.get(pk=ctx.baseline.pk).scope1_kg))


class TestBaselineReport(GreeningMatrix):
    url = "greening:baseline-report"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.baseline.year])
    expect = {**OWN_ADMIN_ONLY, OWN_ADMIN: 302}
    # The matrix's baseline is reported already: reporting it again is refused (a message), and writes nothing.
    audit_action = None


class TestCommitmentCreatePage(GreeningMatrix):
    url = "greening:commitment-create"
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 200, STAFF: 404, OBSERVER: 403}


class TestCommitmentCreate(GreeningMatrix):
    url = "greening:commitment-create"
    method = "post"
    data = staticmethod(lambda ctx: {"form_token": "6a1f0f5e-8f8e-4a55-9c1a-5f0d3a0b0c03", "kind": "net_zero",
                                     "target_year": 2050})
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 302, STAFF: 404, OBSERVER: 403}
    audit_action = "commitment.made"


class TestCommitmentWithdraw(GreeningMatrix):
    url = "greening:commitment-withdraw"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.commitment.pk])
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 403, OWN_ADMIN: 302, STAFF: 403, OBSERVER: 403}
    audit_action = "commitment.withdrawn"
    effect = staticmethod(lambda ctx, pk: Commitment.objects.get(pk=pk).withdrawn_at is None)


class TestFactorSets(GreeningMatrix):
    url = "greening:factor-sets"
    expect = STAFF_ONLY


class TestFactorSet(GreeningMatrix):
    url = "greening:factor-set"
    args = staticmethod(lambda ctx: [ctx.factor_set.pk])
    expect = STAFF_ONLY


class TestFactorSetPublishPage(GreeningMatrix):
    url = "greening:factor-set-publish"
    expect = STAFF_ONLY


def _factor_file(ctx) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = ("source_kind,variant,unit,kg_co2e_per_unit,reference\n"
            "natural_gas,,m3,1.95,NIR 2024 Annex 6\n")
    return {"form_token": "6a1f0f5e-8f8e-4a55-9c1a-5f0d3a0b0c04", "name": "NIR 2024", "year": 2024,
            "source": "ECCC NIR 2024", "file": SimpleUploadedFile("factors.csv", text.encode())}


class TestFactorSetPublish(GreeningMatrix):
    url = "greening:factor-set-publish"
    method = "post"
    data = staticmethod(_factor_file)
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "factors.published"


def _second_set(ctx) -> list:
    ctx.second_set = FactorSet.objects.create(name="NIR 2024", year=2024, source="ECCC")
    return [ctx.second_set.pk]


class TestFactorSetMakeCurrent(GreeningMatrix):
    url = "greening:factor-set-make-current"
    method = "post"
    args = staticmethod(_second_set)
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "factors.made_current"
    effect = staticmethod(lambda ctx, pk: FactorSet.objects.get(pk=pk).is_current)


class TestFactorSetRecompute(GreeningMatrix):
    url = "greening:factor-set-recompute"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.factor_set.pk])
    data = staticmethod(lambda ctx: {"form_token": "6a1f0f5e-8f8e-4a55-9c1a-5f0d3a0b0c05", "years": "2022"})
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "baseline.recomputed"
# Progress, report and initiatives

NOT_FOR_STAFF = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 403, OBSERVER: 403}
ADMIN_OF_A = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 302, STAFF: 403, OBSERVER: 403}


class TestProgress(ProgressMatrix, PermissionMatrix):
    url = "greening:progress"
    expect = MEMBERS_AND_STAFF


class TestProgressFiltered(ProgressMatrix, PermissionMatrix):
    url = "greening:progress"
    query = "year_from=2021&year_to=2025&size_band=10-49"
    expect = MEMBERS_AND_STAFF


class TestReportXlsx(ProgressMatrix, PermissionMatrix):
    url = "greening:report"
    query = "year=2025&format=xlsx&language=fr"
    expect = STAFF_ONLY


class TestInitiativeList(ProgressMatrix, PermissionMatrix):
    url = "greening:initiative-list"
    expect = MEMBERS_AND_STAFF


class TestInitiativeDetail(ProgressMatrix, PermissionMatrix):
    url = "greening:initiative-detail"
    args = staticmethod(lambda ctx: [ctx.initiative.pk])
    expect = MEMBERS_AND_STAFF


class TestPrivateInitiativeDetail(ProgressMatrix, PermissionMatrix):
    url = "greening:initiative-detail"
    args = staticmethod(lambda ctx: [ctx.private_initiative.pk])
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 404, OWN_ADMIN: 404, STAFF: 200, OBSERVER: 403}


class TestInitiativeCreateForm(ProgressMatrix, PermissionMatrix):
    url = "greening:initiative-create"
    expect = NOT_FOR_STAFF


class TestInitiativeCreate(ProgressMatrix, PermissionMatrix):
    url = "greening:initiative-create"
    method = "post"
    data = staticmethod(lambda ctx: {"title": "Route de recyclage des retailles", "theme": "waste",
                                     "description": "Collecte mensuelle des retailles de composites.",
                                     "visibility": "members", "form_token": str(uuid.uuid4())})
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 302, OWN_USER: 302, OWN_ADMIN: 302, STAFF: 403, OBSERVER: 403}
    audit_action = "initiative.created"


class TestInitiativeJoin(ProgressMatrix, PermissionMatrix):
    url = "greening:initiative-join"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.initiative.pk])
    expect = ADMIN_OF_A
    audit_action = "initiative.joined"
    effect = staticmethod(lambda ctx, pk: InitiativeParticipant.objects.filter(initiative=pk).count())


class TestInitiativeLeave(ProgressMatrix, PermissionMatrix):
    url = "greening:initiative-leave"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.joined_initiative.pk])
    expect = ADMIN_OF_A
    audit_action = "initiative.left"
    effect = staticmethod(lambda ctx, pk: InitiativeParticipant.objects.filter(initiative=pk).count())
