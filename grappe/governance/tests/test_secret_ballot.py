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
from grappe.governance.services import resolutions
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
