"""Two requests at once make one introduction and one answer (PostgreSQL, real threads, real transactions).

See grappe/core/tests/test_concurrency.py for how the races are made to happen on every run.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from grappe.core.models import AuditEntry
from grappe.core.tests.test_concurrency import no_errors, overlapping_transactions, run_together  # noqa: F401
from grappe.partnering.services import introductions
from grappe.partnering.models import Introduction, IntroductionStatus

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("overlapping_transactions"),
]


def test_two_colleagues_asking_at_once_make_one_introduction(landing_gear, cluster):
    def ask(user):
        return lambda: introductions.request_introduction(actor=user, opportunity=landing_gear, partner=cluster.bravo)

    outcomes = run_together(ask(cluster.alpha_admin), ask(cluster.alpha_user))

    no_errors(outcomes)
    assert Introduction.objects.count() == 1
    assert outcomes[0].pk == outcomes[1].pk
    assert AuditEntry.objects.filter(action="introduction.requested").count() == 1


def test_a_double_clicked_request_button_makes_one_introduction(landing_gear, cluster):
    url = reverse("partnering:introduction-request", args=[landing_gear.pk])

    def click():
        client = Client()
        client.force_login(cluster.alpha_admin)
        return client.post(url, {"partner": cluster.bravo.pk}).status_code

    assert run_together(click, click) == [302, 302]
    assert Introduction.objects.count() == 1


def test_accepting_and_declining_at_once_give_one_answer(landing_gear, cluster, staff):
    introduction = introductions.request_introduction(actor=cluster.alpha_admin, opportunity=landing_gear,
                                                 partner=cluster.bravo)

    outcomes = run_together(
        lambda: introductions.answer_introduction(actor=cluster.bravo_admin, introduction=introduction, accept=True),
        lambda: introductions.answer_introduction(actor=staff, introduction=introduction, accept=False))

    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1, outcomes
    introduction.refresh_from_db()
    assert introduction.status in (IntroductionStatus.ACCEPTED, IntroductionStatus.DECLINED)
    assert AuditEntry.objects.filter(action__in=["introduction.accepted", "introduction.declined"]).count() == 1
