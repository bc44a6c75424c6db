"""A B2B meeting day: a participant asks another for a meeting, the other accepts, the organiser closes the
requests, runs the scheduler and publishes, and the first participant reads its agenda and downloads it."""

import pytest
from playwright.sync_api import expect

from grappe.conftest import make_member, make_organisation, make_staff
from grappe.events.models import MeetingStatus, Phase, RequestStatus
from grappe.events.tests.factories import make_event, register
from grappe.members.models import OrgRole

from .helpers import in_french, url

pytestmark = pytest.mark.browser


@pytest.fixture
def day(transactional_db):
    staff = make_staff()
    alpha = make_member(make_organisation("Alpha Usinage", neq="1111111111"), "user@alpha.test")
    bravo = make_member(make_organisation("Bravo Composites", neq="2222222222"), "admin@bravo.test", OrgRole.ADMIN)
    event = make_event(staff, phase=Phase.REQUESTS, slots=4, tables=2)
    return event, staff, register(event, alpha), register(event, bravo)


def switch_to(page, sign_in, user) -> None:
    page.context.clear_cookies()
    sign_in(user)


def test_a_request_becomes_a_meeting_in_the_downloaded_agenda(page, sign_in, day):
    event, staff, alpha, bravo = day

    # Alpha finds Bravo among the participants and asks for a meeting it must have.
    sign_in(alpha.person.user)
    page.goto(url("events:participant-list", event.pk))
    page.get_by_test_id("participant").filter(has_text="Bravo Composites").get_by_role("link").first.click()
    page.get_by_label(in_french("Must meet")).check()
    page.get_by_label(in_french("A word for them (optional)")).fill("Vos composites pour nos supports")
    page.get_by_test_id("send-request").click()
    expect(page.get_by_test_id("sent").get_by_test_id("request-status")).to_have_text(
        in_french("Awaiting an answer"))

    # Bravo accepts.
    switch_to(page, sign_in, bravo.person.user)
    page.goto(url("events:request-list", event.pk))
    received = page.get_by_test_id("received").get_by_test_id("request")
    expect(received).to_contain_text("Vos composites pour nos supports")
    received.get_by_test_id("accept").click()
    # agreed, not yet in a slot: the page says so rather than call it a meeting
    expect(page.get_by_test_id("received").get_by_test_id("agreed-state")).to_contain_text(
        in_french("Agreed, not placed"))
    assert alpha.requests_sent.get().status == RequestStatus.ACCEPTED

    # The organiser closes the requests, runs the scheduler and publishes the agendas.
    switch_to(page, sign_in, staff)
    page.goto(url("events:organiser-event", event.pk))
    page.get_by_role("button", name=in_french("Close requests")).click()
    page.goto(url("events:organiser-scheduler", event.pk))
    page.get_by_role("button", name=in_french("Run the scheduler")).click()
    expect(page.get_by_text(in_french("requests placed"))).to_be_visible()
    page.goto(url("events:organiser-event", event.pk))
    page.get_by_role("button", name=in_french("Publish the agendas")).click()
    expect(page.get_by_role("button", name=in_french("Mark the event finished"))).to_be_visible()
    assert event.meetings.get().status == MeetingStatus.PUBLISHED

    # Alpha reads its agenda (time, table, whom) and downloads it as a PDF and a calendar file.
    switch_to(page, sign_in, alpha.person.user)
    page.goto(url("events:agenda", event.pk))
    meeting = page.get_by_test_id("meeting")
    expect(meeting).to_have_count(1)
    expect(meeting).to_contain_text("Bravo Composites")
    with page.expect_download() as pdf:
        page.get_by_test_id("agenda-pdf").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert open(pdf.value.path(), "rb").read(4) == b"%PDF"
    with page.expect_download() as ics:
        page.get_by_test_id("agenda-ics").click()
    assert b"Bravo Composites" in open(ics.value.path(), "rb").read()
