"""The audit trail: append-only (in Python and, on PostgreSQL, in the database), browsable by staff only."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import translation

from grappe.core import audit, selectors
from grappe.core.models import AuditEntry

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                     reason="the trigger exists on PostgreSQL only")


@pytest.fixture
def entry(staff, org_a):
    return audit.record(staff, "organisation.changed", org_a,
                        before={"city": "Laval"}, after={"city": "Montréal"})


def test_an_entry_says_who_did_what_to_which_object(entry, staff, org_a):
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.actor, entry.actor_label) == (staff, "staff@grappe.test")
    assert (entry.target_type, entry.target_id, entry.target_label) == (
        "members.organisation", str(org_a.pk), "Alpha Usinage")
    assert entry.changed_fields() == [("city", "Laval", "Montréal")]


def test_an_entry_without_a_signed_in_actor_is_recorded_as_the_system(org_a):
    entry = audit.record(None, "certification.reminder_sent", org_a)
    assert (entry.actor, entry.actor_label) == (None, "system")


def test_an_entry_cannot_be_changed_or_deleted_through_the_orm(entry):
    entry.action = "nothing.happened"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).update(action="nothing.happened")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "organisation.changed"


@postgresql_only
@pytest.mark.parametrize("sql", [
    "UPDATE core_auditentry SET action = 'nothing.happened'",
    "DELETE FROM core_auditentry",
    "UPDATE core_auditentry SET after = NULL WHERE id = %s",
])
def test_the_database_refuses_to_rewrite_history(entry, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk] if "%s" in sql else None)
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.action, entry.after) == ("organisation.changed", {"city": "Montréal"})


# The audit log page ----------------------------------------------------------------------------

def recorded_on(day: datetime.date, actor, action: str, target) -> AuditEntry:
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return audit.record(actor, action, target)


@pytest.fixture
def history(staff, org_admin, org_a):
    """Three entries on three days, by two people."""
    return [
        recorded_on(datetime.date(2025, 1, 10), staff, "organisation.created", org_a),
        recorded_on(datetime.date(2025, 2, 10), org_admin, "organisation.changed", org_a),
        recorded_on(datetime.date(2025, 3, 10), org_admin, "capability.added", org_a),
    ]


def shown(client, **filters) -> list[str]:
    response = client.get(reverse("core:audit-log"), filters)
    assert response.status_code == 200
    return [e.action for e in response.context["page"]]


def test_staff_see_the_newest_entries_first(client, staff, history):
    client.force_login(staff)
    assert shown(client) == ["capability.added", "organisation.changed", "organisation.created"]


def test_staff_filter_the_log_by_actor_action_and_date(client, staff, history):
    client.force_login(staff)
    assert shown(client, actor="admin@alpha") == ["capability.added", "organisation.changed"]
    assert shown(client, action="organisation.") == ["organisation.changed", "organisation.created"]
    assert shown(client, since="2025-02-10") == ["capability.added", "organisation.changed"]
    assert shown(client, until="2025-02-10") == ["organisation.changed", "organisation.created"]
    assert shown(client, since="2025-02-01", until="2025-02-28") == ["organisation.changed"]
    assert shown(client, actor="admin@alpha", action="capability") == ["capability.added"]
    assert shown(client, actor="nobody") == []


def test_the_log_shows_what_changed(client, staff, entry):
    client.force_login(staff)
    html = client.get(reverse("core:audit-log")).content.decode()
    assert "<del>Laval</del> → Montréal" in html


def test_anonymous_visitors_are_sent_to_sign_in(client, entry):
    response = client.get(reverse("core:audit-log"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


@pytest.mark.parametrize("who", ["org_admin", "org_user", "observer"])
def test_members_and_observers_may_not_read_the_log(client, request, who, entry):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("core:audit-log")).status_code == 403


# The log in words ------------------------------------------------------------------------------

def test_the_french_log_says_the_action_in_words(client, staff):
    audit.record(staff, "event.published", None)
    client.force_login(staff)
    html = client.get(reverse("core:audit-log"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Événement publié" in html
    assert "event.published" not in html


def test_a_changed_field_shows_its_name_and_value_in_words(client, staff):
    AuditEntry.objects.create(actor=staff, actor_label=staff.email, action="event.changed",
                              target_type="events.event", target_id="1", target_label="Salon",
                              before={"allow_moves": False}, after={"allow_moves": True})
    client.force_login(staff)
    with translation.override("en"):
        html = client.get(reverse("core:audit-log")).content.decode()
    assert "Re-scheduling may move published meetings</strong>: <del>No</del> → Yes" in html
    assert "allow_moves" not in html


def test_a_change_of_a_reverse_relation_is_named_by_the_rows_it_holds(client, staff):
    """A count of an event's sessions recorded in its change (the demo's event does) once broke the whole log."""
    AuditEntry.objects.create(actor=staff, actor_label=staff.email, action="event.changed",
                              target_type="events.event", target_id="1", target_label="Salon",
                              before={"sessions": 1}, after={"sessions": 2})
    client.force_login(staff)
    with translation.override("en"):
        response = client.get(reverse("core:audit-log"))
    assert response.status_code == 200
    assert "Sessions</strong>: <del>1</del> → 2" in response.content.decode()


def test_a_time_in_a_change_is_shown_in_local_time():
    moment = datetime.datetime(2026, 12, 5, 19, 15, tzinfo=datetime.UTC)  # 14:15 in Montréal
    with translation.override("fr"):
        assert selectors.readable_value(str(moment)) == "5 décembre 2026, 14:15"
    with translation.override("en"):
        assert selectors.readable_value(str(moment)) == "December 5, 2026, 14:15"
        assert selectors.readable_value(True) == "Yes"
