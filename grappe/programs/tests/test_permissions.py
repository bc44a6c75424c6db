"""Who may use each programs page and endpoint (see grappe/core/tests/permission_matrix.py).

Programs have actors of their own beside the matrix's: in its cluster, organisation A (OWN_USER, OWN_ADMIN)
leads an application to an open call as a consortium with organisation D, whose member is the PARTNER; an
EVALUATOR is assigned to the application; a CONFLICTED_EVALUATOR declared a conflict with A and is not.
OTHER_MEMBER's organisation B has nothing to do with it.
"""

from decimal import Decimal

import pytest

from grappe.conftest import make_member, make_organisation
from grappe.core.tests.permission_matrix import (
    ACTORS,
    ANONYMOUS,
    OWN_ADMIN,
    OWN_USER,
    STAFF,
    PermissionMatrix,
)
from grappe.members.models import Role, User
from grappe.programs.models import (
    ApplicationStatus,
    CallStatus,
    ConflictDeclaration,
    ConsortiumMember,
    EvaluatorAssignment,
)

from .factories import make_application, make_call, make_program

PARTNER = "partner"
EVALUATOR = "evaluator"
CONFLICTED_EVALUATOR = "conflicted_evaluator"
PROGRAM_ACTORS = (*ACTORS, PARTNER, EVALUATOR, CONFLICTED_EVALUATOR)

EVERYONE = dict.fromkeys(PROGRAM_ACTORS, 200)
STAFF_ONLY = {**dict.fromkeys(PROGRAM_ACTORS, 403), ANONYMOUS: 302, STAFF: 200}
ONLY_STAFF_KNOW = {**dict.fromkeys(PROGRAM_ACTORS, 404), STAFF: 200}


@pytest.fixture
def programs_matrix(matrix):
    """The matrix's cluster, with a program, its open call and A's consortium application (see above)."""
    ctx = matrix
    ctx.program = make_program(ctx.staff)
    ctx.call = make_call(ctx.program)
    ctx.draft_call = make_call(ctx.program, status=CallStatus.DRAFT, title_fr="Brouillon", title_en="Draft")
    ctx.org_d = make_organisation("Delta Avionique", neq="4444444444")
    ctx.partner = make_member(ctx.org_d, "member@delta.test")
    ctx.application = make_application(ctx.call, ctx.org_a, ctx.own_user, status=ApplicationStatus.SUBMITTED)
    for organisation, share in ((ctx.org_a, "60"), (ctx.org_d, "40")):
        ConsortiumMember.objects.create(application=ctx.application, organisation=organisation,
                                        share_of_work=Decimal(share), share_of_budget=Decimal(share))
    ctx.evaluator = User.objects.create_user("evaluator@grappe.test", "x", role=Role.EVALUATOR)
    ctx.conflicted_evaluator = User.objects.create_user("conflicted@grappe.test", "x", role=Role.EVALUATOR)
    ConflictDeclaration.objects.create(evaluator=ctx.conflicted_evaluator, organisation=ctx.org_a)
    EvaluatorAssignment.objects.create(application=ctx.application, evaluator=ctx.evaluator, assigned_by=ctx.staff)
    return ctx


class ProgramsMatrix(PermissionMatrix):
    actors = PROGRAM_ACTORS

    @pytest.mark.parametrize("actor", PROGRAM_ACTORS)
    def test_access(self, actor, programs_matrix, client):
        self.check_access(actor, programs_matrix, client)


class TestOpenCalls(ProgramsMatrix):
    url = "programs:open-calls"
    expect = EVERYONE


class TestCallDetail(ProgramsMatrix):
    url = "programs:call-detail"
    args = staticmethod(lambda ctx: [ctx.call.pk])
    expect = EVERYONE


class TestDraftCallDetail(ProgramsMatrix):
    """A draft call is the staff's: nobody else learns it exists."""

    url = "programs:call-detail"
    args = staticmethod(lambda ctx: [ctx.draft_call.pk])
    expect = ONLY_STAFF_KNOW


class TestApplicationDetail(ProgramsMatrix):
    """The applicant, its consortium partner, its (conflict-free) evaluator and the staff read it; to anyone else
    it does not exist."""

    url = "programs:application-detail"
    args = staticmethod(lambda ctx: [ctx.application.pk])
    expect = {**ONLY_STAFF_KNOW, OWN_USER: 200, OWN_ADMIN: 200, PARTNER: 200, EVALUATOR: 200}


class TestProgramList(ProgramsMatrix):
    url = "programs:program-list"
    expect = STAFF_ONLY


class TestProgramDetail(ProgramsMatrix):
    url = "programs:program-detail"
    args = staticmethod(lambda ctx: [ctx.program.pk])
    expect = STAFF_ONLY

