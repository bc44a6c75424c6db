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
from django.core.files.uploadedfile import SimpleUploadedFile
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
    Call,
    CallStatus,
    Claim,
    Commitment,
    ConflictDeclaration,
    ConsortiumMember,
    Criterion,
    Decision,
    EvaluatorAssignment,
    Milestone,
    Outcome,
    Program,
    ProgressReport,
    Recommendation,
)

from .factories import make_application, make_call, make_program
from .sample_files import xlsx

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
    # Assigned before declaring the conflict (the assignment was kept): they no longer read the application.
    EvaluatorAssignment.objects.create(application=ctx.application, evaluator=ctx.conflicted_evaluator,
                                       assigned_by=ctx.staff)
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
    args = staticmethod(lambda ctx: funded(ctx))  # funded with its decision granting 40 000 $
    data = staticmethod(lambda ctx: {"amount": "40 000,00 $"})
    expect = STAFF_WRITE
    audit_action = "commitment.created"


class TestDisburse(ProgramsMatrix):
    """The staff pay 2 500 $ at a milestone of the commitment: its paid grows, and so do the commitment's."""
    url = "programs:application-disburse"
    method = "post"
    args = staticmethod(lambda ctx: [with_milestone(ctx).commitment.application_id])
    data = staticmethod(lambda ctx: {"milestone": ctx.milestone.pk, "amount": "2 500", "paid_on": "2027-03-01"})
    expect = STAFF_WRITE
    audit_action = "disbursement.recorded"
    effect = staticmethod(lambda ctx, pk: list(Milestone.objects.filter(commitment__application=pk)
                                               .values_list("paid", "commitment__disbursed")))


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



# Documents and the consortium (services/documents.py, views/documents.py, views/consortium.py).

@pytest.fixture
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def attach(ctx, organisation, user, kind="business_plan"):
    """A PDF attached to A's application, sent for `organisation` by `user`."""
    from django.core.files.base import ContentFile

    from grappe.programs.models import ApplicationDocument

    from .sample_files import PDF

    document = ApplicationDocument(application=ctx.application, kind=kind, original_name="plan d'affaires.pdf",
                                   content_type="pdf", size=len(PDF), organisation=organisation, uploaded_by=user)
    document.file.save("sample.pdf", ContentFile(PDF), save=False)
    document.save()
    return document


class DocumentsMatrix(ProgramsMatrix):
    @pytest.mark.parametrize("actor", PROGRAM_ACTORS)
    def test_access(self, actor, programs_matrix, private_media, client):
        self.check_access(actor, programs_matrix, client)


READERS = {**ONLY_STAFF_KNOW, OWN_USER: 200, OWN_ADMIN: 200, PARTNER: 200, EVALUATOR: 200}


class TestDocumentDownload(DocumentsMatrix):
    """Whoever may read the application downloads its documents, as attachments (test_documents.py checks the
    headers for each); to anyone else they do not exist."""

    url = "programs:document-download"
    args = staticmethod(lambda ctx: [attach(ctx, ctx.org_a, ctx.own_user).pk])
    expect = READERS


class TestDocumentUpload(DocumentsMatrix):
    """The lead's people and the partner's attach documents to the draft; the staff and the evaluator read it but
    may not."""

    url = "programs:document-upload"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.application.pk])
    data = staticmethod(lambda ctx: {"kind": "budget", "form_token": str(uuid.uuid4()),
                                     "file": SimpleUploadedFile("budget.xlsx", xlsx())})
    expect = {**READERS, OWN_USER: 302, OWN_ADMIN: 302, PARTNER: 302, EVALUATOR: 403, STAFF: 403}
    audit_action = "application.document_added"


class TestLeadDocumentDelete(DocumentsMatrix):
    """The lead's people remove the lead's documents; the partner may not remove what it did not send."""

    url = "programs:document-delete"
    method = "post"
    args = staticmethod(lambda ctx: [attach(ctx, ctx.org_a, ctx.own_user).pk])
    expect = {**READERS, OWN_USER: 302, OWN_ADMIN: 302, PARTNER: 403, EVALUATOR: 403, STAFF: 403}
    audit_action = "application.document_removed"


