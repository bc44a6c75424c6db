"""The staff's writes on an application after its evaluation: the decision, the funds committed from the
program's envelope, the payments, each at a milestone of the commitment (budget.pay_milestone). Each form posts
from the application's page and returns to it, saying what was done or why it was refused."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.pages import refused
from grappe.core.permissions import require, require_visible

from ..forms.applications import CommitmentForm, DecisionForm, DisbursementForm
from ..models import Application, Commitment
from ..services import budget, decisions


def _for_staff(request, pk) -> Application:
    application = get_object_or_404(Application, pk=pk)
    require_visible(request.user, "programs.view_application", application)
    require(request.user, "programs.manage_program")
    return application


def _act(request, application, form, action, done: str):
    if not form.is_valid():
        refused(request, ValidationError([
            _("%(field)s: %(error)s") % {"field": form[name].label, "error": " ".join(errors)}
            for name, errors in form.errors.items()]))
        return redirect(application)
    try:
        action(form.cleaned_data)
        messages.success(request, done)
    except ValidationError as error:
        refused(request, error)
    return redirect(application)


@require_POST
def decide(request, pk):
    application = _for_staff(request, pk)
    return _act(request, application, DecisionForm(request.POST), lambda data: decisions.decide(
        actor=request.user, application=application, outcome=data["outcome"], amount=data["amount"],
        reason=data["reason"]), _("The decision is recorded."))


@require_POST
def commit(request, pk):
    application = _for_staff(request, pk)
    return _act(request, application, CommitmentForm(request.POST), lambda data: budget.commit_funds(
        actor=request.user, application=application, amount=data["amount"]), _("The funds are committed."))


@require_POST
def disburse(request, pk):
    application = _for_staff(request, pk)
    commitment = get_object_or_404(Commitment, application=application)
    form = DisbursementForm(request.POST, commitment=commitment)
    return _act(request, application, form, lambda data: budget.pay_milestone(
        actor=request.user, milestone=data["milestone"], amount=data["amount"], paid_on=data["paid_on"]),
        _("The payment is recorded."))
