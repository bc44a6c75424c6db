"""What the programs' notifications say, written from what happened (core.notify) in the reader's language.
Params hold plain values: the application's id and title, the call's title in both languages, amounts as
text ("12500.00"), written in the reader's way when read."""

from decimal import Decimal

from django.utils.translation import gettext as _

from grappe.core.amounts import format_amount
from grappe.core.notify import Kind
from grappe.members.models import in_language


def _call(params: dict) -> str:
    return in_language(params.get("call_fr", ""), params.get("call_en", ""))


KINDS = {
    "programs.application_submitted": Kind(lambda p: _(
        "Your application “%(title)s” to “%(call)s” is submitted.") % {**p, "call": _call(p)}),
    "programs.application_reopened": Kind(lambda p: _(
        "Your application “%(title)s” to “%(call)s” was reopened by the cluster staff: you may change it and "
        "submit it again. Its previous version is kept.") % {**p, "call": _call(p)}),
    "programs.decided": Kind(lambda p: (
        _("Your application “%(title)s” to “%(call)s” is funded.") if p["outcome"] == "funded"
        else _("Your application “%(title)s” to “%(call)s” is not funded this time.")) % {**p, "call": _call(p)}),
    "programs.funds_committed": Kind(lambda p: _(
        "%(amount)s are committed to your application “%(title)s”.") % {
            **p, "amount": format_amount(Decimal(p["amount"]))}),
    "programs.claim_submitted": Kind(lambda p: _(
        "A claim of %(amount)s awaits review: “%(title)s”, milestone “%(milestone)s”.") % {
            **p, "amount": format_amount(Decimal(p["amount"]))}),
    "programs.claim_approved": Kind(lambda p: _(
        "Your claim of %(amount)s at the milestone “%(milestone)s” of “%(title)s” is approved and paid.") % {
            **p, "amount": format_amount(Decimal(p["amount"]))}),
    "programs.claim_sent_back": Kind(lambda p: _(
        "Your claim of %(amount)s at the milestone “%(milestone)s” of “%(title)s” is sent back: %(reason)s") % {
            **p, "amount": format_amount(Decimal(p["amount"]))}),
}
