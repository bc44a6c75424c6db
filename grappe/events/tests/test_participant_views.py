"""The participants' pages, as a visitor uses them: a guest's link, suggestions with reasons, requests, agenda."""

import html
import re

from django.core import mail
from django.urls import reverse
from django.utils import translation

from grappe.conftest import make_member
from grappe.core.models import JobStatus
from grappe.events.models import (
    Audience,
    Phase,
    Priority,
    Registration,
    RegistrationStatus,
    RequestStatus,
    ScheduleRun,
)
from grappe.events.suggestions import rank
from grappe.members.models import Capability

from .factories import make_event, make_request, place, register, register_guest


def test_a_guest_registers_follows_its_link_and_lands_on_its_page(client, event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:register", args=[event.pk]), {
            "name": "Gaëlle Invitée", "email": "gaelle@ext.test", "organisation": "Studio", "language": "en",
            "form_token": "3c9e1f5a-0b7d-4e2a-9c8f-6d5e4f3a2b1c"})
    assert response.status_code == 302
    assert client.get(reverse("events:my-registration", args=[event.pk])).status_code == 404
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.redirect_chain[-1][0] == reverse("events:my-registration", args=[event.pk])
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.PENDING and registration.language == "en"


def test_the_guest_link_takes_it_to_the_page_a_notice_names(client, event):
    guest = Registration.objects.create(event=event, guest_name="G", guest_email="g@ext.test",
                                        status=RegistrationStatus.VALIDATED)
    url = reverse("events:guest-confirm", args=[event.pk, guest.access_key])
    requests_page = reverse("events:request-list", args=[event.pk])
    assert client.get(url, {"next": requests_page})["Location"] == requests_page
    assert client.get(url, {"next": "https://evil.test/"})["Location"] != "https://evil.test/"
    assert client.get(requests_page).status_code == 200


def test_a_closed_registration_says_so(client, staff, org_user, in_english):
    event = make_event(staff, phase=Phase.SCHEDULING, audience=Audience.MEMBERS)
    client.force_login(org_user)
    response = client.get(reverse("events:register", args=[event.pk]))
    assert "Registration for this event is closed." in response.content.decode()


def test_participants_are_ranked_by_fit_with_the_reasons(client, org_user, alpha, bravo, charlie):
    domain = Capability.objects.create(code="ndt", label_fr="CND", label_en="NDT")
    penetrant = Capability.objects.create(parent=domain, code="ndt-penetrant", label_fr="Ressuage",
                                          label_en="Penetrant testing")
    xray = Capability.objects.create(parent=domain, code="ndt-xray", label_fr="Radiographie", label_en="X-ray")
    alpha.seeks.add(penetrant)
    charlie.offers.add(penetrant)
    bravo.offers.add(xray)
    ranked = rank(alpha, [bravo, charlie])
    assert [s.registration for s in ranked] == [charlie, bravo]
    assert ranked[0].they_offer == [penetrant] and ranked[1].same_domain == [xray]
    client.force_login(org_user)
    page = client.get(reverse("events:participant-list", args=[alpha.event.pk])).content.decode()
    assert page.index("Charlie Aéro") < page.index("Bravo Composites")
    assert page.count('data-testid="reasons"') == 2


def test_asking_back_from_the_page_accepts_their_request(client, org_user, alpha, bravo):
    make_request(bravo, alpha, priority=Priority.LOW)
    client.force_login(org_user)
    response = client.post(reverse("events:request-send", args=[alpha.event.pk, bravo.pk]), {
        "priority": Priority.HIGH, "form_token": "7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d"}, follow=True)
    assert response.status_code == 200
    assert alpha.requests_received.get().status == RequestStatus.ACCEPTED


def test_a_request_to_a_colleague_is_refused_with_the_reason(client, event, org_user, org_admin, alpha, in_english):
    colleague = register(event, org_admin)
    client.force_login(org_user)
    page = client.get(reverse("events:participant-detail", args=[event.pk, colleague.pk])).content.decode()
    assert 'data-testid="cannot-ask"' in page and "colleague" in page


