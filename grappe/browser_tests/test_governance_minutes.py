"""A meeting's minutes in the browser, each person at their own step: the co-chair generates them in one click from
the meeting's record and circulates them; a member of the committee comments; the co-chair reads the comment and
approves them; a member of another organisation reads the approved minutes, in English too, downloads the PDF and
finds the decision on the cluster's decisions page. The pages read at a phone's width and a desktop's, with
nothing wider than the window."""

import pytest
from playwright.sync_api import expect

from grappe.conftest import make_member, make_organisation, make_staff
from grappe.governance.models import ChairSeat, Minutes, MinutesStatus
from grappe.governance.tests.factories import make_body, seat
from grappe.governance.tests.factories import meeting_with_record

from .helpers import in_french, url

pytestmark = pytest.mark.browser


def fits(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width[0]} px wide in {width[1]} px"


def test_a_co_chair_takes_a_meeting_to_approved_minutes_that_members_read(page, sign_in):
    body = make_body(name="Comité environnement", name_en="Environment committee")
    staff_chair = make_staff("chair@grappe.test")
    co_chair = make_member(make_organisation("Echo Aerostructures", neq="5555555555"), "cochair@echo.test")
    member = make_member(make_organisation("Foxtrot Avionique", neq="6666666666"), "member@foxtrot.test")
    outsider = make_member(make_organisation("Golf Aviation", neq="7777777777"), "outsider@golf.test")
    seat(body, staff_chair, chair_seat=ChairSeat.STAFF)
    seat(body, co_chair, chair_seat=ChairSeat.INDUSTRY)
    seat(body, member)
    meeting = meeting_with_record(body, people=[co_chair, member, staff_chair], items=4)

    sign_in(co_chair)
    page.goto(url("governance:meeting-minutes", meeting.pk))
    page.get_by_role("button", name=in_french("Generate the minutes")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Procès-verbal — Comité environnement")
    expect(page.locator(".minutes-recusal").first).to_contain_text("a déclaré un conflit d’intérêts")
    page.get_by_role("button", name=in_french("Circulate for comments")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.status == MinutesStatus.CIRCULATED

    sign_in(member)
    page.goto(url("governance:minutes-detail", minutes.pk))
    page.get_by_label(in_french("Your comment")).fill("Au point 2, l’échéance est de 30 jours.")
    page.get_by_role("button", name=in_french("Send the comment")).click()
    expect(page.locator("#comments")).to_contain_text("l’échéance est de 30 jours")

    sign_in(co_chair)
    page.goto(url("governance:minutes-detail", minutes.pk))
    expect(page.locator("#comments")).to_contain_text("l’échéance est de 30 jours")
    page.get_by_role("button", name=in_french("Approve these minutes")).click()
    expect(page.locator(".minutes-status")).to_have_text(in_french("Approved"))

    sign_in(outsider)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(url("governance:minutes-detail", minutes.pk))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Comité environnement")
        fits(page)
        page.get_by_role("link", name=in_french("Read in English")).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Minutes — Environment committee")
        fits(page)
        page.goto(url("governance:decisions", language="en"))
        expect(page.locator("main, body").first).to_contain_text("Décision 1 adoptée.")
        fits(page)
        page.goto(url("governance:meeting-minutes", meeting.pk))
        fits(page)
    page.goto(url("governance:minutes-detail", minutes.pk))
    with page.expect_download() as pdf:
        page.get_by_role("link", name=in_french("Download the PDF")).click()
    assert open(pdf.value.path(), "rb").read(5) == b"%PDF-"
    assert pdf.value.suggested_filename.startswith("procès-verbal-comité-environnement")
