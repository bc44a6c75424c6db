"""An organisation's admin asks a colleague to do something; the colleague sees it on their home page, with a link
to where they act, and marks it done; the admin sees what they asked and its state, and may withdraw it."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from grappe.conftest import committed, make_member, make_organisation
from grappe.core.models import AuditEntry, Notification
from grappe.core.notify import readable
from grappe.listening.models import Invitation, Survey, SurveyStatus
from grappe.members.models import ColleagueRequest, OrgRole, RequestKind, RequestStatus
from grappe.members.services import colleague_requests

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def open_survey(org_a, staff):
    survey = Survey.objects.create(title_fr="Pouls de la grappe", title_en="Cluster pulse",
                                   status=SurveyStatus.OPEN, created_by=staff)
    Invitation.objects.create(survey=survey, organisation=org_a, sent_at=timezone.now())
    return survey


def home(client, user) -> str:
    client.force_login(user)
    html = client.get(reverse("home:home")).content.decode()
    start = html.index('data-testid="requests-to-do"')
    return html[start:html.index("</section>", start)]


def ask_in_page(client, admin, **data):
    client.force_login(admin)
    return client.post(reverse("members:colleague-requests", args=[admin.organisation.slug]),
                       {"form_token": uuid.uuid4(), "note": "", "due_on": "", **data})


def test_a_colleague_asked_to_answer_a_survey_sees_it_at_home_with_its_link_and_marks_it_done(
        client, org_admin, org_user, open_survey):
    due = timezone.localdate() + timezone.timedelta(days=10)
    with committed():
        response = ask_in_page(client, org_admin, colleague=org_user.pk, what=f"survey:{open_survey.pk}",
                               note="Section 2 is yours", due_on=due.isoformat())
    assert response.status_code == 302
    item = ColleagueRequest.objects.get()
    assert (item.asked_of, item.kind, item.subject_id, item.due_on) == (org_user, "survey", open_survey.pk, due)
    assert "asks you: Answer a survey — Cluster pulse." in readable(Notification.objects.get(user=org_user)).text

    block = home(client, org_user)
    assert "Cluster pulse" in block and "Section 2 is yours" in block
    assert reverse("listening:survey-answer", args=[open_survey.pk]) in block
    assert client.get(reverse("listening:survey-answer", args=[open_survey.pk])).status_code == 200

    with committed():
        client.post(reverse("members:colleague-request-done", args=[item.pk]))
    assert "Cluster pulse" not in home(client, org_user)
    assert ColleagueRequest.objects.get().status == RequestStatus.DONE
    assert readable(Notification.objects.get(user=org_user)).lapsed == "Done."
    assert "did what you asked" in readable(Notification.objects.get(user=org_admin)).text

    client.force_login(org_admin)
    page = client.get(reverse("members:colleague-requests", args=[org_admin.organisation.slug])).content.decode()
    asked = page[page.index('data-testid="requests-asked"'):]
    assert "Cluster pulse" in asked and "Done" in asked


def test_the_admin_withdraws_a_request_and_the_colleague_no_longer_sees_it(client, org_admin, org_user):
    item = colleague_requests.ask(actor=org_admin, organisation=org_admin.organisation, colleague=org_user,
                                  kind=RequestKind.OTHER, note="Send the insurance certificate")
    assert "Send the insurance certificate" in home(client, org_user)
    client.force_login(org_admin)
    client.post(reverse("members:colleague-request-withdraw", args=[item.pk]))
    assert "Send the insurance certificate" not in home(client, org_user)
    item.refresh_from_db()
    assert item.status == RequestStatus.WITHDRAWN and item.closed_at is not None


def test_a_closed_request_cannot_be_closed_again(org_admin, org_user):
    item = colleague_requests.ask(actor=org_admin, organisation=org_admin.organisation, colleague=org_user,
                                  kind=RequestKind.OTHER, note="x")
    colleague_requests.mark_done(actor=org_user, item=item)
    with pytest.raises(ValidationError):
        colleague_requests.withdraw(actor=org_admin, item=item)
    assert AuditEntry.objects.filter(action="colleague_request.withdrawn").count() == 0


def test_the_directory_profile_is_asked_of_another_admin_only_and_its_link_opens_for_them(client, org_admin, org_user):
    with pytest.raises(ValidationError, match="Only an administrator"):
        colleague_requests.ask(actor=org_admin, organisation=org_admin.organisation, colleague=org_user,
                               kind=RequestKind.DIRECTORY_PROFILE)
    second_admin = make_member(org_admin.organisation, "admin2@alpha.test", OrgRole.ADMIN)
    colleague_requests.ask(actor=org_admin, organisation=org_admin.organisation, colleague=second_admin,
                           kind=RequestKind.DIRECTORY_PROFILE)
    edit = reverse("members:organisation-edit", args=[org_admin.organisation.slug])
    assert edit in home(client, second_admin)
    assert client.get(edit).status_code == 200


def test_one_asks_only_a_colleague_about_what_is_open_to_the_organisation(org_admin, org_user, other_member, staff):
    organisation = org_admin.organisation
    with pytest.raises(ValidationError):
        colleague_requests.ask(actor=org_admin, organisation=organisation, colleague=other_member,
                               kind=RequestKind.OTHER, note="x")
    not_invited = Survey.objects.create(title_fr="Autre", title_en="Other", status=SurveyStatus.OPEN, created_by=staff)
    with pytest.raises(ValidationError, match="no longer open"):
        colleague_requests.ask(actor=org_admin, organisation=organisation, colleague=org_user,
                               kind=RequestKind.SURVEY, subject_id=not_invited.pk)
    with pytest.raises(ValidationError, match="note"):
        colleague_requests.ask(actor=org_admin, organisation=organisation, colleague=org_user, kind=RequestKind.OTHER)
    assert not ColleagueRequest.objects.exists()


def test_the_form_offers_only_the_organisations_subjects_and_colleagues_and_keeps_what_was_typed(
        client, org_admin, org_user, other_member, open_survey, staff):
    Survey.objects.create(title_fr="Autre", title_en="Not for us", status=SurveyStatus.OPEN, created_by=staff)
    make_organisation("Delta", neq="4444444444")
    response = ask_in_page(client, org_admin, colleague=org_user.pk, what="other", note="", due_on="")
    html = response.content.decode()
    assert response.status_code == 200 and "Say in the note what you ask." in html
    assert f'value="{org_user.pk}" selected' in html
    assert "Cluster pulse" in html and "Not for us" not in html
    assert other_member.person.full_name not in html
    assert not ColleagueRequest.objects.exists()


def test_only_an_admin_is_offered_to_ask_a_colleague(client, org_admin, org_user):
    ask = reverse("members:colleague-requests", args=[org_admin.organisation.slug])
    client.force_login(org_admin)
    assert ask in client.get(reverse("home:home")).content.decode()
    client.force_login(org_user)
    assert ask not in client.get(reverse("home:home")).content.decode()
