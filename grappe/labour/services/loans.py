"""Loans of staff, from the borrower's request to their end.

- request_loan: the borrower's administrator asks an availability for some of its people, for dates inside its
  period, at its rate. The availability's row is locked first (select_for_update), so that requests on one
  availability take turns: the people still free over the dates are the people posted minus the peak of the
  overlapping loans that hold capacity (the same count as the database's trigger, migration 0002, which stands
  behind it after each statement).
- refuse (the lender's administrator) and cancel (the borrower's) end a request before both accepted.
- accept_agreement: each side's administrator accepts the agreement (documents/agreement.py, French and English)
  whose fingerprint they were shown; the first acceptance stores it (agreement_sha256); an acceptance of a
  fingerprint that is no longer the agreement's is refused (the terms changed: read them again). Both accepted:
  the loan is agreed.
- name_employees: the lender's administrator names the employees once both accepted, never more than the loan's
  people; each is told what was shared with which organisation (a notification, a mail in their language).
- record_hours: either side records a month's hours (one figure per month, corrected by recording it again).
- extend: the lender's administrator — the side whose people are committed — records an extension the two sides
  agreed on; the new end must fall inside the availability and its people must still be free over the added
  days (checked with the row locked). It is an amendment, not a new agreement: the agreement both sides accepted
  (its fingerprint, its stored PDFs) stays as it was accepted, and the audit entry records the new end; the
  borrower is told, and may end the loan on any day. (A proposal the borrower accepts in Grappe is not built.)
- end: either side ends an agreed loan on a day between its start and its end that has come (an unstarted loan
  ends on its first day); an ended loan holds no capacity.

Every write checks the rules (rules.py), runs in one transaction, records one audit entry and tells the other
side's administrators after the commit.
"""

import calendar
import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.core import audit, notify, outbox
from grappe.core.errors import Conflict
from grappe.core.permissions import require
from grappe.members.models import OrgRole, User
from grappe.members.rules import is_admin_of
from matching import labour

from ..models import HOLDING_CAPACITY, Availability, Loan, LoanEmployee, LoanHours, LoanStatus, Need, PostStatus

LENDER, BORROWER = "lender", "borrower"
SIDES = (LENDER, BORROWER)


# --- reads the services share ---------------------------------------------------------------------------------

def peak_lent(availability_id: int, start: datetime.date, end: datetime.date, *, excluding: int | None = None) -> int:
    """The most people the availability's holding loans lend on one day between start and end (the peak the
    capacity trigger checks; matching.labour.peak_people computes it)."""
    loans = (Loan.objects.filter(availability_id=availability_id, status__in=HOLDING_CAPACITY,
                                 start__lte=end, end__gte=start).exclude(pk=excluding)
             .values_list("people", "start", "end"))
    return labour.peak_people(loans, start, end)


def people_free(availability: Availability, start: datetime.date, end: datetime.date, *,
                excluding: int | None = None) -> int:
    return max(availability.people - peak_lent(availability.pk, start, end, excluding=excluding), 0)


def _locked_availability(pk: int) -> Availability:
    return Availability.objects.select_for_update().select_related("organisation").get(pk=pk)


def _locked_loan(loan: Loan) -> Loan:
    """The loan's availability is locked first, then the loan (the order every write takes: no deadlock)."""
    _locked_availability(loan.availability_id)
    return (Loan.objects.select_for_update(of=("self",))
            .select_related("availability__organisation", "borrower", "need").get(pk=loan.pk))


def administrators(organisation) -> list:
    return list(User.objects.filter(person__organisation=organisation, person__org_role=OrgRole.ADMIN,
                                    person__is_active=True, is_active=True))


def loan_url(loan: Loan) -> str:
    return reverse("labour:loan-detail", args=[loan.pk])


def _params(loan: Loan, **more) -> dict:
    return {"loan_id": loan.pk, "lender": loan.availability.organisation.display_name,
            "borrower": loan.borrower.display_name, "title": loan.availability.title, "people": loan.people,
            "start": loan.start.isoformat(), "end": loan.end.isoformat(), **more}


def _tell(organisation, kind: str, loan: Loan, **params) -> None:
    """Tell an organisation's administrators, once the transaction commits."""
    notify.on_commit(notify.send, administrators(organisation), kind, _params(loan, **params), loan_url(loan))


def _terms(loan: Loan) -> dict:
    return {"status": loan.status, "people": loan.people, "start": loan.start.isoformat(),
            "end": loan.end.isoformat(), "hourly_rate": str(loan.hourly_rate)}


