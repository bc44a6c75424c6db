"""Evaluators and the applications they evaluate: conflicts declared, evaluators assigned by hand or for a whole
call at once (matching.assignment: k each, conflict-free, the load balanced), never where a conflict of interest
exists (grappe/programs/conflicts.py).

Lock order: the call's row first, then its applications', then their assignments' (the budget's writes lock the
program before either: Program → Call → Application → Commitment; scoring.py: Application → EvaluatorAssignment).
Two assignments to one call run one after the other.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from grappe.core import audit
from grappe.core.errors import Conflict
from grappe.core.permissions import require
from grappe.members.models import Organisation, User
from matching.assignment import Assignment, Evaluator, assign

from ..conflicts import conflict_pairs, conflicts_of
from ..models import Application, ApplicationStatus, Call, ConflictDeclaration, EvaluatorAssignment
from ..rules import is_evaluator

# Applications that are evaluated: eligible ones, and those already under review.
TO_EVALUATE = (ApplicationStatus.ELIGIBLE, ApplicationStatus.UNDER_REVIEW)


def may_evaluate(user: User) -> bool:
    """Evaluators are external evaluators or the cluster staff."""
    return is_evaluator(user)


@dataclass(frozen=True)
class Declared:
    """A declared conflict and what it did to the evaluator's assignments to the organisation's applications
    under evaluation: removed when no score was saved yet, kept otherwise (the staff decide; the evaluator may
    no longer score them, services/scoring.py rechecks the conflicts)."""

    declaration: ConflictDeclaration
    released: tuple[Application, ...]
    kept: tuple[Application, ...]


def declare_conflict(*, actor: User, organisation: Organisation, reason: str = "") -> Declared:
    """The evaluator declares a conflict of interest with an organisation: never assigned to its applications,
    and removed from those they are assigned to without scores. Declaring it again keeps one declaration."""
    if not may_evaluate(actor):
        raise ValidationError(_("Only an evaluator declares conflicts of interest."), code="not_evaluator")
    with transaction.atomic():
        declaration, created = ConflictDeclaration.objects.get_or_create(
            evaluator=actor, organisation=organisation, defaults={"reason": reason.strip()})
        if created:
            audit.record(actor, "conflict.declared", declaration, after=audit.snapshot(declaration))
        released, kept = _release_for(actor, organisation)
    return Declared(declaration, released, kept)


def _release_for(evaluator: User, organisation: Organisation) -> tuple[tuple[Application, ...], ...]:
    """Release the evaluator's assignments to the organisation's applications under evaluation (as lead or
    partner) that have no score yet; the others are kept. Locks the applications, then the assignments (the
    order of evaluation.py and scoring.py), so that a score saved meanwhile is never deleted with its assignment."""
    touched = (Application.objects.filter(status__in=TO_EVALUATE, assignments__evaluator=evaluator)
               .filter(Q(lead=organisation) | Q(consortium__organisation=organisation)))
    applications = list(Application.objects.select_for_update().filter(pk__in=touched.values("pk")).order_by("pk"))
    assignments = (EvaluatorAssignment.objects.select_for_update()
                   .filter(evaluator=evaluator, application__in=applications).order_by("pk"))
    by_pk = {application.pk: application for application in applications}
    released, kept = [], []
    for assignment in assignments:
        if _release(evaluator, assignment):
            released.append(by_pk[assignment.application_id])
        else:
            kept.append(by_pk[assignment.application_id])
    return tuple(released), tuple(kept)


def assign_evaluator(*, actor: User, application: Application, evaluator: User) -> EvaluatorAssignment:
    """Assign one evaluator to one application by hand. Refused, with the reason, when they are in conflict."""
    require(actor, "programs.manage_program")
    if not may_evaluate(evaluator):
        raise ValidationError(_("%(name)s is not an evaluator.") % {"name": evaluator}, code="not_evaluator")
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=application.call_id)
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status not in TO_EVALUATE:
            raise Conflict(_("Only an eligible application is evaluated."), code="not_eligible")
        reasons = conflicts_of(evaluator.pk, application)
        if reasons:
            raise ValidationError(
                _("%(name)s may not evaluate this application: %(reasons)s") % {
                    "name": evaluator, "reasons": " ".join(reason.text for reason in reasons)},
                code="conflict_of_interest")
        assignment, created = EvaluatorAssignment.objects.get_or_create(
            application=application, evaluator=evaluator, defaults={"assigned_by": actor})
        if created:
            audit.record(actor, "application.assigned", assignment, after=audit.snapshot(assignment))
            _start_review(actor, application)
    return assignment


def assign_call(*, actor: User, call: Call, evaluators: list[User], per_application: int = 2) -> Assignment:
    """Assign `per_application` evaluators to every application of the call to evaluate, conflict-free and the
    load balanced, keeping the assignments already made (one that became a conflict, without scores yet, is
    removed). Returns matching's answer: its `shortfalls` say which applications lack evaluators, and why."""
    require(actor, "programs.manage_program")
    evaluators = [user for user in evaluators if may_evaluate(user)]
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=call.pk)
        applications = list(Application.objects.select_for_update().filter(call=call, status__in=TO_EVALUATE)
                            .order_by("pk"))
        existing = {(a.evaluator_id, a.application_id): a for a in
                    EvaluatorAssignment.objects.filter(application__in=applications)}
        # Evaluators already assigned count in the balance even when they are not offered again.
        ids = list(dict.fromkeys([user.pk for user in evaluators] + [pair[0] for pair in existing]))
        conflicts = conflict_pairs(applications, ids)
        result = assign([a.pk for a in applications], [Evaluator(pk) for pk in ids], conflicts,
                        per_application=per_application, kept=existing.keys())
        for released in result.released:
            _release(actor, existing[released.pair])
        made = EvaluatorAssignment.objects.bulk_create(
            EvaluatorAssignment(evaluator_id=evaluator_id, application_id=application_id, assigned_by=actor)
            for evaluator_id, application_id in result.new)
        for assignment in made:
            audit.record(actor, "application.assigned", assignment, after=audit.snapshot(assignment))
        by_pk = {a.pk: a for a in applications}
        for application_id in {assignment.application_id for assignment in made}:
            _start_review(actor, by_pk[application_id])
    return result


def _release(actor: User, assignment: EvaluatorAssignment) -> bool:
    """Remove an assignment that became a conflict of interest, unless its scores are in (the staff decide).
    Whether it was removed."""
    if assignment.submitted_at is not None or assignment.scores.exists():
        return False
    before = audit.snapshot(assignment)
    audit.record(actor, "application.unassigned", assignment, before=before)
    assignment.delete()
    return True


def _start_review(actor: User, application: Application) -> None:
    if application.status == ApplicationStatus.ELIGIBLE:
        application.status = ApplicationStatus.UNDER_REVIEW
        application.save(update_fields=["status", "updated_at"])
        audit.record(actor, "application.status", application, before={"status": ApplicationStatus.ELIGIBLE},
                     after={"status": ApplicationStatus.UNDER_REVIEW})
