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
        audit.register_actions({})
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
