"""Who sits on a body: invite a person, join or ask to join, answer an invitation or a request, leave, remove a
member. Thin: each calls one service of services/membership.py and goes back to the body's page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused
from grappe.core.permissions import require, require_visible

from ..forms.bodies import InviteForm
from ..models import BodyMember, MembershipState
from ..services import membership
from .bodies import body_url, visible_body


@page_for("governance.view_bodies")
def invite(request, pk):
    body = visible_body(request, pk)
    require(request.user, "governance.manage_members", body)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["user"]

        def work():
            membership.invite(actor=request.user, body=body, user=person)
            return body_url(body)
        try:
            url = submit_once(form.cleaned_data["form_token"], work)
            messages.success(request, _("%(person)s is invited: they will accept or decline.") % {"person": person})
            return redirect(url)
        except ValidationError as error:
            form.add_error(None, error.messages)
    return render(request, "governance/invite.html", {"form": form, "body": body})


def _act(request, body, work, done: str):
    try:
        work()
        messages.success(request, done)
    except ValidationError as error:
        refused(request, error)
    return redirect(body_url(body))


@require_POST
@page_for("governance.view_bodies")
def join(request, pk):
    """Join, or ask to join; a second click finds the first one's membership."""
    body = visible_body(request, pk)
    try:
        member = membership.join(actor=request.user, body=body)
        messages.success(request, _("You are a member.") if member.state == MembershipState.ACTIVE
                         else _("Your request is sent to the co-chairs."))
    except ValidationError as error:
        refused(request, error)
    return redirect(body_url(body))


@require_POST
@page_for("governance.view_bodies")
def leave(request, pk):
    body = visible_body(request, pk)
    return _act(request, body, lambda: membership.leave(actor=request.user, body=body),
                _("You are no longer a member."))


def _membership(pk, **filters) -> BodyMember:
    return get_object_or_404(BodyMember.objects.select_related("body", "user"), pk=pk, **filters)


def _visible_membership(request, pk) -> BodyMember:
    """A membership of a body whose members the user may read (its members, the staff); else 404, so that a
    co-chair of another body does not learn which ids exist."""
    member = _membership(pk)
    require_visible(request.user, "governance.view_body_members", member.body)
    return member


@require_POST
@page_for("governance.view_bodies")
def invitation_answer(request, pk, accept: bool):
    """The invited person's answer; anyone else's invitation does not exist for them."""
    member = _membership(pk, user=request.user)
    return _act(request, member.body,
                lambda: membership.answer_invitation(actor=request.user, member=member, accept=accept),
                _("You are a member.") if accept else _("The invitation is declined."))


@require_POST
@page_for("governance.view_bodies")
def request_answer(request, pk, accept: bool):
    member = _visible_membership(request, pk)
    require(request.user, "governance.manage_members", member.body)
    return _act(request, member.body,
                lambda: membership.answer_request(actor=request.user, member=member, accept=accept),
                _("%(person)s is a member.") % {"person": member.user} if accept
                else _("The request is refused; %(person)s is told.") % {"person": member.user})


@require_POST
@page_for("governance.view_bodies")
def member_remove(request, pk):
    member = _visible_membership(request, pk)
    require(request.user, "governance.manage_members", member.body)
    return _act(request, member.body, lambda: membership.remove_member(actor=request.user, member=member),
                _("%(person)s is no longer a member.") % {"person": member.user})
