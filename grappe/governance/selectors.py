"""Reads of shared governance that more than one page or endpoint needs."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models import Exists, OuterRef

from . import minutes_record
from .models import Body, BodyKind, MembershipState
from .models import Minutes, MinutesStatus


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


# Minutes: the versions a reader may see, and the approved minutes with their decisions (a body's page, the
# cluster's decisions page).

def minutes_versions(meeting, user) -> list[Minutes]:
    """The versions of the meeting's minutes the user may read, the latest first."""
    versions = Minutes.objects.filter(meeting=meeting).select_related("meeting__body", "approved_by")
    return [minutes for minutes in versions.order_by("-version") if user.has_perm("governance.view_minutes", minutes)]


def approved_minutes(body: Body | None = None) -> QuerySet[Minutes]:
    """The approved minutes in force, one per meeting (a later approved version replaces an earlier one), the most
    recent meeting first; of one body, or of all."""
    later = Minutes.objects.filter(meeting=OuterRef("meeting"), status=MinutesStatus.APPROVED,
                                   version__gt=OuterRef("version"))
    found = (Minutes.objects.filter(status=MinutesStatus.APPROVED).exclude(Exists(later))
             .select_related("meeting__body").order_by("-meeting__starts_at", "-pk"))
    return found.filter(meeting__body=body) if body is not None else found


@dataclass
class MinutesEntry:
    """An approved version as a list shows it: its frozen content read in the active language (the meeting's
    moment, the body's name) and the decisions it records (item number, item title, text)."""

    minutes: Minutes
    document: minutes_record.Document
    decisions: list[tuple[int, str, str]]


def minutes_entries(minutes_list) -> list[MinutesEntry]:
    return [MinutesEntry(minutes, minutes_record.read(minutes.content), minutes_record.decisions(minutes.content))
            for minutes in minutes_list]


def body_minutes(body: Body, limit: int = 10) -> list[MinutesEntry]:
    """A body's latest approved minutes with their decisions, for its page (governance/_body_minutes.html)."""
    return minutes_entries(approved_minutes(body)[:limit])
