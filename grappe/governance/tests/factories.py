"""Governance objects for tests: a body with its two co-chairs; a held meeting with its record; a resolution put to
the vote."""

import datetime
from decimal import Decimal

from django.utils import timezone

from grappe.governance.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    BodyMember,
    ChairSeat,
    Decision,
    Elector,
    Meeting,
    MeetingStatus,
    MembershipState,
    Recusal,
    Resolution,
    ResolutionOption,
)
from grappe.governance.services import resolutions


def make_body(kind=BodyKind.COMMITTEE, name="Comité environnement", *, parent=None, **fields) -> Body:
    return Body.objects.create(kind=kind, parent=parent, name_fr=name, name_en=fields.pop("name_en", name), **fields)


def seat(body, user, *, chair_seat=None, state=MembershipState.ACTIVE) -> BodyMember:
    """The user's seat in the body: a member organisation's person sits for their current organisation."""
    organisation = None if user.is_cluster_staff else user.organisation
    return BodyMember.objects.create(body=body, user=user, organisation=organisation, state=state,
                                     chair_seat=chair_seat)


def co_chaired(body, staff_user, industry_user) -> Body:
    seat(body, staff_user, chair_seat=ChairSeat.STAFF)
    seat(body, industry_user, chair_seat=ChairSeat.INDUSTRY)
    return body


def meeting_with_record(body, *, people, days_ago=7, items=3, title="Réunion ordinaire", **fields) -> Meeting:
    """A held meeting `days_ago` days back: everyone of `people` present but the last (excused), `items` agenda
    items presented in turn by them, each with notes and a decision; a recusal of the first person on item 1; an
    action per item owned in turn by them, and one not tied to an item."""
    starts = timezone.now().replace(hour=18, minute=0, second=0, microsecond=0) - datetime.timedelta(days=days_ago)
    meeting = Meeting.objects.create(body=body, title=title, starts_at=starts,
                                     ends_at=starts + datetime.timedelta(hours=2), place="Salle du conseil, Montréal",
                                     status=MeetingStatus.HELD, **fields)
    for n, person in enumerate(people):
        status = AttendanceStatus.EXCUSED if n == len(people) - 1 and len(people) > 1 else AttendanceStatus.PRESENT
        Attendance.objects.create(meeting=meeting, user=person, organisation=person.organisation, status=status)
    for n in range(items):
        presenter = people[n % len(people)]
        item = AgendaItem.objects.create(meeting=meeting, position=n + 1, title=f"Point {n + 1}", presenter=presenter,
                                         notes=f"Notes du point {n + 1}.")
        Decision.objects.create(item=item, text=f"Décision {n + 1} adoptée.")
        ActionItem.objects.create(meeting=meeting, item=item, description=f"Action du point {n + 1}",
                                  owner=presenter, due_on=timezone.localdate() + datetime.timedelta(days=30 + n))
    first = meeting.items.order_by("position").first()
    if first is not None:
        Recusal.objects.create(item=first, user=people[0], reason="fournisseur du projet", recorded_by=people[0])
    ActionItem.objects.create(meeting=meeting, description="Diffuser le compte rendu", owner=people[0],
                              due_on=timezone.localdate() + datetime.timedelta(days=7))
    return meeting


def make_resolution(body=None, *, secret=False, quorum="50", majority="simple", max_proxies=1, opens_in=-1,
                    closes_in=24, published=True, item=None, options=None, **fields):
    """A resolution (to `body`, or the whole membership) with For/Against/Abstain, open now by default (opened an
    hour ago, closing in a day), published through the service's electorate."""
    now = timezone.now()
    resolution = Resolution.objects.create(
        body=body, item=item, title_fr=fields.pop("title_fr", "Adopter la feuille de route"),
        title_en=fields.pop("title_en", "Adopt the roadmap"), text_fr="Texte.", text_en="Text.",
        opens_at=now + datetime.timedelta(hours=opens_in), closes_at=now + datetime.timedelta(hours=closes_in),
        quorum_percent=Decimal(quorum), majority=majority, secret=secret, max_proxies=max_proxies, **fields)
    for position, option in enumerate(options or resolutions.default_options()):
        ResolutionOption.objects.create(resolution=resolution, position=position, **option)
    if published:
        Elector.objects.bulk_create(Elector(resolution=resolution, organisation_id=pk)
                                    for pk in resolutions.electorate(resolution))
        resolution.published_at = now
        resolution.save(update_fields=["published_at"])
    return resolution


def option(resolution, label_en):
    return resolution.options.get(label_en=label_en)
