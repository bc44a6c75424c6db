"""What the governance notifications say, written from what happened (core.notify) in the reader's language."""

KINDS: dict = {}


# Resolutions and votes ----------------------------------------------------------------------------------------

def _resolution_published(p: dict) -> str:
    from django.utils import formats, timezone
    from django.utils.dateparse import parse_datetime
    from django.utils.translation import gettext as _

    from grappe.members.models import in_language

    closes = formats.date_format(timezone.localtime(parse_datetime(p["closes_at"])), "DATETIME_FORMAT")
    return _("A resolution is put to your organisation’s vote: “%(title)s”, until %(closes)s.") % {
        "title": in_language(p["title_fr"], p["title_en"]), "closes": closes}


def _register_vote_kinds():
    from grappe.core.notify import Kind

    KINDS["governance.resolution_published"] = Kind(_resolution_published)


_register_vote_kinds()
