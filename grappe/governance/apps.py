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
        audit.register_actions(MINUTES_ACTIONS)


# The minutes (services/minutes.py).
MINUTES_ACTIONS = {
    "minutes.generated": _("Minutes generated (a new version)"),
    "minutes.regenerated": _("Draft minutes generated again from the record"),
    "minutes.circulated": _("Minutes circulated for comments"),
    "minutes.commented": _("Minutes commented"),
    "minutes.approved": _("Minutes approved"),
}
