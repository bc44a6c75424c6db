"""What greening's notifications say, written from what happened (core.notify) in the reader's language."""

from django.utils.translation import gettext as _

from grappe.core.notify import Kind

KINDS = {
    "greening.initiative_joined": Kind(lambda p: _("%(organisation)s joined your initiative “%(initiative)s”.") % p),
    "greening.initiative_left": Kind(lambda p: _("%(organisation)s left your initiative “%(initiative)s”.") % p),
}
