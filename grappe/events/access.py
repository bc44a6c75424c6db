"""Whose participation is this? The visitor's own registration for an event, member or guest.

A member's person is known by its account. A guest has no account: opening the link of its confirmation
email (with the registration's secret `access_key`) stores the registration in the browser session, and
from then on every participant page finds it here like a member's. Pages a visitor may use only as a
participant answer 404 when this finds nothing (they do not reveal who takes part).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Event, MeetingRequest, Registration, RegistrationStatus

SESSION_KEY = "events.guest_registrations"


def remember_guest(request, registration: Registration) -> None:
    """Open a guest's participation in this browser (after it followed its link)."""
    keys = set(request.session.get(SESSION_KEY, []))
    keys.add(registration.pk)
    request.session[SESSION_KEY] = sorted(keys)


def own_registration(request, event) -> Registration | None:
    """The visitor's registration for the event (any status), or None."""
    registrations = Registration.objects.filter(event=event).select_related("event", "person", "organisation")
    user = request.user
    if user.is_authenticated:
        person = getattr(user, "person", None)
        if person is not None and person.is_active:
            found = registrations.filter(person=person).first()
            if found is not None:
                return found
    guest_ids = request.session.get(SESSION_KEY, [])
    if guest_ids:
        return registrations.filter(pk__in=guest_ids, person__isnull=True).first()
    return None


def participant_or_404(request, event, *, active: bool = True) -> Registration:
    """The visitor's registration, validated unless `active` is False; 404 for anyone else."""
    registration = own_registration(request, event)
    if registration is None or (active and registration.status != RegistrationStatus.VALIDATED):
        raise Http404
    return registration


def participation(request, event_id: int, *, active: bool = False) -> tuple[Event, Registration]:
    """The event and the visitor's own registration (404 without one; validated only if `active`)."""
    event = get_object_or_404(Event, pk=event_id)
    return event, participant_or_404(request, event, active=active)


def own_request_or_404(me: Registration, request_id: int) -> MeetingRequest:
    """A request of the event the participant sent or received; 404 for anyone else's."""
    meeting_request = get_object_or_404(MeetingRequest, pk=request_id, event=me.event)
    if me.pk not in (meeting_request.requester_id, meeting_request.recipient_id):
        raise Http404
    return meeting_request
