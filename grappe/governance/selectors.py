"""Reads of shared governance that more than one page or endpoint needs."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Func, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from grappe.members.models import Organisation

from . import minutes_record
from . import rules as seat_rules
from .models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Body,
    BodyKind,
    BodyMember,
    Elector,
    Meeting,
    MeetingStatus,
    MembershipState,
    Minutes,
    MinutesStatus,
    Participation,
    Proxy,
    Recusal,
    Resolution,
    Vote,
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


# --- bodies and their membership: the list, a body's page, the staff's activity overview ---

def co_chair_seats() -> Prefetch:
    """Prefetch each body's co-chairs (`body.co_chair_seats`: their seats with person and organisation)."""
    return Prefetch("members", to_attr="co_chair_seats",
                    queryset=BodyMember.objects.filter(chair_seat__isnull=False, state=MembershipState.ACTIVE)
                    .select_related("user", "organisation").order_by("chair_seat"))


def body_tree() -> tuple[list[Body], list[Body]]:
    """The running axes, each with its committees and work streams (`under`), and the bodies under no running
    axis. Each body has its count of members and its co-chairs' seats (`co_chair_seats`)."""
    found = list(bodies().prefetch_related(co_chair_seats()))
    axes = [body for body in found if body.kind == BodyKind.AXIS]
    for axis in axes:
        axis.under = [body for body in found if body.parent_id == axis.pk]
    running = {axis.pk for axis in axes}
    loose = [body for body in found if body.kind != BodyKind.AXIS and body.parent_id not in running]
    return axes, loose


def memberships_of(user) -> dict[int, BodyMember]:
    """The user's rows in every body (invited, asked, member; not those they left), by body id."""
    if not user.is_authenticated:
        return {}
    rows = BodyMember.objects.filter(user=user).exclude(state=MembershipState.LEFT)
    return {row.body_id: row for row in rows}


def members_of(body: Body) -> list[BodyMember]:
    """The body's active members, co-chairs first, with their organisation."""
    return list(body.members.filter(state=MembershipState.ACTIVE).select_related("user", "organisation")
                .order_by(F("chair_seat").asc(nulls_last=True), "user__full_name", "user__email"))


def pending_of(body: Body) -> list[BodyMember]:
    """Who is invited and who asked to join, oldest first."""
    return list(body.members.filter(state__in=[MembershipState.INVITED, MembershipState.REQUESTED])
                .select_related("user", "organisation", "invited_by").order_by("state", "created_at"))


def activity() -> list[Body]:
    """Every running body with what the staff follow: active members, meetings held in the last twelve months,
    the next meeting, open and overdue action items, the last approved minutes. One query: each figure is a
    subquery of its own, so that no join multiplies another."""
    now = timezone.now()
    meetings = Meeting.objects.filter(body=OuterRef("pk")).exclude(status=MeetingStatus.CANCELLED)
    actions = ActionItem.objects.filter(meeting__body=OuterRef("pk"), status=ActionStatus.OPEN)
    approved = Minutes.objects.filter(meeting__body=OuterRef("pk"), status=MinutesStatus.APPROVED)
    return list(bodies().annotate(
        meetings_held=_count(meetings.filter(starts_at__gte=now - datetime.timedelta(days=365), starts_at__lt=now)),
        next_meeting=Subquery(meetings.filter(starts_at__gte=now, status=MeetingStatus.SCHEDULED)
                              .order_by("starts_at").values("starts_at")[:1]),
        open_actions=_count(actions),
        overdue_actions=_count(actions.filter(due_on__lt=timezone.localdate())),
        last_minutes=Subquery(approved.order_by("-approved_at").values("approved_at")[:1]),
    ).prefetch_related(co_chair_seats()))


