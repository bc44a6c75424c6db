"""The pages of a loan: ask for one, read it and its agreement (French and English PDFs), accept it, name the
employees, record hours, extend it, end it; my organisation's loans; what was shared about me. Thin: each parses,
calls one service of services/loans.py or a selector, and renders or goes back to the loan's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core import charts
from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused
from grappe.core.permissions import require, require_visible

from .. import selectors
from ..documents import agreement
from ..forms.loans import AcceptForm, EmployeeForm, EndForm, ExtendForm, HoursForm, LoanRequestForm
from ..models import Availability, Loan, LoanStatus, PostStatus
from ..services import loans
from ..services.loans import loan_url


def visible_loan(request, pk) -> Loan:
    """A loan the user may see (its two organisations, the staff); else 404."""
    loan = get_object_or_404(Loan.objects.select_related("availability__organisation", "borrower", "need",
                                                         "lender_accepted_by", "borrower_accepted_by"), pk=pk)
    require_visible(request.user, "labour.view_loan", loan)
    return loan


@page_for("labour.browse")
def loan_request(request, pk):
    availability = get_object_or_404(Availability.objects.select_related("organisation"), pk=pk,
                                     status=PostStatus.OPEN)
    borrower = request.user.organisation
    if borrower is None:
        raise PermissionDenied  # the staff borrow nobody
    require(request.user, "labour.act_as_borrower", Loan(availability=availability, borrower=borrower))
    if borrower == availability.organisation:
        raise PermissionDenied  # an organisation does not borrow its own people
    form = LoanRequestForm(request.POST or None, organisation=borrower,
                           initial={"start": availability.start, "end": availability.end})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def work():
            return loan_url(loans.request_loan(actor=request.user, availability=availability, borrower=borrower,
                                               people=data["people"], start=data["start"], end=data["end"],
                                               need=data["need"]))
        try:
            url = submit_once(data["form_token"], work)
            messages.success(request, _("Your request is sent: both organisations now read and accept the "
                                        "agreement."))
            return redirect(url)
        except ValidationError as error:
            form.add_error(None, error.messages)
    return render(request, "labour/loan_request.html", {
        "form": form, "availability": availability,
        "free": loans.people_free(availability, availability.start, availability.end)})


def _side_to_accept(user, loan: Loan) -> str | None:
    """The side this user may accept for now, if any."""
    if loan.status != LoanStatus.REQUESTED:
        return None
    if loan.lender_accepted_at is None and user.has_perm("labour.act_as_lender", loan):
        return loans.LENDER
    if loan.borrower_accepted_at is None and user.has_perm("labour.act_as_borrower", loan):
        return loans.BORROWER
    return None


def _hours_chart(rows):
    if not rows:
        return ""
    return charts.bars([f"{row.month:%Y-%m}" for row in rows], [float(row.hours) for row in rows],
                       title=_("Hours per month"), value_title=_("hours"))


def _detail(request, loan: Loan, status=200, **forms):
    user = request.user
    side = _side_to_accept(user, loan)
    acts_as_lender = user.has_perm("labour.act_as_lender", loan)
    acts_on_loan = user.has_perm("labour.act_on_loan", loan)
    agreed = loan.status == LoanStatus.AGREED
    hours = list(loan.hours.all())
    context = {
        "loan": loan, "lender": loan.availability.organisation, "borrower": loan.borrower,
        "accept_form": forms.get("accept_form") or (
            AcceptForm(initial={"side": side, "fingerprint": agreement.fingerprint(loan)}) if side else None),
        "side": side,
        "can_refuse": acts_as_lender and loan.status == LoanStatus.REQUESTED,
        "can_cancel": user.has_perm("labour.act_as_borrower", loan) and loan.status == LoanStatus.REQUESTED,
        "employees": (list(loan.employees.all()) if user.has_perm("labour.view_employees", loan) else None),
        "employee_form": forms.get("employee_form") or (
            EmployeeForm(lender=loan.availability.organisation)
            if acts_as_lender and agreed and loan.employees.count() < loan.people else None),
        "hours": hours, "hours_chart": _hours_chart(hours),
        "hours_form": forms.get("hours_form") or (
            HoursForm() if acts_on_loan and loan.status in (LoanStatus.AGREED, LoanStatus.ENDED) else None),
        "extend_form": forms.get("extend_form") or (ExtendForm() if acts_as_lender and agreed else None),
        "end_form": forms.get("end_form") or (EndForm() if acts_on_loan and agreed else None),
        "languages": agreement.LANGUAGES,
    }
    return render(request, "labour/loan_detail.html", context, status=status)


@page_for("labour.browse")
def loan_detail(request, pk):
    return _detail(request, visible_loan(request, pk))


@page_for("labour.browse")
def loan_agreement(request, pk, lang):
    loan = visible_loan(request, pk)
    if lang not in agreement.LANGUAGES:
        raise Http404
    stored = (agreement.stored_pdf(loan, lang) if loan.status in (LoanStatus.AGREED, LoanStatus.ENDED)
              else None)  # an agreed loan's agreement is the copy both sides accepted, not a new drawing
    response = HttpResponse(stored if stored is not None else agreement.agreement_pdf(loan, lang),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{agreement.filename(loan, lang)}"'
    return response


@page_for("labour.browse")
def loan_list(request):
    organisation = request.user.organisation
    lent, borrowed = selectors.loans_of(organisation) if organisation else (Loan.objects.none(), Loan.objects.none())
    return render(request, "labour/loan_list.html", {"lent": lent, "borrowed": borrowed})


@login_required
def shared_with_me(request):
    return render(request, "labour/shared_with_me.html", {"rows": selectors.shared_about(request.user)})


# --- the writes: each POST calls one service and goes back to the loan's page --------------------------------

def _simple(request, pk, work, done: str):
    loan = visible_loan(request, pk)
    try:
        work(loan)
        messages.success(request, done)
    except ValidationError as error:
        refused(request, error)
    return redirect(loan_url(loan))


@require_POST
@page_for("labour.browse")
def loan_refuse(request, pk):
    return _simple(request, pk, lambda loan: loans.refuse(actor=request.user, loan=loan),
                   _("The request is refused."))


@require_POST
@page_for("labour.browse")
def loan_cancel(request, pk):
    return _simple(request, pk, lambda loan: loans.cancel(actor=request.user, loan=loan),
                   _("Your request is cancelled."))


def _form_action(request, pk, form_class, form_name: str, work, done: str):
    """A form of the loan's page: done, back to the page; refused, the page again with what was typed."""
    loan = visible_loan(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            url = submit_once(form.cleaned_data["form_token"], lambda: work(loan, form.cleaned_data) or loan_url(loan))
            messages.success(request, done)
            return redirect(url)
        except ValidationError as error:
            form.add_error(None, error.messages)
    loan.refresh_from_db()
    return _detail(request, loan, status=200, **{form_name: form})


@require_POST
@page_for("labour.browse")
def loan_accept(request, pk):
    """Refused (the terms changed since the page was read), the page comes back with the agreement as it is now."""
    loan = visible_loan(request, pk)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Read the agreement, then accept it with its button."))
        return redirect(loan_url(loan))
    data = form.cleaned_data
    try:
        submit_once(data["form_token"], lambda: loans.accept_agreement(
            actor=request.user, loan=loan, side=data["side"], fingerprint=data["fingerprint"]) and loan_url(loan))
        messages.success(request, _("Your organisation accepted the agreement."))
    except ValidationError as error:
        refused(request, error)
    return redirect(loan_url(loan))


@require_POST
@page_for("labour.browse")
def loan_employees(request, pk):
    def work(loan, data):
        loans.name_employees(actor=request.user, loan=loan, employees=[
            {name: data[name] for name in ("name", "role", "work_email", "work_phone", "person")}])
    loan = visible_loan(request, pk)
    form = EmployeeForm(request.POST, lender=loan.availability.organisation)
    if form.is_valid():
        try:
            url = submit_once(form.cleaned_data["form_token"], lambda: work(loan, form.cleaned_data) or loan_url(loan))
            messages.success(request, _("The employee is named and told what was shared."))
            return redirect(url)
        except ValidationError as error:
            form.add_error(None, error.messages)
    return _detail(request, loan, employee_form=form)


@require_POST
@page_for("labour.browse")
def loan_hours(request, pk):
    def work(loan, data):
        loans.record_hours(actor=request.user, loan=loan, month=data["month"], hours=data["hours"])
    return _form_action(request, pk, HoursForm, "hours_form", work, _("The hours are recorded."))


@require_POST
@page_for("labour.browse")
def loan_extend(request, pk):
    def work(loan, data):
        loans.extend(actor=request.user, loan=loan, new_end=data["new_end"])
    return _form_action(request, pk, ExtendForm, "extend_form", work, _("The loan is extended."))


@require_POST
@page_for("labour.browse")
def loan_end(request, pk):
    def work(loan, data):
        loans.end(actor=request.user, loan=loan, on_date=data["on_date"])
    return _form_action(request, pk, EndForm, "end_form", work, _("The loan is ended."))