class TestPartnerDocumentDelete(DocumentsMatrix):
    """A partner's people remove what their organisation sent, and so may the lead's."""

    url = "programs:document-delete"
    method = "post"
    args = staticmethod(lambda ctx: [attach(ctx, ctx.org_d, ctx.partner).pk])
    expect = {**READERS, OWN_USER: 302, OWN_ADMIN: 302, PARTNER: 302, EVALUATOR: 403, STAFF: 403}
    audit_action = "application.document_removed"


LEAD_ONLY = {**READERS, PARTNER: 403, EVALUATOR: 403, STAFF: 403}


class TestConsortiumPage(ProgramsMatrix):
    url = "programs:consortium-edit"
    args = staticmethod(lambda ctx: [ctx.application.pk])
    expect = LEAD_ONLY


def consortium_shares(ctx, pk):
    return sorted(ConsortiumMember.objects.filter(application=pk).values_list(
        "organisation__legal_name", "share_of_work", "share_of_budget"))


class TestConsortiumEdit(ProgramsMatrix):
    """The lead's people change the shares (70/30 instead of 60/40); nobody else may."""

    url = "programs:consortium-edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.application.pk])
    data = staticmethod(lambda ctx: {
        "lead-share_of_work": "70", "lead-share_of_budget": "70 %",
        "partners-TOTAL_FORMS": "1", "partners-INITIAL_FORMS": "0", "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "50", "partners-0-organisation": str(ctx.org_d.pk),
        "partners-0-share_of_work": "30", "partners-0-share_of_budget": "30,00"})
    expect = {**LEAD_ONLY, OWN_USER: 302, OWN_ADMIN: 302}
    audit_action = "application.consortium"
    effect = staticmethod(consortium_shares)


def partner_unconfirmed(ctx):
    ConsortiumMember.objects.filter(application=ctx.application, organisation=ctx.org_d).update(
        confirmed_at=None, confirmed_by=None)
    return [ctx.application.pk]


def partner_confirmed(ctx, pk):
    return ConsortiumMember.objects.get(application=pk, organisation=ctx.org_d).confirmed_at is not None


PARTNER_ONLY = {**READERS, OWN_USER: 403, OWN_ADMIN: 403, EVALUATOR: 403, STAFF: 403}


class TestConfirmSharePage(ProgramsMatrix):
    """The partner's people read their shares there; the lead's shares are its own, confirmed as it sets them."""

    url = "programs:consortium-confirm"
    args = staticmethod(partner_unconfirmed)
    expect = PARTNER_ONLY


class TestConfirmShare(ProgramsMatrix):
    url = "programs:consortium-confirm"
    method = "post"
    args = staticmethod(partner_unconfirmed)
    expect = {**PARTNER_ONLY, PARTNER: 302}
    audit_action = "consortium.confirmed"
    effect = staticmethod(partner_confirmed)
EVALUATORS_ONLY = {**dict.fromkeys(PROGRAM_ACTORS, 403), ANONYMOUS: 302, EVALUATOR: 200, CONFLICTED_EVALUATOR: 200,
                   STAFF: 200}
ONLY_THE_EVALUATOR = {**dict.fromkeys(PROGRAM_ACTORS, 404), ANONYMOUS: 302, EVALUATOR: 200}


class TestMyEvaluations(ProgramsMatrix):
    """Evaluators (external ones, and the staff, who may evaluate) list what they are asked to evaluate."""

    url = "programs:my-evaluations"
    expect = EVALUATORS_ONLY


class TestEvaluationConflicts(ProgramsMatrix):
    url = "programs:evaluation-conflicts"
    expect = EVALUATORS_ONLY


