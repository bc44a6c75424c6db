"""What the notifications of labour sharing say, written from what happened (core.notify) in the reader's language.

Params hold plain values: the loan's id, both organisations' names, the availability's title, the people and the
dates (ISO), and what the kind adds (a month, hours, a count, an employee's name)."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.core.notify import Kind

KINDS: dict = {}


def _loan(params: dict) -> dict:
    return {**params, "start": date_format(datetime.date.fromisoformat(params["start"]), "DATE_FORMAT"),
            "end": date_format(datetime.date.fromisoformat(params["end"]), "DATE_FORMAT")}


def _requested(p: dict) -> str:
    return ngettext(
        "%(borrower)s asks to borrow %(people)d person of “%(title)s” from %(start)s to %(end)s.",
        "%(borrower)s asks to borrow %(people)d people of “%(title)s” from %(start)s to %(end)s.",
        p["people"]) % _loan(p)


def _hours(p: dict) -> str:
    month = datetime.date.fromisoformat(p["month"])
    return _("Hours of %(month)s recorded for the loan “%(title)s”: %(hours)s.") % {
        **p, "month": date_format(month, "YEAR_MONTH_FORMAT")}


KINDS.update({
    "labour.loan_requested": Kind(_requested),
    "labour.loan_refused": Kind(lambda p: _("%(lender)s refused your request to borrow people of “%(title)s”.") % p),
    "labour.loan_cancelled": Kind(lambda p: _(
        "%(borrower)s cancelled its request to borrow people of “%(title)s”.") % p),
    "labour.loan_accepted": Kind(lambda p: (
        _("%(lender)s accepted the agreement of the loan “%(title)s”: read it and accept it in turn.")
        if p.get("side") == "lender" else
        _("%(borrower)s accepted the agreement of the loan “%(title)s”: read it and accept it in turn.")) % p),
    "labour.loan_agreed": Kind(lambda p: _(
        "Both organisations accepted the agreement of the loan “%(title)s” (%(start)s to %(end)s).") % _loan(p)),
    "labour.employees_named": Kind(lambda p: ngettext(
        "%(lender)s named %(count)d employee lent for “%(title)s”.",
        "%(lender)s named %(count)d employees lent for “%(title)s”.", p["count"]) % p),
    "labour.employee_named": Kind(lambda p: _(
        "%(lender)s lends you to %(borrower)s from %(start)s to %(end)s, and shared your name, role and work "
        "contact with it.") % _loan(p)),
    "labour.hours_recorded": Kind(_hours),
    "labour.loan_extended": Kind(lambda p: _("The loan “%(title)s” is extended until %(end)s.") % _loan(p)),
    "labour.loan_ended": Kind(lambda p: _("The loan “%(title)s” ended on %(end)s.") % _loan(p)),
})
