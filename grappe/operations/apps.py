from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running Grappe for real: backups and restores, health for a monitor, the staff's system page."""

    name = "grappe.operations"
    label = "operations"
    verbose_name = _("Operations")

    def ready(self):
        from grappe.core import audit

        audit.register_actions({
            "backup.made": _("Backup made"),
            "backup.restored": _("Backup restored"),
            "task.retried": _("Failed background task queued again"),
            "task.discarded": _("Failed background task discarded"),
        })
