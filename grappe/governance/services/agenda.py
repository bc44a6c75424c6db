"""A meeting's agenda, built by a co-chair (or the staff) while the meeting is scheduled: items with a presenter
sitting on the body and a duration, in an order changed one step at a time, and documents attached to them
(PDF, DOCX, XLSX or PPTX read from their content, core.filetypes, within GRAPPE_GOVERNANCE_DOCUMENT_MAX_BYTES),
stored under a name of ours where no URL serves them; views/agenda.py hands them to the body's members."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from grappe.core import audit, filetypes, notify
from grappe.core.errors import Conflict
from grappe.core.permissions import require

from .. import selectors
from ..models import AgendaDocument, AgendaItem, Meeting, MeetingStatus

FIELDS = ("title", "description", "presenter", "duration_minutes")


def add_item(*, actor, meeting: Meeting, **fields) -> AgendaItem:
    require(actor, "governance.run_meeting", meeting)
    with transaction.atomic():
        meeting = _agenda_open(meeting)
        _check_presenter(meeting, fields.get("presenter"))
        last = meeting.items.aggregate(last=Max("position"))["last"]
        item = AgendaItem.objects.create(meeting=meeting, position=0 if last is None else last + 1, **fields)
        audit.record(actor, "agenda.item_added", meeting, after={"item": _item_state(item)})
    return item


def change_item(*, actor, item: AgendaItem, **fields) -> AgendaItem:
    require(actor, "governance.run_meeting", item.meeting)
    with transaction.atomic():
        meeting = _agenda_open(item.meeting)
        _check_presenter(meeting, fields.get("presenter"))
        item = AgendaItem.objects.get(pk=item.pk)
        before = _item_state(item)
        for name in FIELDS:
            setattr(item, name, fields[name])
        item.save()
        audit.record(actor, "agenda.item_changed", meeting, before={"item": before}, after={"item": _item_state(item)})
    return item


def move_item(*, actor, item: AgendaItem, up: bool) -> None:
    """Swap the item with the one before it (`up`) or after it; at either end nothing moves."""
    require(actor, "governance.run_meeting", item.meeting)
    with transaction.atomic():
        meeting = _agenda_open(item.meeting)
        order = list(meeting.items.order_by("position", "pk"))
        index = next(i for i, other in enumerate(order) if other.pk == item.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(order):
            return
        before = [i.pk for i in order]
        order[index], order[other] = order[other], order[index]
        for position, each in enumerate(order):
            if each.position != position:
                AgendaItem.objects.filter(pk=each.pk).update(position=position)
        audit.record(actor, "agenda.reordered", meeting, before={"order": before},
                     after={"order": [i.pk for i in order]})


def remove_item(*, actor, item: AgendaItem) -> None:
    require(actor, "governance.run_meeting", item.meeting)
    with transaction.atomic():
        meeting = _agenda_open(item.meeting)
        item = AgendaItem.objects.get(pk=item.pk)
        files = [(document.file.name, document.file.storage) for document in item.documents.all()]
        before = _item_state(item)
        item.delete()
        audit.record(actor, "agenda.item_removed", meeting, before={"item": before})
        for name, storage in files:
            notify.on_commit(storage.delete, name)


def add_document(*, actor, item: AgendaItem, upload) -> AgendaDocument:
    """Attach a file to the item; refused, with the reason, when too large or not a PDF, DOCX, XLSX or PPTX."""
    require(actor, "governance.run_meeting", item.meeting)
    content = filetypes.checked_content(upload, settings.GRAPPE_GOVERNANCE_DOCUMENT_MAX_BYTES)
    name = filetypes.original_name(upload)
    kind = filetypes.detect(content)
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, Word (.docx), Excel (.xlsx) or PowerPoint (.pptx) document: whatever its "
              "name says, its content is not. Save it in one of those formats and send it again.") % {"name": name},
            code="file_type")
    with transaction.atomic():
        meeting = _agenda_open(item.meeting)
        document = AgendaDocument(item=item, original_name=name, content_type=kind, size=len(content),
                                  uploaded_by=actor)
        document.file.save(f"{uuid.uuid4().hex}{filetypes.EXTENSIONS[kind]}", ContentFile(content), save=False)
        try:  # the file is stored before its row: a failure from here on must not leave it behind
            document.save()
            audit.record(actor, "agenda.document_added", meeting,
                         after={"item": item.pk, "document": document.original_name, "size": document.size})
        except BaseException:
            document.file.delete(save=False)
            raise
    return document


def remove_document(*, actor, document: AgendaDocument) -> None:
    meeting = document.item.meeting
    require(actor, "governance.run_meeting", meeting)
    with transaction.atomic():
        meeting = _agenda_open(meeting)
        name, storage = document.file.name, document.file.storage
        document.delete()
        audit.record(actor, "agenda.document_removed", meeting,
                     before={"item": document.item_id, "document": document.original_name})
        notify.on_commit(storage.delete, name)


def max_size_text() -> str:
    return filetypes.size_text(settings.GRAPPE_GOVERNANCE_DOCUMENT_MAX_BYTES)


def _agenda_open(meeting: Meeting) -> Meeting:
    """The meeting locked (two co-chairs may build the agenda at once), if its agenda may still change."""
    meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict(_("This meeting is no longer scheduled: its agenda cannot change."), code="not_scheduled")
    return meeting


def _check_presenter(meeting: Meeting, presenter) -> None:
    if presenter is not None and presenter.pk not in {seat.user_id for seat in selectors.members_sitting(meeting.body)}:
        raise ValidationError(_("The presenter must be a member of %(body)s.") % {"body": meeting.body.name},
                              code="presenter_not_member")


def _item_state(item: AgendaItem) -> dict:
    return {"id": item.pk, "title": item.title, "presenter": item.presenter_id,
            "duration_minutes": item.duration_minutes}
