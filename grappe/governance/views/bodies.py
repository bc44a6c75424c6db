"""The bodies' pages: the list of axes, committees and work streams, a body's page, the staff's forms (a body, its
co-chairs) and their overview of every committee's activity. Thin: parse, call one service or selector, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused

from .. import selectors
from ..forms.bodies import BodyForm, CoChairForm
from ..models import Body
from ..services import bodies as body_services


PAST_MEETINGS = 5


def body_url(body: Body) -> str:
    return reverse("governance:body-detail", args=[body.pk])


def visible_body(request, pk) -> Body:
    """The body, or 404: an archived body is the staff's alone."""
    body = get_object_or_404(Body.objects.select_related("parent"), pk=pk)
    if body.archived_at is not None and not request.user.is_cluster_staff:
        raise Http404
    return body


@page_for("governance.view_bodies")
def body_list(request):
    """The axes with what runs under them, the viewer's place in each body (`mine`), and their own bodies."""
    axes, loose = selectors.body_tree()
    mine = selectors.memberships_of(request.user)
    every = [body for axis in axes for body in (axis, *axis.under)] + loose
    for body in every:
        body.mine = mine.get(body.pk)
    return render(request, "governance/body_list.html", {
        "axes": axes, "loose": loose, "my_bodies": [body for body in every if body.mine],
        "can_join": request.user.has_perm("governance.join_bodies"),
        "can_manage": request.user.has_perm("governance.manage_bodies")})


@page_for("governance.view_bodies")
def body_detail(request, pk):
    body = visible_body(request, pk)
    user = request.user
    members = selectors.members_of(body)
    manages = user.has_perm("governance.manage_members", body)
    sees_meetings = user.has_perm("governance.view_meetings", body)
    upcoming, past = selectors.meetings_split(body) if sees_meetings else ([], [])
    return render(request, "governance/body_detail.html", {
        "body": body,
        "co_chairs": [member for member in members if member.chair_seat],
        "members": members if user.has_perm("governance.view_body_members", body) else None,
        "pending": selectors.pending_of(body) if manages else None,
        "mine": selectors.memberships_of(user).get(body.pk),
        "children": body.children.filter(archived_at__isnull=True),
        "can_join": user.has_perm("governance.join_bodies") and body.archived_at is None,
        "manages": manages and body.archived_at is None,
        "can_edit": user.has_perm("governance.manage_bodies") and body.archived_at is None,
        "sees_meetings": sees_meetings, "upcoming": upcoming, "past": past[:PAST_MEETINGS],
        "more_past": len(past) > PAST_MEETINGS,
        "may_chair": user.has_perm("governance.chair_body", body) and body.archived_at is None,
        "body_minutes": selectors.body_minutes(body),
        "resolutions": selectors.body_resolutions(body, user),
    })


@page_for("governance.manage_bodies")
def body_form(request, pk=None):
    """A new body, or a body's changes; what was typed is kept when the service refuses."""
    body = get_object_or_404(Body, pk=pk, archived_at__isnull=True) if pk else None
    form = BodyForm.for_body(body, request.POST or None)
    if request.method == "POST" and form.is_valid():
        def work():
            if body is None:
                return body_url(body_services.create_body(actor=request.user, data=form.saved()))
            return body_url(body_services.update_body(actor=request.user, body=body, data=form.saved()))
        try:
            url = submit_once(form.cleaned_data["form_token"], work)
            messages.success(request, _("The body is saved."))
            return redirect(url)
        except ValidationError as error:
            form.add_error(None, error if hasattr(error, "error_dict") and _known(form, error) else error.messages)
    return render(request, "governance/body_form.html", {"form": form, "body": body})


def _known(form, error: ValidationError) -> bool:
    return all(name in form.fields for name in error.error_dict)


@require_POST
@page_for("governance.manage_bodies")
def body_archive(request, pk):
    body = get_object_or_404(Body, pk=pk)
    try:
        body_services.archive_body(actor=request.user, body=body)
        messages.success(request, _("The body is archived."))
        return redirect("governance:body-list")
    except ValidationError as error:
        refused(request, error)
    return redirect(body_url(body))


@page_for("governance.manage_bodies")
def co_chair_form(request, pk):
    """Give a seat to one of the body's members; a refusal keeps the choice made."""
    body = get_object_or_404(Body, pk=pk, archived_at__isnull=True)
    form = CoChairForm(body, request.POST or None)
    if request.method == "POST" and form.is_valid():
        def work():
            body_services.appoint_co_chair(actor=request.user, body=body, seat=form.cleaned_data["seat"],
                                           user=form.cleaned_data["member"].user)
            return body_url(body)
        try:
            url = submit_once(form.cleaned_data["form_token"], work)
            messages.success(request, _("The co-chair is appointed."))
            return redirect(url)
        except ValidationError as error:
            form.add_error(None, error.messages)
    return render(request, "governance/co_chair_form.html", {
        "form": form, "body": body,
        "co_chairs": [member for member in selectors.members_of(body) if member.chair_seat]})


@page_for("governance.manage_bodies")
def activity(request):
    return render(request, "governance/activity.html", {"bodies": selectors.activity()})
