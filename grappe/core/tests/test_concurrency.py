"""Two people acting at once lose nothing and duplicate nothing (PostgreSQL, real threads, real transactions).

Each scenario starts two threads together (threading.Barrier); each thread has its own database connection,
closed when it ends. `overlapping_transactions` keeps every service transaction open a moment after its write
so that the other thread's write always lands inside it: the race happens on every run, not once in a while.
SQLite serialises writers (transaction_mode IMMEDIATE), so these races cannot happen there and the module is
skipped.
"""

import time
import uuid
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from grappe.core import audit
from grappe.conftest import run_together
from grappe.core.models import AuditEntry
from grappe.members.models import (
    MembershipStatus,
    Organisation,
    OrganisationCapability,
    OrganisationKind,
    Person,
)
from grappe.members.services import fields as member_fields
from grappe.members.services import organisations as member_organisations
from grappe.members.services import people as member_people

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def no_errors(outcomes):
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert errors == [], f"a concurrent request failed: {errors!r}"


@pytest.fixture
def overlapping_transactions():
    """Hold each service transaction open for a moment after it wrote (the audit entry is its last write)."""
    record = audit.record

    def record_then_wait(*args, **kwargs):
        entry = record(*args, **kwargs)
        time.sleep(0.3)
        return entry

    with mock.patch.object(audit, "record", side_effect=record_then_wait):
        yield


def test_a_form_submitted_twice_at_once_creates_one_organisation(staff, overlapping_transactions):
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(staff)
    data = {"legal_name": "Golf Aviation", "kind": OrganisationKind.MRO,
            "membership_status": MembershipStatus.ACTIVE, "form_token": str(uuid.uuid4())}
    url = reverse("members:organisation-create")

    responses = run_together(*(lambda c=c: c.post(url, data) for c in clients))

    no_errors(responses)
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0].url == responses[1].url
    assert Organisation.objects.filter(legal_name="Golf Aviation").count() == 1
    assert AuditEntry.objects.filter(action="organisation.created").count() == 1


def test_a_capability_declared_twice_at_once_is_one_row(
        org_admin, org_a, capability, overlapping_transactions):
    def declare(level):
        return lambda: member_organisations.set_capability(actor=org_admin, organisation=org_a,
                                                           capability=capability, level=level)

    no_errors(run_together(declare("core"), declare("secondary")))

    assert OrganisationCapability.objects.filter(organisation=org_a, capability=capability).count() == 1
    entries = AuditEntry.objects.filter(action__startswith="capability.")
    assert sorted(entries.values_list("action", flat=True)) == ["capability.added", "capability.changed"]


def test_two_people_made_primary_contact_at_once_leave_one_primary_contact(
        org_admin, org_a, overlapping_transactions):
    people = [Person.objects.create(organisation=org_a, first_name=name, last_name="Test",
                                    email=f"{name}@alpha.test") for name in ("marie", "paul")]

    def make_primary(person):
        return lambda: member_people.save_person(actor=org_admin, organisation=org_a, person=person,
                                                 data={"is_primary_contact": True})

    no_errors(run_together(*(make_primary(p) for p in people)))

    assert org_a.people.filter(is_primary_contact=True).count() == 1


def test_two_simultaneous_edits_are_both_in_the_audit_trail(
        staff, org_admin, org_a, overlapping_transactions):
    """Each form posts every field, so the last save wins; the trail shows both changes, in order."""
    form = {name: getattr(org_a, name) for name in member_fields.ORGANISATION_FIELDS}

    def edit(actor, **change):
        return lambda: member_organisations.update_organisation(actor=actor, organisation=org_a,
                                                                data={**form, **change})

    no_errors(run_together(edit(staff, city="Mirabel"), edit(org_admin, description_fr="Pièces de moteur.")))

    first, second = AuditEntry.objects.filter(action="organisation.changed").order_by("id")
    assert second.before == first.after, "the second edit started from the first one's result"
    changes = {name for entry in (first, second) for name, _old, _new in entry.changed_fields()}
    assert {"city", "description_fr"} <= changes
    org_a.refresh_from_db()
    final = {name: str(getattr(org_a, name)) for name in ("city", "description_fr")}
    assert final == {name: str(second.after[name]) for name in final}
