"""Who may use each organiser page: the cluster staff only. Members (participants or not) and observers get
403, anonymous visitors are sent to sign in."""

import datetime
import uuid

from django.utils import timezone

from grappe.core.tests.permission_matrix import ANONYMOUS, STAFF, STAFF_ONLY, PermissionMatrix

from grappe.events.models import Event, Meeting, Registration

from .factories import make_event, make_request, place, register

STAFF_POST = {**STAFF_ONLY, STAFF: 302}


def an_event(ctx):
    if not hasattr(ctx, "organised_event"):
        ctx.organised_event = make_event(ctx.staff, phase="scheduling")
    return ctx.organised_event


def a_meeting(ctx):
    if not hasattr(ctx, "organised_meeting"):
        event = an_event(ctx)
        request = make_request(register(event, ctx.own_user), register(event, ctx.other_member), "accepted")
        ctx.organised_meeting = place(request, 0, 1, "planned")
    return ctx.organised_meeting


def registered(event, user) -> Registration:
    """The user's registration to the event: the one another policy made on this cluster (the sweep shares one
    cluster between every page), else a new one."""
    return Registration.objects.filter(event=event, person=user.person).first() or register(event, user)


def an_unplaced_request(ctx):
    """An agreed request the schedule did not place: the organiser places it by hand."""
    if not hasattr(ctx, "unplaced_request"):
        event = an_event(ctx)
        ctx.unplaced_request = make_request(registered(event, ctx.own_admin), registered(event, ctx.other_member),
                                            "accepted")
    return ctx.unplaced_request


def event_args(ctx):
    return [an_event(ctx).pk]


def meeting_args(ctx):
    meeting = a_meeting(ctx)
    return [meeting.event_id, meeting.pk]


class TestOrganiserEvents(PermissionMatrix):
    url = "events:organiser-events"
    expect = STAFF_ONLY


class TestOrganiserEventCreate(PermissionMatrix):
    url = "events:organiser-event-create"
    expect = STAFF_ONLY


def event_form(ctx, **changes):
    """The event form as the organiser fills it: two sessions a day apart in a month, ten tables."""
    day = timezone.localdate() + datetime.timedelta(days=30)
    return {"title": "Journée B2B", "venue": "Palais des congrès", "audience": "guests",
            "registration_opens": f"{day - datetime.timedelta(days=20):%Y-%m-%d}T09:00",
            "registration_closes": f"{day - datetime.timedelta(days=5):%Y-%m-%d}T17:00", "slot_minutes": 25,
            "sessions": f"{day:%Y-%m-%d} 09:00-12:00", "table_count": 10, "form_token": uuid.uuid4(),
            **changes}


class TestOrganiserEventCreatePost(PermissionMatrix):
    url = "events:organiser-event-create"
    method = "post"
    data = staticmethod(event_form)
    expect = STAFF_POST
    audit_action = "event.created"


class TestOrganiserEventEditPost(PermissionMatrix):
    url = "events:organiser-event-edit"
    method = "post"
    args = staticmethod(event_args)
    data = staticmethod(lambda ctx: event_form(ctx, title="Journée B2B d'automne"))
    expect = STAFF_POST
    audit_action = "event.changed"
    effect = staticmethod(lambda ctx, pk: Event.objects.get(pk=pk).title)


class TestOrganiserEvent(PermissionMatrix):
    url = "events:organiser-event"
    args = staticmethod(event_args)
    expect = STAFF_ONLY


class TestOrganiserEventEdit(PermissionMatrix):
    url = "events:organiser-event-edit"
    args = staticmethod(event_args)
    expect = STAFF_ONLY


class TestOrganiserEventPhase(PermissionMatrix):
    """Back from scheduling to requests: the event has its two validated participants."""

    url = "events:organiser-event-phase"
    method = "post"
    args = staticmethod(lambda ctx: [a_meeting(ctx).event_id])
    data = staticmethod(lambda ctx: {"action": "open_requests"})
    expect = STAFF_POST
    audit_action = "event.phase"
    effect = staticmethod(lambda ctx, pk: Event.objects.get(pk=pk).phase)


class TestOrganiserRegistrations(PermissionMatrix):
    url = "events:organiser-registrations"
    args = staticmethod(event_args)
    expect = STAFF_ONLY


class TestOrganiserRegistrationsValidate(PermissionMatrix):
    url = "events:organiser-registrations"
    method = "post"
    args = staticmethod(event_args)
    data = staticmethod(lambda ctx: {"action": "validate",
                                     "registrations": [register(an_event(ctx), ctx.own_admin, "pending").pk]})
    expect = STAFF_POST
    audit_action = "registration.validated"
    effect = staticmethod(lambda ctx, pk: Registration.objects.filter(event=pk, status="validated").count())


class TestOrganiserScheduler(PermissionMatrix):
    url = "events:organiser-scheduler"
    args = staticmethod(event_args)
    expect = STAFF_ONLY


