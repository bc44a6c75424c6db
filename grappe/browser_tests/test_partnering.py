"""Finding partners: a member describes an opportunity in French, edits the competencies Grappe found, reads
the answer and asks for an introduction; the partner accepts and the contacts appear on both sides."""

import pytest
from playwright.sync_api import expect

from grappe.conftest import make_member, make_organisation
from grappe.members.models import OrgRole
from grappe.members.services import taxonomy as member_taxonomy
from grappe.members.taxonomy_file import read_taxonomy
from grappe.partnering.tests.conftest import LANDING_GEAR, build_cluster

from .helpers import in_french, url

pytestmark = pytest.mark.browser


@pytest.fixture
def cluster(transactional_db):
    member_taxonomy.load_taxonomy(read_taxonomy())
    alpha = make_organisation("Alpha Usinage", neq="1111111111")
    bravo = make_organisation("Bravo Composites", neq="2222222222")
    return build_cluster(make_member(alpha, "admin@alpha.test", OrgRole.ADMIN, consent_directory=True),
                         make_member(alpha, "user@alpha.test"),
                         make_member(bravo, "admin@bravo.test", OrgRole.ADMIN, consent_directory=True))


def need(page, code: str):
    return page.locator(f"[data-testid=need][data-code='{code}']")


def choose(page, code: str, choice: str) -> None:
    """Click the must-have / nice-to-have / remove toggle of a competency."""
    need(page, code).locator("label", has_text=in_french(choice)).click()


def test_a_member_finds_a_partner_and_gets_its_contacts(page, sign_in, cluster):
    sign_in(cluster.alpha_admin)
    page.goto(url("partnering:opportunity-create"))
    page.fill("#id_title", "Train d'atterrissage en titane")
    page.fill("#id_description", LANDING_GEAR)
    page.get_by_role("button", name=in_french("Find the competencies")).click()

    # The competencies found in the French text, each with the words that triggered it.
    expect(need(page, "machining-5-axis").get_by_test_id("triggers")).to_contain_text("usinage 5 axes")
    expect(need(page, "ndt-penetrant").get_by_test_id("triggers")).to_contain_text("contrôle par ressuage")
    choose(page, "lg-landing-gear-manufacturing", "Nice-to-have")
    for code in ("lg-landing-gear-overhaul", "test-quality-systems", "space-qualification"):
        if need(page, code).count():
            choose(page, code, "Remove")
    page.select_option("#id_add", label="Peinture de pièces aéronautiques")
    page.select_option("#id_add_as", "nice")
    page.get_by_role("button", name=in_french("Analyse")).click()

    # The answer: partners, best first, with what each brings; the competitor is flagged.
    verdict = page.get_by_test_id("verdict")
    expect(verdict).to_have_attribute("data-verdict", "partners")
    partners = page.get_by_test_id("partner")
    expect(partners.first).to_have_attribute("data-organisation", "bravo-composites")
    expect(partners.first).to_contain_text("Ressuage fluorescent, ligne automatisée")
    expect(page.get_by_test_id("team").first).to_be_visible()

    # Rules re-solve the teams in place; rules no team meets say which one to relax.
    page.evaluate("window.grappeTestSamePage = true")  # gone if the browser loads a new page
    rules = page.get_by_test_id("rules")
    rules.get_by_label(in_french("At least one university or research centre")).check()
    # the region list is a searchable picker: its <select> keeps the value the form sends
    rules.locator("select[name=required_region]").select_option("16", force=True)
    rules.get_by_role("button", name=in_french("Find teams")).click()
    expect(page.get_by_test_id("team").first).to_contain_text("Charlie Traitements")
    expect(page.get_by_test_id("team").first).to_contain_text("Delta Recherche")
    page.get_by_test_id("rules").get_by_label(in_french("At most this many partners")).fill("1")
    page.get_by_test_id("rules").get_by_role("button", name=in_french("Find teams")).click()
    expect(page.get_by_test_id("infeasible").first).to_be_visible()
    expect(page.get_by_test_id("team")).to_have_count(0)
    assert page.evaluate("window.grappeTestSamePage") is True, "the teams were not updated in place"

    partners.first.get_by_role("button", name=in_french("Request an introduction")).click()
    expect(partners.first.get_by_test_id("introduction-status")).to_contain_text(in_french("Requested"))

    # The partner accepts; the contacts of both sides appear.
    page.context.clear_cookies()
    sign_in(cluster.bravo_admin)
    page.goto(url("partnering:introduction-list"))
    page.get_by_role("link", name="Train d'atterrissage en titane").click()
    expect(page.get_by_test_id("no-contacts")).to_be_visible()
    page.get_by_role("button", name=in_french("Accept")).click()
    expect(page.get_by_test_id("introduction-status")).to_contain_text(in_french("Accepted"))
    expect(page.get_by_test_id("contacts").first).to_contain_text("admin@alpha.test")
