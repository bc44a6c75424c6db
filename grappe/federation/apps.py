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
        # Interests across clusters (services/interests.py): the activities they travel as, what people
        # are told, and the parts that show partner clusters' items in the directory, Partnering, events
        # and labour sharing.
        from grappe.core import notify

        from . import slots
        from .notifications import KINDS
        from .services import inbox, interests

        audit.register_actions({
            "interest.asked": _("Member asked to consent to an introduction across clusters"),
        })
        inbox.register("Offer", interests.on_offer)
        inbox.register("Accept", interests.on_accept)
        inbox.register("Reject", interests.on_reject)
        notify.register_kinds(KINDS)
        slots.register_parts()

        # Shared items: changes at the origin reach partners; partners' items reach our inbox.
        from .services import received, sharing

        sharing.connect()
        received.register()
        audit.register_actions({
            "partner.delivery_retried": _("Failed deliveries to a partner cluster tried again"),
            # What a partner cluster decided, as its activities reached our inbox (services.partnerships).
            "partner.approved_by_them": _("A partner cluster approved the partnership"),
            "partner.suspended_by_them": _("A partner cluster suspended or revoked the partnership"),
            "partner.resumed_by_them": _("A partner cluster resumed the partnership"),
        })

        # Partnering across clusters: the capability profiles partners shared join our partner search.
        from . import partner_search

        partner_search.register()
