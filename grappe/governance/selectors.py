"""Reads of shared governance that more than one page or endpoint needs."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from .models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Body,
    BodyKind,
    BodyMember,
    Meeting,
    MembershipState,
    Recusal,
)
from .rules import seat_of


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


# Meetings, agenda, record and action items.

def members_sitting(body) -> list[BodyMember]:
    """The body's members whose rights hold today (rules.seat_of): invited to its meetings, listed in its
    attendance, offered as presenters and owners. Ordered by name."""
    seats = (BodyMember.objects.filter(body=body, state=MembershipState.ACTIVE)
             .select_related("user__person__organisation", "organisation"))
    sitting = [seat for seat in seats if seat_of(seat.user, body) is not None]
    return sorted(sitting, key=lambda seat: str(seat.user).casefold())


def meetings_of(body) -> QuerySet[Meeting]:
    return body.meetings.annotate(item_count=Count("items")).order_by("-starts_at")


@dataclass(frozen=True)
class PlannedItem:
    item: AgendaItem
    starts_at: datetime.datetime
    ends_at: datetime.datetime


def agenda(meeting: Meeting) -> list[PlannedItem]:
    """The meeting's items in order, each with the time it is planned for (one after the other from the start),
    with their presenter, documents, recusals, decisions and actions."""
    items = (meeting.items.select_related("presenter")
             .prefetch_related("documents", "decisions",
                               Prefetch("recusals", queryset=Recusal.objects.select_related("user")),
                               Prefetch("actions", queryset=ActionItem.objects.select_related("owner"))))
    planned, moment = [], meeting.starts_at
    for item in items:
        end = moment + datetime.timedelta(minutes=item.duration_minutes)
        planned.append(PlannedItem(item, moment, end))
        moment = end
    return planned


def total_minutes(meeting: Meeting) -> int:
    return meeting.items.aggregate(total=Sum("duration_minutes"))["total"] or 0


def is_recused(user, item: AgendaItem) -> bool:
    """Whether the person declared (or a co-chair recorded) a conflict of interest on the item: they do not vote
    on its resolutions."""
    return user is not None and user.is_authenticated and Recusal.objects.filter(item=item, user=user).exists()


def my_actions(user) -> QuerySet[ActionItem]:
    """The action items the user owns, in every body, open ones first by due date. A person who left the body's
    organisation still sees theirs (rules.complete_action says whether they still act on them)."""
    return (ActionItem.objects.filter(owner=user).select_related("meeting__body", "item")
            .order_by("status", "due_on", "pk"))


def body_actions(body) -> QuerySet[ActionItem]:
    return (ActionItem.objects.filter(meeting__body=body).select_related("meeting", "item", "owner")
            .order_by("status", "due_on", "pk"))


def is_overdue(action: ActionItem, today: datetime.date | None = None) -> bool:
    return action.status == ActionStatus.OPEN and action.due_on < (today or timezone.localdate())
