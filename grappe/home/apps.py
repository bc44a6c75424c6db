from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "grappe.home"
    label = "home"
    verbose_name = _("Home")

    def ready(self):
        from grappe.core import audit

        from . import request_subjects

        request_subjects.register()

        audit.register_actions({
            "demo.generated": _("Demonstration data generated"),
        })
