"""Participants' pages, before the meetings: the events, registering (members and guests), one's profile and
availability, cancelling. Thin: parse, call a service or a selector, render.

A draft event answers 404 except to the staff. The pages of a participation answer 404 to a visitor who has
no registration for the event (grappe/events/access.py), so they do not reveal who takes part.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from grappe.core.idempotency import submit_once
from grappe.core.pages import refused
from grappe.core.permissions import require_visible

from .. import access, suggestions
from ..forms.participant import (
    AvailabilityForm,
    GuestRegistrationForm,
    MemberRegistrationForm,
    ProfileForm,
    ResendLinkForm,
)
from ..models import Event, Phase, RegistrationStatus
from ..selectors import participant as selectors
from ..services import registrations


def visible_event(request, pk: int) -> Event:
    event = get_object_or_404(Event, pk=pk)
    require_visible(request.user, "events.view_event", event)
    return event


def _my_page(event) -> str:
    return reverse("events:my-registration", args=[event.pk])


def event_list(request):
    events = list(selectors.visible_events(request.user))
    known = request.user.is_authenticated or request.session.get(access.SESSION_KEY)
    for event in events:
        event.my_registration = access.own_registration(request, event) if known else None
    return render(request, "events/participant/event_list.html", {
        "current": [e for e in events if e.phase != Phase.FINISHED],
        "past": [e for e in events if e.phase == Phase.FINISHED]})


def event_detail(request, pk):
    event = visible_event(request, pk)
    user = request.user
    return render(request, "events/participant/event_detail.html", {
        "event": event, "sessions": event.sessions.all(), "registration": access.own_registration(request, event),
        "registration_open": selectors.registration_is_open(event),
        "can_register": user.has_perm("events.register_as_member", event)
        or (not user.is_authenticated and user.has_perm("events.register_as_guest", event)),
        "participant_count": selectors.participants(event).count(),
        "can_manage": user.has_perm("events.manage_event")})


def register(request, pk):
    """A member's person registers with its account; a visitor without one, as a guest if the event takes
    guests (else it is asked to sign in)."""
    event = visible_event(request, pk)
    if access.own_registration(request, event) is not None:
        return redirect(_my_page(event))
    user = request.user
    as_member = user.has_perm("events.register_as_member", event)
    if not as_member:
        if user.is_authenticated:
            raise PermissionDenied
        if not user.has_perm("events.register_as_guest", event):
            return redirect_to_login(request.get_full_path())
    form_class = MemberRegistrationForm if as_member else GuestRegistrationForm
    language = user.language if user.is_authenticated else (get_language() or "fr")[:2]
    form = form_class(request.POST or None, initial={"language": language})
    is_open = selectors.registration_is_open(event)
    if request.method == "POST" and form.is_valid():
        try:
            return redirect(submit_once(form.cleaned_data["form_token"],
                                        lambda: _register(request, event, form.cleaned_data, as_member)))
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "events/participant/register.html", {
        "event": event, "form": form, "as_member": as_member, "registration_open": is_open,
        "closed_reason": None if is_open else _closed_reason(event)})


def _closed_reason(event) -> str:
    try:
        registrations.check_registration_open(event)
    except ValidationError as error:
        return error.messages[0]
    return ""


def _register(request, event, data, as_member: bool) -> str:
    if as_member:
        registrations.register_member(actor=request.user, event=event, language=data["language"])
        messages.success(request, _("You are registered. The organiser will validate your registration; "
                                    "meanwhile, say what you offer and seek."))
        return _my_page(event)
    registrations.register_guest(actor=request.user, event=event, name=data["name"], email=data["email"],
                                 organisation=data["organisation"], language=data["language"])
    messages.success(request, _("Check your inbox: we sent a link to %(email)s to confirm your registration.")
                     % {"email": data["email"]})
    return event.get_absolute_url()


def guest_confirm(request, pk, key):
    """The link mailed to a guest: confirms its address and opens its participation in this browser."""
    event = get_object_or_404(Event, pk=pk)
    registration = registrations.confirm_guest(event=event, access_key=key)
    if registration is None:
        raise Http404
    access.remember_guest(request, registration)
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return redirect(target)
    if registration.status == RegistrationStatus.PENDING:
        messages.success(request, _("Your address is confirmed. The organiser will validate your registration."))
    return redirect(_my_page(event))


def guest_resend(request, pk):
    """A guest who lost its link asks for it again. The answer is the same whether the address is registered."""
    event = visible_event(request, pk)
    if not request.user.has_perm("events.register_as_guest", event):
        raise Http404
    form = ResendLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        registrations.resend_access_link(event=event, email=form.cleaned_data["email"])
        messages.success(request, _("If this address is registered for the event, its link is on its way."))
        return redirect(event)
    return render(request, "events/participant/guest_resend.html", {"event": event, "form": form})


def my_registration(request, pk):
    """The participant's own page: its status, what it offers and seeks, its pitch and language."""
    event, registration = access.participation(request, pk)
    initial = {}
    prefilled = bool(registration.organisation_id) and not registration.offers.exists()
    if prefilled:  # nothing declared yet: start from the organisation's directory profile (its core capabilities)
        initial["offers"] = suggestions.directory_offers([registration]).get(registration.organisation_id, [])
        prefilled = bool(initial["offers"])
    form = ProfileForm(request.POST or None, instance=registration, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registrations.update_profile(user=request.user, participant=registration, offers=data["offers"],
                                         seeks=data["seeks"], pitch=data["pitch"], language=data["language"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect(_my_page(event))
    return render(request, "events/participant/my_registration.html", {
        "event": event, "registration": registration, "form": form, "prefilled": prefilled,
        "request_counts": selectors.request_counts(registration)})


def my_availability(request, pk):
    """A grid of the event's slots: the participant ticks those it cannot attend."""
    event, registration = access.participation(request, pk)
    form = AvailabilityForm(request.POST or None, event=event,
                            initial={"unavailable": registration.unavailable_slots.all()})
    if request.method == "POST" and form.is_valid():
        try:
            registrations.set_unavailable_slots(user=request.user, participant=registration,
                                                slots=form.cleaned_data["unavailable"])
        except ValidationError as error:
            refused(request, error)
        else:
            messages.success(request, _("Your availability is saved."))
        return redirect("events:my-availability", event.pk)
    unavailable = {str(pk) for pk in (form["unavailable"].value() or [])}
    sessions = {}
    for slot in event.slots.select_related("session"):
        sessions.setdefault(slot.session, []).append((slot, str(slot.pk) in unavailable))
    return render(request, "events/participant/my_availability.html", {
        "event": event, "registration": registration, "sessions": sessions.items(),
        "editable": event.phase in registrations.AVAILABILITY_PHASES})


def cancel_registration(request, pk):
    """Confirm, then cancel: the participant's meetings are freed and the other sides told."""
    event, registration = access.participation(request, pk)
    if request.method == "POST":
        try:
            registrations.cancel_registration(user=request.user, participant=registration)
        except ValidationError as error:
            refused(request, error)
            return redirect(_my_page(event))
        messages.success(request, _("Your registration is cancelled. The people you were to meet are told."))
        return redirect(event)
    return render(request, "events/participant/cancel.html", {"event": event, "registration": registration})


