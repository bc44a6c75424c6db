"""A body's meetings: the list, a meeting's page (its agenda, documents, recusals, .ics), scheduling, changing and
cancelling one. Thin: parse, call one service or selector, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from grappe.core.downloads import attachment
from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused
from grappe.core.permissions import require, require_visible

from .. import selectors
from ..documents import invitation
from ..forms.agenda import DocumentForm, ItemForm, RecusalForm
from ..forms.meetings import MeetingForm
from ..models import Body, Meeting, MeetingStatus
from ..services import agenda, meetings


def meeting_of(request, pk) -> Meeting:
    """The meeting, if the user may read it (else 404: its existence is not revealed)."""
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    require_visible(request.user, "governance.view_meeting", meeting)
    return meeting


def body_of(request, pk) -> Body:
    body = get_object_or_404(Body, pk=pk)
    require_visible(request.user, "governance.view_meetings", body)
    return body


@page_for("governance.view_bodies")
@require_safe
def meeting_list(request, pk):
    body = body_of(request, pk)
    return render(request, "governance/meeting_list.html", {
        "body": body, "meetings": selectors.meetings_of(body),
        "may_chair": request.user.has_perm("governance.chair_body", body)})


@page_for("governance.view_bodies")
def meeting_create(request, pk):
    body = body_of(request, pk)
    require(request.user, "governance.chair_body", body)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            url = submit_once(form.cleaned_data["form_token"], lambda: reverse("governance:meeting-detail", args=[
                meetings.schedule_meeting(actor=request.user, body=body, **form.meeting_fields()).pk]))
            messages.success(request, _("The meeting is scheduled: its members are invited."))
            return redirect(url)
        except ValidationError as error:
            refused(request, error)
    return render(request, "governance/meeting_form.html", {"body": body, "form": form, "meeting": None})


@page_for("governance.view_bodies")
def meeting_edit(request, pk):
    meeting = meeting_of(request, pk)
    require(request.user, "governance.run_meeting", meeting)
    form = MeetingForm.of(meeting, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meetings.change_meeting(actor=request.user, meeting=meeting, **form.meeting_fields())
            messages.success(request, _("The meeting is changed: its members have the new invitation."))
            return redirect("governance:meeting-detail", meeting.pk)
        except ValidationError as error:
            refused(request, error)
    return render(request, "governance/meeting_form.html", {"body": meeting.body, "form": form, "meeting": meeting})


@page_for("governance.view_bodies")
@require_POST
def meeting_cancel(request, pk):
    meeting = meeting_of(request, pk)
    try:
        meetings.cancel_meeting(actor=request.user, meeting=meeting)
        messages.success(request, _("The meeting is cancelled: its members are told."))
    except ValidationError as error:
        refused(request, error)
    return redirect("governance:meeting-detail", meeting.pk)


@page_for("governance.view_bodies")
@require_safe
def meeting_detail(request, pk):
    return render_detail(request, meeting_of(request, pk))


def render_detail(request, meeting: Meeting, *, item_form=None, status=200):
    """The meeting's page; a refused item keeps what was typed in `item_form`."""
    may_run = request.user.has_perm("governance.run_meeting", meeting)
    scheduled = meeting.status == MeetingStatus.SCHEDULED
    planned = selectors.agenda(meeting)
    seats = selectors.members_sitting(meeting.body) if may_run else []
    for row in planned:
        row.item.recused = any(recusal.user_id == request.user.pk for recusal in row.item.recusals.all())
    return render(request, "governance/meeting_detail.html", {
        "meeting": meeting, "planned": planned, "total_minutes": sum(row.item.duration_minutes for row in planned),
        "may_run": may_run, "may_build": may_run and scheduled,
        "may_declare": request.user.has_perm("governance.declare_recusal", meeting)
        and meeting.status != MeetingStatus.CANCELLED,
        "item_form": item_form or (ItemForm(seats) if may_run and scheduled else None),
        "document_form": DocumentForm() if may_run and scheduled else None,
        "recusal_form": RecusalForm(), "max_size": agenda.max_size_text(),
    }, status=status)


@page_for("governance.view_bodies")
@require_safe
def meeting_ics(request, pk):
    meeting = meeting_of(request, pk)
    return attachment(invitation.meeting_ics(meeting), invitation.file_name(meeting))
