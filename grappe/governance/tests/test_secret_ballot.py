"""A secret ballot cannot be linked to its voter: not from any table (the ballot holds no organisation, no person,
no time; its key is random), nor the audit trail (an entry says that an organisation voted, never what), nor the
logs (the pages log nothing of what was posted; an error report hides the option)."""

import json
import logging

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from grappe.conftest import make_member, make_organisation
from grappe.core.models import AuditEntry
from grappe.governance.models import Participation, Resolution, SecretBallot
from grappe.governance.services import resolutions, votes
from grappe.members.models import OrgRole

from .factories import make_resolution, option

pytestmark = pytest.mark.django_db

VOTERS = 12


def columns(model) -> set[str]:
    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(
            cursor, model._meta.db_table)}


def test_the_tables_hold_nothing_that_joins_a_ballot_to_its_voter():
    assert {field.name for field in SecretBallot._meta.get_fields()} == {"id", "resolution", "option"}
    assert columns(SecretBallot) == {"id", "resolution_id", "option_id"}
    assert columns(Participation) == {"id", "resolution_id", "organisation_id"}
    assert SecretBallot._meta.pk.get_internal_type() == "UUIDField"
    for model in (SecretBallot, Participation):
        kinds = {field.get_internal_type() for field in model._meta.concrete_fields}
        assert not kinds & {"DateTimeField", "DateField", "TimeField"}, model
    assert "option" not in {field.name for field in Participation._meta.get_fields()}


def test_after_a_secret_vote_nothing_links_a_ballot_to_an_organisation(client, caplog):
    people = [make_member(make_organisation(f"Secrete {n}"), f"admin{n}@secret.test", OrgRole.ADMIN)
              for n in range(VOTERS)]
    resolution = make_resolution(secret=True)
    labels = ["Pour", "Contre", "Abstention"]
    cast_order = []
    caplog.set_level(logging.DEBUG)
    for n, person in enumerate(people):
        client.force_login(person)
        before = set(SecretBallot.objects.values_list("pk", flat=True))
        chosen = option(resolution, ["For", "Against", "Abstain"][n % 3])
        response = client.post(reverse("governance:resolution-vote", args=[resolution.pk]), {"option": chosen.pk})
        assert response.status_code == 302
        (new,) = set(SecretBallot.objects.values_list("pk", flat=True)) - before
        cast_order.append(new)
    # A second try is refused (the vote is final) and logs nothing of its option either.
    response = client.post(reverse("governance:resolution-vote", args=[resolution.pk]),
                           {"option": option(resolution, "For").pk}, follow=True)
    assert "final" in response.content.decode() or "définitif" in response.content.decode()

    assert Participation.objects.filter(resolution=resolution).count() == SecretBallot.objects.count() == VOTERS
    # The random keys do not keep the order of casting.
    assert sorted(cast_order) != cast_order
    assert list(SecretBallot.objects.order_by("pk").values_list("pk", flat=True)) != cast_order
    # The audit trail says who voted, never what.
    entries = AuditEntry.objects.filter(action="vote.cast")
    assert entries.count() == VOTERS
    option_ids = set(resolution.options.values_list("pk", flat=True))
    for entry in entries:
        assert entry.before is None and set(entry.after) == {"organisation", "by_proxy"}
        written = json.dumps([entry.after, entry.target_label, entry.target_type, entry.target_id])
        assert not any(label in written for label in labels + ["For", "Against", "Abstain"])
        assert entry.target_type == "governance.resolution" and int(entry.target_id) not in option_ids - {
            resolution.pk}
    # The logs hold no option (its label, or the posted field).
    logged = caplog.text
    assert not any(label in logged for label in labels) and "option" not in logged.lower()
    # The count reads the anonymous ballots only.
    client.logout()
    Resolution.objects.filter(pk=resolution.pk).update(opens_at=timezone.now() - timezone.timedelta(days=2),
                                                       closes_at=timezone.now())
    resolution.refresh_from_db()
    counted = resolutions.count(resolution).results
    assert [o["votes"] for o in counted["options"]] == [4, 4, 4]


