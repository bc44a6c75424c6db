"""A co-chair runs a meeting to approved minutes, in French, clicking like a person from the main menu and never
typing an address: the committee's page, a meeting scheduled (day, times, place), two agenda items with a presenter
and a duration, the record (attendance, notes and a decision on each item, an action with an owner and a due date,
a recusal recorded), the meeting marked held, the minutes generated (notes, decisions, the recusal's sentence and
the action in them) and circulated; a member of the committee comments from their own browser; the co-chair reads
the comment and approves; a member of another organisation, not on the committee, finds them on the decisions page
and downloads the PDF. The record page is used at a phone's width."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from grappe.conftest import make_member, make_organisation, make_staff
from grappe.governance.models import ActionItem, ChairSeat, Meeting, MeetingStatus, Minutes, MinutesStatus
from grappe.governance.tests.factories import make_body, seat

from .chromium import VIEWPORT
from .conftest import TIMEOUT_MS
from .helpers import in_french

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def person(full_name, user):
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    return user


def own_browser(browser, live_server, user):
    """A second person at their own computer: a browser context of their own, signed in."""
    context = browser.new_context(locale="fr-CA", base_url=live_server.url, viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])
    return context, context.new_page()


def fits(page) -> None:
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client, f"{page.url} scrolls sideways: {scroll} px wide in {client} px"


def open_committee(page, name):
    """From the home page: the main menu's Governance, then the committee."""
    page.goto("/fr/")
    page.get_by_role("navigation", name=in_french("Main menu")).get_by_role(
        "link", name=in_french("Governance")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(in_french("Governance"))
    page.get_by_role("link", name=name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


@pytest.fixture
def committee(transactional_db):
    body = make_body(name="Comité environnement", name_en="Environment committee")
    staff = person("Nadia Bouchard", make_staff("nadia@grappe.test"))
    chair = person("Julie Tremblay", make_member(make_organisation("Delta Avionique", neq="4444444444"),
                                                 "julie@delta.test"))
    member = person("Marc Gagnon", make_member(make_organisation("Echo Aero", neq="5555555555"), "marc@echo.test"))
    outsider = person("Sophie Roy", make_member(make_organisation("Golf Aviation", neq="7777777777"),
                                                "sophie@golf.test"))
    seat(body, staff, chair_seat=ChairSeat.STAFF)
    seat(body, chair, chair_seat=ChairSeat.INDUSTRY)
    seat(body, member)
    return body, chair, member, outsider


def test_a_co_chair_runs_a_meeting_to_approved_minutes_that_another_member_reads(
        page, sign_in, browser, live_server, committee):
    body, chair, member, outsider = committee
    sign_in(chair)
    open_committee(page, "Comité environnement")
    # The governance pages a member follows are reachable from the list, not hidden.
    page.get_by_role("navigation", name=in_french("Main menu")).get_by_role(
        "link", name=in_french("Governance")).click()
    for name in ("My actions", "Decisions", "Votes"):
        expect(page.get_by_role("link", name=in_french(name), exact=True)).to_be_visible()
    page.get_by_role("link", name="Comité environnement", exact=True).first.click()
    expect(page.get_by_role("link", name=in_french("New resolution"))).to_be_visible()

    # Schedule a meeting.
    page.get_by_role("link", name=in_french("Schedule a meeting")).click()
    day = timezone.localdate() + datetime.timedelta(days=7)
    page.get_by_label(in_french("Title")).fill("Réunion de printemps")
    page.get_by_label(in_french("Day")).fill(day.isoformat())
    page.get_by_label(in_french("Starts at")).fill("09:30")
    page.get_by_label(in_french("Ends at")).fill("11:30")
    page.get_by_label(in_french("Place")).fill("Salle du conseil, 1000 rue Sherbrooke Ouest, Montréal")
    page.get_by_role("button", name=in_french("Schedule and invite")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réunion de printemps")
    expect(page.get_by_text("Salle du conseil, 1000 rue Sherbrooke Ouest, Montréal")).to_be_visible()
    meeting = Meeting.objects.get(body=body)
    assert meeting.starts_at.astimezone(datetime.timezone.utc) == datetime.datetime.combine(
        day, datetime.time(9, 30), tzinfo=timezone.get_default_timezone()).astimezone(datetime.timezone.utc)

    # Two agenda items, each with a presenter and a duration.
    for title, presenter, minutes in (("Bilan carbone des membres", chair, "20"),
                                      ("Banc d’essai partagé", member, "40")):
        new_item = page.locator("#new-item")
        new_item.get_by_label(in_french("Title")).fill(title)
        new_item.get_by_label(in_french("Presenter")).select_option(label=f"{presenter} ({presenter.organisation})")
        new_item.get_by_label(in_french("Duration (minutes)")).fill(minutes)
        new_item.get_by_role("button", name=in_french("Add to the agenda")).click()
        expect(page.get_by_role("heading", level=3, name=title)).to_be_visible()
    expect(page.get_by_text("60 minutes")).to_be_visible()
    expect(page.get_by_text("présenté par Marc Gagnon")).to_be_visible()

    # The record, at a phone's width.
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name=in_french("Run the meeting: attendance, notes, decisions")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(in_french("Meeting record"))
    fits(page)
    attendance = page.get_by_role("region", name=in_french("Attendance"))
    for who in (chair, member):
        attendance.get_by_role("group", name=str(who)).get_by_label(in_french("Present")).check()
    carbon = page.get_by_role("article").filter(has_text="Bilan carbone des membres")
    carbon.get_by_label(in_french("Notes")).fill("Douze membres ont remis leur bilan.")
    carbon.get_by_label(in_french("New decision")).fill("Le gabarit commun de bilan est adopté.")
    bench = page.get_by_role("article").filter(has_text="Banc d’essai partagé")
    bench.get_by_label(in_french("Notes")).fill("Deux sites sont candidats.")
    bench.get_by_label(in_french("New decision")).fill("Le site de Mirabel est retenu.")
    actions = page.get_by_role("region", name=in_french("Action items"))
    actions.get_by_label(in_french("Action"), exact=True).fill("Envoyer le gabarit aux membres")
    actions.get_by_label(in_french("Owner")).select_option(label=f"{member} ({member.organisation})")
    actions.get_by_label(in_french("Due")).fill("2030-01-15")
    actions.get_by_label(in_french("Agenda item")).select_option(label="Bilan carbone des membres")
    recusal = page.get_by_role("region", name=in_french("Record a recusal"))
    recusal.get_by_label(in_french("Person")).select_option(label=f"{member} ({member.organisation})")
    recusal.get_by_label(in_french("Agenda item")).select_option(label="Banc d’essai partagé")
    recusal.get_by_label(in_french("Conflict of interest")).fill("son entreprise loue le site de Mirabel")
    fits(page)
    page.get_by_role("button", name=in_french("Save and mark the meeting held")).click()
    expect(page.get_by_role("status").filter(has_text=in_french("The meeting is marked as held."))).to_be_visible()
    expect(page.get_by_role("region", name=in_french("Action items"))).to_contain_text(
        "Envoyer le gabarit aux membres")
    expect(page.get_by_role("article").filter(has_text="Banc d’essai partagé")).to_contain_text(
        "son entreprise loue le site de Mirabel")
    fits(page)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert ActionItem.objects.get(meeting=meeting).owner == member

    # The minutes, generated in one click, then circulated.
    page.set_viewport_size(VIEWPORT)
    page.get_by_role("link", name=in_french("The minutes")).click()
    page.get_by_role("button", name=in_french("Generate the minutes")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Procès-verbal — Comité environnement")
    main = page.get_by_role("main")
    for text in ("Douze membres ont remis leur bilan.", "Le gabarit commun de bilan est adopté.",
                 "Deux sites sont candidats.", "Le site de Mirabel est retenu.", "Envoyer le gabarit aux membres",
                 "Marc Gagnon (Echo Aero) a déclaré un conflit d’intérêts (son entreprise loue le site de Mirabel)"):
        expect(main).to_contain_text(text)
    page.get_by_role("button", name=in_french("Circulate for comments")).click()
    expect(page.locator(".minutes-status")).to_have_text(in_french(MinutesStatus.CIRCULATED.label))
    minutes = Minutes.objects.get(meeting=meeting)

    # A member of the committee, at their own computer, finds them from the committee's page and comments.
    context, member_page = own_browser(browser, live_server, member)
    try:
        open_committee(member_page, "Comité environnement")
        expect(member_page.get_by_role("link", name=in_french("Schedule a meeting"))).to_have_count(0)
        member_page.get_by_role("link", name="Réunion de printemps").click()
        member_page.get_by_role("link", name=in_french("The minutes")).click()
        member_page.get_by_role("link", name="Version 1").click()
        member_page.get_by_label(in_french("Your comment")).fill("Au point 2, préciser la date de la visite.")
        member_page.get_by_role("button", name=in_french("Send the comment")).click()
        expect(member_page.locator("#comments")).to_contain_text("préciser la date de la visite")
    finally:
        context.close()

    # The co-chair reads the comment and approves.
    page.reload()
    expect(page.locator("#comments")).to_contain_text("préciser la date de la visite")
    page.get_by_role("button", name=in_french("Approve these minutes")).click()
    expect(page.locator(".minutes-status")).to_have_text(in_french(MinutesStatus.APPROVED.label))
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.APPROVED

    # A member of another organisation: the committee's page shows its approved minutes, not its meetings; the
    # decisions page leads to the minutes and their PDF.
    context, other = own_browser(browser, live_server, outsider)
    try:
        open_committee(other, "Comité environnement")
        expect(other.get_by_role("heading", name=in_french("Meetings"))).to_have_count(0)
        expect(other.get_by_role("main")).to_contain_text("Le site de Mirabel est retenu.")
        other.get_by_role("link", name=in_french("Governance"), exact=True).first.click()
        other.get_by_role("link", name=in_french("Decisions"), exact=True).click()
        expect(other.get_by_role("main")).to_contain_text("Le gabarit commun de bilan est adopté.")
        other.get_by_role("link", name="Lire le procès-verbal (version 1)").click()
        expect(other.get_by_role("heading", level=1)).to_contain_text("Procès-verbal — Comité environnement")
        expect(other.get_by_role("main")).to_contain_text("Le site de Mirabel est retenu.")
        expect(other.locator("#comments")).to_have_count(0)
        with other.expect_download() as pdf:
            other.get_by_role("link", name=in_french("Download the PDF")).click()
        assert open(pdf.value.path(), "rb").read(5) == b"%PDF-"
    finally:
        context.close()
