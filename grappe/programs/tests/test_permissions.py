"""Who may use each programs page and endpoint (see grappe/core/tests/permission_matrix.py).

Programs have actors of their own beside the matrix's: in its cluster, organisation A (OWN_USER, OWN_ADMIN)
leads a draft application to an open call as a consortium with organisation D, whose member is the PARTNER
(both confirmed their shares); an EVALUATOR is assigned to the application; a CONFLICTED_EVALUATOR declared a
conflict with A and is not. OTHER_MEMBER's organisation B has nothing to do with it.
"""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grappe.conftest import make_member, make_organisation
from grappe.core.tests.permission_matrix import (
    ACTORS,
    ANONYMOUS,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    STAFF,
    PermissionMatrix,
)
from grappe.members.models import Role, User
from grappe.programs.models import (
    Application,
    ApplicationStatus,
    Call,
    CallStatus,
    Claim,
    Commitment,
    ConflictDeclaration,
    ConsortiumMember,
    Criterion,
    EvaluatorAssignment,
    Milestone,
    Program,
    ProgressReport,
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
    ctx.application = make_application(ctx.call, ctx.org_a, ctx.own_user)
    for organisation, share, user in ((ctx.org_a, "60", ctx.own_user), (ctx.org_d, "40", ctx.partner)):
        ConsortiumMember.objects.create(application=ctx.application, organisation=organisation,
                                        share_of_work=Decimal(share), share_of_budget=Decimal(share),
                                        confirmed_at=timezone.now(), confirmed_by=user)
    ctx.evaluator = User.objects.create_user("evaluator@grappe.test", "x", role=Role.EVALUATOR)
    ctx.conflicted_evaluator = User.objects.create_user("conflicted@grappe.test", "x", role=Role.EVALUATOR)
    User.objects.create_user("second@grappe.test", "x", role=Role.EVALUATOR)  # no actor: the matrix needs two
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


def application_status(ctx, pk):
    return Application.objects.get(pk=pk).status


def submitted(ctx):
    Application.objects.filter(pk=ctx.application.pk).update(status=ApplicationStatus.SUBMITTED,
                                                             submitted_at=timezone.now())
    return [ctx.application.pk]


class TestApplyPage(ProgramsMatrix):
    """Members of an active organisation apply; A already has its application: the page sends it there."""

    url = "programs:apply"
    args = staticmethod(lambda ctx: [ctx.call.pk])
    expect = {**dict.fromkeys(PROGRAM_ACTORS, 403), ANONYMOUS: 302, OTHER_MEMBER: 200, PARTNER: 200,
              OWN_USER: 200, OWN_ADMIN: 200}


class TestApply(ProgramsMatrix):
    """B's member and D's start their organisation's application; A's people change A's draft."""

    url = "programs:apply"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.call.pk])
    data = staticmethod(lambda ctx: {"title": "Aile composite", "summary": "", "amount_requested": "12 500,50 $",
                                     "total_cost": "100 000", "form_token": str(uuid.uuid4())})
    expect = {**TestApplyPage.expect, OTHER_MEMBER: 302, PARTNER: 302, OWN_USER: 302, OWN_ADMIN: 302}
    audit_action = {OTHER_MEMBER: "application.created", PARTNER: "application.created",
                    OWN_USER: "application.changed", OWN_ADMIN: "application.changed"}
    effect = staticmethod(lambda ctx, pk: sorted(Application.objects.values_list("title", flat=True)))


class TestSubmit(ProgramsMatrix):
    """A's people submit A's application; whoever else may see it may not."""

    url = "programs:application-submit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.application.pk])
    expect = {**ONLY_STAFF_KNOW, STAFF: 403, PARTNER: 403, EVALUATOR: 403, OWN_USER: 302, OWN_ADMIN: 302}
    audit_action = "application.submitted"
    effect = staticmethod(lambda ctx, pk: application_status(ctx, pk))


class TestReopen(ProgramsMatrix):
    """The staff reopen a submitted application; its applicant may not."""

    url = "programs:application-reopen"
    method = "post"
    args = staticmethod(submitted)
    data = staticmethod(lambda ctx: {"reason": "Budget incomplet"})
    expect = {**ONLY_STAFF_KNOW, STAFF: 302, PARTNER: 403, EVALUATOR: 403, OWN_USER: 403, OWN_ADMIN: 403}
    audit_action = "application.reopened"
    effect = staticmethod(lambda ctx, pk: application_status(ctx, pk))


class TestApiOpenCalls(ProgramsMatrix):
    """Signed-in callers (an API key or a session); eligibility is the caller's organisation's."""

    url = "api:programs-open-calls"
    expect = {**EVERYONE, ANONYMOUS: 401}


def in_status(status):
    """The application moved to `status` (directly: the matrix tests who may act, not how it got there)."""
    def args(ctx):
        Application.objects.filter(pk=ctx.application.pk).update(status=status, submitted_at=timezone.now())
        return [ctx.application.pk]
    return staticmethod(args)


