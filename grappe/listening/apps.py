from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListeningConfig(AppConfig):
    name = "grappe.listening"
    label = "listening"
    verbose_name = _("Listening")

    def ready(self):
        from grappe.core import audit, notify

        from .notifications import KINDS

        notify.register_kinds(KINDS)

        audit.register_actions({
            "brief.created": _("Brief created"),
            "brief.published": _("Brief published"),
            "brief.recommendations_edited": _("Brief recommendations edited"),
            "brief.refreshed": _("Brief refreshed"),
            "need.responded": _("Need answered"),
            "need.submitted": _("Need submitted"),
            "survey.changed": _("Survey changed"),
            "survey.created": _("Survey created"),
            "survey.invitations_sent": _("Survey invitations sent"),
            "survey.question_added": _("Survey question added"),
            "survey.question_changed": _("Survey question changed"),
            "survey.question_removed": _("Survey question removed"),
            "survey.questions_reordered": _("Survey questions reordered"),
            "survey.reminders_sent": _("Survey reminders sent"),
            "theme.merged": _("Themes merged"),
            "theme.reassigned": _("Text moved to another theme"),
            "theme.renamed": _("Theme renamed"),
            "theme.split": _("Theme split"),
            "themes.run_requested": _("Theme analysis requested"),
        })
