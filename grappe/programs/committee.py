"""The staff's reading of a call between submission and money: its applications with their screening and the
progress of their evaluation, the ranked list of the evaluated ones, the decision summary for the committee,
and an application's history. Reads only (the writes are services/committee.py); the figures come from
matching.committee (weighted scores out of 100, mean, spread, agreement, ranking against the envelope).

Every evaluator's scores are here: these reads are for the staff only (programs.manage_program), never for an
evaluator, who must not see the others' scores before submitting their own. A member of the staff may evaluate
too: the applications they have yet to score are left out of what they read (`viewer`), with their scores,
until they submit theirs.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from grappe.core import selectors as core_selectors
from grappe.core.models import AuditEntry
from matching import committee as figures

from . import pending
from .conflicts import conflict_pairs
from .eligibility import Reason
from .models import (
    Application,
    ApplicationStatus,
    ApplicationVersion,
    Call,
    Commitment,
    ConsortiumMember,
    Criterion,
    Decision,
    Disbursement,
    EvaluatorAssignment,
    Recommendation,
    Score,
)
from .services.applications import REOPENABLE
from .services.evaluation import TO_EVALUATE

# Applications the committee ranks: under evaluation, or decided after one.
RANKED_STATUSES = (ApplicationStatus.UNDER_REVIEW, ApplicationStatus.FUNDED, ApplicationStatus.DECLINED)


@dataclass
class ScreeningRow:
    """An application of the call as the staff screen it and follow its evaluation."""

    application: Application
    reasons: list[Reason]
    assigned: int
    evaluated: int

    @property
    def may_screen(self) -> bool:
        return self.application.status == ApplicationStatus.SUBMITTED

    @property
    def may_override(self) -> bool:
        return self.application.status in REOPENABLE


def screening_rows(call: Call) -> list[ScreeningRow]:
    """The call's submitted applications (drafts are the applicant's), with their eligibility reasons and how
    many of their evaluations are assigned and submitted."""
    return _screening(Application.objects.filter(call=call).exclude(
        status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN]))


def screening_row(application: Application) -> ScreeningRow:
    return _screening(Application.objects.filter(pk=application.pk))[0]


def _screening(applications: QuerySet) -> list[ScreeningRow]:
    applications = (applications.select_related("lead")
                    .annotate(assigned=Count("assignments"),
                              evaluated=Count("assignments", filter=Q(assignments__submitted_at__isnull=False)))
                    .order_by("status", "title", "pk"))
    return [ScreeningRow(a, [Reason.from_json(r) for r in a.eligibility_reasons], a.assigned, a.evaluated)
            for a in applications]


@dataclass(frozen=True)
class Progress:
    submitted: int
    assigned: int

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


def progress(rows: list[ScreeningRow]) -> Progress:
    """The call's evaluations: submitted out of assigned."""
    return Progress(sum(row.evaluated for row in rows), sum(row.assigned for row in rows))


@dataclass(frozen=True)
class EvaluatorLine:
    """One evaluator's submitted evaluation of an application: a value per criterion (the grid's order; None
    when unscored), the weighted score out of 100, the recommendation."""

    evaluator: object
    values: list[Decimal | None]
    score: Decimal
    recommendation: str

    @property
    def recommendation_label(self) -> str:
        return Recommendation(self.recommendation).label if self.recommendation else ""


@dataclass(frozen=True)
class RankedApplication:
    application: Application
    row: figures.Row
    evaluations: list[EvaluatorLine]
    decision: Decision | None
    set_aside: tuple = ()  # evaluators now in conflict with the application: their scores are not counted

    @property
    def may_decide(self) -> bool:
        return self.decision is None and self.application.status in TO_EVALUATE


@dataclass(frozen=True)
class Ranking:
    """A call's evaluated applications ranked, with the program's money: `asked` is what the applications still
    to decide ask, set against `remaining` (the envelope not yet committed)."""

    call: Call
    criteria: list[Criterion]
    rows: list[RankedApplication]
    asked: Decimal
    withheld: list[Application]
    large_spread: Decimal = figures.LARGE_SPREAD

    @property
    def program(self):
        return self.call.program

    @property
    def total_asked(self) -> Decimal:
        """What every ranked application asks, decided or not."""
        return sum((row.application.amount_requested for row in self.rows), Decimal("0.00"))

    @property
    def to_decide(self) -> list[RankedApplication]:
        return [row for row in self.rows if row.may_decide]


