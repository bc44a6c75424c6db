"""The evaluator's pages: the applications they are assigned to, the score sheet of each, and the conflicts of
interest they declare. An evaluator reads their own scores only, never another evaluator's (before or after
submitting theirs: the comparison is the committee's, on the staff's pages, under `programs.view_scores`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused
from grappe.members.models import Organisation

from .. import selectors
from ..forms.evaluation import SUBMIT, ConflictForm, ScoreSheetForm
from ..models import ConflictDeclaration, EvaluatorAssignment
from ..services import evaluation, scoring


@page_for("programs.evaluate")
def my_evaluations(request):
    return render(request, "programs/evaluation/my_evaluations.html",
                  {"rows": selectors.evaluations_of(request.user)})


@login_required
def score_sheet(request, pk):
    """The application as its evaluator reads it, and their score sheet: saved as a draft, then submitted."""
    assignment = get_object_or_404(
        EvaluatorAssignment.objects.select_related("application__call__program", "application__lead"),
        pk=pk, evaluator=request.user)  # another's assignment does not exist for this user
    application = assignment.application
    refusal = scoring.refusal(request.user, application)
    if assignment.submitted_at is not None:
        if refusal is not None and refusal.code == "conflict_of_interest":  # declared since: no longer theirs
            return _render(request, assignment, refusal=refusal, status=403)
        if request.method == "POST":  # a second click after the submission: show what was submitted
            return redirect(request.path)
        return _render(request, assignment, scores=assignment.scores.select_related("criterion"))
    if refusal is not None:
        status = 403 if refusal.code in ("conflict_of_interest", "not_evaluator") else 200
        return _render(request, assignment, refusal=refusal, status=status)
    criteria = list(application.call.criteria.all())
    form = ScoreSheetForm(criteria, assignment, request.POST or None)
    if request.method == "POST" and form.is_valid():
        submitting = SUBMIT in request.POST

        def work() -> str:
            write = scoring.submit if submitting else scoring.save_draft
            write(actor=request.user, assignment=assignment, sheet=form.sheet(),
                  recommendation=form.cleaned_data["recommendation"])
            return reverse("programs:my-evaluations") if submitting else request.path
        try:
            url = submit_once(form.cleaned_data["form_token"], work)
            messages.success(request, _("Your scores are submitted. Thank you.") if submitting
                             else _("Your draft is saved. Submit it when it is complete."))
            return redirect(url)
        except ValidationError as error:
            form.add_refusal(error)
    return _render(request, assignment, form=form)


def _render(request, assignment, status=200, **context):
    application = assignment.application
    shown = context.get("refusal") is None or context["refusal"].code != "conflict_of_interest"
    return render(request, "programs/evaluation/score_sheet.html", {
        "assignment": assignment, "application": application, "call": application.call, "content_shown": shown,
        "consortium": application.consortium.select_related("organisation") if shown else (), **context},
        status=status)


@page_for("programs.evaluate")
def conflicts(request):
    """The evaluator's declared conflicts of interest, and a form to declare one."""
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            declared = evaluation.declare_conflict(actor=request.user, organisation=form.cleaned_data["organisation"],
                                                   reason=form.cleaned_data["reason"])
        except ValidationError as error:
            refused(request, error)
        else:
            _tell_declared(request, declared)
            return redirect("programs:evaluation-conflicts")
    declarations = ConflictDeclaration.objects.filter(evaluator=request.user).select_related("organisation")
    return render(request, "programs/evaluation/conflicts.html", {"form": form, "declarations": declarations})


def _tell_declared(request, declared: evaluation.Declared) -> None:
    organisation: Organisation = declared.declaration.organisation
    messages.success(request, _("Your conflict of interest with %(organisation)s is recorded: you will not be "
                                "assigned its applications.") % {"organisation": organisation.display_name})
    if declared.released:
        messages.info(request, ngettext(
            "You are no longer assigned to %(titles)s.", "You are no longer assigned to %(titles)s.",
            len(declared.released)) % {"titles": _titles(declared.released)})
    if declared.kept:
        messages.warning(request, ngettext(
            "Your scores on %(titles)s are kept, and you may no longer change them: the staff will decide whether "
            "they count.", "Your scores on %(titles)s are kept, and you may no longer change them: the staff will "
            "decide whether they count.", len(declared.kept)) % {"titles": _titles(declared.kept)})


def _titles(applications) -> str:
    return ", ".join(_("“%(title)s”") % {"title": application.title} for application in applications)
