"""The three ways around the anonymity threshold, tried as an observer would: a mean beside hidden counts,
a published brief against the dashboard, and live figures that move with one organisation's answer."""

import itertools
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from grappe.conftest import make_member, make_organisation
from grappe.core.models import ReleasedPopulation
from grappe.listening.models import (
    Answer,
    Invitation,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
)
from grappe.listening.selectors import dashboards
from grappe.listening.services import briefs as brief_services
from grappe.listening.services import needs as need_services
from grappe.listening.services import responses as response_services
from grappe.listening.services import themes as theme_services
from grappe.members.models import Role, Segment, User
from grappe.members.services import organisations as members_organisations

from .insights_data import answered_survey, crowd

pytestmark = pytest.mark.django_db


# A mean beside hidden counts ----------------------------------------------------------------------------------

def likert_survey(staff, points: dict[int, int]) -> Survey:
    """A closed survey with one Likert question, `points` mapping each point to how many organisations chose
    it."""
    survey = Survey.objects.create(title_fr="Pouls", title_en="Pulse", status=SurveyStatus.CLOSED, created_by=staff)
    question = Question.objects.create(survey=survey, position=1, kind=QuestionKind.LIKERT,
                                       wording_fr="Les tarifs vous nuisent ?", wording_en="Do tariffs hurt you?")
    answers = [point for point, n in points.items() for _ in range(n)]
    for i, point in enumerate(answers):
        org = make_organisation(f"Répondant {i:02d}", slug=f"repondant-{i:02d}")
        user = make_member(org, f"r{i:02d}@repondant.test")
        Invitation.objects.create(survey=survey, organisation=org, sent_at=timezone.now())
        response = Response.objects.create(survey=survey, organisation=org, status=ResponseStatus.SUBMITTED,
                                           submitted_at=timezone.now(), submitted_by=user)
        Answer.objects.create(response=response, question=question, value=str(point),
                              question_snapshot=question.snapshot(), answered_by=user)
    return survey


def consistent_counts(question: dict) -> list[dict[int, int]]:
    """The attacker: every count of the hidden points that agrees with what the API published — the visible
    counts, n, and the mean to its two decimals when it is published."""
    bars = [(int(bar["key"]), bar["cell"]) for bar in question["bars"]]
    hidden = [point for point, cell in bars if cell["suppressed"]]
    n = question["total"]["organisations"]
    left = n - sum(cell["organisations"] for _point, cell in bars if not cell["suppressed"])
    known = sum(point * cell["organisations"] for point, cell in bars if not cell["suppressed"])
    found = []
    for counts in itertools.product(range(left + 1), repeat=len(hidden)):
        if sum(counts) != left:
            continue
        mean = question["mean"]
        weighted = known + sum(point * count for point, count in zip(hidden, counts, strict=True))
        if not mean["suppressed"] and round(weighted / n, 2) != mean["mean"]:
            continue
        found.append(dict(zip(hidden, counts, strict=True)))
    return found


def test_a_likert_mean_beside_hidden_counts_does_not_give_them_away(staff, observer, client):
    """The report's question: 1:0, 2:hidden, 3:hidden, 4:14, 5:19, n = 44, mean 4.14. With the mean, 2·c2 + 3·c3
    = 31 and c2 + c3 = 11 had one solution: the two organisations of point 2."""
    survey = likert_survey(staff, {2: 2, 3: 9, 4: 14, 5: 19})
    client.force_login(observer)
    question = client.get(reverse("api:listening-dashboard-survey", args=[survey.pk])).json()["questions"][0]
    assert [bar["cell"]["suppressed"] for bar in question["bars"]] == [False, True, True, False, False]
    assert question["total"]["organisations"] == 44
    solutions = consistent_counts(question)
    assert {2: 2, 3: 9} in solutions
    assert len({solution[2] for solution in solutions}) > 1, "the hidden counts are solved from the mean"
    assert question["mean"]["suppressed"] and question["mean"]["reason"]
    for language, says in (("fr", "la moyenne permettrait"), ("en", "the average would")):
        with translation.override(language):
            page = client.get(reverse("listening:dashboard-survey", args=[survey.pk])).content.decode()
        assert says in page and "4,14" not in page and "4.14" not in page


# A published brief against the dashboard ----------------------------------------------------------------------

@pytest.fixture
def six_in_laurentides(staff, django_capture_on_commit_callbacks):
    """Twelve organisations raising needs every month, six of them in one region, a segment of that region."""
    made = crowd(staff)
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)
    for i, (org, _user) in enumerate(made):
        org.region = "15" if i < 6 else "06"
        org.save()
    Segment.objects.create(name="Laurentides", regions=["15"])
    return made


@pytest.fixture
def move_into_the_region(staff, django_capture_on_commit_callbacks):
    """The seventh organisation moves into the segment's region, as through the members API."""
    def move(made):
        with django_capture_on_commit_callbacks(execute=True):
            members_organisations.update_organisation(actor=staff, organisation=made[6][0], data={"region": "15"})
    return move


def another_observer(email: str) -> User:
    return User.objects.create_user(email, "x-Unused-Passw0rd", role=Role.OBSERVER)


