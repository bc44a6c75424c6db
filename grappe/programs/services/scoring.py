"""An evaluator's scores of an application they are assigned to: a score from 0 to each criterion's maximum with a
comment, and a recommendation (fund or not). Saved as a draft as often as the evaluator likes, then submitted
once: submitted scores never change.

Every write rechecks, at that moment, that the evaluator may still score: still an evaluator, the application
still under evaluation, and no conflict of interest with any of its organisations (conflicts.conflicts_of: one
may have arisen since the assignment, a declaration kept with its scores or an introduction in Partnering).

Lock order (evaluation.py's): the application's row, then the assignment's. Two submissions of one assignment run
one after the other; the second finds it submitted and is refused, so a double click makes one submission.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from grappe.core import audit, notify
from grappe.core.errors import Conflict
from grappe.members.models import User

from ..conflicts import conflicts_of
from ..models import CENT, Application, Criterion, EvaluatorAssignment, Recommendation, Score
from .evaluation import TO_EVALUATE, may_evaluate

VALUE, COMMENT = "value", "comment"  # what a criterion's refusal is about (its `params["part"]`)


@dataclass(frozen=True)
class Entry:
    """What the evaluator typed for one criterion: no value yet in a draft."""

    value: Decimal | None
    comment: str = ""


Sheet = dict[int, Entry]  # criterion id -> entry


def check_score(criterion: Criterion, value: Decimal) -> None:
    """A score is a number from 0 to the criterion's maximum, with two decimals at most."""
    if not value.is_finite() or value < 0 or value > criterion.max_score:
        raise _about(criterion, VALUE, _("%(criterion)s is scored from 0 to %(max)s: %(value)s is outside."),
                     "score_out_of_range", max=criterion.max_score, value=_number(value))
    if value != value.quantize(CENT):
        raise _about(criterion, VALUE, _("%(criterion)s: a score has two decimals at most (%(value)s)."),
                     "score_precision", value=_number(value))


def refusal(evaluator: User, application: Application) -> ValidationError | None:
    """Why the evaluator may not score the application now, or None when they may (the page says it)."""
    if not may_evaluate(evaluator):
        return Conflict(_("Only an evaluator scores applications."), code="not_evaluator")
    if application.status not in TO_EVALUATE:
        return Conflict(_("This application is not under evaluation: its scores can no longer change."),
                        code="not_under_evaluation")
    reasons = conflicts_of(evaluator.pk, application)
    if reasons:
        return ValidationError(_("You may not evaluate this application: %(reasons)s") % {
            "reasons": " ".join(reason.text for reason in reasons)}, code="conflict_of_interest")
    return None


def save_draft(*, actor: User, assignment: EvaluatorAssignment, sheet: Sheet,
               recommendation: str = "") -> EvaluatorAssignment:
    """Keep the scores typed so far (a criterion left blank has no score yet) and the recommendation, if any."""
    return _write(actor, assignment, sheet, recommendation, submit=False)


def submit(*, actor: User, assignment: EvaluatorAssignment, sheet: Sheet, recommendation: str) -> EvaluatorAssignment:
    """Save and submit the scores: every criterion scored and commented, a recommendation. Once only."""
    return _write(actor, assignment, sheet, recommendation, submit=True)


def state(assignment: EvaluatorAssignment) -> dict:
    """The assignment's scores and recommendation as the audit trail keeps them (criterion ids as keys)."""
    return {"scores": {str(score.criterion_id): {VALUE: str(score.value), COMMENT: score.comment}
                       for score in Score.objects.filter(assignment=assignment)},
            "recommendation": assignment.recommendation,
            "submitted_at": assignment.submitted_at.isoformat() if assignment.submitted_at else None}


def _write(actor: User, assignment: EvaluatorAssignment, sheet: Sheet, recommendation: str,
           submit: bool) -> EvaluatorAssignment:
    if assignment.evaluator_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=assignment.application_id)
        assignment = EvaluatorAssignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.submitted_at is not None:
            raise Conflict(_("Your scores are submitted: they can no longer be changed."), code="already_submitted")
        refused = refusal(actor, application)
        if refused is not None:
            raise refused
        criteria = list(Criterion.objects.filter(call_id=application.call_id))
        _check(criteria, sheet, recommendation, submit)
        before = state(assignment)
        _store(assignment, criteria, sheet)
        assignment.recommendation = recommendation
        if submit:
            assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["recommendation", "submitted_at"])
        audit.record(actor, "assignment.scored" if submit else "assignment.saved", assignment,
                     before=before, after=state(assignment))
        if submit and not application.assignments.filter(submitted_at__isnull=True).exists():
            notify.on_commit(_tell_staff, application.pk)
    return assignment


def _check(criteria: list[Criterion], sheet: Sheet, recommendation: str, submit: bool) -> None:
    """Every refusal at once, each naming its criterion (`params`: criterion_id, part), so a form puts it beside
    the field it concerns."""
    known = {criterion.pk for criterion in criteria}
    errors = []
    if set(sheet) - known:
        errors.append(ValidationError(_("A score names a criterion this call's grid does not have."),
                                      code="unknown_criterion"))
    if recommendation and recommendation not in Recommendation.values:
        errors.append(ValidationError(_("Recommend funding the application or not."), code="recommendation"))
    for criterion in criteria:
        entry = sheet.get(criterion.pk) or Entry(None)
        if entry.value is not None:
            try:
                check_score(criterion, entry.value)
            except ValidationError as error:
                errors.append(error)
        elif submit:
            errors.append(_about(criterion, VALUE, _("%(criterion)s has no score yet."), "score_missing"))
        elif entry.comment.strip():
            errors.append(_about(criterion, VALUE, _("%(criterion)s: a draft keeps a comment with its score; "
                                                     "give the score too."), "draft_comment_without_score"))
        if submit and not entry.comment.strip():
            errors.append(_about(criterion, COMMENT, _("%(criterion)s: say why in a comment."), "comment_missing"))
    if submit and not recommendation:
        errors.append(ValidationError(_("Recommend funding the application or not."), code="recommendation"))
    if errors:
        raise ValidationError(errors)


def _store(assignment: EvaluatorAssignment, criteria: list[Criterion], sheet: Sheet) -> None:
    for criterion in criteria:
        entry = sheet.get(criterion.pk)
        if entry is None or entry.value is None:
            Score.objects.filter(assignment=assignment, criterion=criterion).delete()
        else:
            Score.objects.update_or_create(assignment=assignment, criterion=criterion,
                                           defaults={"value": entry.value, "comment": entry.comment.strip()})


def _tell_staff(application_id: int) -> None:
    """Every evaluation of the application is in: tell the staff who assigned its evaluators."""
    application = Application.objects.select_related("call").get(pk=application_id)
    users = User.objects.filter(pk__in=application.assignments.values("assigned_by"), is_active=True)
    notify.send([user for user in users if user.is_staff], "programs.evaluations_complete",
                {"application_id": application.pk, "title": application.title,
                 "count": application.assignments.count()},
                application.get_absolute_url())


def _about(criterion: Criterion, part: str, message: str, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code,
                           params={"criterion": criterion.name, "criterion_id": criterion.pk, "part": part, **params})


def _number(value: Decimal) -> str:
    return formats.number_format(value, use_l10n=True) if value.is_finite() else str(value)
