"""A meeting's record written directly with the models (as the co-chairs' pages will write it during the meeting),
and the minutes' objects of the permission matrix.

`meeting_with_record` makes a past meeting of a body with its attendance, agenda items (presenter, notes), a
decision, a recusal and action items. `minutes_objects(ctx)` adds to the matrix's cluster a committee co-chaired by
a second staff member and CO_CHAIR (a person of organisation E), with BODY_MEMBER (of E too) as a member, and four
past meetings: one with approved minutes, one circulated, one with a draft, one without minutes. It is built once
per cluster and kept on it, so that the matrix's tests and the browser sweep (which knows only the matrix's
`ctx`) find the same objects.
"""

import datetime

from django.utils import timezone

from grappe.conftest import make_member, make_organisation, make_staff
from grappe.governance.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    ChairSeat,
    Decision,
    Meeting,
    MeetingStatus,
    Recusal,
)
from grappe.governance.services import minutes as minutes_services

from .factories import make_body, seat

CO_CHAIR = "co_chair"
BODY_MEMBER = "body_member"


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


def minutes_objects(ctx):
    """The minutes' objects of the matrix's cluster (see the module's doc), made on first use."""
    if getattr(ctx, "minutes_body", None) is not None:
        return ctx
    org_e = make_organisation("Echo Aerostructures", neq="5151515151")
    ctx.co_chair = getattr(ctx, CO_CHAIR, None) or make_member(org_e, "cochair@echo.test")
    ctx.body_member = getattr(ctx, BODY_MEMBER, None) or make_member(org_e, "member@echo.test")
    staff_chair = make_staff("minutes-chair@grappe.test")
    body = make_body(name="Comité environnement (procès-verbaux)", name_en="Environment committee (minutes)")
    seat(body, staff_chair, chair_seat=ChairSeat.STAFF)
    seat(body, ctx.co_chair, chair_seat=ChairSeat.INDUSTRY)
    seat(body, ctx.body_member)
    people = [ctx.co_chair, ctx.body_member, staff_chair]
    ctx.minutes_body = body
    ctx.approved_meeting = meeting_with_record(body, people=people, days_ago=60)
    ctx.approved_minutes = minutes_services.generate_minutes(ctx.approved_meeting, staff_chair)
    ctx.circulated_meeting = meeting_with_record(body, people=people, days_ago=30)
    ctx.circulated_minutes = minutes_services.generate(actor=staff_chair, meeting=ctx.circulated_meeting)
    minutes_services.circulate(actor=staff_chair, minutes=ctx.circulated_minutes)
    ctx.draft_meeting = meeting_with_record(body, people=people, days_ago=14)
    ctx.draft_minutes = minutes_services.generate(actor=staff_chair, meeting=ctx.draft_meeting)
    ctx.unminuted_meeting = meeting_with_record(body, people=people, days_ago=2)
    return ctx