def segment_seen(client, user) -> dict:
    client.force_login(user)
    return client.get(reverse("api:listening-dashboard")).json()["segments"][0]


def test_a_brief_then_the_dashboard_of_another_observer_cannot_differ_by_one_organisation(
        six_in_laurentides, move_into_the_region, staff, client):
    """A brief shows the segment's six; one organisation moves into the region; a new observer, who never saw
    the brief, opens the dashboard: seven would be the six plus the one who moved, its needs the difference.
    The dashboard refuses the segment and says why."""
    today = timezone.localdate()
    brief = brief_services.publish_brief(actor=staff, brief=brief_services.create_brief(
        actor=staff, period_start=today.replace(day=1, year=today.year - 1), period_end=today, language="fr"))
    assert brief.figures["segments"][0]["members"] == 6
    move_into_the_region(six_in_laurentides)
    newcomer = another_observer("newcomer@gouv.test")
    segment = segment_seen(client, newcomer)
    assert segment["members"] is None and segment["bars"] is None and segment["total"] is None
    assert "déjà été montrés" in segment["refused"]
    client.force_login(newcomer)
    with translation.override("en"):
        page = client.get(reverse("listening:dashboard")).content.decode()
    assert "already shown" in page


def test_two_observers_cannot_pool_their_dashboards(six_in_laurentides, move_into_the_region, observer, client):
    """One observer sees the six; one organisation moves; another observer is refused the seven."""
    assert segment_seen(client, observer)["members"] == 6
    move_into_the_region(six_in_laurentides)
    seen = segment_seen(client, another_observer("colleague@gouv.test"))
    assert seen["refused"] and seen["members"] is None


def test_a_draft_brief_and_the_staffs_dashboard_release_nothing(six_in_laurentides, move_into_the_region, staff,
                                                                observer, client):
    """Only what leaves the staff counts: a draft and the staff's own view check the ledger, not add to it."""
    today = timezone.localdate()
    brief_services.create_brief(actor=staff, period_start=today.replace(day=1, year=today.year - 1), period_end=today,
                                language="fr")
    assert segment_seen(client, staff)["members"] == 6
    assert not ReleasedPopulation.objects.exists()
    move_into_the_region(six_in_laurentides)
    assert segment_seen(client, observer)["members"] == 7


def test_a_brief_cannot_differ_by_one_organisation_from_what_observers_saw(six_in_laurentides, move_into_the_region,
                                                                         staff, observer, client):
    """The other way round: the dashboard showed six; the brief, read by every observer, may not show seven."""
    assert segment_seen(client, observer)["members"] == 6
    move_into_the_region(six_in_laurentides)
    today = timezone.localdate()
    brief = brief_services.publish_brief(actor=staff, brief=brief_services.create_brief(
        actor=staff, period_start=today.replace(day=1, year=today.year - 1), period_end=today, language="en"))
    assert "refused" in brief.figures["segments"][0] and "members" not in brief.figures["segments"][0]


# Live figures -------------------------------------------------------------------------------------------------

def test_observers_see_closed_surveys_and_finished_months_only(staff, observer, client,
                                                               django_capture_on_commit_callbacks):
    """An organisation edits its answer while the survey is open: the observer's figures do not move, nor do
    they count a need raised this month; the staff's live ones do."""
    made = crowd(staff)
    survey = answered_survey(staff, made, answering=12)
    closed = answered_survey(staff, made, answering=12, status=SurveyStatus.CLOSED)
    client.force_login(observer)
    before = client.get(reverse("api:listening-dashboard")).json()
    assert [s["id"] for s in before["surveys"]] == [closed.pk]
    assert before["months"][-1] < f"{timezone.localdate():%Y-%m}"
    assert client.get(reverse("api:listening-dashboard-survey", args=[survey.pk])).status_code == 404
    assert client.get(reverse("listening:dashboard-survey", args=[survey.pk])).status_code == 404
    assert client.get(reverse("api:listening-dashboard-survey", args=[closed.pk])).status_code == 200

    org, user = made[0]
    number = survey.questions.get(kind=QuestionKind.NUMBER)
    staff_before = dashboards.survey_results(survey)["questions"][2]["mean"].mean
    with django_capture_on_commit_callbacks(execute=True):
        response_services.save_response(actor=user, survey=survey, values={number.pk: 5000}, submit=True)
        need_services.submit_need(actor=user, organisation=org, category="export", text="Encore les tarifs",
                                  language="fr", urgency="low", visibility="anonymous")
    assert dashboards.survey_results(survey)["questions"][2]["mean"].mean != staff_before  # the staff: live
    after = client.get(reverse("api:listening-dashboard")).json()
    assert json.dumps(after, sort_keys=True) == json.dumps(before, sort_keys=True)
    client.force_login(staff)
    staff_view = client.get(reverse("api:listening-dashboard")).json()
    assert {s["id"] for s in staff_view["surveys"]} == {survey.pk, closed.pk}
    assert staff_view["months"][-1] == f"{timezone.localdate():%Y-%m}"
