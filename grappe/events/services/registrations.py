"""Writes of a participation: register (a member's person, or a guest who confirms its email), say what one
offers and seeks, mark the slots one cannot attend, cancel.

A participant is identified by the caller (grappe/events/access.py): these functions take its registration
and the signed-in user (anonymous for a guest) for the audit trail. Each checks, works in one transaction,
audits, and tells the people concerned once it commits. Bad input raises ValidationError with a message for
the person, and nothing is saved.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from grappe.core import audit, feed_versions, outbox
from grappe.core.links import absolute_url
from grappe.core.permissions import require
from grappe.members.models import Capability, User

from ..models import Event, Phase, Registration, RegistrationStatus, Slot
from ..selectors.participant import registration_is_open
from .requests import close_participation

EDITABLE_PHASES = (Phase.REGISTRATION, Phase.REQUESTS, Phase.SCHEDULING, Phase.PUBLISHED)
AVAILABILITY_PHASES = (Phase.REGISTRATION, Phase.REQUESTS)


def check_registration_open(event: Event) -> None:
    """A clear refusal outside the registration window."""
    if registration_is_open(event):
        return
    now = timezone.now()
    if event.phase in (Phase.REGISTRATION, Phase.REQUESTS) and now < event.registration_opens:
        raise ValidationError(_("Registration opens on %(date)s.") % {
            "date": formats.date_format(timezone.localtime(event.registration_opens), "DATETIME_FORMAT")},
            code="not_open_yet")
    raise ValidationError(_("Registration for this event is closed."), code="closed")


def _language(language: str | None, fallback: str) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    return language if language in codes else fallback


# Registering ----------------------------------------------------------------------------------------------

def register_member(*, actor, event: Event, language: str | None = None) -> Registration:
    """Register the actor's person for the event. Registering twice (a double click, two tabs) gives the same
    registration; a cancelled one is re-opened. It then awaits the organiser's validation."""
    require(actor, "events.register_as_member", event)
    check_registration_open(event)
    person = actor.person
    with transaction.atomic():
        registration, created = Registration.objects.get_or_create(
            event=event, person=person,
            defaults={"organisation": person.organisation, "language": _language(language, actor.language)})
        if created:
            audit.record(actor, "event.registered", registration, after=audit.snapshot(registration))
            feed_versions.bump_organisation(registration.organisation_id)
            return registration
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            registration.status = RegistrationStatus.PENDING
            registration.organisation = person.organisation
            registration.save(update_fields=["status", "organisation", "updated_at"])
            audit.record(actor, "event.registration_reopened", registration,
                         before={"status": RegistrationStatus.CANCELLED}, after={"status": registration.status})
            feed_versions.bump_organisation(registration.organisation_id)
    return registration


def register_guest(*, actor, event: Event, name: str, email: str, organisation: str,
                   language: str | None = None) -> tuple[Registration, bool]:
    """Register a guest, who confirms its address by following the link mailed to it. An address already
    registered is sent its link again (whoever typed it: only the address's owner can follow it), so the page
    says the same thing in both cases. Returns the registration and whether it is new."""
    require(actor, "events.register_as_guest", event)
    check_registration_open(event)
    email = email.strip()
    if User.objects.filter(email__iexact=email, is_active=True).exists():
        raise ValidationError(_("This address belongs to an account of the cluster: sign in to register with it."),
                              code="member_email")
    with transaction.atomic():
        registration, created = Registration.objects.get_or_create(
            event=event, guest_email__iexact=email,
            defaults={"guest_email": email, "guest_name": name.strip(), "guest_organisation": organisation.strip(),
                      "language": _language(language, translation.get_language() or "fr"),
                      "status": RegistrationStatus.UNCONFIRMED})
        if created:
            audit.record(actor, "event.guest_registered", registration,
                         after=audit.snapshot(registration, exclude=("access_key",)))
        _mail_access_link(registration)
    return registration, created


def resend_access_link(*, event: Event, email: str) -> None:
    """Mail a guest its link again. Says nothing about whether the address is registered."""
    registration = Registration.objects.filter(event=event, person__isnull=True,
                                               guest_email__iexact=email.strip()).first()
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        _mail_access_link(registration)


