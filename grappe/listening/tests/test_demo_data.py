"""The demo's listening data: about 200 needs in both languages, surveys with answers, all as the app expects."""

import pytest

from grappe.listening import demo_data
from grappe.listening.models import Need, Response, Survey
from grappe.listening.selectors import surveys as survey_selectors
from grappe.members import demo_data as members_demo
from grappe.members.services.taxonomy import load_taxonomy
from grappe.members.taxonomy_file import read_taxonomy

pytestmark = pytest.mark.django_db


def test_the_demo_cluster_gets_needs_and_answered_surveys_once():
    load_taxonomy(read_taxonomy())
    members_demo.generate_cluster(organisations=60, people=150, seed=7)
    members_demo.ensure_demo_accounts()

    summary = demo_data.generate_listening(seed=7)

    assert summary.needs == Need.objects.count() == 200
    assert set(Need.objects.values_list("language", flat=True)) == {"fr", "en"}
    assert Survey.objects.count() == 3 and summary.responses == Response.objects.count() > 10
    closed = Survey.objects.get(status="closed")
    assert survey_selectors.response_rate(closed).submitted > 0
    assert list(survey_selectors.answer_rows(closed))
    assert demo_data.generate_listening(seed=7).needs == 0  # a second run adds nothing
