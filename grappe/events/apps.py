from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "grappe.events"
    label = "events"
    verbose_name = _("Matchmaking events")

    def ready(self):
        from grappe.core import audit, notify

        from .notifications import KINDS

        notify.register_kinds(KINDS)

        audit.register_actions({
            "event.availability_changed": _("Availability changed"),
            "event.created": _("Event created"),
            "event.guest_confirmed": _("Guest confirmed"),
            "event.guest_registered": _("Guest registered"),
            "event.meeting_outcome": _("Meeting outcome recorded"),
            "event.phase": _("Event phase changed"),
            "event.print_started": _("Printing started"),
            "event.profile_changed": _("Event profile changed"),
            "event.published": _("Event published"),
            "event.registered": _("Registered for the event"),
            "event.registration_cancelled": _("Registration cancelled"),
            "event.registration_reopened": _("Registration reopened"),
            "event.request_declined": _("Meeting request declined"),
            "event.request_sent": _("Meeting request sent"),
            "event.request_withdrawn": _("Meeting request withdrawn"),
            "meeting.cancelled": _("Meeting cancelled"),
            "meeting.moved": _("Meeting moved"),
            "meeting.placed": _("Meeting placed"),
            "registration.validated": _("Registration validated"),
            "schedule.applied": _("Schedule applied"),
            "schedule.run_started": _("Scheduler run started"),
        })
