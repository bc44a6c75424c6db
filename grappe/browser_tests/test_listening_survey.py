"""Answering a pulse survey in French: the branch question appears only after "Oui", the draft saves itself
as the member types, a submission without a required answer says what is missing, a colleague finishes it."""

import pytest
from playwright.sync_api import expect

from grappe.conftest import make_member, make_organisation, make_staff
from grappe.listening.models import Response, ResponseStatus
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
    page.get_by_label("Oui").check()
    expect(countries).to_be_visible()
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