class TestDeclareConflict(ProgramsMatrix):
    """Each evaluator declares their own conflict of interest (with B, whose applications nobody evaluates)."""

    url = "programs:evaluation-conflicts"
    method = "post"
    data = staticmethod(lambda ctx: {"organisation": ctx.org_b.pk, "reason": "Ancien employeur"})
    expect = {**EVALUATORS_ONLY, EVALUATOR: 302, CONFLICTED_EVALUATOR: 302, STAFF: 302}
    audit_action = "conflict.declared"
    effect = staticmethod(lambda ctx: sorted(ConflictDeclaration.objects.values_list("evaluator__email",
                                                                                      "organisation__legal_name")))


def under_review_assignment(ctx):
    """A's application under review, its call's grid with one criterion; the evaluator's assignment."""
    in_status(ApplicationStatus.UNDER_REVIEW)(ctx)
    ctx.criterion, _ = Criterion.objects.get_or_create(call=ctx.call, name_fr="Innovation",
                                                       defaults={"name_en": "Innovation", "max_score": 10})
    return [EvaluatorAssignment.objects.get(application=ctx.application, evaluator=ctx.evaluator).pk]


def score_data(**extra):
    def data(ctx):
        return {"form_token": str(uuid.uuid4()), f"value_{ctx.criterion.pk}": "7,5",
                f"comment_{ctx.criterion.pk}": "Procédé nouveau", "recommendation": "fund", **extra}
    return staticmethod(data)


def scores_of(ctx, pk):
    assignment = EvaluatorAssignment.objects.get(pk=pk)
    return (sorted(assignment.scores.values_list("value", "comment")), assignment.submitted_at is not None)


class TestScoreSheet(ProgramsMatrix):
    """Only the assigned evaluator opens their score sheet; to anyone else the assignment does not exist."""

    url = "programs:evaluation-score"
    args = staticmethod(under_review_assignment)
    expect = ONLY_THE_EVALUATOR


def conflicted_assignment(ctx, submitted=False):
    """The conflicted evaluator's assignment to A's application under review (kept after the declaration)."""
    under_review_assignment(ctx)
    assignment = EvaluatorAssignment.objects.get(application=ctx.application, evaluator=ctx.conflicted_evaluator)
    if submitted:
        assignment.submitted_at, assignment.recommendation = timezone.now(), "fund"
        assignment.save(update_fields=["submitted_at", "recommendation"])
    return [assignment.pk]


CONFLICTED_REFUSED = {**dict.fromkeys(PROGRAM_ACTORS, 404), ANONYMOUS: 302, CONFLICTED_EVALUATOR: 403}


class TestConflictedScoreSheet(ProgramsMatrix):
    """An evaluator assigned, then in conflict, is refused their score sheet (the application is not shown)."""

    url = "programs:evaluation-score"
    args = staticmethod(conflicted_assignment)
    expect = CONFLICTED_REFUSED


class TestConflictedSubmittedScoreSheet(ProgramsMatrix):
    """Their scores submitted before the conflict was declared: the sheet is refused all the same."""

    url = "programs:evaluation-score"
    args = staticmethod(lambda ctx: conflicted_assignment(ctx, submitted=True))
    expect = CONFLICTED_REFUSED


class TestConflictedSaveScores(ProgramsMatrix):
    url = "programs:evaluation-score"
    method = "post"
    args = staticmethod(conflicted_assignment)
    data = score_data()
    expect = CONFLICTED_REFUSED
    audit_action = "assignment.saved"  # never recorded: every actor is refused
    effect = staticmethod(scores_of)


class TestSaveScores(ProgramsMatrix):
    url = "programs:evaluation-score"
    method = "post"
    args = staticmethod(under_review_assignment)
    data = score_data()
    expect = {**ONLY_THE_EVALUATOR, EVALUATOR: 302}
    audit_action = "assignment.saved"
    effect = staticmethod(scores_of)


class TestSubmitScores(ProgramsMatrix):
    url = "programs:evaluation-score"
    method = "post"
    args = staticmethod(under_review_assignment)
    data = score_data(submit="1")
    expect = {**ONLY_THE_EVALUATOR, EVALUATOR: 302}
    audit_action = "assignment.scored"
    effect = staticmethod(scores_of)
