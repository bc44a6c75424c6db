"""Joining a committee, in the browser: a member finds the committee under its axis in the Governance menu and
asks to join; its industry co-chair reads the request on the committee's page and accepts it; the member, told,
finds the committee among "My committees" and its members on its page."""

import pytest
from playwright.sync_api import expect

from grappe.conftest import make_member, make_organisation
from grappe.governance.models import BodyKind
from grappe.governance.tests.factories import co_chaired, make_body

from .helpers import in_french, url

pytestmark = pytest.mark.browser


@pytest.fixture
def committee(transactional_db):
    from grappe.conftest import make_staff

    axis = make_body(BodyKind.AXIS, "Environnement", name_en="Environment")
    body = make_body(name="Comité environnement", name_en="Environment committee", parent=axis,
                     mandate_fr="Piloter les chantiers environnementaux.")
    chair = make_member(make_organisation("UPL Aéro", slug="upl-aero", neq="1212121212"), "sophie@upl.test")
    member = make_member(make_organisation("Delta Avionique", neq="4444444444"), "marc@delta.test")
    return co_chaired(body, make_staff(), chair), chair, member


def test_a_member_asks_to_join_and_the_co_chair_accepts(page, sign_in, committee):
    body, chair, member = committee
    sign_in(member)
    page.goto(url("home:home"))
    page.get_by_role("link", name=in_french("Governance"), exact=True).first.click()
    axis = page.get_by_role("region", name="Environnement")
    expect(axis).to_contain_text("Comité environnement")
    axis.get_by_role("button", name=f"{in_french('Ask to join')} — Comité environnement").click()
    expect(page.locator(".alert-success")).to_contain_text(in_french("Your request is sent to the co-chairs."))
    expect(page.get_by_text(in_french("You asked to join"))).to_be_visible()

    sign_in(chair)
    page.goto(url("governance:body-detail", body.pk))
    page.get_by_role("button", name=f"{in_french('Accept')} — marc").click()
    expect(page.locator(".alert-success")).to_contain_text("marc")
    expect(page.get_by_role("table")).to_contain_text("Delta Avionique")

    sign_in(member)
    page.goto(url("core:notifications"))
    expect(page.locator("main")).to_contain_text("Votre demande d’adhésion à “Comité environnement” est acceptée")
    page.goto(url("governance:body-list"))
    expect(page.get_by_role("region", name=in_french("My committees"))).to_contain_text("Comité environnement")
