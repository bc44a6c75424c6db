"""Reads of shared governance that more than one page or endpoint needs."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from grappe.members.models import Organisation

from . import rules as seat_rules
from .models import Body, BodyKind, Elector, MembershipState, Participation, Proxy, Resolution, Vote


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


# Resolutions and votes ----------------------------------------------------------------------------------------

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
