"""Reads of shared governance that more than one page or endpoint needs."""

import datetime

from django.db.models import Count, F, Func, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from grappe.members.models import Organisation

from . import rules as seat_rules
from .models import (
    ActionItem,
    ActionStatus,
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
    Resolution,
    Vote,
)


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
