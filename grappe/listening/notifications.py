"""What listening's notifications say, written from what happened (core.notify) in the reader's language: theme
names in both languages (one per theme, never joined into one string), a need's category by its code."""

from django.utils.translation import gettext as _

from grappe.core.notify import Kind, quoted_list
from grappe.members.models import in_language

from .models import NeedCategory


def _category(p: dict) -> str:
    return NeedCategory(p["category"]).label if p["category"] in NeedCategory.values else p["category"]


KINDS = {
    "listening.rising_themes": Kind(lambda p: _("Rising themes: %(names)s") % {
        "names": quoted_list(in_language(t["fr"], t["en"]) for t in p["themes"])}),
    "listening.brief_published": Kind(lambda p: _("A new brief is published: %(brief)s") % {
        "brief": _("Brief %(start)s – %(end)s (%(language)s)") % p}),
    "listening.urgent_need": Kind(lambda p: _("Urgent need from %(organisation)s: %(category)s.") % {
        "organisation": p["organisation"], "category": _category(p)}),
    "listening.need_answered": Kind(lambda p: _("The cluster answered one of your needs (%(category)s).") % {
        "category": _category(p)}),
}
