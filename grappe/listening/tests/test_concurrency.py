"""Colleagues answering at once make one response and lose nothing; a need sent twice at once is one need;
two clicks on "find the themes" at once start one run (PostgreSQL, real threads, real transactions: see grappe/core/tests/test_concurrency.py)."""

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from grappe.core.tests.test_concurrency import no_errors, overlapping_transactions, run_together  # noqa: F401
from grappe.listening.models import Need, Response, ThemeRun
from grappe.listening.selectors import surveys as survey_selectors
from grappe.listening.services import responses as response_services
from grappe.listening.services import themes as theme_services

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("overlapping_transactions"),
]


def test_two_colleagues_starting_the_same_survey_at_once_make_one_response_with_both_answers(ctx, pulse):
    outcomes = run_together(
        lambda: response_services.save_response(actor=ctx.own_user, survey=pulse, values={pulse.likert.pk: "4"},
                                                loaded_revision=0),
        lambda: response_services.save_response(actor=ctx.own_admin, survey=pulse, values={pulse.single.pk: "non"},
                                                loaded_revision=0))
    no_errors(outcomes)
    response = Response.objects.get()
    assert survey_selectors.answer_values(response) == {pulse.likert.pk: "4", pulse.single.pk: "non"}
    assert response.revision == 2


def test_two_colleagues_changing_the_same_answer_at_once_overwrite_nothing_silently(ctx, pulse):
    response_services.save_response(actor=ctx.own_user, survey=pulse, values={pulse.likert.pk: "3"})
    outcomes = run_together(
        lambda: response_services.save_response(actor=ctx.own_user, survey=pulse, values={pulse.likert.pk: "1"},
                                                loaded_revision=1),
        lambda: response_services.save_response(actor=ctx.own_admin, survey=pulse, values={pulse.likert.pk: "5"},
                                                loaded_revision=1))
    no_errors(outcomes)
    assert sorted(len(result.conflicts) for result in outcomes) == [0, 1]
    winner = next(result for result in outcomes if not result.conflicts)
    assert survey_selectors.answer_values(Response.objects.get())[pulse.likert.pk] == (
        "1" if winner.response.last_edited_by == ctx.own_user else "5")


def test_submitting_from_two_browsers_at_once_makes_one_submitted_response(ctx, pulse):
    url = reverse("listening:survey-answer", args=[pulse.pk])

    def submit(user, likert):
        def post():
            client = Client()
            client.force_login(user)
            return client.post(url, {f"q{pulse.likert.pk}": likert, f"q{pulse.single.pk}": "non", "revision": 0,
                                     "submit": "1"}).status_code
        return post

    outcomes = run_together(submit(ctx.own_user, "2"), submit(ctx.own_admin, "2"))
    assert outcomes == [302, 302]
    assert Response.objects.get().status == "submitted"


def test_a_need_form_sent_twice_at_once_makes_one_need(ctx):
    data = {"category": "financing", "text": "Fonds de roulement", "language": "fr", "urgency": "high",
            "visibility": "staff", "form_token": uuid.uuid4()}

    def post():
        client = Client()
        client.force_login(ctx.own_user)
        return client.post(reverse("listening:need-create"), data).status_code

    assert run_together(post, post) == [302, 302]
    assert Need.objects.count() == 1


def test_two_clicks_on_find_themes_at_once_start_one_run(ctx, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queued, not run

    outcomes = run_together(lambda: theme_services.start_run(actor=ctx.staff),
                            lambda: theme_services.start_run(actor=ctx.staff))

    no_errors(outcomes)
    assert outcomes[0].pk == outcomes[1].pk
    assert ThemeRun.objects.count() == 1
