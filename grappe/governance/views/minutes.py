"""The minutes' pages: a meeting's versions (and the co-chairs' button that generates them), a version's page and
PDF (in the body's language, the other offered), the co-chairs' circulate and approve, the members' comments, and
the cluster's decisions. Thin: parse, call one service or read, render.

A version the reader may not read answers 404 (a draft is the body's business); one they may read but not act on
answers 403 to the action."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core import downloads
from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused
from grappe.core.paging import paginate
from grappe.core.permissions import require, require_visible

from .. import selectors
from ..documents import minutes as documents
from ..forms.minutes import CommentForm
from ..models import Meeting, Minutes, MinutesStatus
from ..services import minutes as minutes_services
from .meetings import meeting_of

VIEW = "governance.view_bodies"
DECISIONS_PER_PAGE = 20


def _meeting(request, pk) -> Meeting:
    """The meeting, if the user may read it (its body's members and the staff, see meetings.meeting_of); else 404."""
    return meeting_of(request, pk)


def _minutes(request, pk) -> Minutes:
    minutes = get_object_or_404(Minutes.objects.select_related("meeting__body", "approved_by"), pk=pk)
    require_visible(request.user, "governance.view_minutes", minutes)
    return minutes


@page_for(VIEW)
def meeting_minutes(request, pk):
    """A meeting's versions: for its body's members and the staff; for another member, only once a version is
    approved (they read it from the decisions), with that version only. Otherwise 404."""
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    versions = selectors.minutes_versions(meeting, request.user)
    if not versions:
        meeting = meeting_of(request, pk)
    latest = meeting.minutes.order_by("-version").first()
    return render(request, "governance/meeting_minutes.html", {
        "meeting": meeting, "versions": versions, "latest": latest,
        "may_chair": request.user.has_perm("governance.chair_body", meeting.body)})


@page_for(VIEW)
def minutes_detail(request, pk, form=None):
    minutes = _minutes(request, pk)
    language = documents.language_of(minutes, request.GET.get("lang"))
    user = request.user
    comments = minutes.comments.select_related("author")
    if not user.has_perm("governance.view_minutes_comments", minutes):
        comments = comments.filter(author=user)
    may_comment = minutes.status == MinutesStatus.CIRCULATED and user.has_perm("governance.comment_minutes", minutes)
    latest = minutes.meeting.minutes.order_by("-version").values_list("version", flat=True).first()
    return render(request, "governance/minutes_detail.html", {
        "minutes": minutes, "meeting": minutes.meeting, "language": language,
        "other_language": documents.other_language(language), "document": documents.render_body(minutes, language),
        "comments": list(comments), "may_comment": may_comment,
        "form": form if form is not None else (CommentForm() if may_comment else None),
        "may_chair": user.has_perm("governance.chair_body", minutes.meeting.body),
        "is_latest": minutes.version == latest,
        "versions": selectors.minutes_versions(minutes.meeting, user)})


@page_for(VIEW)
def minutes_pdf(request, pk):
    minutes = _minutes(request, pk)
    language = documents.language_of(minutes, request.GET.get("lang"))
    return downloads.attachment(documents.minutes_pdf(minutes, language),
                                documents.minutes_filename(minutes, language))


@require_POST
@page_for(VIEW)
def minutes_generate(request, pk):
    meeting = _meeting(request, pk)
    try:
        minutes = minutes_services.generate(actor=request.user, meeting=meeting)
    except ValidationError as error:
        refused(request, error)
        return redirect("governance:meeting-minutes", meeting.pk)
    messages.success(request, _("The minutes are generated from the meeting's record (version %(version)s, a "
                                "draft).") % {"version": minutes.version})
    return redirect("governance:minutes-detail", minutes.pk)


@require_POST
@page_for(VIEW)
def minutes_circulate(request, pk):
    minutes = _minutes(request, pk)
    try:
        minutes_services.circulate(actor=request.user, minutes=minutes)
        messages.success(request, _("The minutes are circulated: the body's members are told and may comment."))
    except ValidationError as error:
        refused(request, error)
    return redirect("governance:minutes-detail", minutes.pk)


@require_POST
@page_for(VIEW)
def minutes_approve(request, pk):
    minutes = _minutes(request, pk)
    try:
        minutes_services.approve(actor=request.user, minutes=minutes)
        messages.success(request, _("The minutes are approved: every member may read them."))
    except ValidationError as error:
        refused(request, error)
    return redirect("governance:minutes-detail", minutes.pk)


@require_POST
@page_for(VIEW)
def minutes_comment(request, pk):
    minutes = _minutes(request, pk)
    require(request.user, "governance.comment_minutes", minutes)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return minutes_detail(request, pk, form=form)

    def work():
        minutes_services.comment(actor=request.user, minutes=minutes, text=form.cleaned_data["text"])
        messages.success(request, _("Your comment is sent to the co-chairs."))
        return reverse("governance:minutes-detail", args=[minutes.pk]) + "#comments"

    try:
        return redirect(submit_once(form.cleaned_data["form_token"], work))
    except ValidationError as error:
        refused(request, error)
        return redirect("governance:minutes-detail", minutes.pk)


@page_for(VIEW)
def decisions(request):
    page, query = paginate(request, selectors.approved_minutes(), DECISIONS_PER_PAGE)
    return render(request, "governance/decisions.html", {
        "page": page, "query_string": query, "entries": selectors.minutes_entries(page.object_list)})
