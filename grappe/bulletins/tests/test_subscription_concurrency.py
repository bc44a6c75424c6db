"""Two clicks of one unsubscribe link at once (a mail client's one-click POST and the reader's button) leave one
row and one audit entry, and neither fails (PostgreSQL, real threads, real transactions)."""

import time
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from grappe.bulletins import links
from grappe.bulletins.models import Topic, Unsubscription
from grappe.conftest import make_organisation, run_together
from grappe.core import audit
from grappe.core.models import AuditEntry
from grappe.members.models import Person

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_two_unsubscribe_posts_at_once_leave_one_row_and_one_entry():
    person = Person.objects.create(organisation=make_organisation("Alpha Usinage", neq="1111111111"),
                                   first_name="Rémi", last_name="Gagnon", email="remi@alpha.test",
                                   consent_communications=True)
    path = reverse("bulletins:unsubscribe", args=[links.sign(links.UNSUBSCRIBE, [person.pk, Topic.EVENTS.value])])
    record = audit.record

    def record_then_wait(*args, **kwargs):  # the first transaction stays open while the second one inserts
        entry = record(*args, **kwargs)
        time.sleep(0.3)
        return entry

    with mock.patch.object(audit, "record", side_effect=record_then_wait):
        outcomes = run_together(*(lambda: Client().post(path, "List-Unsubscribe=One-Click",
                                                        content_type="application/x-www-form-urlencoded")
                                  for _ in range(2)))
    assert [getattr(outcome, "status_code", outcome) for outcome in outcomes] == [200, 200]
    assert Unsubscription.objects.filter(person=person).count() == 1
    assert AuditEntry.objects.filter(action="mail.unsubscribed").count() == 1
