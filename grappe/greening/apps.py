from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GreeningConfig(AppConfig):
    name = "grappe.greening"
    label = "greening"
    verbose_name = _("Greening")

    def ready(self):
        from grappe.core import audit, notify

        from .notifications import KINDS

        notify.register_kinds(KINDS)
        audit.register_actions({
            "baseline.saved": _("Emissions baseline saved"),
            "baseline.reported": _("Emissions baseline reported"),
            "baseline.recomputed": _("Emissions baselines recomputed"),
            "commitment.made": _("Greening commitment made"),
            "commitment.withdrawn": _("Greening commitment withdrawn"),
            "factors.published": _("Emission factors published"),
            "initiative.created": _("Shared initiative started"),
            "initiative.joined": _("Shared initiative joined"),
            "initiative.left": _("Shared initiative left"),
            "factors.made_current": _("Emission factor set made current"),
        })
