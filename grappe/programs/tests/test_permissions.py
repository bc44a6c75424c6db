"""Who may use each programs page and endpoint (see grappe/core/tests/permission_matrix.py).

Programs have actors of their own beside the matrix's: in its cluster, organisation A (OWN_USER, OWN_ADMIN)
leads a draft application to an open call as a consortium with organisation D, whose member is the PARTNER
(both confirmed their shares); an EVALUATOR is assigned to the application; a CONFLICTED_EVALUATOR declared a
conflict with A and is not. OTHER_MEMBER's organisation B has nothing to do with it.
"""

import uuid

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grappe.conftest import make_member, make_organisation
from grappe.core.tests.permission_matrix import (
    ACTORS,
    ANONYMOUS,
    OBSERVER,
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
    Commitment,
    CallStatus,
    ConflictDeclaration,
    ConsortiumMember,
    Decision,
    EvaluatorAssignment,
    Outcome,
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



# The funder's report and what observers read -----------------------------------------------------------------

RESULTS = {**dict.fromkeys(PROGRAM_ACTORS, 403), ANONYMOUS: 302, STAFF: 200, OBSERVER: 200}


class TestProgramResults(ProgramsMatrix):
    """The program's aggregated results: the staff and the government observers."""

    url = "programs:program-results"
    args = staticmethod(lambda ctx: [ctx.program.pk])
    expect = RESULTS


class TestResultsList(ProgramsMatrix):
    url = "programs:results-list"
    expect = RESULTS


class TestPublishedSummaries(ProgramsMatrix):
    url = "programs:published-summaries"
    expect = RESULTS


class TestReportPdf(ProgramsMatrix):
    """The funder's report is the staff's to produce."""

    url = "programs:report-pdf"
    args = staticmethod(lambda ctx: [ctx.program.pk])
    query = "language=en"
    expect = STAFF_ONLY


class TestReportXlsx(ProgramsMatrix):
    url = "programs:report-xlsx"
    args = staticmethod(lambda ctx: [ctx.program.pk])
    expect = STAFF_ONLY


def funded(ctx):
    """A's application funded (its decision recorded directly: the matrix tests who may publish)."""
    args = in_status(ApplicationStatus.FUNDED)(ctx)
    Decision.objects.create(application=ctx.application, outcome=Outcome.FUNDED, amount=Decimal("40000.00"),
                            decided_by=ctx.staff)
    return args


def summary_published(ctx, pk):
    return Decision.objects.get(application_id=pk).summary_published_at is not None


class TestPublishSummary(ProgramsMatrix):
    """The staff publish a funded application's summary; to whoever may not see the application, the address
    does not exist (the observer included)."""

    url = "programs:application-publish-summary"
    method = "post"
    args = staticmethod(funded)
    data = staticmethod(lambda ctx: {"published": "1"})
    expect = STAFF_WRITE
    audit_action = "application.summary_published"
    effect = staticmethod(summary_published)


def test_an_observer_never_reads_an_application_even_a_funded_and_published_one(client, programs_matrix):
    ctx = programs_matrix
    funded(ctx)
    Decision.objects.filter(application=ctx.application).update(summary_published_at=timezone.now(),
                                                                 summary_published_by=ctx.staff)
    client.force_login(ctx.observer)
    for name in ("application-detail", "application-submit", "application-decide", "application-commit"):
        method = client.get if name == "application-detail" else client.post
        assert method(reverse(f"programs:{name}", args=[ctx.application.pk])).status_code == 404, name
    summaries = client.get(reverse("programs:published-summaries")).content.decode()
    assert ctx.application.title in summaries
    assert reverse("programs:application-detail", args=[ctx.application.pk]) not in summaries