def committed(ctx):
    args = in_status(ApplicationStatus.FUNDED)(ctx)
    ctx.program.committed = Decimal("10000.00")
    ctx.program.save()
    Commitment.objects.create(program=ctx.program, application=ctx.application, amount=Decimal("10000.00"),
                              committed_by=ctx.staff)
    return args


STAFF_WRITE = {**ONLY_STAFF_KNOW, STAFF: 302, PARTNER: 403, EVALUATOR: 403, OWN_USER: 403, OWN_ADMIN: 403}


class TestDecide(ProgramsMatrix):
    url = "programs:application-decide"
    method = "post"
    args = in_status(ApplicationStatus.UNDER_REVIEW)
    data = staticmethod(lambda ctx: {"outcome": "funded", "amount": "40 000", "reason": "Solide"})
    expect = STAFF_WRITE
    audit_action = "application.decided"
    effect = staticmethod(lambda ctx, pk: application_status(ctx, pk))


class TestCommit(ProgramsMatrix):
    url = "programs:application-commit"
    method = "post"
    args = in_status(ApplicationStatus.FUNDED)
    data = staticmethod(lambda ctx: {"amount": "40 000,00 $"})
    expect = STAFF_WRITE
    audit_action = "commitment.created"


class TestDisburse(ProgramsMatrix):
    url = "programs:application-disburse"
    method = "post"
    args = staticmethod(committed)
    data = staticmethod(lambda ctx: {"milestone": "Jalon 1", "amount": "2 500", "paid_on": "2027-03-01"})
    expect = STAFF_WRITE
    audit_action = "disbursement.recorded"


def eligible_call(ctx):
    in_status(ApplicationStatus.ELIGIBLE)(ctx)
    return [ctx.call.pk]


class TestAssignEvaluators(ProgramsMatrix):
    """The staff assign the call's evaluators: A's application keeps its evaluator and gets the second
    conflict-free one, never the conflicted one."""

    url = "programs:call-assign"
    method = "post"
    args = staticmethod(eligible_call)
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "application.assigned"
    effect = staticmethod(lambda ctx, pk: sorted(EvaluatorAssignment.objects.values_list("evaluator__email",
                                                                                         flat=True)))


def test_the_assignment_gives_the_conflict_free_evaluators_only(client, programs_matrix):
    ctx = programs_matrix
    client.force_login(ctx.staff)
    client.post(reverse("programs:call-assign", args=eligible_call(ctx)))
    assert sorted(EvaluatorAssignment.objects.values_list("evaluator__email", flat=True)) == [
        "evaluator@grappe.test", "second@grappe.test"]


class TestProgramList(ProgramsMatrix):
    url = "programs:program-list"
    expect = STAFF_ONLY


class TestProgramDetail(ProgramsMatrix):
    url = "programs:program-detail"
    args = staticmethod(lambda ctx: [ctx.program.pk])
    expect = STAFF_ONLY



# Setting up programs and calls (views/setup.py) --------------------------------------------------------------

def new_token(ctx):
    return str(uuid.uuid4())


def program_fields(ctx):
    return {"funder": "MEIE", "name_fr": "Nouveau", "name_en": "New", "envelope": "500 000 $",
            "form_token": new_token(ctx)}


def call_fields(ctx):
    return {"title_fr": "Appel", "title_en": "Call", "time_zone": "America/Montreal",
            "opens_at": "2027-01-10T09:00", "closes_at": "2027-03-01T17:00", "requires_good_standing": "on",
            "criteria-TOTAL_FORMS": "1", "criteria-INITIAL_FORMS": "0", "criteria-0-name_fr": "Innovation",
            "criteria-0-name_en": "Innovation", "criteria-0-weight": "1", "criteria-0-max_score": "10",
            "form_token": new_token(ctx)}


def program_funder(ctx, pk):
    return Program.objects.get(pk=pk).funder


def call_state(ctx, pk):
    call = Call.objects.get(pk=pk)
    return call.status, call.title_fr


def draft_with_grid(ctx):
    Criterion.objects.create(call=ctx.draft_call, name_fr="Innovation", name_en="Innovation")
    return [ctx.draft_call.pk]


STAFF_POST = {**STAFF_ONLY, STAFF: 302}


class TestProgramCreatePage(ProgramsMatrix):
    url = "programs:program-create"
    expect = STAFF_ONLY


class TestProgramCreate(ProgramsMatrix):
    url = "programs:program-create"
    method = "post"
    data = staticmethod(program_fields)
    expect = STAFF_POST
    audit_action = "program.created"


class TestProgramEditPage(ProgramsMatrix):
    url = "programs:program-edit"
    args = staticmethod(lambda ctx: [ctx.program.pk])
    expect = STAFF_ONLY


class TestProgramEdit(ProgramsMatrix):
    url = "programs:program-edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.program.pk])
    data = staticmethod(program_fields)
    expect = STAFF_POST
    audit_action = "program.changed"
    effect = staticmethod(program_funder)