def _mail_access_link(registration: Registration) -> None:
    with translation.override(registration.language):
        path = reverse("events:guest-confirm", args=[registration.event_id, registration.access_key])
        context = {"registration": registration, "event": registration.event, "link": absolute_url(path)}
        outbox.queue(registration.guest_email,
                     _("Confirm your registration to %(event)s") % {"event": registration.event.title},
                     render_to_string("events/participant/email/confirm_guest.txt", context))


def confirm_guest(*, event: Event, access_key: str) -> Registration | None:
    """The guest followed its link: its address is confirmed (the registration then awaits validation).
    None when the link is not one of this event's."""
    with transaction.atomic():
        registration = (Registration.objects.select_for_update().filter(
            event=event, access_key=access_key, person__isnull=True).first())
        if registration is not None and registration.status == RegistrationStatus.UNCONFIRMED:
            registration.status = RegistrationStatus.PENDING
            registration.confirmed_at = timezone.now()
            registration.save(update_fields=["status", "confirmed_at", "updated_at"])
            audit.record(None, "event.guest_confirmed", registration,
                         before={"status": RegistrationStatus.UNCONFIRMED}, after={"status": registration.status})
    return registration


# What a participant says about itself ---------------------------------------------------------------------

def _locked(registration: Registration, phases=EDITABLE_PHASES) -> Registration:
    registration = Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
    if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.REFUSED):
        raise ValidationError(_("This registration is no longer active."), code="inactive")
    if registration.event.phase not in phases:
        raise ValidationError(_("This can no longer be changed at this stage of the event."), code="phase")
    return registration


def _codes(capabilities) -> list[str]:
    return sorted(c.code for c in capabilities)


def update_profile(*, user, participant: Registration, offers: Iterable[Capability], seeks: Iterable[Capability],
                   pitch: str, language: str | None = None) -> Registration:
    """What the participant offers and seeks (capabilities of the taxonomy, not whole domains), its pitch and
    the language of its agenda and messages."""
    offers, seeks = list(offers), list(seeks)
    if any(c.is_domain or not c.is_active for c in offers + seeks):
        raise ValidationError(_("Choose capabilities in use, not whole domains."), code="not_a_capability")
    with transaction.atomic():
        registration = _locked(participant)
        before = {"offers": _codes(registration.offers.all()), "seeks": _codes(registration.seeks.all()),
                  "pitch": registration.pitch, "language": registration.language}
        registration.pitch = pitch.strip()
        registration.language = _language(language, registration.language)
        registration.full_clean(exclude=["event", "person", "organisation", "offers", "seeks", "unavailable_slots"])
        registration.save(update_fields=["pitch", "language", "updated_at"])
        registration.offers.set(offers)
        registration.seeks.set(seeks)
        after = {"offers": _codes(offers), "seeks": _codes(seeks), "pitch": registration.pitch,
                 "language": registration.language}
        if after != before:
            audit.record(user, "event.profile_changed", registration, before=before, after=after)
    return registration


def set_unavailable_slots(*, user, participant: Registration, slots: Iterable[Slot]) -> Registration:
    """The slots the participant cannot attend: the scheduler places no meeting there. Fixed before the
    organiser schedules."""
    slots = list(slots)
    if any(slot.event_id != participant.event_id for slot in slots):
        raise ValidationError(_("A slot of another event was chosen."), code="other_event")
    with transaction.atomic():
        registration = _locked(participant, AVAILABILITY_PHASES)
        before = sorted(registration.unavailable_slots.values_list("index", flat=True))
        registration.unavailable_slots.set(slots)
        after = sorted(slot.index for slot in slots)
        if after != before:
            audit.record(user, "event.availability_changed", registration, before={"unavailable": before},
                         after={"unavailable": after})
    return registration


# Leaving --------------------------------------------------------------------------------------------------

def cancel_registration(*, user, participant: Registration) -> Registration:
    """The participant no longer comes: its open requests are withdrawn and its meetings cancelled, and the
    people it was to meet are told. Cancelling twice changes nothing."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("event").get(pk=participant.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            return registration
        if registration.event.phase == Phase.FINISHED:
            raise ValidationError(_("The event is over."), code="finished")
        before = registration.status
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
        feed_versions.bump_organisation(registration.organisation_id)
        closed = close_participation(registration)
        audit.record(user, "event.registration_cancelled", registration, before={"status": before},
                     after={"status": registration.status, "requests_withdrawn": [r.pk for r in closed.requests],
                            "meetings_cancelled": [m.pk for m in closed.meetings]})
    return registration
