from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "grappe.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self):
        from grappe.core import audit, notify

        from .notifications import KINDS

        notify.register_kinds(KINDS)

        audit.register_actions({
            "capability.added": _("Capability added"),
            "capability.changed": _("Capability changed"),
            "capability.removed": _("Capability removed"),
            "certification.changed": _("Certification changed"),
            "certification.reminder_sent": _("Certification reminder sent"),
            "certification.removed": _("Certification removed"),
            "colleague_request.done": _("Request to a colleague done"),
            "colleague_request.sent": _("Request to a colleague sent"),
            "colleague_request.withdrawn": _("Request to a colleague withdrawn"),
            "import.committed": _("Import committed"),
            "import.undone": _("Import undone"),
            "organisation.changed": _("Organisation changed"),
            "organisation.created": _("Organisation created"),
            "person.added": _("Person added"),
            "person.changed": _("Person changed"),
            "person.invited": _("Person invited"),
            "segment.changed": _("Segment changed"),
            "segment.created": _("Segment created"),
            "segment.deleted": _("Segment deleted"),
            "taxonomy.added": _("Taxonomy entry added"),
            "taxonomy.changed": _("Taxonomy entry changed"),
            "taxonomy.loaded": _("Taxonomy loaded"),
            "user.role_changed": _("User role changed"),
        })
