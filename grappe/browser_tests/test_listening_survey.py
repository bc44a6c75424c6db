"""Answering a pulse survey in French: the branch question appears only after "Oui", the draft saves itself
as the member types, a submission without a required answer says what is missing, a colleague finishes it."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from grappe.conftest import make_member, make_organisation, make_staff
from grappe.listening.models import Brief, Response, ResponseStatus
from grappe.listening.tests.permission_objects import survey
from grappe.members.models import OrgRole

from .helpers import in_french, url

pytestmark = pytest.mark.browser


@pytest.fixture
def pulse(transactional_db):
    alpha = make_organisation("Alpha Usinage", neq="1111111111")
    admin = make_member(alpha, "admin@alpha.test", OrgRole.ADMIN)
    user = make_member(alpha, "user@alpha.test")
    ctx = type("Ctx", (), {"org_a": alpha, "staff": make_staff()})
    made = survey(ctx)
    made.admin, made.user = admin, user
    return made


def test_a_member_answers_a_survey_in_french_with_a_draft_a_colleague_submits(page, sign_in, pulse):
    sign_in(pulse.user)
    page.goto(url("listening:survey-answer", pulse.pk))
    countries = page.locator("#question-%d" % pulse.questions.get(position=3).pk)
    expect(page.get_by_role("heading", level=1)).to_have_text("Pouls de la grappe")
    expect(countries).to_be_hidden()
    employees = page.locator("#question-%d .question-number" % pulse.questions.get(position=4).pk)
    expect(employees).to_have_text("3")   # the hidden branch leaves no gap in the numbering
    page.get_by_label("Oui").check()
    expect(countries).to_be_visible()
    expect(employees).to_have_text("4")
    page.get_by_label("Non").check()
    expect(countries).to_be_hidden()
    page.get_by_label("Oui").check()
    page.locator(f"#id_q{pulse.questions.get(position=3).pk}").fill("Mexique, France")
    expect(page.locator("#autosave-status")).to_contain_text(in_french("Draft saved automatically."))

    page.get_by_role("button", name=in_french("Submit our answer")).click()
    expect(page.locator(".alert-danger")).to_contain_text("1.")
    assert Response.objects.get().status == ResponseStatus.DRAFT

    sign_in(pulse.admin)
    page.goto(url("listening:survey-answer", pulse.pk))
    expect(page.locator(f"#id_q{pulse.questions.get(position=3).pk}")).to_have_value("Mexique, France")
    page.locator(f"input[name=q{pulse.likert.pk}][value='4']").check()
    page.get_by_role("button", name=in_french("Submit our answer")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    response = Response.objects.get()
    assert response.status == ResponseStatus.SUBMITTED and response.submitted_by == pulse.admin


def test_a_member_answers_in_french_and_the_staff_make_the_brief_in_one_click(page, sign_in, pulse, settings):
    """The answer goes in; the staff's one click makes a brief whose figures over one organisation are hidden
    ("< 5"), they write recommendations, download the PDF and the spreadsheet, and publish it."""
    settings.GRAPPE_THEME_ENCODER = "none"
    sign_in(pulse.user)
    page.goto(url("listening:survey-answer", pulse.pk))
    page.locator(f"input[name=q{pulse.likert.pk}][value='5']").check()
    page.get_by_label("Non").check()
    page.get_by_role("button", name=in_french("Submit our answer")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert Response.objects.get().status == ResponseStatus.SUBMITTED

    staff = pulse.created_by
    sign_in(staff)
    page.goto(url("listening:brief-list"))
    page.get_by_label(in_french("From")).fill("2020-01-01")
    page.get_by_label(in_french("To")).fill(timezone.localdate().isoformat())
    page.get_by_label(in_french("Language of the brief")).select_option("fr")
    page.get_by_role("button", name=in_french("Make the brief")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_role("cell", name="Pouls de la grappe")).to_be_visible()
    expect(page.locator("td", has_text="< 5").first).to_be_visible()   # one organisation answered: hidden
    page.get_by_label(in_french("Recommendations")).fill("Financer la formation des machinistes.")
    page.get_by_role("button", name=in_french("Save the recommendations")).click()
    expect(page.locator(".alert-success")).to_be_visible()

    with page.expect_download() as pdf:
        page.get_by_role("link", name=in_french("Download the PDF")).click()
    assert open(pdf.value.path(), "rb").read(5) == b"%PDF-"
    with page.expect_download() as xlsx:
        page.get_by_role("link", name=in_french("Download the spreadsheet")).click()
    book = load_workbook(io.BytesIO(open(xlsx.value.path(), "rb").read()))
    assert ["Financer la formation des machinistes."] in [list(row) for row in book.worksheets[-1].values]

    page.get_by_role("button", name=in_french("Publish for government observers")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    brief = Brief.objects.get()
    assert brief.is_published and brief.pdf and brief.recommendations.startswith("Financer")
