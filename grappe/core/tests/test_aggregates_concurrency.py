"""Two viewers admitted at once cannot both release populations a few organisations apart (PostgreSQL, real
threads, real transactions; SQLite serialises writers, so the race cannot happen there)."""

import time
from unittest import mock

import pytest
from django.db import connection

from grappe.core import aggregates
from grappe.core.models import ReleasedPopulation
from matching import anonymity

from .test_concurrency import run_together

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_two_close_populations_admitted_at_once_are_not_both_released():
    """Each request checks the ledger, then records: with both checks before either record, the six and the
    seven would both be released. The second waits for the first, then is refused."""
    check = anonymity.check_population

    def slow_check(*args, **kwargs):
        found = check(*args, **kwargs)
        time.sleep(0.3)  # the other request's check lands here
        return found

    everyone = frozenset(range(40))
    with mock.patch.object(anonymity, "check_population", slow_check):
        outcomes = run_together(
            lambda: aggregates.admit_filter(scope="listening.needs", filtered=range(6), parent=everyone),
            lambda: aggregates.admit_filter(scope="listening.needs", filtered=range(7), parent=everyone))
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["FilterRefused", "NoneType"]
    assert ReleasedPopulation.objects.count() == 1
