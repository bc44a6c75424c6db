from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "grappe.federation"
    label = "federation"
    verbose_name = _("Cooperation between clusters")

    def ready(self):
        from grappe.core import audit

        audit.register_actions({
            "partner.approved": _("Partner cluster approved"),
            "partner.suspended": _("Partnership suspended"),
            "partner.resumed": _("Partnership resumed"),
            "partner.revoked": _("Partnership revoked"),
            "partner.kinds_changed": _("What travels to a partner cluster changed"),
            "item.shared": _("Item shared with partner clusters"),
            "item.unshared": _("Item no longer shared with partner clusters"),
            "interest.sent": _("Interest sent to a partner cluster"),
            "interest.received": _("Interest received from a partner cluster"),
            "interest.introduced": _("Introduction made across clusters"),
            "interest.declined": _("Interest across clusters declined"),
        })
        # What a partner cluster decided, as its activities reached our inbox (services.partnerships).
        audit.register_actions({
            "partner.approved_by_them": _("A partner cluster approved the partnership"),
            "partner.suspended_by_them": _("A partner cluster suspended or revoked the partnership"),
            "partner.resumed_by_them": _("A partner cluster resumed the partnership"),
        })
