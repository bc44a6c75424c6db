from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "grappe.bulletins"
    label = "bulletins"
    verbose_name = _("Information circulation")

    def ready(self):
        from grappe.core import audit, notify, outbox

        from . import streams
        from .notifications import KINDS

        outbox.register_stream_check(streams.STREAM, streams.may_still_go)

        notify.register_kinds(KINDS)
        audit.register_actions({
            "bulletin.created": _("Bulletin written"),
            "bulletin.changed": _("Bulletin changed"),
            "bulletin.scheduled": _("Bulletin scheduled"),
            "bulletin.unscheduled": _("Bulletin back to draft"),
            "bulletin.cancelled": _("Bulletin cancelled"),
            "bulletin.sending_started": _("Bulletin sending started"),
            "bulletin.image_uploaded": _("Image uploaded for a bulletin"),
            "mail.preferences_changed": _("Mail preferences changed"),
            "mail.unsubscribed": _("Unsubscribed from a topic"),
            "mail.bounce_cleared": _("Refused address cleared"),
            "digest.started": _("Digests started"),
        })