PAIRED_BY_XMIN = """SELECT p.organisation_id, b.option_id FROM governance_participation p
                    JOIN governance_secretballot b ON b.xmin = p.xmin AND b.resolution_id = p.resolution_id
                    WHERE p.resolution_id = %s"""


def _rows(sql, params) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="xmin and ctid are PostgreSQL's system columns")
@pytest.mark.django_db(transaction=True)
def test_after_the_count_postgresql_s_system_columns_no_longer_pair_a_ballot_with_its_organisation():
    """A cast writes its Participation and its ballot in one transaction (all or nothing), so until the count they
    share `xmin` and the ballots lie in the casting order. The count rewrites the ballots in its own transaction,
    in a random order, and VACUUM clears the rows as cast: no join on a system column rebuilds a choice."""
    voters = 10
    people = [make_member(make_organisation(f"Xmin {n}"), f"admin{n}@xmin.test", OrgRole.ADMIN)
              for n in range(voters)]
    # One option each, so that the ballots' physical order says exactly the order they were cast in.
    resolution = make_resolution(secret=True, quorum="0", options=[
        {"label_fr": f"Option {n}", "label_en": f"Option {n}", "is_abstention": False} for n in range(voters)])
    cast_order = list(resolution.options.order_by("position").values_list("pk", flat=True))
    for person, option_id in zip(people, cast_order, strict=True):
        votes.cast(actor=person, resolution=resolution, option=option_id)
    participations = {xmin for (xmin,) in _rows(
        "SELECT xmin::text FROM governance_participation WHERE resolution_id = %s", [resolution.pk])}
    assert len(participations) == voters

    Resolution.objects.filter(pk=resolution.pk).update(opens_at=timezone.now() - timezone.timedelta(days=2),
                                                       closes_at=timezone.now())
    counted = resolutions.count(Resolution.objects.get(pk=resolution.pk))

    assert _rows(PAIRED_BY_XMIN, [resolution.pk]) == []
    physical = [option_id for (option_id,) in _rows(
        "SELECT option_id FROM governance_secretballot WHERE resolution_id = %s ORDER BY ctid", [resolution.pk])]
    assert sorted(physical) == sorted(cast_order) and physical != cast_order
    ballots_xmin = {xmin for (xmin,) in _rows(
        "SELECT xmin::text FROM governance_secretballot WHERE resolution_id = %s", [resolution.pk])}
    assert len(ballots_xmin) == 1 and not ballots_xmin & participations  # the count's transaction, for all
    assert [o["votes"] for o in counted.results["options"]] == [1] * voters
    assert counted.results["voted"] == voters

    # VACUUM ran after the count: no row of the table, live or dead, still carries a cast's transaction.
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
    pages = _rows("SELECT pg_relation_size('governance_secretballot') / current_setting('block_size')::int", [])[0][0]
    left = set()
    for page in range(pages):
        left |= {xmin for (xmin,) in _rows(
            "SELECT t_xmin::text FROM heap_page_items(get_raw_page('governance_secretballot', %s)) "
            "WHERE t_xmin IS NOT NULL", [page])}
    assert not left & participations


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's")
def test_the_vacuum_after_a_count_inside_an_outer_transaction_runs_on_a_connection_of_its_own(
        django_capture_on_commit_callbacks, caplog):
    people = [make_member(make_organisation(f"Bloc {n}"), f"admin{n}@bloc.test", OrgRole.ADMIN) for n in range(3)]
    resolution = make_resolution(secret=True)
    for person in people:
        votes.cast(actor=person, resolution=resolution, option=option(resolution, "For"))
    Resolution.objects.filter(pk=resolution.pk).update(opens_at=timezone.now() - timezone.timedelta(days=2),
                                                       closes_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        counted = resolutions.count(Resolution.objects.get(pk=resolution.pk))
    assert connection.in_atomic_block and callbacks  # the test's transaction: VACUUM could not run on it
    assert "VACUUM" not in caplog.text
    assert [o["votes"] for o in counted.results["options"]] == [3, 0, 0]
    assert SecretBallot.objects.filter(resolution=resolution).count() == 3
