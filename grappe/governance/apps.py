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
        from .services.votes import AUDIT_ACTIONS as VOTE_ACTIONS

        audit.register_actions(VOTE_ACTIONS)
