"""What information circulation tells people in the app (grappe.core.notify)."""

from django.utils.translation import gettext as _

from grappe.core.notify import Kind
from grappe.members.models import in_language


def _sent(params: dict) -> str:
    title = in_language(params.get("title_fr", ""), params.get("title_en", "")) or params.get("title", "")
    return _("The bulletin “%(title)s” was sent to %(people)s people.") % {"title": title,
                                                                          "people": params["people"]}


KINDS = {
    # To the bulletin's author once its sending is over (its title in the reader's language).
    "bulletins.sent": Kind(text=_sent),
}
