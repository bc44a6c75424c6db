"""The home page shows what awaits the signed-in person, and only what they may do."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from grappe.listening.models import Invitation, Need, NeedCategory, Survey, SurveyStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """Pages in English (French is the default), for the tests that read their words."""
    with translation.override("en"):
        yield


@pytest.fixture
def open_survey(org_a, staff):
    survey = Survey.objects.create(title_fr="Pouls de la grappe", title_en="Cluster pulse",
                                   status=SurveyStatus.OPEN, created_by=staff)
    Invitation.objects.create(survey=survey, organisation=org_a, sent_at=timezone.now())
    return survey


def login(client, user):
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)


def page(client, user):
    login(client, user)
    return client.get(reverse("home:home")).content.decode()


def test_a_member_user_sees_the_surveys_to_answer_and_no_profile_link(client, org_user, open_survey,
                                                                      django_assert_max_num_queries):
    login(client, org_user)
    with django_assert_max_num_queries(15):
        html = client.get(reverse("home:home")).content.decode()
    assert "Surveys to answer" in html
    assert "Cluster pulse" in html
    assert reverse("listening:survey-answer", args=[open_survey.pk]) in html
    assert "Introductions waiting for your answer" in html
    assert "profile up to date" not in html


def test_an_organisation_admin_is_offered_to_keep_the_profile_up_to_date(client, org_admin):
    assert "profile up to date" in page(client, org_admin)


def test_a_submitted_survey_is_no_longer_asked(client, org_user, open_survey):
    from grappe.listening.models import Response, ResponseStatus
    Response.objects.create(survey=open_survey, organisation=org_a_of(org_user), status=ResponseStatus.SUBMITTED,
                            submitted_at=timezone.now())
    assert "Cluster pulse" not in page(client, org_user)


def org_a_of(user):
    return user.organisation


def test_the_staff_see_the_needs_to_answer_and_the_open_surveys(client, staff, org_user, open_survey,
                                                              django_assert_max_num_queries):
    Need.objects.create(organisation=org_user.organisation, submitted_by=org_user,
                        category=NeedCategory.values[0], text="Besoin de main-d'œuvre")
    login(client, staff)
    with django_assert_max_num_queries(15):
        html = client.get(reverse("home:home")).content.decode()
    assert "Needs waiting for an answer" in html
    assert "Alpha Usinage" in html
    assert "Cluster pulse" in html
    assert "Surveys to answer" not in html


def test_an_observer_sees_the_latest_brief_and_the_dashboards_and_no_member_blocks(client, observer):
    html = page(client, observer)
    assert "Latest brief" in html
    assert reverse("listening:dashboard") in html
    assert "Surveys to answer" not in html
    assert "Needs waiting for an answer" not in html


def test_the_anonymous_home_is_the_directory_search(client):
    html = client.get(reverse("home:home")).content.decode()
    assert reverse("members:directory") in html
    assert "Surveys to answer" not in html
