"""Finding a partner in the directory: live search in French through the taxonomy, filters, and contacts."""

import re

import pytest
from django.utils.text import slugify
from playwright.sync_api import expect

from grappe.conftest import make_member, make_organisation, make_staff
from grappe.members.models import Capability, CapabilityLevel, Person, Region
from grappe.members.services import organisations, taxonomy
from grappe.members.taxonomy_file import read_taxonomy

from .helpers import in_french, url

pytestmark = pytest.mark.browser


@pytest.fixture
def machining_cluster(transactional_db):
    """The shipped taxonomy; two 5-axis shops in different regions, a 3-axis one, a composites shop."""
    taxonomy.load_taxonomy(read_taxonomy())
    staff = make_staff()

    def member(name, region, city, capability_code):
        organisation = make_organisation(name, slug=slugify(name), region=region, city=city)
        organisations.set_capability(actor=staff, organisation=organisation, level=CapabilityLevel.CORE,
                                capability=Capability.objects.get(code=capability_code))
        return organisation

    return {
        "laval": member("Précision Aéro Laval", Region.LAVAL, "Laval", "machining-5-axis"),
        "longueuil": member("Usinage Rive-Sud", Region.MONTEREGIE, "Longueuil", "machining-5-axis"),
        "mirabel": member("Fraisage Mirabel", Region.LAURENTIDES, "Mirabel", "machining-cnc-milling"),
        "composites": member("Composites Boréal", Region.MONTREAL, "Montréal", "composites-prepreg-layup"),
    }


def result_names(page):
    return page.locator("#directory-results .card-title")


def test_typing_a_french_query_finds_the_5_axis_shops_and_a_region_narrows_it(page, machining_cluster):
    page.goto(url("members:directory"))
    expect(result_names(page)).to_have_count(4)
    page.evaluate("window.grappeTestSamePage = true")  # gone if the browser loads a new page

    page.get_by_role("searchbox").first.fill("usinage 5 axes")

    expect(result_names(page)).to_have_text(["Précision Aéro Laval", "Usinage Rive-Sud"])
    expect(page).to_have_url(re.compile(r"q=usinage"))
    assert page.evaluate("window.grappeTestSamePage") is True, "the results were not updated in place"

    page.select_option("#id_region", Region.LAVAL.value)

    expect(result_names(page)).to_have_text(["Précision Aéro Laval"])
    expect(page).to_have_url(re.compile(rf"region={Region.LAVAL.value}"))
    page.reload()  # the address bar kept the search: it can be bookmarked or shared
    expect(result_names(page)).to_have_text(["Précision Aéro Laval"])
    expect(page.locator("#id_q")).to_have_value("usinage 5 axes")


def test_contacts_and_the_street_address_are_shown_to_signed_in_members_only(page, sign_in,
                                                                           machining_cluster):
    laval = machining_cluster["laval"]
    laval.street_address, laval.postal_code = "3000, boulevard Industriel", "H7L 4A8"
    laval.save()
    Person.objects.create(organisation=laval, first_name="Jeanne", last_name="Tremblay",
                          title="Directrice des ventes", email="jeanne.tremblay@precision-laval.test",
                          consent_directory=True)
    Person.objects.create(organisation=laval, first_name="Marc", last_name="Gagnon",
                          email="marc.gagnon@precision-laval.test", consent_directory=False)

    page.goto(url("members:directory"))
    page.get_by_role("link", name="Précision Aéro Laval").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Précision Aéro Laval")
    expect(page.locator("main")).to_contain_text("Usinage 5 axes")  # its capability, in French
    expect(page.locator("main")).to_contain_text(
        in_french("The address, contacts and certifications are shown to signed-in members."))
    expect(page.locator("main")).not_to_contain_text("jeanne.tremblay@precision-laval.test")
    expect(page.locator("main")).not_to_contain_text("boulevard Industriel")

    sign_in(make_member(machining_cluster["composites"], "achats@composites-boreal.test"))
    page.reload()
    contacts = page.get_by_test_id("contacts")
    expect(contacts).to_contain_text("Jeanne Tremblay")
    expect(contacts.get_by_role("link", name="jeanne.tremblay@precision-laval.test")).to_have_attribute(
        "href", "mailto:jeanne.tremblay@precision-laval.test")
    expect(contacts).not_to_contain_text("Marc Gagnon")  # did not agree to be listed
    expect(page.get_by_test_id("address")).to_contain_text("3000, boulevard Industriel")
    expect(page.get_by_test_id("address")).to_contain_text("H7L 4A8")
