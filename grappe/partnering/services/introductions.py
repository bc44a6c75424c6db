"""Writes about introductions: ask to be introduced to a partner for an opportunity, answer the request,
talk in its thread.

Each function checks the actor's right, works in one transaction, leaves an audit entry and tells the other
side once the transaction commits (grappe.core.notify). Bad input raises ValidationError with a message for
the person, and nothing is saved.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit, notify
from grappe.core.permissions import require
from grappe.members.models import MembershipStatus, Organisation

from ..models import Introduction, IntroductionMessage, IntroductionStatus, Opportunity
from . import notices


def request_introduction(*, actor, opportunity: Opportunity, partner: Organisation,
                         message: str = "") -> Introduction:
    """Ask to be introduced to a partner. Asking twice (a double click, two colleagues at once) makes one
    introduction: the database allows one per partner, and the second request gets the first one."""
    require(actor, "partnering.request_introduction", opportunity)
    if partner.pk == opportunity.initiator_id or partner == actor.organisation:
        raise ValidationError(_("This organisation is your own: no introduction is needed."), code="own")
    proposable = partner.listed_in_directory or actor.has_perm("partnering.view_cluster_partnering")
    if partner.membership_status != MembershipStatus.ACTIVE or not proposable:
        raise ValidationError(_("Introductions are made to active members of the directory only."),
                              code="not_member")
    message = message.strip()
    with transaction.atomic():
        introduction, created = Introduction.objects.get_or_create(
            opportunity=opportunity, partner=partner, defaults={"requested_by": actor})
        if created:
            if message:
                IntroductionMessage.objects.create(introduction=introduction, author=actor, text=message[:5000])
            audit.record(actor, "introduction.requested", introduction, after=audit.snapshot(introduction))
            notify.on_commit(notify.send, notices.answerers(partner), "partnering.introduction_requested",
                             {"introduction_id": introduction.pk, "organisation": str(opportunity.initiator),
                              "title": opportunity.title}, introduction.get_absolute_url())
    return introduction


def answer_introduction(*, actor, introduction: Introduction, accept: bool) -> Introduction:
    """The partner accepts (contacts are then shared both ways) or declines. Answering twice the same way
    changes nothing; answering differently once answered is refused."""
    wanted = IntroductionStatus.ACCEPTED if accept else IntroductionStatus.DECLINED
    with transaction.atomic():
        introduction = (Introduction.objects.select_for_update(of=("self",))
                        .select_related("opportunity__initiator", "partner", "requested_by").get(pk=introduction.pk))
        if introduction.status == wanted:
            return introduction
        if introduction.status != IntroductionStatus.REQUESTED:
            raise ValidationError(_("This introduction was already answered: %(status)s.") % {
                "status": introduction.get_status_display()}, code="answered")
        require(actor, "partnering.answer_introduction", introduction)
        introduction.status, introduction.answered_by, introduction.answered_at = wanted, actor, timezone.now()
        introduction.save(update_fields=["status", "answered_by", "answered_at"])
        audit.record(actor, f"introduction.{wanted}", introduction, before={"status": IntroductionStatus.REQUESTED},
                     after={"status": wanted})
    partner, title = introduction.partner, introduction.opportunity.title
    notify.on_commit(notify.send, notices.requesters(introduction), f"partnering.introduction_{wanted}",
                     {"introduction_id": introduction.pk, "organisation": str(partner), "title": title},
                     introduction.get_absolute_url())
    return introduction


def post_introduction_message(*, actor, introduction: Introduction, text: str) -> IntroductionMessage:
    """A message in the introduction's thread, seen by both sides and the staff."""
    introduction = Introduction.objects.select_related("opportunity__initiator", "partner", "requested_by").get(
        pk=introduction.pk)  # as it is now: it may have been declined since the caller read it
    require(actor, "partnering.post_introduction_message", introduction)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write a message."), code="empty")
    if len(text) > 5000:
        raise ValidationError(_("Keep a message under 5,000 characters."), code="too_long")
    with transaction.atomic():
        message = IntroductionMessage.objects.create(introduction=introduction, author=actor, text=text)
        audit.record(actor, "introduction.message", introduction, after={"message": message.pk})
    on_partner_side = actor.organisation is not None and actor.organisation.pk == introduction.partner_id
    recipients = (notices.requesters(introduction) if on_partner_side
                  else notices.answerers(introduction.partner) if actor.organisation is not None
                  else [*notices.requesters(introduction), *notices.answerers(introduction.partner)])
    notify.on_commit(notify.send, [u for u in recipients if u != actor], "partnering.introduction_message",
                     {"introduction_id": introduction.pk, "author": str(actor),
                      "title": introduction.opportunity.title}, introduction.get_absolute_url())
    return message
