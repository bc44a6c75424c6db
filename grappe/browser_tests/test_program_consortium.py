"""Applying as a consortium, in the browser: the lead picks its partner in the searchable list, gives the shares
(a sum that is not 100 % is refused with the sums, and what was typed stays), attaches its documents (a renamed
web page is refused); the partner reads its notification, confirms its shares; the lead submits."""

import pytest
from playwright.sync_api import expect

from grappe.conftest import make_member, make_organisation
from grappe.members.models import OrgRole
from grappe.programs.models import Application, ApplicationStatus
from grappe.programs.tests.factories import make_application, make_call, make_program
from grappe.programs.tests.sample_files import HTML, PDF, xlsx

from .helpers import in_french, pick, url

pytestmark = pytest.mark.browser


@pytest.fixture
def applicants(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from grappe.conftest import make_staff

    alpha = make_organisation("Alpha Usinage", neq="1111111111")
    delta = make_organisation("Delta Avionique", neq="4444444444")
    for number in range(20):  # a list long enough to need the search
        make_organisation(f"Membre {number:02d}", neq=f"90000000{number:02d}")
    lead = make_member(alpha, "admin@alpha.test", OrgRole.ADMIN)
    partner = make_member(delta, "admin@delta.test", OrgRole.ADMIN)
    call = make_call(make_program(make_staff()), required_documents=["business_plan", "budget"])
    return lead, partner, make_application(call, alpha, lead, title="Nacelle composite")


def test_a_member_applies_as_a_consortium_with_a_partner_who_confirms(page, sign_in, applicants, tmp_path):
    lead, partner, application = applicants
    sign_in(lead)
    page.goto(url("programs:consortium-edit", application.pk))
    page.fill("#id_lead-share_of_work", "60")
    page.fill("#id_lead-share_of_budget", "50")
    pick(page, "id_partners-0-organisation", "Delta Avionique")
    page.fill("#id_partners-0-share_of_work", "40")
    page.fill("#id_partners-0-share_of_budget", "40")
    expect(page.locator("#id_partners-0-share_of_work")).to_have_value("40")
    expect(page.locator("#id_partners-0-share_of_budget")).to_have_value("40")
    page.get_by_role("button", name=in_french("Save the consortium")).click()

    expect(page.get_by_role("alert").first).to_contain_text("le budget 90 %")
    expect(page.locator("#id_partners-0-share_of_work")).to_have_value("40")
    page.fill("#id_lead-share_of_budget", "60")
    page.get_by_role("button", name=in_french("Save the consortium")).click()
    expect(page.get_by_role("region", name=in_french("Consortium"))).to_contain_text("Delta Avionique")

    (tmp_path / "uploads").mkdir()
    fake = tmp_path / "uploads" / "plan.pdf"
    fake.write_bytes(HTML)
    page.set_input_files("#id_file", str(fake))
    page.get_by_role("button", name=in_french("Attach"), exact=True).click()
    expect(page.locator(".alert-danger")).to_contain_text("n’est pas un document PDF")
    for kind, name, content in (("business_plan", "plan.pdf", PDF), ("budget", "budget.xlsx", xlsx())):
        path = tmp_path / "uploads" / name
        path.write_bytes(content)
        page.select_option("#id_kind", kind)
        page.set_input_files("#id_file", str(path))
        page.get_by_role("button", name=in_french("Attach"), exact=True).click()
        expect(page.locator("#documents")).to_contain_text(name)
    page.get_by_role("button", name=in_french("Submit the application")).click()
    expect(page.locator(".alert-danger")).to_contain_text("Delta Avionique")  # waiting for its confirmation

    sign_in(partner)
    page.goto(url("core:notifications"))
    page.get_by_role("link", name="Alpha Usinage inclut votre organisation").click()
    expect(page.locator("main")).to_contain_text("Delta Avionique assume 40")
    page.get_by_role("button", name=in_french("Confirm our shares")).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="plan.pdf").click()
    assert download.value.suggested_filename == "plan.pdf"

    sign_in(lead)
    page.goto(application.get_absolute_url())
    page.get_by_role("button", name=in_french("Submit the application")).click()
    expect(page.locator(".alert-success")).to_contain_text(in_french("Your application is submitted."))
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED
