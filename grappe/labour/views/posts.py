"""The pages of availabilities and needs: posting, changing, withdrawing, a post's page (with the posts that match
it for its organisation's administrator) and an organisation's own posts. Thin: parse, call a service, render.

A post on the board is seen by every member and the staff: the post and its organisation, never a person (none
is stored on it). A withdrawn or finished post is seen only by its organisation and the staff."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused
from grappe.core.permissions import require

from .. import matches, selectors
from ..forms.posts import AvailabilityForm, NeedForm
from ..models import Availability, Loan, Need, PostStatus
from ..rules import posted_by_my_organisation
from ..services import posts as services

KINDS = {
    "availability": {"model": Availability, "form": AvailabilityForm, "post": services.post_availability,
                     "update": services.update_availability, "withdraw": services.withdraw_availability,
                     "matches": matches.needs_for},
    "need": {"model": Need, "form": NeedForm, "post": services.post_need, "update": services.update_need,
             "withdraw": services.withdraw_need, "matches": matches.availabilities_for},
}


def detail_url(kind: str, post) -> str:
    return reverse(f"labour:{kind}-detail", args=[post.pk])


def visible_post(request, kind: str, pk: int):
    """The post, or 404 when it is off the board and the viewer is neither of its organisation nor the staff."""
    post = get_object_or_404(KINDS[kind]["model"].objects.select_related("organisation"), pk=pk)
    user = request.user
    if not (selectors.is_on_board(post) or user.is_cluster_staff or posted_by_my_organisation(user, post)):
        raise Http404
    return post


def _post_form(request, kind: str, pk=None):
    """A new post, or a post's changes; what was typed is kept when the service refuses."""
    post = None
    if pk is not None:
        post = get_object_or_404(KINDS[kind]["model"], pk=pk)
        require(request.user, "labour.edit_post", post)
    form = KINDS[kind]["form"].for_post(post, request.POST or None)
    if request.method == "POST" and form.is_valid():
        def work():
            if post is None:
                saved = KINDS[kind]["post"](request.user, request.user.organisation, **form.saved())
            else:
                saved = KINDS[kind]["update"](request.user, post, **form.saved())
            return detail_url(kind, saved)
        try:
            url = submit_once(form.cleaned_data["form_token"], work)
            messages.success(request, _("Your post is saved."))
            return redirect(url)
        except ValidationError as error:
            known = hasattr(error, "error_dict") and all(name in form.fields for name in error.error_dict)
            form.add_error(None, error if known else error.messages)
    return render(request, "labour/post_form.html", {"form": form, "post": post, "kind": kind})


@page_for("labour.post_as_admin")
def availability_create(request):
    return _post_form(request, "availability")


@page_for("labour.post_as_admin")
def need_create(request):
    return _post_form(request, "need")


@page_for("labour.browse")
def availability_edit(request, pk):
    return _post_form(request, "availability", pk)


@page_for("labour.browse")
def need_edit(request, pk):
    return _post_form(request, "need", pk)


def _withdraw(request, kind: str, pk):
    post = get_object_or_404(KINDS[kind]["model"], pk=pk)
    if not request.user.has_perm("labour.edit_post", post):
        raise PermissionDenied
    try:
        KINDS[kind]["withdraw"](request.user, post)
        messages.success(request, _("Your post is withdrawn: it is no longer on the board."))
        return redirect("labour:mine")
    except ValidationError as error:
        refused(request, error)
    return redirect(detail_url(kind, post))


@require_POST
@page_for("labour.browse")
def availability_withdraw(request, pk):
    return _withdraw(request, "availability", pk)


@require_POST
@page_for("labour.browse")
def need_withdraw(request, pk):
    return _withdraw(request, "need", pk)


def _detail(request, kind: str, pk):
    post = visible_post(request, kind, pk)
    manages = request.user.has_perm("labour.edit_post", post)
    on_board = selectors.is_on_board(post)
    borrower = getattr(request.user, "organisation", None)
    # Another organisation's administrator may ask for a loan of an open availability (loans.loan_request).
    may_request = bool(kind == "availability" and on_board and post.status == PostStatus.OPEN
                       and borrower is not None and borrower != post.organisation
                       and request.user.has_perm("labour.act_as_borrower", Loan(availability=post, borrower=borrower)))
    return render(request, "labour/post_detail.html", {
        "post": post, "kind": kind, "manages": manages, "on_board": on_board, "may_request": may_request,
        "matches": KINDS[kind]["matches"](post) if manages and selectors.is_on_board(post) else None})


@page_for("labour.browse")
def availability_detail(request, pk):
    return _detail(request, "availability", pk)


@page_for("labour.browse")
def need_detail(request, pk):
    return _detail(request, "need", pk)


@page_for("labour.post")
def mine(request):
    availabilities, needs = selectors.posts_of(request.user.organisation)
    return render(request, "labour/mine.html", {
        "availabilities": availabilities, "needs": needs,
        "can_post": request.user.has_perm("labour.post_as_admin")})
