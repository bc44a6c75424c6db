"""What members' notifications say, written from what happened (core.notify) in the reader's language."""

import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from grappe.core.notify import Kind

from .models import ColleagueRequest, RequestKind, RequestStatus, in_language

def _what(p: dict) -> str:
    """What was asked, in the reader's language: « Answer a survey — Cluster pulse »."""
    subject = in_language(p["subject_fr"], p["subject_en"])
    return f"{RequestKind(p['kind']).label}{f' — {subject}' if subject else ''}"


def _asked(p: dict) -> str:
    text = _("%(name)s asks you: %(what)s.") % {"name": p["by"], "what": _what(p)}
    if p.get("due_on"):
        text += " " + _("By %(date)s.") % {
            "date": formats.date_format(datetime.date.fromisoformat(p["due_on"]), "SHORT_DATE_FORMAT")}
    return text


def _request_closed(params: dict) -> str:
    """A request to a colleague holds until it is done or withdrawn: read when the notification is shown."""
    status = ColleagueRequest.objects.filter(pk=params["request_id"]).values_list("status", flat=True).first()
    if status == RequestStatus.OPEN:
        return ""
    return _("Done.") if status == RequestStatus.DONE else _("No longer asked.")


KINDS = {
    "members.certification_expiring": Kind(lambda p: _("Certification %(name)s expires on %(date)s.") % {
        "name": in_language(p["label_fr"], p["label_en"]),
        "date": formats.date_format(datetime.date.fromisoformat(p["expires_on"]), "SHORT_DATE_FORMAT")}),
    "members.colleague_request": Kind(_asked, lapsed=_request_closed),
    "members.colleague_request_done": Kind(lambda p: _("%(name)s did what you asked: %(what)s.") % {
        "name": p["by"], "what": _what(p)}),
    "members.colleague_request_withdrawn": Kind(lambda p: _("%(name)s no longer asks you: %(what)s.") % {
        "name": p["by"], "what": _what(p)}),
}
