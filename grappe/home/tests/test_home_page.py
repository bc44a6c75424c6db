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
    # 19: the organisation's feed, not cached yet, reads its versions, the next opening to come and its sources
    # (bulletins, calls, events and the organisation's registrations, its seats, surveys, votes).
    with django_assert_max_num_queries(19):
        client.get(reverse("home:home"))
    # Then it is read from the cache (its versions: one query).
    with django_assert_max_num_queries(12):
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
    with django_assert_max_num_queries(19):  # the members' 15, and one query per kind of background job
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


@pytest.fixture
def certification_in_30_days(org_a):
    from grappe.members.models import Certification, CertificationType

    kind, _ = CertificationType.objects.get_or_create(code="as9100", defaults={
        "family": "quality", "label_fr": "AS9100", "label_en": "AS9100"})
    return Certification.objects.create(organisation=org_a, certification_type=kind,
                                        expires_on=timezone.localdate() + timezone.timedelta(days=30))


def expiring_block(html: str) -> str:
    start = html.index('data-testid="expiring-certifications"')
    return html[start:html.index("</section>", start)]


def test_a_certification_expiring_in_30_days_is_for_the_admin_to_renew(client, org_admin, certification_in_30_days):
    block = expiring_block(page(client, org_admin))
    edit = reverse("members:certification-edit", args=[org_admin.organisation.slug, certification_in_30_days.pk])
    assert "AS9100" in block and edit in block
    assert client.get(edit).status_code == 200


def test_a_member_who_is_not_an_admin_reads_the_expiring_certification_without_a_link_to_a_403(
        client, org_user, certification_in_30_days):
    block = expiring_block(page(client, org_user))
    assert "AS9100" in block
    assert "<a " not in block
    assert "administrator renews them" in block


@pytest.fixture
def jobs(staff):
    from grappe.core.models import JobStatus
    from grappe.listening.models import ThemeRun
    from grappe.members.models import ImportJob

    running = ImportJob.objects.create(kind="organisations", original_name="members-2026.xlsx", owner=staff,
                                       status=JobStatus.RUNNING, processed=40, total=100, message="Row 40 of 100")
    failed = ThemeRun.objects.create(status=JobStatus.FAILED, error="The encoder ran out of memory")
    done = ImportJob.objects.create(kind="people", original_name="done.csv", owner=staff, status=JobStatus.DONE)
    old = ThemeRun.objects.create(status=JobStatus.FAILED, error="An old failure")
    ThemeRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=8))
    return running, failed, done


def test_the_staff_see_the_background_jobs_running_and_failed_with_their_progress(client, staff, jobs):
    running, failed, done = jobs
    html = page(client, staff)
    block = html[html.index('data-testid="background-jobs"'):]
    block = block[:block.index("</section>")]
    assert "members-2026.xlsx" in block and 'aria-valuenow="40"' in block and "Row 40 of 100" in block
    assert reverse("members:import-detail", args=[running.pk]) in block
    assert "The encoder ran out of memory" in block
    assert "done.csv" not in block, "a finished job is no longer work to watch"
    assert "An old failure" not in block, "a failure of more than a week ago has been seen"


def test_the_members_do_not_see_the_background_jobs(client, org_admin, jobs):
    assert 'data-testid="background-jobs"' not in page(client, org_admin)


def links_of(html: str) -> set[str]:
    import re

    return {href for href in re.findall(r'<a [^>]*href="([^"]+)"', html)
            if href.startswith("/") and not href.startswith("/static/")}


@pytest.mark.parametrize("role", ["anonymous", "org_user", "org_admin", "staff", "observer"])
def test_every_link_of_the_home_page_opens_for_the_person_who_sees_it(client, request, role, org_user, open_survey,
                                                                      certification_in_30_days, jobs):
    """A person is never offered a page that refuses them (403), whatever their role."""
    user = None if role == "anonymous" else request.getfixturevalue(role)
    Need.objects.create(organisation=org_user.organisation, submitted_by=org_user,
                        category=NeedCategory.values[0], text="Besoin de main-d'œuvre")
    if user is None:
        html = client.get(reverse("home:home")).content.decode()
    else:
        html = page(client, user)
    links = links_of(html)
    assert len(links) >= 3
    refused = {href: status for href in sorted(links)
               if (status := client.get(href).status_code) != 200}
    assert not refused, f"{role} is offered links that do not open: {refused}"


def block_of(html: str, heading: str) -> str:
    """The card under `heading`, up to its end."""
    start = html.index(heading)
    return html[start:html.index("</section>", start)]


def test_a_registered_person_sees_their_next_event_and_its_agenda(client, org_user, staff):
    from grappe.events.tests.factories import make_event, register

    event = make_event(staff, title="Journée B2B aéro")
    register(event, org_user)
    make_event(staff, title="Salon sans nous")
    block = block_of(page(client, org_user), "Your events")
    assert "Journée B2B aéro" in block
    assert reverse("events:agenda", args=[event.pk]) in block
    assert "Salon sans nous" not in block, "only the events one registered for"


def test_an_introduction_asked_of_the_organisation_waits_for_its_answer(client, org_user, org_b, other_member):
    from grappe.partnering.models import Introduction, Opportunity

    opportunity = Opportunity.objects.create(initiator=org_b, created_by=other_member, title="Train d'atterrissage",
                                             description="Usinage de pièces de titane", status="ready")
    Introduction.objects.create(opportunity=opportunity, partner=org_user.organisation, requested_by=other_member)
    block = block_of(page(client, org_user), "Introductions waiting for your answer")
    assert "Bravo Composites" in block and "Train d&#x27;atterrissage" in block
    assert reverse("partnering:introduction-list") in block


def test_what_the_organisations_admin_asked_is_on_the_colleagues_home_with_where_to_act(client, org_admin, org_user,
                                                                                        open_survey):
    from grappe.members.models import RequestKind
    from grappe.members.services import colleague_requests

    colleague_requests.ask(actor=org_admin, organisation=org_admin.organisation, colleague=org_user,
                           kind=RequestKind.SURVEY, subject_id=open_survey.pk, note="Section 2 is yours")
    block = block_of(page(client, org_user), "Asked of you by your organisation")
    assert "Answer a survey" in block and "Cluster pulse" in block and "Section 2 is yours" in block
    assert reverse("listening:survey-answer", args=[open_survey.pk]) in block
    assert "None." in block_of(page(client, org_admin), "Asked of you by your organisation")
