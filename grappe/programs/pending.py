"""Which applications a user still has to score: assigned to them, their evaluation not submitted. Until they
submit it, the others' scores, comments and recommendations on those applications are not theirs to read (the
rule programs.view_scores, the ranking, the decision summary page and PDF, the history and the audit log)."""

from collections.abc import Iterable

from django.db.models import Q

from .models import EvaluatorAssignment

ASSIGNMENT = EvaluatorAssignment._meta.label_lower


def yet_to_score(user, applications: Iterable | None = None) -> set[int]:
    """The ids of the applications (of those given, a queryset or ids; else of all) the user is assigned to and
    has not submitted their evaluation of. One query."""
    if user is None or not user.is_authenticated:
        return set()
    assignments = EvaluatorAssignment.objects.filter(evaluator=user, submitted_at__isnull=True)
    if applications is not None:
        assignments = assignments.filter(application__in=applications)
    return set(assignments.values_list("application_id", flat=True))


def hidden_audit_entries(reader) -> Q | None:
    """The audit entries the reader may not read yet (grappe.core.audit.register_entry_filter): those of the
    other evaluators' assignments (saved and submitted scores, comments, recommendations; an assignment removed
    since is found by its snapshot) on the applications the reader still has to score."""
    pending = yet_to_score(reader)
    if not pending:
        return None
    others = (EvaluatorAssignment.objects.filter(application__in=pending).exclude(evaluator=reader)
              .values_list("pk", flat=True))
    removed = Q()
    for field in ("before", "after"):
        removed |= (Q(**{f"{field}__application__in": list(pending)})
                    & ~Q(**{f"{field}__evaluator": reader.pk}))
    return Q(target_type=ASSIGNMENT) & (Q(target_id__in=[str(pk) for pk in others]) | removed)
