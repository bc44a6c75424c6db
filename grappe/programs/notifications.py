"""What the programs' notifications say, written from what happened (core.notify) in the reader's language.
Params hold plain values: the application's id and title, the call's title in both languages, amounts as
text ("12500.00"), written in the reader's way when read."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.core.amounts import format_amount
from grappe.core.notify import Kind
from grappe.members.models import in_language

from .models import ApplicationStatus, ConsortiumMember
from .services.applications import percent_text


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
    "programs.share_to_confirm": Kind(lambda p: _(
        "%(lead)s includes your organisation in the consortium of its application “%(title)s” to “%(call)s”: "
        "%(work)s %% of the work, %(budget)s %% of the budget. Confirm your shares.") % {
            **p, "call": _call(p), "work": percent_text(Decimal(p["share_of_work"])),
            "budget": percent_text(Decimal(p["share_of_budget"]))}, lapsed=lambda p: _share_lapsed(p)),
    "programs.evaluations_complete": Kind(lambda p: ngettext(
        "The evaluation of “%(title)s” is in.", "The %(count)d evaluations of “%(title)s” are in.",
        p["count"]) % p),
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


def _share_lapsed(params: dict) -> str:
    """The request no longer holds once the shares are confirmed, changed or withdrawn, or the application is
    no longer a draft."""
    waiting = ConsortiumMember.objects.filter(
        application=params["application_id"], organisation=params["organisation_id"], confirmed_at__isnull=True,
        share_of_work=Decimal(params["share_of_work"]), share_of_budget=Decimal(params["share_of_budget"]),
        application__status=ApplicationStatus.DRAFT).exists()
    return "" if waiting else _("These shares were since confirmed or changed, or the application was submitted.")
