from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "grappe.governance"
    label = "governance"
    verbose_name = _("Shared governance")

    def ready(self):
        from grappe.core import audit, notify

        from .notifications import KINDS

        notify.register_kinds(KINDS)
        # Bodies and their membership (services/bodies.py, services/membership.py).
        audit.register_actions({
            "body.archived": _("Body archived"),
            "body.changed": _("Body changed"),
            "body.co_chair_appointed": _("Co-chair appointed"),
            "body.created": _("Body created"),
            "body.invitation_accepted": _("Invitation to a body accepted"),
            "body.invitation_declined": _("Invitation to a body declined"),
            "body.join_requested": _("Asked to join a body"),
            "body.joined": _("Joined a body"),
            "body.left": _("Left a body"),
            "body.member_invited": _("Invited to a body"),
            "body.member_removed": _("Removed from a body"),
            "body.request_accepted": _("Request to join a body accepted"),
            "body.request_refused": _("Request to join a body refused"),
        })
        audit.register_actions(MINUTES_ACTIONS)
        # Meetings, agenda, record and action items.
        audit.register_actions({
            "meeting.scheduled": _("Meeting scheduled"),
            "meeting.changed": _("Meeting changed"),
            "meeting.cancelled": _("Meeting cancelled"),
            "meeting.record_saved": _("Meeting record saved"),
            "meeting.held": _("Meeting held"),
            "agenda.item_added": _("Agenda item added"),
            "agenda.item_changed": _("Agenda item changed"),
            "agenda.item_removed": _("Agenda item removed"),
            "agenda.reordered": _("Agenda reordered"),
            "agenda.document_added": _("Document attached to the agenda"),
            "agenda.document_removed": _("Document removed from the agenda"),
            "recusal.declared": _("Conflict of interest declared"),
            "recusal.withdrawn": _("Conflict of interest withdrawn"),
            "action.done": _("Action done"),
            "action.reopened": _("Action reopened"),
            "action.reminders_sent": _("Action reminders sent"),
        })
        # Resolutions and votes (services/resolutions.py, services/votes.py).
        audit.register_actions({
            "proxy.given": _("Proxy given"),
            "proxy.withdrawn": _("Proxy withdrawn"),
            "resolution.counted": _("Resolution counted"),
            "resolution.drafted": _("Resolution drafted"),
            "resolution.published": _("Resolution published to its electors"),
            "vote.cast": _("Organisation’s vote cast"),
            "vote.changed": _("Organisation’s vote changed"),
        })


# The minutes (services/minutes.py).
MINUTES_ACTIONS = {
    "minutes.generated": _("Minutes generated (a new version)"),
    "minutes.regenerated": _("Draft minutes generated again from the record"),
    "minutes.circulated": _("Minutes circulated for comments"),
    "minutes.commented": _("Minutes commented"),
    "minutes.approved": _("Minutes approved"),
}