def committee_call(ctx):
    """The call the committee's pages read: in the browser sweep the demo's closed call (scored, decided), so
    that the pages are swept with real rows; the matrix's own call otherwise."""
    return [getattr(ctx, "closed_call", ctx.call).pk]


def evaluated(ctx):
    """A's application under review, its evaluator's recommendation submitted: the ranking lists it."""
    args = in_status(ApplicationStatus.UNDER_REVIEW)(ctx)
    EvaluatorAssignment.objects.filter(application=ctx.application).update(
        recommendation=Recommendation.FUND, submitted_at=timezone.now())
    return [ctx.call.pk]


def submitted_call(ctx):
    """The call, A's application submitted to it: the screening has one to screen."""
    submitted(ctx)
    return [ctx.call.pk]


class TestCallStaff(ProgramsMatrix):
    """The call's applications, their screening and the progress of their evaluation: the staff's."""

    url = "programs:call-staff"
    args = staticmethod(committee_call)
    expect = STAFF_ONLY


class TestCallScreen(ProgramsMatrix):
    url = "programs:call-screen"
    method = "post"
    args = staticmethod(submitted_call)
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "application.eligibility"
    effect = staticmethod(lambda ctx, pk: application_status(ctx, ctx.application.pk))


class TestApplicationEligibilityPage(ProgramsMatrix):
    url = "programs:application-eligibility"
    args = in_status(ApplicationStatus.INELIGIBLE)
    expect = STAFF_ONLY


class TestApplicationEligibility(ProgramsMatrix):
    """The staff decide eligibility by hand, with a reason."""

    url = "programs:application-eligibility"
    method = "post"
    args = in_status(ApplicationStatus.INELIGIBLE)
    data = staticmethod(lambda ctx: {"eligible": "yes", "reason": "Cotisation payée"})
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "application.eligibility"
    effect = staticmethod(lambda ctx, pk: application_status(ctx, pk))


class TestCallRanking(ProgramsMatrix):
    """Every evaluator's scores are on it: the staff's, never an evaluator's."""

    url = "programs:call-ranking"
    args = staticmethod(committee_call)
    expect = STAFF_ONLY


class TestBulkDecisions(ProgramsMatrix):
    url = "programs:call-ranking"
    method = "post"
    args = staticmethod(evaluated)
    data = staticmethod(lambda ctx: {
        "form_token": str(uuid.uuid4()), f"select_{ctx.application.pk}": "on",
        f"outcome_{ctx.application.pk}": "funded", f"amount_{ctx.application.pk}": "40 000",
        f"reason_{ctx.application.pk}": ""})
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "application.decided"
    effect = staticmethod(lambda ctx, pk: application_status(ctx, ctx.application.pk))


class TestDecisionSummary(ProgramsMatrix):
    url = "programs:call-summary"
    args = staticmethod(committee_call)
    expect = STAFF_ONLY


class TestDecisionSummaryPdf(ProgramsMatrix):
    url = "programs:call-summary-pdf"
    args = staticmethod(committee_call)
    expect = STAFF_ONLY


class TestApplicationHistory(ProgramsMatrix):
    url = "programs:application-history"
    args = staticmethod(lambda ctx: [ctx.application.pk])
    expect = STAFF_ONLY
# The funder's report and what observers read -----------------------------------------------------------------

RESULTS = {**dict.fromkeys(PROGRAM_ACTORS, 403), ANONYMOUS: 302, STAFF: 200, OBSERVER: 200}


class TestProgramResults(ProgramsMatrix):
    """The program's aggregated results: the staff and the government observers."""

    url = "programs:program-results"
    args = staticmethod(lambda ctx: [ctx.program.pk])
    expect = RESULTS


class TestDraftProgramResults(ProgramsMatrix):
    """A program whose calls are all drafts has no results: they do not exist for an observer, as in the list."""

    url = "programs:program-results"
    args = staticmethod(lambda ctx: [make_program(ctx.staff, name_en="Drafts only").pk])
    expect = {**RESULTS, STAFF: 404, OBSERVER: 404}


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
