from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PartneringConfig(AppConfig):
    name = "grappe.partnering"
    label = "partnering"
    verbose_name = _("Partnering")

    def ready(self):
        from grappe.members.models import Certification, OrganisationCapability

        from . import engine
        from .models import DeclaredNeed

        # An in-place change (a level, an evidence, a need withdrawn) must reach the cached partner index.
        for model in (OrganisationCapability, Certification, DeclaredNeed):
            post_save.connect(engine.touch_organisation, sender=model, dispatch_uid=f"partnering-{model.__name__}")
            post_delete.connect(engine.touch_organisation, sender=model, dispatch_uid=f"partnering-{model.__name__}-d")