def test_asking_an_organisation_a_colleague_already_asked_shows_a_warning(client, event, org_admin, alpha, bravo):
    make_request(alpha, bravo)
    register(event, org_admin)
    client.force_login(org_admin)

    page = client.get(reverse("events:participant-detail", args=[event.pk, bravo.pk])).content.decode()
    assert 'data-testid="colleague-asked"' in page and alpha.display_name in page
    assert 'data-testid="send-request"' in page  # a warning, not a refusal
    guest = register_guest(event)
    guest_page = reverse("events:participant-detail", args=[event.pk, guest.pk])
    assert 'data-testid="colleague-asked"' not in client.get(guest_page).content.decode()
    make_request(guest, alpha, RequestStatus.ACCEPTED)  # a guest is an organisation of its own
    assert 'data-testid="colleague-asked"' in client.get(guest_page).content.decode()


def test_the_agenda_downloads_as_pdf_and_ics(client, org_user, alpha, bravo):
    place(make_request(alpha, bravo, RequestStatus.ACCEPTED), table_number=2)
    client.force_login(org_user)
    page = client.get(reverse("events:agenda", args=[alpha.event.pk]))
    assert page.content.decode().count('data-testid="meeting"') == 1
    pdf = client.get(reverse("events:agenda-pdf", args=[alpha.event.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    ics = client.get(reverse("events:agenda-ics", args=[alpha.event.pk]))
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in ics.content


def test_the_availability_grid_saves_the_ticked_slots(client, event, org_user, alpha):
    client.force_login(org_user)
    slots = list(event.slots.all())
    client.post(reverse("events:my-availability", args=[event.pk]), {"unavailable": [slots[0].pk, slots[3].pk]})
    assert set(alpha.unavailable_slots.all()) == {slots[0], slots[3]}
    page = client.get(reverse("events:my-availability", args=[event.pk])).content.decode()
    assert page.count(" checked") == 2


def test_the_api_is_documented_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/events", "/api/events/{event_id}", "/api/events/{event_id}/registration",
            "/api/events/{event_id}/participants", "/api/events/{event_id}/requests",
            "/api/events/{event_id}/requests/{request_id}/answer", "/api/events/{event_id}/agenda"} <= paths.keys()


def test_my_agenda_downloads_in_the_language_i_am_reading_not_my_printing_setting(client, charlie_user, charlie,
                                                                                 alpha):
    from django.utils import translation
    from icalendar import Calendar

    place(make_request(alpha, charlie, RequestStatus.ACCEPTED), table_number=2)
    assert charlie.language == "en"  # the organiser prints Charlie's sheet in English
    client.force_login(charlie_user)
    with translation.override("fr"):
        url = reverse("events:agenda-ics", args=[charlie.event.pk])
    assert url.startswith("/fr/")
    calendar = Calendar.from_ical(client.get(url).content)
    summaries = [str(c["summary"]) for c in calendar.walk() if c.name == "VEVENT"]
    assert len(summaries) == 1 and summaries[0].startswith("Rencontre avec ")
    with translation.override("en"):
        url = reverse("events:agenda-ics", args=[charlie.event.pk])
    calendar = Calendar.from_ical(client.get(url).content)
    assert [str(c["summary"]) for c in calendar.walk() if c.name == "VEVENT"][0].startswith("Meeting with ")


def test_my_agenda_pdf_is_printed_in_the_language_i_am_reading_not_my_printing_setting(client, charlie_user, charlie,
                                                                                       alpha, monkeypatch):
    import weasyprint
    from django.utils import translation

    place(make_request(alpha, charlie, RequestStatus.ACCEPTED), table_number=2)
    assert charlie.language == "en"  # the organiser prints Charlie's sheet in English
    printed = []
    html = weasyprint.HTML
    monkeypatch.setattr(weasyprint, "HTML", lambda string, **kwargs: printed.append(string) or html(string=string,
                                                                                                    **kwargs))
    client.force_login(charlie_user)
    for language in ("fr", "en"):
        with translation.override(language):
            url = reverse("events:agenda-pdf", args=[charlie.event.pk])
        pdf = client.get(url)
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    french, english = printed
    assert '<section class="sheet" lang="fr">' in french and "1 rencontre" in french and ">Heure<" in french
    assert "Time" not in french and "meeting" not in french
    assert '<section class="sheet" lang="en">' in english and "1 meeting" in english and ">Time<" in english


def test_the_language_setting_says_it_is_for_the_printed_agenda_and_the_messages_not_the_screen(client, org_user,
                                                                                                alpha, in_english):
    client.force_login(org_user)
    page = client.get(reverse("events:my-registration", args=[alpha.event.pk])).content.decode()
    assert "Language of my printed agenda and of the messages sent to me" in page
    assert "follow the language you are reading in" in page


def test_whom_to_meet_leaves_out_my_colleagues_and_says_what_the_badge_counts(client, event, org_user, org_admin,
                                                                             alpha, bravo, in_english):
    domain = Capability.objects.create(code="ndt", label_fr="CND", label_en="NDT")
    penetrant = Capability.objects.create(parent=domain, code="ndt-penetrant", label_fr="Ressuage",
                                          label_en="Penetrant testing")
    colleague = register(event, org_admin)
    colleague.offers.add(penetrant)
    bravo.offers.add(penetrant)
    alpha.seeks.add(penetrant)
    assert [s.registration for s in rank(alpha, [bravo, colleague])] == [bravo]
    client.force_login(org_user)
    with translation.override("en"):
        page = client.get(reverse("events:participant-list", args=[event.pk])).content.decode()
    assert page.count('data-testid="participant"') == 1
    assert "1 capability in common with what you offer and seek" in page


def test_my_event_profile_starts_from_my_organisations_directory_capabilities(client, event, org_user, alpha):
    from grappe.members.models import CapabilityLevel, OrganisationCapability

    domain = Capability.objects.create(code="gears", label_fr="Engrenages", label_en="Gears")
    cutting = Capability.objects.create(parent=domain, code="gear-cutting", label_fr="Taillage",
                                        label_en="Gear cutting")
    painting = Capability.objects.create(parent=domain, code="gear-painting", label_fr="Peinture",
                                         label_en="Painting")
    OrganisationCapability.objects.create(organisation=alpha.organisation, capability=cutting,
                                          level=CapabilityLevel.CORE)
    client.force_login(org_user)
    url = reverse("events:my-registration", args=[event.pk])
    form = client.get(url).context["form"]
    assert list(form.initial["offers"]) == [cutting]
    alpha.offers.add(painting)  # once declared, what the participant chose stays
    form = client.get(url).context["form"]
    assert [c.pk for c in form.initial["offers"]] == [painting.pk]


def test_my_page_counts_meetings_in_my_agenda_apart_from_agreed_ones_not_placed(client, org_user, alpha, bravo,
                                                                                charlie, in_english):
    place(make_request(alpha, bravo, RequestStatus.ACCEPTED))
    make_request(alpha, charlie, RequestStatus.ACCEPTED)  # agreed, but the scheduler could not place it
    client.force_login(org_user)
    with translation.override("en"):
        page = client.get(reverse("events:my-registration", args=[alpha.event.pk])).content.decode()
    assert "1 meeting in your agenda" in page
    assert "1 agreed but not placed in a slot" in page


def _colleague_of(registration):
    """Marie Tremblay, another person of the registration's organisation, registered to the same event."""
    user = make_member(registration.organisation, "marie@alpha.test")
    user.person.first_name, user.person.last_name = "Marie", "Tremblay"
    user.person.save()
    return register(registration.event, user)


def _left_out(event, staff, meeting_request, reason, participant=None):
    """A finished scheduler run that could not place the request, for the reason given."""
    return ScheduleRun.objects.create(event=event, owner=staff, status=JobStatus.DONE, unplaced=[
        {"request": meeting_request.pk, "reason": reason, "participant": participant}])


def test_my_requests_say_which_agreed_meetings_are_placed_and_why_the_others_are_not(
        client, staff, org_user, alpha, bravo, charlie, in_english):
    placed = make_request(alpha, bravo, RequestStatus.ACCEPTED)
    place(placed, slot_index=1, table_number=2)
    not_placed = make_request(charlie, alpha, RequestStatus.ACCEPTED)
    _left_out(alpha.event, staff, not_placed, "both_busy")
    client.force_login(org_user)

    page = client.get(reverse("events:request-list", args=[alpha.event.pk])).content.decode()

    assert page.count('data-state="published"') == 1 and "table 2" in page
    assert page.count('data-state="not_placed"') == 1
    assert "Both participants are already in other meetings in every slot they share" in page
    assert "Meeting agreed" not in page
    assert page.count("Call off this meeting") == 1  # the placed one
    assert page.count("Withdraw the agreement") == 1  # the one agreed but not placed: no meeting to cancel


def test_an_agreed_request_not_yet_scheduled_says_so(client, org_user, alpha, bravo, in_english):
    make_request(alpha, bravo, RequestStatus.ACCEPTED)
    client.force_login(org_user)

    page = client.get(reverse("events:request-list", args=[alpha.event.pk])).content.decode()

    assert "Agreed, not placed" in page
    assert "the organiser places the agreed meetings once the requests close" in page


def test_an_agreement_made_after_the_last_scheduler_run_says_so(
        client, staff, org_user, alpha, bravo, charlie, in_english):
    _left_out(alpha.event, staff, make_request(bravo, charlie, RequestStatus.ACCEPTED), "no_table")
    make_request(alpha, bravo, RequestStatus.ACCEPTED)
    client.force_login(org_user)

    page = client.get(reverse("events:request-list", args=[alpha.event.pk])).content.decode()

    assert "Not scheduled yet: agreed after the organiser last ran the scheduler" in page


def test_a_colleagues_meeting_says_whose_it_is_and_cannot_be_called_off(client, staff, org_user, alpha, bravo,
                                                                         charlie):
    marie = _colleague_of(alpha)
    hers = make_request(marie, bravo, RequestStatus.ACCEPTED)
    place(hers, slot_index=0, table_number=1)
    left_out = make_request(marie, charlie, RequestStatus.ACCEPTED)
    _left_out(alpha.event, staff, left_out, "participant_cap", marie.pk)
    client.force_login(org_user)

    for url in ("events:request-list", "events:agenda"):
        page = client.get(reverse(url, args=[alpha.event.pk])).content.decode()
        assert page.count("Rencontre de Marie Tremblay, votre collègue") == 2
        assert "Marie Tremblay a atteint son maximum de rencontres" in page
        for request in (hers, left_out):
            assert reverse("events:request-withdraw", args=[alpha.event.pk, request.pk]) not in page
    withdraw = reverse("events:request-withdraw", args=[alpha.event.pk, hers.pk])
    assert client.post(withdraw).status_code == 404  # not hers to call off from this account either


def test_my_agenda_lists_agreed_meetings_that_are_not_in_it_with_the_reason(client, staff, org_user, alpha,
                                                                          bravo, charlie):
    place(make_request(alpha, bravo, RequestStatus.ACCEPTED))
    no_table = make_request(alpha, charlie, RequestStatus.ACCEPTED)
    _left_out(alpha.event, staff, no_table, "no_table")
    client.force_login(org_user)

    page = html.unescape(client.get(reverse("events:agenda", args=[alpha.event.pk])).content.decode())

    assert 'data-testid="not-in-agenda"' in page
    assert "Convenue, non placée" in page
    assert "Plus aucune table libre sur les créneaux qu'ils pourraient partager" in page


def test_whom_to_meet_tells_a_placed_meeting_from_one_only_agreed(client, org_user, alpha, bravo, charlie,
                                                                  in_english):
    place(make_request(alpha, bravo, RequestStatus.ACCEPTED))
    make_request(alpha, charlie, RequestStatus.ACCEPTED)
    client.force_login(org_user)

    page = client.get(reverse("events:participant-list", args=[alpha.event.pk])).content.decode()

    assert "Meeting placed" in page and "Agreed, not placed" in page
