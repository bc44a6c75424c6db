"""The staff's pages: the programs, their envelopes and their calls, and the evaluators assigned to a call."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from grappe.core.pages import page_for
from grappe.members.models import Role, User

from .. import selectors
from ..models import Call, Program
from ..services import evaluation
from .milestones import pending_claims


@page_for("programs.manage_program")
def program_list(request):
    return render(request, "programs/staff/program_list.html", {"programs": selectors.programs_with_figures()})


@page_for("programs.manage_program")
def program_detail(request, pk):
    program = get_object_or_404(Program, pk=pk)
    calls = [(call, selectors.call_applications(call)) for call in program.calls.all()]
    return render(request, "programs/staff/program_detail.html", {"program": program, "calls": calls,
                                                                  "pending_claims": pending_claims(program)})


@require_POST
@page_for("programs.manage_program")
def assign_evaluators(request, pk):
    """Two conflict-free evaluators for every eligible application of the call, the load balanced; what could
    not be done is said, with why."""
    call = get_object_or_404(Call, pk=pk)
    evaluators = list(User.objects.filter(role=Role.EVALUATOR, is_active=True).order_by("pk"))
    result = evaluation.assign_call(actor=request.user, call=call, evaluators=evaluators)
    messages.success(request, ngettext(
        "%(count)d evaluation assigned.", "%(count)d evaluations assigned.", len(result.new)) % {
        "count": len(result.new)})
    for shortfall in result.shortfalls:
        messages.warning(request, _("An application lacks %(missing)d evaluator(s): %(why)s") % {
            "missing": shortfall.missing,
            "why": _("too few evaluators without a conflict of interest.") if shortfall.reason == "conflicts"
            else _("the evaluators without conflict have no room left.")})
    return redirect(call.program)
