"""The programs' reads that more than one page or endpoint needs."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.members.models import Certification, Organisation

from .eligibility import Reason, reasons_not_eligible
from .models import (
    Application,
    ApplicationStatus,
    Call,
    CallStatus,
    ConsortiumMember,
    EvaluatorAssignment,
    Program,
)
from .services.evaluation import TO_EVALUATE


def open_calls(now=None) -> QuerySet:
    """Published calls taking applications now, the soonest deadline first."""
    now = now or timezone.now()
    return (Call.objects.filter(status=CallStatus.PUBLISHED, opens_at__lte=now, closes_at__gt=now)
            .select_related("program").prefetch_related("required_certifications").order_by("closes_at"))


@dataclass(frozen=True)
class CallForMember:
    call: Call
    reasons: list[Reason]

    @property
    def eligible(self) -> bool:
        return not self.reasons


def open_calls_for(organisation: Organisation | None, now=None) -> list[CallForMember]:
    """Every open call, with why the organisation may not apply to it (nothing when it may); eligible ones first."""
    now = now or timezone.now()
    calls = list(open_calls(now))
    if organisation is None:
        return [CallForMember(call, []) for call in calls]
    # The signed-in user's organisation is loaded already: only its certifications are read (one query).
    prefetch_related_objects([organisation], Prefetch("certifications", Certification.objects.all()))
    today = timezone.localdate(now)
    rows = [CallForMember(call, reasons_not_eligible(call, organisation, today)) for call in calls]
    return sorted(rows, key=lambda row: not row.eligible)


def programs_with_figures() -> QuerySet:
    return Program.objects.annotate(call_count=Count("calls")).order_by("-created_at")


def call_applications(call: Call) -> QuerySet:
    """A call's applications for the staff, with the size of each one's consortium (0: alone)."""
    return (Application.objects.filter(call=call).select_related("lead")
            .annotate(consortium_size=Count("consortium")).order_by("status", "title"))


TO_DO, DRAFT, SUBMITTED, CLOSED = "to_do", "draft", "submitted", "closed"
EVALUATION_STATES = {TO_DO: _("To do"), DRAFT: _("Draft saved"), SUBMITTED: _("Submitted"),
                     CLOSED: _("Closed without your scores")}


@dataclass(frozen=True)
class Evaluation:
    """One of an evaluator's assignments as their list shows it: to do, a draft saved, submitted, or closed (the
    application left the evaluation before their scores were in)."""

    assignment: EvaluatorAssignment
    state: str

    @property
    def state_label(self) -> str:
        return str(EVALUATION_STATES[self.state])


def evaluations_of(user) -> list[Evaluation]:
    """The user's assignments, what is left to do first, then the soonest assigned."""
    assignments = (EvaluatorAssignment.objects.filter(evaluator=user)
                   .select_related("application__call__program", "application__lead")
                   .annotate(score_count=Count("scores")).order_by("assigned_at", "pk"))
    rows = [Evaluation(assignment, _evaluation_state(assignment)) for assignment in assignments]
    order = [TO_DO, DRAFT, CLOSED, SUBMITTED]
    return sorted(rows, key=lambda row: order.index(row.state))


def _evaluation_state(assignment) -> str:
    if assignment.submitted_at is not None:
        return SUBMITTED
    if assignment.application.status not in TO_EVALUATE:
        return CLOSED
    return DRAFT if assignment.score_count or assignment.recommendation else TO_DO


def organisations_to_declare() -> QuerySet:
    """The organisations an evaluator may declare a conflict with: those the directory lists, and every one that
    applied to a call (as lead or partner), listed or not: those are the ones they may be asked to evaluate."""
    applied = ~Q(status=ApplicationStatus.DRAFT)
    return (Organisation.objects.filter(
        Q(listed_in_directory=True)
        | Q(pk__in=Application.objects.filter(applied).values("lead"))
        | Q(pk__in=ConsortiumMember.objects.filter(application__in=Application.objects.filter(applied))
            .values("organisation")))
        .order_by("legal_name"))