def _count(queryset) -> Coalesce:
    """The rows of a correlated queryset, counted in a subquery (COUNT as a plain function: no GROUP BY)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted), 0)
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


def meetings_split(body, now: datetime.datetime | None = None) -> tuple[list[Meeting], list[Meeting]]:
    """A body's meetings for its page: those still to come (scheduled, not ended), the soonest first, and the
    others (held, cancelled or ended), the latest first."""
    now = now or timezone.now()
    upcoming, past = [], []
    for meeting in meetings_of(body):
        coming = meeting.status == MeetingStatus.SCHEDULED and meeting.ends_at >= now
        (upcoming if coming else past).append(meeting)
    upcoming.reverse()
    return upcoming, past


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


# --- resolutions and votes: the list, a ballot, the turnout ---

def resolutions_for(user) -> dict[str, list]:
    """The resolutions the user may read, as the list page groups them: drafts (those they may publish), open,
    upcoming and closed."""
    found = Resolution.objects.select_related("body").order_by("closes_at")
    if not user.is_cluster_staff:
        chaired = [seat.body_id for seat in user.governance_seats.filter(chair_seat__isnull=False)
                   if seat_rules.co_chairs(user, seat.body)]
        found = found.filter(Q(published_at__isnull=False) | Q(body_id__in=chaired))
    now = timezone.now()
    groups = {"drafts": [], "open": [], "upcoming": [], "closed": []}
    for resolution in found:
        if resolution.published_at is None:
            groups["drafts"].append(resolution)
        elif resolution.counted_at or resolution.closes_at <= now:
            groups["closed"].append(resolution)
        elif resolution.opens_at > now:
            groups["upcoming"].append(resolution)
        else:
            groups["open"].append(resolution)
    groups["closed"].reverse()
    return groups


def body_resolutions(body, user) -> dict[str, list]:
    """The body's resolutions the user may read, for its page: those open or to come, and those closed."""
    groups = {"open": [], "closed": []}
    now = timezone.now()
    for resolution in Resolution.objects.filter(body=body).select_related("body").order_by("-closes_at"):
        if user.has_perm("governance.view_resolution", resolution):
            closed = resolution.counted_at is not None or resolution.closes_at <= now
            groups["closed" if closed else "open"].append(resolution)
    return groups


def ballot(user, resolution) -> list[dict]:
    """What the user may cast on the resolution: their organisation's vote, then each organisation whose proxy it
    holds. Each: organisation, by_proxy, voted (bool), option (the open ballot's current choice), cast_by, and
    holder (when their organisation gave its proxy)."""
    if not seat_rules.is_authorised_voter(user, resolution):
        return []
    own = user.organisation
    entries = []
    if Elector.objects.filter(resolution=resolution, organisation=own).exists():
        given = Proxy.objects.filter(resolution=resolution, grantor=own).select_related("holder").first()
        entries.append({"organisation": own, "by_proxy": False, "holder": given.holder if given else None})
    for proxy in Proxy.objects.filter(resolution=resolution, holder=own).select_related("grantor"):
        entries.append({"organisation": proxy.grantor, "by_proxy": True, "holder": None})
    ids = [entry["organisation"].pk for entry in entries]
    if resolution.secret:
        voted = set(Participation.objects.filter(resolution=resolution, organisation__in=ids)
                    .values_list("organisation", flat=True))
        votes = {}
    else:
        votes = {v.organisation_id: v for v in Vote.objects.filter(resolution=resolution, organisation__in=ids)
                 .select_related("option", "cast_by")}
        voted = set(votes)
    for entry in entries:
        vote = votes.get(entry["organisation"].pk)
        entry.update(voted=entry["organisation"].pk in voted, option=vote.option if vote else None,
                     cast_by=vote.cast_by if vote else None)
    return entries


def turnout(resolution) -> dict:
    """How many elector organisations voted so far, of how many (shown while voting is open: never the counts)."""
    electors = resolution.electors.count()
    voted = (Participation if resolution.secret else Vote).objects.filter(resolution=resolution).count()
    return {"voted": voted, "electors": electors, "percent": round(100 * voted / electors) if electors else 0}


def proxy_holders(resolution, user) -> list:
    """The elector organisations the user's organisation may give its proxy to (every other elector; the service
    says why one is refused)."""
    return list(Organisation.objects.filter(pk__in=resolution.electors.values("organisation"))
                .exclude(pk=user.organisation.pk).order_by("legal_name"))
