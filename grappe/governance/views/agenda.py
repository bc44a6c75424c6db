"""A meeting's agenda: items added, changed, moved and removed by a co-chair, documents attached to them and
downloaded by the body's members, and a member's own recusal from an item. Thin: parse, call one service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from grappe.core import filetypes
from grappe.core.downloads import attachment
from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused
from grappe.core.permissions import require, require_visible

from .. import selectors
from ..forms.agenda import DocumentForm, ItemForm, RecusalForm
from ..models import AgendaDocument, AgendaItem, Recusal
from ..services import agenda, record
from .meetings import meeting_of, render_detail


def _item(request, pk) -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__body"), pk=pk)
    require_visible(request.user, "governance.view_meeting", item.meeting)
    return item


def _agenda_url(item_or_meeting) -> str:
    meeting = getattr(item_or_meeting, "meeting", item_or_meeting)
    anchor = f"#item-{item_or_meeting.pk}" if hasattr(item_or_meeting, "meeting") else "#agenda"
    return reverse("governance:meeting-detail", args=[meeting.pk]) + anchor


@page_for("governance.view_bodies")
@require_POST
def item_create(request, pk):
    meeting = meeting_of(request, pk)
    require(request.user, "governance.run_meeting", meeting)
    form = ItemForm(selectors.members_sitting(meeting.body), request.POST)
    if form.is_valid():
        try:
            url = submit_once(form.cleaned_data["form_token"], lambda: _agenda_url(
                agenda.add_item(actor=request.user, meeting=meeting, **form.item_fields())))
            messages.success(request, _("The item is on the agenda."))
            return redirect(url)
        except ValidationError as error:
            refused(request, error)
    return render_detail(request, meeting, item_form=form, status=422)


@page_for("governance.view_bodies")
def item_edit(request, pk):
    item = _item(request, pk)
    require(request.user, "governance.run_meeting", item.meeting)
    form = ItemForm.of(selectors.members_sitting(item.meeting.body), item, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agenda.change_item(actor=request.user, item=item, **form.item_fields())
            messages.success(request, _("The item is changed."))
            return redirect(_agenda_url(item))
        except ValidationError as error:
            refused(request, error)
    return render(request, "governance/item_form.html", {"item": item, "meeting": item.meeting, "form": form})


@page_for("governance.view_bodies")
@require_POST
def item_move(request, pk):
    item = _item(request, pk)
    try:
        agenda.move_item(actor=request.user, item=item, up=request.POST.get("direction") == "up")
    except ValidationError as error:
        refused(request, error)
    return redirect(_agenda_url(item))


@page_for("governance.view_bodies")
@require_POST
def item_delete(request, pk):
    item = _item(request, pk)
    try:
        agenda.remove_item(actor=request.user, item=item)
        messages.success(request, _("The item is removed from the agenda."))
    except ValidationError as error:
        refused(request, error)
    return redirect(_agenda_url(item.meeting))


@page_for("governance.view_bodies")
@require_POST
def document_upload(request, pk):
    item = _item(request, pk)
    require(request.user, "governance.run_meeting", item.meeting)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the document to attach."))
        return redirect(_agenda_url(item))
    try:
        submit_once(form.cleaned_data["form_token"], lambda: _agenda_url(
            agenda.add_document(actor=request.user, item=item, upload=form.cleaned_data["file"]).item))
        messages.success(request, _("The document is attached."))
    except ValidationError as error:
        refused(request, error)
    return redirect(_agenda_url(item))


def _document(request, pk) -> AgendaDocument:
    document = get_object_or_404(AgendaDocument.objects.select_related("item__meeting__body"), pk=pk)
    require_visible(request.user, "governance.view_meeting", document.item.meeting)
    return document


@page_for("governance.view_bodies")
@require_safe
def document_download(request, pk):
    document = _document(request, pk)
    with document.file.open("rb") as stored:
        content = stored.read()
    return attachment(content, filetypes.download_name(document.original_name, document.content_type))


@page_for("governance.view_bodies")
@require_POST
def document_delete(request, pk):
    document = _document(request, pk)
    try:
        agenda.remove_document(actor=request.user, document=document)
        messages.success(request, _("The document is removed."))
    except ValidationError as error:
        refused(request, error)
    return redirect(_agenda_url(document.item))


@page_for("governance.view_bodies")
@require_POST
def recusal_declare(request, pk):
    item = _item(request, pk)
    require(request.user, "governance.declare_recusal", item.meeting)
    form = RecusalForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say what the conflict of interest is."))
        record.declare_recusal(actor=request.user, item=item, reason=form.cleaned_data["reason"])
        messages.success(request, _("Your conflict of interest is recorded: you do not vote on this item."))
    except ValidationError as error:
        refused(request, error)
    return redirect(_agenda_url(item))


@page_for("governance.view_bodies")
@require_POST
def recusal_withdraw(request, pk):
    recusal = get_object_or_404(Recusal.objects.select_related("item__meeting__body"), pk=pk)
    require_visible(request.user, "governance.view_meeting", recusal.item.meeting)
    try:
        record.withdraw_recusal(actor=request.user, recusal=recusal)
        messages.success(request, _("The recusal is withdrawn."))
    except ValidationError as error:
        refused(request, error)
    return redirect(_agenda_url(recusal.item))