class TestCallCreatePage(ProgramsMatrix):
    url = "programs:call-create"
    args = staticmethod(lambda ctx: [ctx.program.pk])
    expect = STAFF_ONLY


class TestCallCreate(ProgramsMatrix):
    url = "programs:call-create"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.program.pk])
    data = staticmethod(call_fields)
    expect = STAFF_POST
    audit_action = "call.created"


class TestDraftCallEditPage(ProgramsMatrix):
    url = "programs:call-edit"
    args = staticmethod(lambda ctx: [ctx.draft_call.pk])
    expect = STAFF_ONLY


class TestPublishedCallEditPage(ProgramsMatrix):
    url = "programs:call-edit"
    args = staticmethod(lambda ctx: [ctx.call.pk])
    expect = STAFF_ONLY


class TestCallEdit(ProgramsMatrix):
    url = "programs:call-edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.draft_call.pk])
    data = staticmethod(call_fields)
    expect = STAFF_POST
    audit_action = "call.changed"
    effect = staticmethod(call_state)


class TestCallPublish(ProgramsMatrix):
    url = "programs:call-publish"
    method = "post"
    args = staticmethod(draft_with_grid)
    expect = STAFF_POST
    audit_action = "call.published"
    effect = staticmethod(call_state)


class TestCallClose(ProgramsMatrix):
    url = "programs:call-close"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.call.pk])
    expect = STAFF_POST
    audit_action = "call.closed"
    effect = staticmethod(call_state)


# Milestones, progress reports and claims (views/milestones.py) -----------------------------------------------

def with_milestone(ctx):
    committed(ctx)
    ctx.milestone = Milestone.objects.create(commitment=ctx.application.commitment, name="Jalon 1",
                                             due_on=datetime.date(2027, 6, 30), amount=Decimal("6000.00"))
    return ctx.milestone


def milestone_args(ctx):
    """A's milestone: the sweep's (browser_tests/sweep_data.py) when it has one, else one made here."""
    milestone = getattr(ctx, "milestone", None) or with_milestone(ctx)
    return [milestone.pk]


def funded_args(ctx):
    """A's funded application: the sweep's when it has one, else A's application made funded here."""
    funded = getattr(ctx, "funded_application", None)
    return [funded.pk] if funded else committed(ctx)


def pending_claim(ctx):
    milestone = with_milestone(ctx)
    report = ProgressReport.objects.create(milestone=milestone, text="Livré", submitted_by=ctx.own_user)
    return [Claim.objects.create(milestone=milestone, report=report, amount=Decimal("2500.00"),
                                 submitted_by=ctx.own_user).pk]


def claim_status(ctx, pk):
    return Claim.objects.get(pk=pk).status


LEAD_ONLY = {**ONLY_STAFF_KNOW, ANONYMOUS: 302, STAFF: 403, PARTNER: 403, EVALUATOR: 403, OWN_USER: 200,
             OWN_ADMIN: 200}


class TestMilestonesPage(ProgramsMatrix):
    url = "programs:commitment-milestones"
    args = staticmethod(funded_args)
    expect = STAFF_ONLY


class TestSetMilestones(ProgramsMatrix):
    url = "programs:commitment-milestones"
    method = "post"
    args = staticmethod(committed)
    data = staticmethod(lambda ctx: {
        "milestones-TOTAL_FORMS": "1", "milestones-INITIAL_FORMS": "0", "milestones-0-name": "Jalon 1",
        "milestones-0-due_on": "2027-06-30", "milestones-0-amount": "4 000"})
    expect = STAFF_POST
    audit_action = "commitment.milestones"


class TestReportPage(ProgramsMatrix):
    """A's people report at the milestones of A's commitment; who else may read the application may not."""

    url = "programs:milestone-report"
    args = staticmethod(milestone_args)
    expect = LEAD_ONLY


class TestReport(ProgramsMatrix):
    url = "programs:milestone-report"
    method = "post"
    args = staticmethod(milestone_args)
    data = staticmethod(lambda ctx: {"text": "Prototype livré", "amount": "2 000,00 $",
                                     "form_token": new_token(ctx)})
    expect = {**LEAD_ONLY, OWN_USER: 302, OWN_ADMIN: 302}
    audit_action = "milestone.reported"


class TestApproveClaim(ProgramsMatrix):
    url = "programs:claim-approve"
    method = "post"
    args = staticmethod(pending_claim)
    data = staticmethod(lambda ctx: {"paid_on": "2027-07-01"})
    expect = STAFF_WRITE
    audit_action = "claim.approved"
    effect = staticmethod(claim_status)


class TestSendBackClaim(ProgramsMatrix):
    url = "programs:claim-send-back"
    method = "post"
    args = staticmethod(pending_claim)
    data = staticmethod(lambda ctx: {"reason": "Factures manquantes"})
    expect = STAFF_WRITE
    audit_action = "claim.sent_back"
    effect = staticmethod(claim_status)