def ranking(call: Call, viewer=None) -> Ranking:
    """The call's applications with at least one submitted evaluation, ranked by matching.committee. Those the
    viewer is assigned to and has not scored yet are `withheld`: not ranked, their scores not read."""
    call = Call.objects.select_related("program").get(pk=call.pk)
    unscored = pending.yet_to_score(viewer, Application.objects.filter(call=call)) if viewer is not None else set()
    criteria = list(call.criteria.all())
    submitted = (EvaluatorAssignment.objects.filter(submitted_at__isnull=False)
                 .select_related("evaluator").prefetch_related("scores")
                 .order_by("pk"))
    applications = list(Application.objects.filter(call=call, status__in=RANKED_STATUSES)
                        .filter(assignments__submitted_at__isnull=False).distinct()
                        .select_related("lead", "decision")
                        .prefetch_related(Prefetch("assignments", submitted, to_attr="evaluations")))
    withheld = [a for a in applications if a.pk in unscored]
    applications = [a for a in applications if a.pk not in unscored]
    # An evaluator in conflict since their assignment (declared, or through Partnering): set aside, not counted.
    conflicts = conflict_pairs(applications, {e.evaluator_id for a in applications for e in a.evaluations})
    set_aside = {}
    for application in applications:
        set_aside[application.pk] = tuple(e.evaluator for e in application.evaluations
                                          if (e.evaluator_id, application.pk) in conflicts)
        application.evaluations = [e for e in application.evaluations
                                   if (e.evaluator_id, application.pk) not in conflicts]
    applications = [a for a in applications if a.evaluations]
    grid = [figures.Criterion(c.pk, c.weight, c.max_score) for c in criteria]
    candidates = [figures.Candidate(a.pk, a.amount_requested, tuple(
        figures.Evaluation(e.evaluator_id, {s.criterion_id: s.value for s in e.scores.all()}, e.recommendation)
        for e in a.evaluations)) for a in applications]
    by_pk = {a.pk: a for a in applications}
    undecided = {a.pk for a in applications if _decision(a) is None}
    rows = figures.rank(candidates, grid, passing_score=call.passing_score, remaining=call.program.remaining,
                        counted=undecided.__contains__)
    ranked = [RankedApplication(by_pk[row.key], row, _lines(by_pk[row.key], criteria, row),
                                _decision(by_pk[row.key]), set_aside[row.key]) for row in rows]
    asked = sum((by_pk[pk].amount_requested for pk in undecided), Decimal("0.00"))
    return Ranking(call, criteria, ranked, asked, withheld)


def _decision(application: Application) -> Decision | None:
    try:
        return application.decision
    except Decision.DoesNotExist:
        return None


def _lines(application: Application, criteria: list[Criterion], row: figures.Row) -> list[EvaluatorLine]:
    lines = []
    for evaluation, (_evaluator, score) in zip(application.evaluations, row.scores, strict=True):
        values = {s.criterion_id: s.value for s in evaluation.scores.all()}
        lines.append(EvaluatorLine(evaluation.evaluator, [values.get(c.pk) for c in criteria], score,
                                   evaluation.recommendation))
    return lines


def history(application: Application) -> list[core_selectors.ReadableEntry]:
    """The audit entries of the application and of its rows (consortium, versions, evaluations and scores,
    decision, commitment, payments), oldest first, in words as the audit page says them. An assignment
    removed since is found by the application its snapshot names."""
    return core_selectors.readable_entries(history_entries(application).order_by("created_at", "pk"))


def history_entries(application: Application) -> QuerySet:
    pk = application.pk

    def ids(model, **lookup) -> Q:
        return Q(target_type=model._meta.label_lower,
                 target_id__in=[str(i) for i in model.objects.filter(**lookup).values_list("pk", flat=True)])

    assignment = EvaluatorAssignment._meta.label_lower
    return AuditEntry.objects.filter(
        Q(target_type=Application._meta.label_lower, target_id=str(pk))
        | ids(EvaluatorAssignment, application=pk)
        | Q(target_type=assignment, before__application=pk) | Q(target_type=assignment, after__application=pk)
        | ids(Score, assignment__application=pk)
        | ids(Decision, application=pk)
        | ids(Commitment, application=pk)
        | ids(Disbursement, commitment__application=pk)
        | ids(ConsortiumMember, application=pk)
        | ids(ApplicationVersion, application=pk))
