"""What the governance notifications say, written from what happened (core.notify) in the reader's language."""

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from grappe.core.notify import Kind
from grappe.members.models import in_language


def _resolution_published(p: dict) -> str:
    closes = formats.date_format(timezone.localtime(parse_datetime(p["closes_at"])), "DATETIME_FORMAT")
    return _("A resolution is put to your organisation’s vote: “%(title)s”, until %(closes)s.") % {
        "title": in_language(p["title_fr"], p["title_en"]), "closes": closes}


KINDS: dict = {
    "governance.resolution_published": Kind(_resolution_published),
}

