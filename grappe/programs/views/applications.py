"""An application as its applicant, its consortium partners, its evaluators and the staff read it; the
applicant starts, changes and submits it, the staff reopen it. Thin: parse, call one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.idempotency import submit_once
from grappe.core.pages import refused
from grappe.core.permissions import require, require_visible

from .. import history
from ..eligibility import Reason
from ..forms.applications import ApplicationForm, CommitmentForm, DecisionForm, DisbursementForm, ReasonForm
from ..models import Application, Call, Commitment, Decision, Outcome
from ..services import applications
from ..services.applications import REOPENABLE, deadline_text
from ..services.evaluation import TO_EVALUATE
from .consortium import consortium_context
from .documents import documents_context
from .milestones import milestones_context


def _visible(request, pk) -> Application:
    application = get_object_or_404(Application.objects.select_related("call__program", "lead"), pk=pk)
    require_visible(request.user, "programs.view_application", application)
    return application


def application_detail(request, pk):
    return application_page(request, _visible(request, pk))


def application_page(request, application: Application, bound: dict | None = None):
    """The application's page. `bound`: a staff form that was refused ({context name: form}), shown again with
    what was typed and why it was refused, in place of its empty one."""
    user = request.user
    staff = user.has_perm("programs.manage_program")
    return render(request, "programs/application_detail.html", {
        "application": application, "call": application.call, "deadline": deadline_text(application.call),
        "consortium": application.consortium.select_related("organisation"),
        "versions": history.earlier_versions(application),
        "reasons": [Reason.from_json(r) for r in application.eligibility_reasons],
        "may_change": application.is_editable and user.has_perm("programs.change_application", application),
        "may_reopen": application.status in REOPENABLE and staff,
        "reason_form": ReasonForm(), **(_money(application) if staff else {}),
        **documents_context(user, application), **consortium_context(user, application),
        "my_assignment": application.assignments.filter(evaluator=user).first() if user.is_authenticated else None,
        **milestones_context(application, user), **(bound or {})})


def _money(application: Application) -> dict:
    """What the staff see and do after the evaluation: the decision, the commitment and its payments."""
    decision = Decision.objects.filter(application=application).first()
    commitment = Commitment.objects.filter(application=application).first()
    has_milestones = commitment is not None and commitment.milestones.exists()
    return {"decision": decision, "commitment": commitment,
            "disbursements": commitment.disbursements.select_related("milestone") if commitment else (),
            "needs_milestones": commitment is not None and commitment.remaining > 0 and not has_milestones,
            "decision_form": DecisionForm() if decision is None and application.status in TO_EVALUATE else None,
            "commitment_form": (CommitmentForm(initial={"amount": decision.amount})
                                if decision and decision.outcome == Outcome.FUNDED and commitment is None else None),
            "disbursement_form": (DisbursementForm(commitment=commitment)
                                  if has_milestones and commitment.remaining > 0 else None)}


@login_required
def apply(request, pk):
    """Start the organisation's application to the call, or change its draft."""
    call = get_object_or_404(Call, pk=pk)
    require_visible(request.user, "programs.view_call", call)
    require(request.user, "programs.apply", call)
    application = Application.objects.filter(call=call, lead=request.user.organisation).first()
    if application is not None and not application.is_editable:
        return redirect(application)
    form = ApplicationForm.for_application(application, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in applications.APPLICATION_FIELDS}

        def work():
            if application is None:
                return applications.start_application(actor=request.user, call=call, data=data).get_absolute_url()
            return applications.update_application(actor=request.user, application=application,
                                                   data=data).get_absolute_url()
        try:
            return redirect(submit_once(form.cleaned_data["form_token"], work))
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "programs/apply.html", {"call": call, "form": form, "application": application,
                                                   "deadline": deadline_text(call)})


@require_POST
def submit(request, pk):
    application = _visible(request, pk)
    try:
        applications.submit(actor=request.user, application=application)
        messages.success(request, _("Your application is submitted."))
    except ValidationError as error:
        refused(request, error)
    return redirect(application)


@require_POST
def reopen(request, pk):
    application = _visible(request, pk)
    require(request.user, "programs.manage_program")
    form = ReasonForm(request.POST)
    try:
        applications.reopen(actor=request.user, application=application,
                            reason=form.cleaned_data["reason"] if form.is_valid() else "")
        messages.success(request, _("The application is reopened; its submitted version is kept."))
    except ValidationError as error:
        refused(request, error)
    return redirect(application)