class TestOrganiserSchedulerRun(PermissionMatrix):
    url = "events:organiser-scheduler"
    method = "post"
    args = staticmethod(event_args)
    expect = STAFF_POST
    audit_action = "schedule.run_started"


class TestOrganiserRunProgress(PermissionMatrix):
    url = "events:organiser-run-progress"

    @staticmethod
    def args(ctx):
        from grappe.events.models import ScheduleRun

        run = ScheduleRun.objects.create(event=an_event(ctx), owner=ctx.staff, status="running")
        return [run.event_id, run.pk]

    expect = STAFF_ONLY


class TestOrganiserSchedule(PermissionMatrix):
    url = "events:organiser-schedule"
    args = staticmethod(lambda ctx: [a_meeting(ctx).event_id])
    expect = STAFF_ONLY


class TestOrganiserMeeting(PermissionMatrix):
    url = "events:organiser-meeting"
    args = staticmethod(meeting_args)
    expect = STAFF_ONLY


class TestOrganiserMeetingMove(PermissionMatrix):
    url = "events:organiser-meeting"
    method = "post"
    args = staticmethod(meeting_args)
    data = staticmethod(lambda ctx: {"slot": an_event(ctx).slots.get(index=2).pk,
                                     "table": an_event(ctx).tables.get(number=2).pk})
    expect = STAFF_POST
    audit_action = "meeting.moved"
    effect = staticmethod(lambda ctx, event_pk, pk: Meeting.objects.values_list("slot", "table").get(pk=pk))


class TestOrganiserMeetingCancel(PermissionMatrix):
    url = "events:organiser-meeting-cancel"
    method = "post"
    args = staticmethod(meeting_args)
    expect = STAFF_POST
    audit_action = "meeting.cancelled"
    effect = staticmethod(lambda ctx, event_pk, pk: Meeting.objects.get(pk=pk).status)


class TestOrganiserRequestPlace(PermissionMatrix):
    url = "events:organiser-request-place"
    args = staticmethod(lambda ctx: [an_event(ctx).pk, an_unplaced_request(ctx).pk])
    expect = STAFF_ONLY


class TestOrganiserRequestPlacePost(PermissionMatrix):
    url = "events:organiser-request-place"
    method = "post"
    args = staticmethod(TestOrganiserRequestPlace.args)
    data = staticmethod(lambda ctx: {"slot": an_event(ctx).slots.get(index=1).pk,
                                     "table": an_event(ctx).tables.get(number=1).pk})
    expect = STAFF_POST
    audit_action = "meeting.placed"


class TestOrganiserPrint(PermissionMatrix):
    url = "events:organiser-print"
    args = staticmethod(lambda ctx: [a_meeting(ctx).event_id])
    expect = STAFF_ONLY


class TestOrganiserPrintStart(PermissionMatrix):
    """Only published agendas are printed."""

    url = "events:organiser-print"
    method = "post"
    args = staticmethod(lambda ctx: [make_event(ctx.staff, phase="published").pk])
    expect = STAFF_POST
    audit_action = "event.print_started"


def a_print_job(ctx, status="running"):
    from grappe.events.models import PrintJob

    job = PrintJob.objects.create(event=an_event(ctx), owner=ctx.staff, status=status,
                                  pdf=b"%PDF-1.7" if status == "done" else None)
    return [job.event_id, job.pk]


class TestOrganiserPrintProgress(PermissionMatrix):
    url = "events:organiser-print-progress"
    args = staticmethod(a_print_job)
    expect = STAFF_ONLY


class TestOrganiserPrintDownload(PermissionMatrix):
    url = "events:organiser-print-download"
    args = staticmethod(lambda ctx: a_print_job(ctx, "done"))
    expect = STAFF_ONLY


class TestOrganiserExport(PermissionMatrix):
    url = "events:organiser-export"
    args = staticmethod(lambda ctx: [a_meeting(ctx).event_id, "outcomes"])
    expect = STAFF_ONLY


class TestOrganiserFollowUps(PermissionMatrix):
    url = "events:organiser-follow-ups"
    args = staticmethod(event_args)
    expect = STAFF_ONLY


# The organiser's API: the staff only; a caller without credentials gets 401.
STAFF_API = {**STAFF_ONLY, ANONYMOUS: 401}


class TestApiOrganiserRun(PermissionMatrix):
    url = "api:events-organiser-run"
    method = "post"
    args = staticmethod(event_args)
    expect = {**STAFF_API, STAFF: 202}
    audit_action = "schedule.run_started"


class TestApiOrganiserRunStatus(PermissionMatrix):
    url = "api:events-organiser-run-status"
    args = staticmethod(TestOrganiserRunProgress.args)
    expect = STAFF_API


class TestApiOrganiserMeetings(PermissionMatrix):
    url = "api:events-organiser-meetings"
    args = staticmethod(lambda ctx: [a_meeting(ctx).event_id])
    expect = STAFF_API
