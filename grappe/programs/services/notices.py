"""What an applicant's organisation is told: every active person of the lead organisation with an account."""

from grappe.core import notify
from grappe.members.models import User

from ..models import Application


def tell_lead(application: Application, kind: str, **params) -> None:
    """Notify the lead organisation's people (call it through notify.on_commit)."""
    users = User.objects.filter(person__organisation=application.lead_id, person__is_active=True, is_active=True)
    call = application.call
    notify.send(users, kind, {"application_id": application.pk, "title": application.title,
                              "call_fr": call.title_fr, "call_en": call.title_en, **params},
                application.get_absolute_url())
