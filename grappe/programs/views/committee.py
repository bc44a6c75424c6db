"""The programs officer's pages of a call between submission and money: the call's applications (screening,
eligibility decided by hand, evaluators, the progress of the evaluation), the ranked list with the committee's
decisions in bulk, the decision summary (page and PDF) and an application's history. Staff only: these pages
show every evaluator's scores. Thin: parse, call one service or read, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from grappe.core import downloads
from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for

from .. import committee
from ..documents import decision_summary
from ..forms.committee import BulkDecisionForm, EligibilityForm
from ..models import Application, Call
from ..services import applications as application_services
from ..services import committee as committee_services

STAFF = "programs.manage_program"


def _call(pk) -> Call:
    return get_object_or_404(Call.objects.select_related("program"), pk=pk)


@page_for(STAFF)
def call_staff(request, pk):
    call = _call(pk)
    rows = committee.screening_rows(call)
    return render(request, "programs/staff/call_staff.html", {
        "call": call, "rows": rows, "progress": committee.progress(rows),
        "to_screen": sum(row.may_screen for row in rows)})


@require_POST
@page_for(STAFF)
def call_screen(request, pk):
    call = _call(pk)
    screened = committee_services.screen_call(actor=request.user, call=call)
    messages.success(request, ngettext("%(count)d application screened.", "%(count)d applications screened.",
                                       len(screened)) % {"count": len(screened)})
    return redirect("programs:call-staff", pk=call.pk)


@page_for(STAFF)
def application_eligibility(request, pk):
    """Eligibility decided by hand, against the rules' answer; the reason is required and kept."""
    application = get_object_or_404(Application.objects.select_related("call__program", "lead"), pk=pk)
    form = EligibilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application_services.override_eligibility(
                actor=request.user, application=application, eligible=form.cleaned_data["eligible"],
                reason=form.cleaned_data["reason"])
            messages.success(request, _("The eligibility of “%(title)s” is decided.") % {
                "title": application.title})
            return redirect("programs:call-staff", pk=application.call_id)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "programs/staff/application_eligibility.html", {
        "application": application, "call": application.call, "row": committee.screening_row(application),
        "form": form})


@page_for(STAFF)
def call_ranking(request, pk):
    """The ranked list, and the committee's decisions on the selected rows in one submit (all or nothing; a
    double submit records them once)."""
    call = _call(pk)
    ranking = committee.ranking(call, request.user)
    form = BulkDecisionForm(ranking.to_decide, request.POST or None)
    if request.method == "POST" and form.is_valid():
        choices = [committee_services.Choice(application, outcome, amount, reason)
                   for application, outcome, amount, reason in form.cleaned_data["choices"]]

        def work():
            made = committee_services.decide_many(actor=request.user, call=call, choices=choices)
            messages.success(request, ngettext("%(count)d decision recorded.", "%(count)d decisions recorded.",
                                               len(made)) % {"count": len(made)})
            return reverse("programs:call-ranking", args=[call.pk])
        try:
            return redirect(submit_once(form.cleaned_data["form_token"], work))
        except committee_services.RowsRefused as error:
            form.row_errors = {pk: [text] for pk, text in error.rows.items()}
            form.add_error(None, error)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "programs/staff/call_ranking.html", {"call": call, "ranking": ranking, "form": form})


@page_for(STAFF)
def call_summary(request, pk):
    ranking = committee.ranking(_call(pk), request.user)
    return render(request, "programs/staff/decision_summary.html", {"ranking": ranking})


@page_for(STAFF)
def call_summary_pdf(request, pk):
    ranking = committee.ranking(_call(pk), request.user)
    return downloads.attachment(decision_summary.summary_pdf(ranking), decision_summary.summary_filename(ranking))


@page_for(STAFF)
def application_history(request, pk):
    application = get_object_or_404(Application.objects.select_related("call__program", "lead"), pk=pk)
    withheld = not request.user.has_perm("programs.view_scores", application)  # theirs to submit first
    return render(request, "programs/staff/application_history.html", {
        "application": application, "call": application.call, "withheld": withheld,
        "rows": [] if withheld else committee.history(application)})
