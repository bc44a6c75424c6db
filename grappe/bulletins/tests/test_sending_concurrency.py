"""A bulletin sent twice at the same instant reaches each person once (PostgreSQL, real threads, real transactions:
see grappe/core/tests/test_concurrency.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grappe.bulletins.models import BulletinStatus, Delivery, SendJob
from grappe.bulletins.services import sending
from grappe.conftest import make_organisation, make_staff, run_together
from grappe.core.models import AuditEntry, OutgoingMail
from grappe.core.tests.test_concurrency import overlapping_transactions  # noqa: F401 — a fixture
from grappe.members.models import Person, Role

from .factories import make_bulletin

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """The sending job runs in the thread that queued it, as soon as its request commits."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.usefixtures("overlapping_transactions")  # each start waits after its audit entry: the race happens
def test_two_clicks_on_send_now_at_once_make_one_job_and_mail_each_person_once():
    writer = make_staff("comms@grappe.test", role=Role.STAFF_COMMUNICATIONS)
    for n in range(3):
        organisation = make_organisation(f"Org {n}")
        for p in range(4):
            Person.objects.create(organisation=organisation, email=f"p{p}@org{n}.test", first_name="P",
                                  last_name=str(p), consent_communications=True)
    bulletin = make_bulletin(created_by=writer)

    outcomes = run_together(*(lambda: sending.send_now(actor=writer, bulletin=bulletin) for _ in range(2)))

    assert not [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, ValidationError)], outcomes
    assert SendJob.objects.count() == 1
    assert AuditEntry.objects.filter(action="bulletin.sending_started").count() == 1
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.SENT
    assert Delivery.objects.count() == 12
    assert OutgoingMail.objects.count() == OutgoingMail.objects.values("to").distinct().count() == 12


def test_two_runs_of_the_same_job_at_once_mail_each_person_once():
    writer = make_staff("comms@grappe.test", role=Role.STAFF_COMMUNICATIONS)
    organisation = make_organisation("Org")
    for p in range(5):
        Person.objects.create(organisation=organisation, email=f"p{p}@org.test", first_name="P", last_name=str(p),
                              consent_communications=True)
    bulletin = make_bulletin(created_by=writer, status=BulletinStatus.SENDING)
    job = SendJob.objects.create(bulletin=bulletin, owner=writer)

    run_together(lambda: sending.run(job.pk), lambda: sending.run(job.pk))

    assert Delivery.objects.count() == 5 and OutgoingMail.objects.count() == 5
