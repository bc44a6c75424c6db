from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PartneringConfig(AppConfig):
    name = "grappe.partnering"
    label = "partnering"
    verbose_name = _("Partnering")

    def ready(self):
        from grappe.core import audit, notify

        from .notifications import KINDS

        notify.register_kinds(KINDS)

        audit.register_actions({
            "introduction.message": _("Introduction message sent"),
            "introduction.requested": _("Introduction requested"),
            "need.changed": _("Need changed"),
            "need.declared": _("Need declared"),
            "need.withdrawn": _("Need withdrawn"),
            "opportunity.closed": _("Opportunity closed"),
            "opportunity.created": _("Opportunity created"),
            "opportunity.needs_confirmed": _("Opportunity needs confirmed"),
            "opportunity.published": _("Opportunity published"),
            "opportunity.rules_changed": _("Opportunity rules changed"),
            "succession.changed": _("Succession changed"),
            "succession.raised": _("Succession raised"),
            "succession.withdrawn": _("Succession withdrawn"),
        })

        from grappe.members.models import Certification, Organisation, OrganisationCapability

        from . import engine
        from .models import DeclaredNeed

        # Every change to what the partner index holds must reach it (engine.py says how).
        for model in (Organisation, OrganisationCapability, Certification, DeclaredNeed):
            post_save.connect(engine.cluster_changed, sender=model, dispatch_uid=f"partnering-{model.__name__}")
            post_delete.connect(engine.cluster_changed, sender=model, dispatch_uid=f"partnering-{model.__name__}-d")
