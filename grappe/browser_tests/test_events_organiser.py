"""The organiser's side of a B2B meeting day: create the event, open registration, validate the registrations,
open and close the requests, run the scheduler and read what it proved, move a meeting by hand (an infeasible
move is refused with its reason), publish, and print every agenda and table sign as one PDF."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grappe.conftest import make_member, make_organisation, make_staff
from grappe.events.models import Event, MeetingStatus, RegistrationStatus, RequestStatus
from grappe.events.tests.factories import make_request, register

from .helpers import in_french, url

pytestmark = pytest.mark.browser


@pytest.fixture
def cluster(transactional_db):
    members = [make_member(make_organisation(name, neq=neq), email) for name, neq, email in (
        ("Alpha Usinage", "1111111111", "user@alpha.test"), ("Bravo Composites", "2222222222", "user@bravo.test"),
        ("Charlie Aéro", "3333333333", "user@charlie.test"))]
    return make_staff(), members


def click(page, text: str) -> None:
    page.get_by_role("button", name=in_french(text)).click()


def test_the_organiser_runs_a_day_from_creation_to_the_printed_agendas(page, sign_in, cluster):
    staff, members = cluster
    sign_in(staff)
    now = timezone.localtime()
    day = (now + datetime.timedelta(days=30)).date()

    # The event: one session of two 30-minute slots, two tables.
    page.goto(url("events:organiser-event-create"))
    page.locator("#id_title").fill("Journée B2B des primes")
    page.locator("#id_registration_opens").fill(f"{now - datetime.timedelta(days=1):%Y-%m-%dT%H:%M}")
    page.locator("#id_registration_closes").fill(f"{now + datetime.timedelta(days=10):%Y-%m-%dT%H:%M}")
    page.locator("#id_slot_minutes").fill("30")
    page.locator("#id_sessions").fill(f"{day:%Y-%m-%d} 09:00-10:00")
    page.locator("#id_table_count").fill("2")
    page.get_by_role("button", name=in_french("Save")).click()
    expect(page.get_by_role("heading", name="Journée B2B des primes")).to_be_visible()
    event = Event.objects.get()
    assert (event.slots.count(), event.tables.count()) == (2, 2)

    # Registration opens; three people register (test_events_journey registers through the pages); the
    # organiser validates them all at once.
    click(page, "Open registration")
    alpha, bravo, charlie = (register(event, user, RegistrationStatus.PENDING) for user in members)
    page.goto(url("events:organiser-registrations", event.pk))
    for box in page.locator("input[name=registrations]").all():
        box.check()
    click(page, "Validate the ticked registrations")
    expect(page.get_by_role("cell", name=in_french("Validated"), exact=True)).to_have_count(3)

    # Requests open; all three want to meet each other, which two slots cannot hold.
    page.goto(url("events:organiser-event", event.pk))
    click(page, "Open meeting requests")
    for a, b in ((alpha, bravo), (alpha, charlie), (bravo, charlie)):
        make_request(a, b, RequestStatus.ACCEPTED, priority=3, recipient_priority=3)
    click(page, "Close requests")

    # The scheduler places two of the three, proves no schedule does better, and says why one stayed out.
    page.goto(url("events:organiser-scheduler", event.pk))
    click(page, "Run the scheduler")
    expect(page.get_by_test_id("placed")).to_contain_text("2 / 3")
    expect(page.get_by_test_id("best")).to_contain_text("C'est le meilleur planning possible")
    expect(page.get_by_test_id("unplaced")).to_have_count(1)

    # Moving a meeting into the other slot would double-book the participant both meetings share.
    page.goto(url("events:organiser-schedule", event.pk))
    first = event.meetings.order_by("slot__index").first()
    other_slot = event.slots.exclude(pk=first.slot_id).get()
    second = event.meetings.get(slot=other_slot)
    both = {first.request.requester, first.request.recipient} & {second.request.requester,
                                                                 second.request.recipient}
    page.locator(f"a[href='{url('events:organiser-meeting', event.pk, first.pk)}']").click()
    page.locator("#id_slot").select_option(str(other_slot.pk))
    page.locator("#id_table").select_option(str(event.tables.exclude(pk=second.table_id).get().pk))
    click(page, "Move")
    busy = in_french("%(person)s already has a meeting at %(time)s.").split("%(time)s")[0]
    expect(page.get_by_role("alert").first).to_contain_text(busy % {"person": both.pop().display_name})
    first.refresh_from_db()
    assert first.slot_id != other_slot.pk

    # Publish, then print every agenda and table sign as one PDF.
    page.goto(url("events:organiser-schedule", event.pk))
    click(page, "Publish the agendas")
    expect(page.get_by_text(in_french("published"), exact=True).first).to_be_visible()
    assert set(event.meetings.values_list("status", flat=True)) == {MeetingStatus.PUBLISHED}
    page.goto(url("events:organiser-print", event.pk))
    page.get_by_test_id("print-start").click()
    with page.expect_download() as pdf:
        page.get_by_test_id("print-download").click()
    assert open(pdf.value.path(), "rb").read(4) == b"%PDF"
