"""Writes of listening's needs: a member submits a need, the staff answer it; the people concerned are told.

Each function checks the actor's right (rules.py), works in one transaction, leaves an audit entry and tells
people (notifications) only once the transaction commits. Bad input raises ValidationError with a message
for the person.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit, notify
from grappe.core.idempotency import submit_once
from grappe.core.permissions import require
from grappe.members.models import Organisation, User
from grappe.members.selectors import staff_users

from ..models import Need
from . import themes


def submit_need(*, actor, organisation: Organisation, category: str, text: str, language: str, urgency: str,
                visibility: str, token: uuid.UUID | None = None) -> Need:
    """Record a need of the actor's organisation. The same token twice (a double click, a re-sent API call)
    makes one need: the second call returns the first one's."""
    require(actor, "listening.submit_need", organisation)
    if not (text or "").strip():
        raise ValidationError(_("Describe the need in a few words."), code="empty")
    token = token or uuid.uuid4()

    def work() -> str:
        need = Need(organisation=organisation, submitted_by=actor, category=category, text=text, language=language,
                    urgency=urgency, visibility=visibility, submission_token=token)
        need.full_clean(exclude=["organisation", "submitted_by"])
        need.save()
        audit.record(actor, "need.submitted", need, after=audit.snapshot(need, exclude=("text",)))
        notify.on_commit(_tell_staff_of_need, need.pk)
        themes.texts_changed()
        return reverse("listening:need-list")

    submit_once(token, work)
    return Need.objects.get(submission_token=token)


def _tell_staff_of_need(need_id: int) -> None:
    """Urgent needs reach the staff's notifications at once; the others wait in the needs list."""
    need = Need.objects.select_related("organisation").get(pk=need_id)
    if need.urgency != "high":
        return
    notify.send(staff_users(), "listening.urgent_need",
                {"need_id": need.pk, "organisation": str(need.organisation), "category": need.category},
                need.get_absolute_url())


def respond_to_need(*, actor, need: Need, response: str, status: str) -> Need:
    """The staff say what the cluster did with a need; the organisation's people read it on their needs page."""
    require(actor, "listening.respond_to_need", need)
    with transaction.atomic():
        need = Need.objects.select_for_update().get(pk=need.pk)
        before = audit.snapshot(need, exclude=("text",))
        need.status = status
        response = (response or "").strip()
        if response != need.response:
            need.response = response
            need.responded_by = actor if response else None
            need.responded_at = timezone.now() if response else None
        need.full_clean(exclude=["organisation", "submitted_by", "responded_by"])
        need.save()
        audit.record(actor, "need.responded", need, before=before, after=audit.snapshot(need, exclude=("text",)))
        if response and response != before["response"]:
            notify.on_commit(_tell_organisation_of_response, need.pk)
    return need


def _tell_organisation_of_response(need_id: int) -> None:
    need = Need.objects.select_related("organisation").get(pk=need_id)
    users = User.objects.filter(person__organisation=need.organisation, person__is_active=True, is_active=True)
    notify.send(users, "listening.need_answered", {"need_id": need.pk, "category": need.category},
                reverse("listening:need-list"))
