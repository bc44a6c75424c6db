"""A funded project's milestones: the staff set them on the commitment and review the claims; the lead's people
see them on their application's page and report progress (and claim) at each. Thin: parse, call one service
(services/milestones.py), render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused
from grappe.core.permissions import require, require_visible

from ..forms.calls import kept_rows
from ..forms.milestones import ApproveClaimForm, ReportForm, SendBackForm, milestones_formset
from ..models import Application, Claim, ClaimStatus, Commitment, Milestone
from ..services import milestones as service


def milestones_context(application: Application, user) -> dict:
    """What the application's page shows of its milestones: to the staff (with the pending claims to review)
    and to the lead's people (with what each may still claim)."""
    staff = user.has_perm("programs.manage_program")
    reporter = user.has_perm("programs.report_progress", application)
    commitment = Commitment.objects.filter(application=application).first()
    if commitment is None or not (staff or reporter):
        return {}
    rows = [(m, service.claimable(m), list(m.reports.select_related("claim").order_by("-submitted_at")))
            for m in commitment.milestones.select_related("commitment")]
    reviews = {}
    if staff:  # the review forms of each claim awaiting it, their ids apart
        for claim in Claim.objects.filter(milestone__commitment=commitment, status=ClaimStatus.PENDING):
            reviews[claim.pk] = (ApproveClaimForm(auto_id=f"claim{claim.pk}_%s"),
                                 SendBackForm(auto_id=f"claim{claim.pk}_%s"))
    return {"milestone_rows": rows, "milestones_staff": staff, "milestones_reporter": reporter,
            "claim_reviews": reviews}


def pending_claims(program) -> list[Claim]:
    """The program's claims awaiting the staff's review, the oldest first (its page lists them)."""
    return list(Claim.objects.filter(milestone__commitment__program=program, status=ClaimStatus.PENDING)
                .select_related("milestone__commitment__application__lead").order_by("submitted_at", "pk"))


@page_for("programs.manage_program")
def commitment_milestones(request, pk):
    """The staff set the milestones of an application's commitment."""
    application = get_object_or_404(Application.objects.select_related("call__program", "lead"), pk=pk)
    commitment = get_object_or_404(Commitment, application=application)
    formset = milestones_formset(commitment, request.POST or None)
    error = None
    if request.method == "POST" and formset.is_valid():
        try:
            service.set_milestones(actor=request.user, commitment=commitment, rows=kept_rows(formset))
            messages.success(request, _("The milestones are saved."))
            return redirect(application)
        except ValidationError as refusal:
            error = refusal
    return render(request, "programs/staff/milestones.html", {
        "application": application, "commitment": commitment, "formset": formset,
        "error": " ".join(error.messages) if error else ""})


@login_required
def report(request, pk):
    """The lead's people report progress at a milestone, and may claim money with it."""
    milestone = get_object_or_404(Milestone.objects.select_related("commitment__application__call"), pk=pk)
    application = milestone.commitment.application
    require_visible(request.user, "programs.view_application", application)
    require(request.user, "programs.report_progress", application)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        def work():
            service.submit_report(actor=request.user, milestone=milestone, text=form.cleaned_data["text"],
                                  amount=form.cleaned_data["amount"])
            return application.get_absolute_url()
        try:
            url = submit_once(form.cleaned_data["form_token"], work)
            messages.success(request, _("Your report is sent.") if form.cleaned_data["amount"] is None
                             else _("Your report and your claim are sent; the cluster's staff will review it."))
            return redirect(url)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "programs/milestone_report.html", {
        "milestone": milestone, "application": application, "form": form, "claimable": service.claimable(milestone)})


def _claim(request, pk) -> Claim:
    claim = get_object_or_404(Claim.objects.select_related("milestone__commitment__application"), pk=pk)
    require_visible(request.user, "programs.view_application", claim.milestone.commitment.application)
    require(request.user, "programs.manage_program")
    return claim


@require_POST
def approve_claim(request, pk):
    claim = _claim(request, pk)
    form = ApproveClaimForm(request.POST)
    paid_on = form.cleaned_data["paid_on"] if form.is_valid() else None
    try:
        service.approve_claim(actor=request.user, claim=claim, paid_on=paid_on)
        messages.success(request, _("The claim is approved and its payment recorded."))
    except ValidationError as error:
        refused(request, error)
    return redirect(claim.milestone.commitment.application)


@require_POST
def send_back_claim(request, pk):
    claim = _claim(request, pk)
    form = SendBackForm(request.POST)
    try:
        service.send_back_claim(actor=request.user, claim=claim,
                                reason=form.cleaned_data["reason"] if form.is_valid() else "")
        messages.success(request, _("The claim is sent back to the applicant with your reason."))
    except ValidationError as error:
        refused(request, error)
    return redirect(claim.milestone.commitment.application)
