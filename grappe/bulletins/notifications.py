"""What information circulation tells people in the app (grappe.core.notify)."""

from django.utils.translation import gettext as _

from grappe.core.notify import Kind

KINDS = {
    # To the bulletin's author once its sending is over.
    "bulletins.sent": Kind(text=lambda p: _("The bulletin “%(title)s” was sent to %(people)s people.") % p),
}
