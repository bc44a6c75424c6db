"""The staff's writes on an application after its evaluation: the decision, the funds committed from the
program's envelope, the payments, each at a milestone of the commitment (budget.pay_milestone). Each form posts
from the application's page and returns to it, saying what was done or why it was refused."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.permissions import require, require_visible

from ..forms.applications import CommitmentForm, DecisionForm, DisbursementForm
from ..models import Application, Commitment
from ..services import budget, decisions
from .applications import application_page


def _for_staff(request, pk) -> Application:
    application = get_object_or_404(Application, pk=pk)
    require_visible(request.user, "programs.view_application", application)
    require(request.user, "programs.manage_program")
    return application


def _act(request, application, form, context_name: str, action, done: str):
    """Run the staff's action with the form's data. Refused (the form's input, or the service), the page comes
    back with the form as typed and the reason above it: nothing typed is lost."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect(application)
    return application_page(request, application, {context_name: form})


@require_POST
def decide(request, pk):
    application = _for_staff(request, pk)
    return _act(request, application, DecisionForm(request.POST), "decision_form",
                lambda data: decisions.decide(actor=request.user, application=application, outcome=data["outcome"],
                                              amount=data["amount"], reason=data["reason"]),
                _("The decision is recorded."))


@require_POST
def commit(request, pk):
    application = _for_staff(request, pk)
    return _act(request, application, CommitmentForm(request.POST), "commitment_form",
                lambda data: budget.commit_funds(actor=request.user, application=application, amount=data["amount"]),
                _("The funds are committed."))


@require_POST
def disburse(request, pk):
    application = _for_staff(request, pk)
    commitment = get_object_or_404(Commitment, application=application)
    form = DisbursementForm(request.POST, commitment=commitment)
    return _act(request, application, form, "disbursement_form", lambda data: budget.pay_milestone(
        actor=request.user, milestone=data["milestone"], amount=data["amount"], paid_on=data["paid_on"]),
        _("The payment is recorded."))
