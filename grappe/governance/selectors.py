"""Reads of shared governance that more than one page or endpoint needs."""

from django.db.models import Count, Q, QuerySet

from .models import Body, BodyKind, MembershipState


def bodies() -> QuerySet[Body]:
    """The bodies still running, axes first, each with its count of active members."""
    return (Body.objects.filter(archived_at__isnull=True)
            .annotate(member_count=Count("members", filter=Q(members__state=MembershipState.ACTIVE)))
            .select_related("parent")
            .order_by("kind", "name_fr"))


def bodies_by_kind() -> list[tuple[str, list[Body]]]:
    """The bodies still running, grouped by kind in the order the cluster presents them: axes, committees, work
    streams."""
    found = list(bodies())
    return [(label, [body for body in found if body.kind == kind])
            for kind, label in BodyKind.choices if any(body.kind == kind for body in found)]
