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

        # The staff administrators are told of failed background tasks and of mail given up (services/alerts.py).
        from django_tasks.signals import task_finished

        from grappe.core import notify
        from grappe.core.signals import mail_failed

        from .notifications import KINDS
        from .services import alerts

        notify.register_kinds(KINDS)
        task_finished.connect(alerts.on_task_finished, dispatch_uid="grappe.operations.task_failed")
        mail_failed.connect(alerts.on_mail_failed, dispatch_uid="grappe.operations.mail_failed")
