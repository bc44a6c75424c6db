"""What members' notifications say, written from what happened (core.notify) in the reader's language."""

import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from grappe.core.notify import Kind

from .models import in_language

KINDS = {
    "members.certification_expiring": Kind(lambda p: _("Certification %(name)s expires on %(date)s.") % {
        "name": in_language(p["label_fr"], p["label_en"]),
        "date": formats.date_format(datetime.date.fromisoformat(p["expires_on"]), "SHORT_DATE_FORMAT")}),
}
