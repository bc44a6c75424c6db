"""What information circulation tells people in the app (grappe.core.notify)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.core.notify import Kind
from grappe.members.models import in_language


def _sent(params: dict) -> str:
    title = in_language(params.get("title_fr", ""), params.get("title_en", "")) or params.get("title", "")
    return ngettext("The bulletin “%(title)s” was sent to %(people)s person.",
                    "The bulletin “%(title)s” was sent to %(people)s people.",
                    params["people"]) % {"title": title, "people": params["people"]}


def _not_sent(params: dict) -> str:
    title = in_language(params.get("title_fr", ""), params.get("title_en", ""))
    reason = in_language(params.get("reason_fr", ""), params.get("reason_en", ""))
    return _("The bulletin “%(title)s” was not sent at its time and is back to draft. %(reason)s") % {
        "title": title, "reason": reason}


KINDS = {
    # To the bulletin's author once its sending is over (its title in the reader's language).
    "bulletins.sent": Kind(text=_sent),
    # To the author of a scheduled bulletin that, at its time, would have reached nobody (why, in both
    # languages: the sentence is written when it is read).
    "bulletins.not_sent": Kind(text=_not_sent),
}
