"""A loan of staff from posting to both sides accepting the agreement, in the browser: a lender's administrator
posts an availability (skills, people, period, a rate at cost confirmed); a borrower's administrator posts a need,
finds the availability among the need's ranked matches with their reasons and asks for a loan; each side opens the
agreement (a PDF naming both organisations) and accepts it for its organisation; the loan is agreed; the lender
names the employee lent, whom the borrower then sees (name, role, work contact) and did not see before."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from grappe.conftest import make_member, make_organisation
from grappe.labour.documents import agreement
from grappe.labour.models import Availability, Loan, LoanEmployee, LoanStatus, Need
from grappe.members.models import Capability, OrgRole

from .conftest import TIMEOUT_MS
from .helpers import in_french, pick, url

pytestmark = pytest.mark.browser


@pytest.fixture
def cluster(transactional_db):
    domain = Capability.objects.create(code="m", label_fr="Usinage", label_en="Machining")
    capability = Capability.objects.create(parent=domain, code="m5", label_fr="Usinage 5 axes",
                                           label_en="5-axis machining")
    lender = make_organisation("Bravo Composites", neq="2222222222")
    borrower = make_organisation("Alpha Usinage", neq="1111111111")
    lender_admin = make_member(lender, "admin@bravo.test", OrgRole.ADMIN)
    borrower_admin = make_member(borrower, "admin@alpha.test", OrgRole.ADMIN)
    for user, name in ((lender_admin, "Luc Bergeron"), (borrower_admin, "Anne Roy")):
        user.full_name = name
        user.save(update_fields=["full_name"])
    return capability, lender_admin, borrower_admin


def open_agreement(page, loan, *names) -> None:
    """The agreement the loan's page links to, as that user's browser downloads it: a PDF, the very document
    rendered from the agreement's text, which names both organisations. (No PDF reader is installed to pull the
    text back out, and WeasyPrint writes glyphs, not letters: the bytes are compared with the rendering.)"""
    link = page.get_by_role("link", name=in_french("Agreement in French (PDF)"))
    href = link.get_attribute("href")
    assert href == url("labour:loan-agreement", loan.pk, "fr")
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    body = response.body()
    assert body.startswith(b"%PDF-") and len(body) > 5000
    loan.refresh_from_db()
    assert body == agreement.agreement_pdf(loan, "fr")
    text = agreement.agreement_html(loan, "fr")
    assert all(name in text for name in names)


def test_a_loan_from_posting_to_both_sides_accepting_and_the_employee_named(page, sign_in, browser, live_server,
                                                                            cluster):
    capability, lender_admin, borrower_admin = cluster
    start = timezone.localdate() + datetime.timedelta(days=30)
    end = start + datetime.timedelta(days=180)

    # The lender's administrator posts an availability; the rate at cost must be confirmed.
    sign_in(lender_admin)
    page.goto(url("labour:availability-create"))
    page.locator("#id_title").fill("Deux machinistes CNC 5 axes")
    pick(page, "id_skills", "5 axes")
    page.locator("#id_people").fill("2")
    page.locator("#id_start").fill(start.isoformat())
    page.locator("#id_end").fill(end.isoformat())
    page.evaluate("document.getElementById('id_region').tomselect.setValue('16')")
    page.locator("#id_hourly_rate").fill("62,50")
    page.locator("#id_at_cost_confirmed").check()
    page.locator("main form [type=submit]").last.click()
    expect(page.locator(".invalid-feedback, .alert-danger")).to_have_count(0)  # else the failure shows the error
    expect(page.get_by_role("heading", level=1)).to_have_text("Deux machinistes CNC 5 axes")
    availability = Availability.objects.get(title="Deux machinistes CNC 5 axes")
    assert availability.at_cost_confirmed and availability.people == 2
    assert list(availability.skills.all()) == [capability]

    # The borrower's administrator posts a need and finds the availability among its matches, with the reasons.
    borrower = browser.new_context(locale="fr-CA", base_url=live_server.url, viewport=page.viewport_size)
    client = Client()
    client.force_login(borrower_admin)
    borrower.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                           "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    borrower.set_default_timeout(TIMEOUT_MS)
    borrower_page = borrower.new_page()
    b = borrower_page
    b.goto(url("labour:need-create"))
    b.locator("#id_title").fill("Renfort en usinage 5 axes")
    pick(b, "id_skills", "5 axes")
    b.locator("#id_people").fill("1")
    b.locator("#id_start").fill(start.isoformat())
    b.locator("#id_end").fill((start + datetime.timedelta(days=90)).isoformat())
    b.evaluate("document.getElementById('id_region').tomselect.setValue('16')")
    b.locator("main form [type=submit]").last.click()
    expect(b.locator(".invalid-feedback, .alert-danger")).to_have_count(0)
    expect(b.get_by_role("heading", level=1)).to_have_text("Renfort en usinage 5 axes")
    need = Need.objects.get(title="Renfort en usinage 5 axes")
    match = b.locator("li").filter(has=b.get_by_role("link", name="Deux machinistes CNC 5 axes"))
    expect(match).to_contain_text("Bravo Composites")
    expect(match).to_contain_text(re.compile(r"\d+/100"))  # its rank's score, then the reasons
    for reason in ("all the skills needed", "the whole period", "same region", "enough people"):
        expect(match).to_contain_text(in_french(reason))

    # From the match, the availability's page, and the request for one person over the need's period.
    match.get_by_role("link", name="Deux machinistes CNC 5 axes").click()
    b.get_by_role("link", name=in_french("Ask for a loan of staff")).click()
    b.locator("#id_people").fill("1")
    b.locator("#id_end").fill((start + datetime.timedelta(days=90)).isoformat())
    b.locator("#id_need").select_option(str(need.pk))
    b.get_by_role("button", name=in_french("Send the request")).click()
    loan = Loan.objects.get(availability=availability)
    assert loan.borrower == borrower_admin.organisation and loan.need == need and loan.people == 1
    expect(b.get_by_role("heading", level=1)).to_contain_text("Deux machinistes CNC 5 axes")
    expect(b.get_by_test_id("employees-hidden")).to_be_visible()

    # The borrower opens the agreement and accepts it.
    open_agreement(b, loan, "Alpha Usinage", "Bravo Composites")
    b.get_by_role("button", name=in_french("Accept the agreement for my organisation")).click()
    expect(b.get_by_text(re.compile("Anne Roy"))).to_be_visible()
    loan.refresh_from_db()
    assert loan.borrower_accepted_by == borrower_admin and loan.status != LoanStatus.AGREED
    expect(b.get_by_test_id("employees-hidden")).to_be_visible()  # not before both accepted

    # The lender opens it, accepts it: the loan is agreed, and the lender names the employee.
    page.goto(url("labour:loan-detail", loan.pk))
    open_agreement(page, loan, "Alpha Usinage", "Bravo Composites")
    page.get_by_role("button", name=in_french("Accept the agreement for my organisation")).click()
    loan.refresh_from_db()
    assert loan.status == LoanStatus.AGREED and loan.lender_accepted_by == lender_admin
    expect(page.get_by_test_id("loan-status")).to_have_text(in_french(LoanStatus.AGREED.label))
    naming = page.locator("form[action$='/employees/']")
    naming.locator("input[name$='name']").fill("Julie Tremblay")
    naming.locator("input[name$='role']").fill("Machiniste CNC")
    naming.locator("input[name$='work_email']").fill("julie@bravo.test")
    naming.locator("input[name$='work_phone']").fill("450 555-0101")
    page.get_by_role("button", name=in_french("Name this employee")).click()
    expect(page.get_by_test_id("employees")).to_contain_text("Julie Tremblay")
    assert LoanEmployee.objects.filter(loan=loan, name="Julie Tremblay").exists()

    # The borrower now sees the employee's name, role and work contact.
    b.reload()
    expect(b.get_by_test_id("loan-status")).to_have_text(in_french(LoanStatus.AGREED.label))
    employees = b.get_by_test_id("employees")
    for shown in ("Julie Tremblay", "Machiniste CNC", "julie@bravo.test", "450 555-0101"):
        expect(employees).to_contain_text(shown)
    borrower.close()
