"""What an organisation's admin asks a colleague to do (answer a survey, update an event profile, confirm a
consortium share, keep the directory profile up to date, or something else), and its end: the colleague marks it
done, or an admin of the organisation withdraws it. Each is told by a notification."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit, notify
from grappe.core.errors import Conflict
from grappe.core.permissions import require

from .. import request_subjects
from ..models import ColleagueRequest, Organisation, RequestKind, RequestStatus, User


def colleagues(organisation: Organisation, actor):
    """Who the actor may ask: the organisation's people still there, with an active account, but the actor."""
    return (User.objects.filter(person__organisation=organisation, person__is_active=True, is_active=True)
            .exclude(pk=actor.pk).select_related("person").order_by("person__last_name", "person__first_name"))


def ask(*, actor, organisation: Organisation, colleague: User, kind: str, subject_id: int | None = None,
        note: str = "", due_on: datetime.date | None = None) -> ColleagueRequest:
    """Ask a colleague to do something. The subject must be one the organisation may be asked about now (an open
    survey it is invited to…); the directory profile is asked of another admin only (the others cannot edit it);
    something else says what in its note."""
    require(actor, "members.ask_colleagues", organisation)
    if not colleagues(organisation, actor).filter(pk=colleague.pk).exists():
        raise ValidationError(_("Ask a colleague of your organisation who has an account."), code="colleague")
    subject = None
    if request_subjects.takes_subject(kind):
        subject = request_subjects.subject(kind, organisation, subject_id)
        if subject is None:
            raise ValidationError(_("This is no longer open to your organisation."), code="subject")
    if kind == RequestKind.DIRECTORY_PROFILE and not colleague.has_perm("members.change_organisation", organisation):
        raise ValidationError(_("Only an administrator of your organisation can update its profile: ask another "
                                "administrator, or ask something else."), code="not_admin")
    note = note.strip()
    if kind == RequestKind.OTHER and not note:
        raise ValidationError(_("Say in the note what you ask."), code="note")
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError(_("The date is past."), code="due_on")
    with transaction.atomic():
        item = ColleagueRequest.objects.create(
            organisation=organisation, asked_by=actor, asked_of=colleague, kind=kind,
            subject_id=subject.id if subject else None, subject_fr=subject.label_fr if subject else "",
            subject_en=subject.label_en if subject else "", note=note, due_on=due_on)
        audit.record(actor, "colleague_request.sent", item, after=audit.snapshot(item))
        notify.on_commit(notify.send, [colleague], "members.colleague_request", _params(item), reverse("home:home"))
    return item


def mark_done(*, actor, item: ColleagueRequest) -> ColleagueRequest:
    """The colleague did what they were asked; the admin who asked is told."""
    return _close(actor, item, "members.complete_colleague_request", RequestStatus.DONE,
                  "colleague_request.done", "members.colleague_request_done", item.asked_by)


def withdraw(*, actor, item: ColleagueRequest) -> ColleagueRequest:
    """An admin of the organisation no longer asks it; the colleague is told."""
    return _close(actor, item, "members.withdraw_colleague_request", RequestStatus.WITHDRAWN,
                  "colleague_request.withdrawn", "members.colleague_request_withdrawn", item.asked_of)


def _close(actor, item, permission, status, action, kind, told) -> ColleagueRequest:
    require(actor, permission, item)
    with transaction.atomic():
        item = ColleagueRequest.objects.select_for_update().get(pk=item.pk)
        if not item.is_open:
            raise Conflict(_("This request is already closed: %(status)s.") % {"status": item.get_status_display()},
                           code="closed")
        item.status, item.closed_at = status, timezone.now()
        item.save(update_fields=["status", "closed_at"])
        audit.record(actor, action, item, before={"status": RequestStatus.OPEN}, after={"status": status})
        if told != actor:
            notify.on_commit(notify.send, [told], kind, {**_params(item), "by": actor.full_name or actor.email},
                             reverse("home:home"))
    return item


def _params(item: ColleagueRequest) -> dict:
    return {"request_id": item.pk, "kind": item.kind, "subject_fr": item.subject_fr, "subject_en": item.subject_en,
            "by": item.asked_by.full_name or item.asked_by.email,
            "due_on": item.due_on.isoformat() if item.due_on else None}
