"""Action items: a person's own across bodies, a body's for its co-chairs (open, overdue, done), and marking one
done or open again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from grappe.core.pages import page_for, refused
from grappe.core.permissions import require, require_visible

from .. import selectors
from ..models import ActionItem, ActionStatus
from ..services import actions
from .meetings import body_of


def _annotated(request, found):
    today = timezone.localdate()
    listed = list(found)
    for action in listed:
        action.overdue = selectors.is_overdue(action, today)
        action.may_complete = request.user.has_perm("governance.complete_action", action)
    return listed


@login_required
@require_safe
def my_actions(request):
    return render(request, "governance/my_actions.html",
                  {"actions": _annotated(request, selectors.my_actions(request.user))})


@page_for("governance.view_bodies")
@require_safe
def body_actions(request, pk):
    body = body_of(request, pk)
    require(request.user, "governance.chair_body", body)
    listed = _annotated(request, selectors.body_actions(body))
    return render(request, "governance/body_actions.html", {
        "body": body,
        "overdue": [action for action in listed if action.overdue],
        "open": [action for action in listed if action.status == ActionStatus.OPEN and not action.overdue],
        "done": [action for action in listed if action.status == ActionStatus.DONE]})


@login_required
@require_POST
def action_done(request, pk):
    action = get_object_or_404(ActionItem.objects.select_related("meeting__body"), pk=pk)
    if action.owner_id != request.user.pk:
        require_visible(request.user, "governance.view_meeting", action.meeting)
    try:
        actions.set_done(actor=request.user, action=action, done=request.POST.get("done", "1") == "1")
        messages.success(request, _("The action is marked done.") if action.status == ActionStatus.OPEN
                         else _("The action is open again."))
    except ValidationError as error:
        refused(request, error)
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("governance:my-actions")
