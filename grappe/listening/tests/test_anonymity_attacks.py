"""The three ways around the anonymity threshold, tried as an observer would: a mean beside hidden counts,
a published brief against the dashboard, and live figures that move with one organisation's answer."""

import itertools
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from grappe.conftest import make_member, make_organisation
from grappe.listening import dashboards, services
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
        services.save_response(actor=user, survey=survey, values={number.pk: 5000}, submit=True)
        services.submit_need(actor=user, organisation=org, category="export", text="Encore les tarifs",
                             language="fr", urgency="low", visibility="anonymous")
    assert dashboards.survey_results(survey)["questions"][2]["mean"].mean != staff_before  # the staff: live
    after = client.get(reverse("api:listening-dashboard")).json()
    assert json.dumps(after, sort_keys=True) == json.dumps(before, sort_keys=True)
    client.force_login(staff)
    staff_view = client.get(reverse("api:listening-dashboard")).json()
    assert {s["id"] for s in staff_view["surveys"]} == {survey.pk, closed.pk}
    assert staff_view["months"][-1] == f"{timezone.localdate():%Y-%m}"
