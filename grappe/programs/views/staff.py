"""The staff's pages: the programs, their envelopes and their calls, and the evaluators assigned to a call."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from grappe.core.pages import page_for
from grappe.members.models import Role, User

from .. import selectors
from ..models import Application, Call, Program
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
    for text in shortfall_messages(result):
        messages.warning(request, text)
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)  # the call's own page sends its button back there
    return redirect(call.program)


SHOWN_TITLES = 5


def shortfall_messages(result) -> list[str]:
    """What could not be done, one sentence per reason (not one per application: a call may have hundreds).
    matching.assignment says "conflicts" when fewer than k evaluators are free of conflict for an application;
    when fewer than k evaluators exist at all, that is the reason for every application, and said so."""
    if not result.shortfalls:
        return []
    evaluators, needed = len(result.loads), result.per_application
    if evaluators < needed:
        return [ngettext(
            "Not enough evaluators: %(count)d is registered (accounts with the evaluator role), and each "
            "application needs %(needed)d. Add evaluators, then assign again.",
            "Not enough evaluators: %(count)d are registered (accounts with the evaluator role), and each "
            "application needs %(needed)d. Add evaluators, then assign again.",
            evaluators) % {"count": evaluators, "needed": needed}]
    titles = Application.objects.in_bulk([shortfall.application for shortfall in result.shortfalls])
    texts = []
    for reason, why in (("conflicts", _("too few evaluators without a conflict of interest")),
                        ("capacity", _("the evaluators without a conflict of interest have no room left"))):
        short = [titles[s.application].title for s in result.shortfalls if s.reason == reason]
        if short:
            named = ", ".join(_("“%(title)s”") % {"title": title} for title in short[:SHOWN_TITLES])
            if len(short) > SHOWN_TITLES:
                named = _("%(titles)s and %(more)d more") % {"titles": named, "more": len(short) - SHOWN_TITLES}
            texts.append(ngettext("%(count)d application lacks evaluators (%(why)s): %(titles)s.",
                                  "%(count)d applications lack evaluators (%(why)s): %(titles)s.", len(short))
                         % {"count": len(short), "why": why, "titles": named})
    return texts
