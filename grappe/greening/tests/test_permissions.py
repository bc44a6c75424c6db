"""Who may open each page of greening (grappe/core/tests/permission_matrix.py)."""

from grappe.core.tests.permission_matrix import (
    ANONYMOUS,
    OBSERVER,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    STAFF,
    PermissionMatrix,
)

MEMBERS_AND_STAFF = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 403}


class TestMyFigures(PermissionMatrix):
    url = "greening:my-figures"
    expect = MEMBERS_AND_STAFF


# Progress, report and initiatives
import uuid  # noqa: E402

from grappe.core.tests.permission_matrix import STAFF_ONLY  # noqa: E402
from grappe.greening.models import InitiativeParticipant  # noqa: E402

from .progress_matrix import ProgressMatrix  # noqa: E402

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