def _record(actor, action: str, loan: Loan, before=None, after=None) -> None:
    audit.record(actor, action, loan, before=before, after=after if after is not None else _terms(loan),
                 target_label=str(loan))


def _in_period(availability: Availability, start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise ValidationError(_("The end comes before the start."), code="period_order")
    if start < availability.start or end > availability.end:
        raise ValidationError(
            _("These dates fall outside the availability: it is available from %(start)s to %(end)s.") % {
                "start": date_format(availability.start, "DATE_FORMAT"),
                "end": date_format(availability.end, "DATE_FORMAT")}, code="outside_period")


def _free_enough(availability: Availability, people: int, start, end, *, excluding=None) -> None:
    free = people_free(availability, start, end, excluding=excluding)
    if people > free:
        raise Conflict(ngettext(
            "Only %(free)d person of this availability is still free over these dates.",
            "Only %(free)d people of this availability are still free over these dates.", free) % {"free": free}
            if free else _("Nobody of this availability is still free over these dates."), code="over_capacity")


# --- request, refuse, cancel --------------------------------------------------------------------------------------

def request_loan(*, actor, availability: Availability, borrower, people: int, start: datetime.date,
                 end: datetime.date, need: Need | None = None) -> Loan:
    """The borrower's administrator asks for `people` of the availability from `start` to `end`."""
    require(actor, "labour.act_as_borrower", Loan(availability=availability, borrower=borrower))
    if borrower.pk == availability.organisation_id:
        raise ValidationError(_("An organisation does not borrow its own people."), code="own_availability")
    if need is not None and need.organisation_id != borrower.pk:
        raise ValidationError(_("This need is not your organisation’s."), code="not_my_need")
    if people is None or people < 1:
        raise ValidationError(_("Ask for one person at least."), code="no_people")
    if end < timezone.localdate():
        raise ValidationError(_("These dates are over: a loan ends today or later."), code="in_the_past")
    with transaction.atomic():
        availability = _locked_availability(availability.pk)
        if availability.status != PostStatus.OPEN:
            raise Conflict(_("This availability is no longer open."), code="not_open")
        _in_period(availability, start, end)
        _free_enough(availability, people, start, end)
        loan = Loan.objects.create(availability=availability, borrower=borrower, need=need, people=people,
                                   start=start, end=end, hourly_rate=availability.hourly_rate, requested_by=actor)
        _record(actor, "loan.requested", loan)
        _tell(availability.organisation, "labour.loan_requested", loan)
    return loan


def refuse(*, actor, loan: Loan) -> Loan:
    require(actor, "labour.act_as_lender", loan)
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != LoanStatus.REQUESTED:
            raise Conflict(_("Only a requested loan can be refused."), code="not_requested")
        loan.status = LoanStatus.REFUSED
        loan.save(update_fields=["status", "updated_at"])
        _record(actor, "loan.refused", loan, before={"status": LoanStatus.REQUESTED})
        _tell(loan.borrower, "labour.loan_refused", loan)
    return loan


def cancel(*, actor, loan: Loan) -> Loan:
    require(actor, "labour.act_as_borrower", loan)
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != LoanStatus.REQUESTED:
            raise Conflict(_("Only a loan not yet agreed by both sides can be cancelled."), code="not_requested")
        loan.status = LoanStatus.CANCELLED
        loan.save(update_fields=["status", "updated_at"])
        _record(actor, "loan.cancelled", loan, before={"status": LoanStatus.REQUESTED})
        _tell(loan.availability.organisation, "labour.loan_cancelled", loan)
    return loan


# --- the agreement --------------------------------------------------------------------------------------------

def accept_agreement(*, actor, loan: Loan, side: str, fingerprint: str) -> Loan:
    """One side accepts the agreement whose fingerprint (SHA-256) it was shown."""
    from ..documents import agreement

    if side not in SIDES:
        raise ValidationError(_("Unknown side."), code="side")
    require(actor, "labour.act_as_lender" if side == LENDER else "labour.act_as_borrower", loan)
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != LoanStatus.REQUESTED:
            raise Conflict(_("This loan is not waiting for its agreement to be accepted."), code="not_requested")
        if (loan.lender_accepted_at if side == LENDER else loan.borrower_accepted_at) is not None:
            raise Conflict(_("Your organisation already accepted this agreement."), code="already_accepted")
        pdfs = agreement.agreement_pdfs(loan)
        current = agreement.fingerprint_of(pdfs)
        if fingerprint != current:
            raise Conflict(_("The agreement changed since you read it: read it again before accepting it."),
                           code="stale_agreement")
        before = {"agreement_sha256": loan.agreement_sha256}
        if loan.agreement_sha256 and loan.agreement_sha256 != current:
            # The other side accepted other terms: its acceptance no longer holds.
            loan.lender_accepted_at = loan.lender_accepted_by = None
            loan.borrower_accepted_at = loan.borrower_accepted_by = None
        loan.agreement_sha256 = current
        now = timezone.now()
        if side == LENDER:
            loan.lender_accepted_at, loan.lender_accepted_by = now, actor
        else:
            loan.borrower_accepted_at, loan.borrower_accepted_by = now, actor
        if loan.accepted_by_both:
            loan.status = LoanStatus.AGREED
            agreement.keep(loan, pdfs)  # the copy both accepted, served from now on
        loan.save()
        _record(actor, f"loan.accepted_by_{side}", loan, before=before,
                after={**_terms(loan), "agreement_sha256": current, "side": side})
        other = loan.borrower if side == LENDER else loan.availability.organisation
        _tell(other, "labour.loan_agreed" if loan.status == LoanStatus.AGREED else "labour.loan_accepted", loan,
              side=side)
        if loan.status == LoanStatus.AGREED:
            _tell(loan.availability.organisation if side == LENDER else loan.borrower, "labour.loan_agreed", loan,
                  side=side)
    return loan


# --- employees ------------------------------------------------------------------------------------------------

EMPLOYEE_FIELDS = ("name", "role", "work_email", "work_phone")


def _employee(loan: Loan, data: dict) -> LoanEmployee:
    name, role = (data.get("name") or "").strip(), (data.get("role") or "").strip()
    email, phone = (data.get("work_email") or "").strip().lower(), (data.get("work_phone") or "").strip()
    if not name or not role or not email:
        raise ValidationError(_("Give each employee’s name, role and work email."), code="employee_incomplete")
    validate_email(email)
    person = data.get("person")
    if person is not None and person.organisation_id != loan.availability.organisation_id:
        raise ValidationError(_("%(person)s is not a person of the lender.") % {"person": person.full_name},
                              code="not_lender_person")
    return LoanEmployee(loan=loan, person=person, name=name[:200], role=role[:150], work_email=email,
                        work_phone=phone[:40])


def name_employees(*, actor, loan: Loan, employees: list[dict]) -> list[LoanEmployee]:
    """The lender's administrator names the employees lent; each is told what the borrower now sees."""
    require(actor, "labour.act_as_lender", loan)
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != LoanStatus.AGREED:
            raise Conflict(_("Employees are named once both organisations accepted the agreement."),
                           code="not_agreed")
        rows = [_employee(loan, data) for data in employees]
        if not rows:
            raise ValidationError(_("Name one employee at least."), code="no_employee")
        emails = [row.work_email for row in rows]
        known = set(loan.employees.values_list("work_email", flat=True))
        if len(set(emails)) != len(emails) or known & set(emails):
            raise ValidationError(_("Each employee is named once."), code="employee_twice")
        if len(known) + len(rows) > loan.people:
            raise ValidationError(ngettext(
                "This loan is for %(people)d person: name no more.",
                "This loan is for %(people)d people: name no more than that.", loan.people) % {
                    "people": loan.people}, code="too_many_employees")
        now = timezone.now()
        for row in rows:
            row.told_at = now
        LoanEmployee.objects.bulk_create(rows)
        for row in rows:
            _tell_employee(loan, row)
        _record(actor, "loan.employees_named", loan, after={"employees": len(known) + len(rows)})
        _tell(loan.borrower, "labour.employees_named", loan, count=len(rows))
    return rows


def _tell_employee(loan: Loan, employee: LoanEmployee) -> None:
    """A notification to their account if they have one, and a mail in their language to their work address."""
    person = employee.person
    user = person.user if person is not None else None
    language = (person.language if person is not None else None) or "fr"
    params = _params(loan, name=employee.name)
    if user is not None:
        notify.on_commit(notify.send, [user], "labour.employee_named", params, reverse("labour:shared-with-me"))
    with translation.override(language):
        fields = [f"- {_('name')}: {employee.name}", f"- {_('role')}: {employee.role}",
                  f"- {_('work email')}: {employee.work_email}"]
        if employee.work_phone:
            fields.append(f"- {_('work phone')}: {employee.work_phone}")
        body = "\n".join([
            _("Hello %(name)s,") % {"name": employee.name}, "",
            _("%(lender)s lends you to %(borrower)s from %(start)s to %(end)s. So that %(borrower)s can work with "
              "you, %(lender)s shared these details of yours with it, and nothing else:") % {
                "lender": loan.availability.organisation.display_name, "borrower": loan.borrower.display_name,
                "start": date_format(loan.start, "DATE_FORMAT"), "end": date_format(loan.end, "DATE_FORMAT")},
            "", *fields, "",
            _("Signed in to Grappe, you see what was shared about you on the page “Shared about me”."),
        ])
        outbox.queue(employee.work_email, _("Your details were shared with %(borrower)s") % {
            "borrower": loan.borrower.display_name}, body)


# --- hours ----------------------------------------------------------------------------------------------------

def month_days(month: datetime.date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def record_hours(*, actor, loan: Loan, month: datetime.date, hours) -> LoanHours:
    """Either side records the hours of a month (all the loan's people together); recording a month again
    corrects it."""
    require(actor, "labour.act_on_loan", loan)
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Give the hours as a number."), code="hours_number") from None
    month = month.replace(day=1)
    if hours < 0:
        raise ValidationError(_("Hours cannot be negative."), code="hours_negative")
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status not in (LoanStatus.AGREED, LoanStatus.ENDED):
            raise Conflict(_("Hours are recorded once both organisations accepted the agreement."),
                           code="not_agreed")
        last_day = month.replace(day=month_days(month))
        if last_day < loan.start or month > loan.end:
            raise ValidationError(_("This month is outside the loan, which runs from %(start)s to %(end)s.") % {
                "start": date_format(loan.start, "DATE_FORMAT"), "end": date_format(loan.end, "DATE_FORMAT")},
                code="hours_outside_loan")
        most = loan.people * 24 * month_days(month)
        if hours > most:
            raise ValidationError(_("More than %(most)s hours: more than %(people)s people working around the clock "
                                    "all month.") % {"most": most, "people": loan.people}, code="hours_too_many")
        row = LoanHours.objects.filter(loan=loan, month=month).first()
        before = {"month": month.isoformat(), "hours": str(row.hours)} if row else None
        if row is None:
            row = LoanHours(loan=loan, month=month)
        row.hours, row.recorded_by = hours, actor
        row.save()
        _record(actor, "loan.hours_recorded", loan, before=before,
                after={"month": month.isoformat(), "hours": str(hours)})
        other = loan.borrower if is_admin_of(actor, loan.availability.organisation) else loan.availability.organisation
        _tell(other, "labour.hours_recorded", loan, month=month.isoformat(), hours=str(hours))
    return row


# --- extend, end ----------------------------------------------------------------------------------------------

def extend(*, actor, loan: Loan, new_end: datetime.date) -> Loan:
    """The lender's administrator records an extension both sides agreed on (see the module's docstring)."""
    require(actor, "labour.act_as_lender", loan)
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != LoanStatus.AGREED:
            raise Conflict(_("Only an agreed loan can be extended."), code="not_agreed")
        if new_end <= loan.end:
            raise ValidationError(_("An extension ends after the loan’s current end."), code="not_later")
        availability = loan.availability
        _in_period(availability, loan.start, new_end)
        _free_enough(availability, loan.people, loan.end + datetime.timedelta(days=1), new_end, excluding=loan.pk)
        before = _terms(loan)
        loan.end = new_end
        loan.save(update_fields=["end", "updated_at"])
        _record(actor, "loan.extended", loan, before=before, after=_terms(loan))
        _tell(loan.borrower, "labour.loan_extended", loan)
    return loan


def end(*, actor, loan: Loan, on_date: datetime.date) -> Loan:
    require(actor, "labour.act_on_loan", loan)
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != LoanStatus.AGREED:
            raise Conflict(_("Only an agreed loan can be ended."), code="not_agreed")
        latest = min(loan.end, max(timezone.localdate(), loan.start))
        if on_date < loan.start or on_date > latest:
            raise ValidationError(_("End it on a day from %(start)s to %(latest)s.") % {
                "start": date_format(loan.start, "DATE_FORMAT"), "latest": date_format(latest, "DATE_FORMAT")},
                code="end_date")
        before = _terms(loan)
        loan.end, loan.status, loan.ended_at = on_date, LoanStatus.ENDED, timezone.now()
        loan.save(update_fields=["end", "status", "ended_at", "updated_at"])
        _record(actor, "loan.ended", loan, before=before)
        lender_side = is_admin_of(actor, loan.availability.organisation)
        _tell(loan.borrower if lender_side else loan.availability.organisation, "labour.loan_ended", loan)
    return loan


__all__ = ["SIDES", "LENDER", "BORROWER", "request_loan", "refuse", "cancel", "accept_agreement", "name_employees",
           "record_hours", "extend", "end", "people_free", "peak_lent"]
