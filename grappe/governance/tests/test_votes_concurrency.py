"""One organisation, one vote under real concurrency (PostgreSQL, real threads, real transactions: see
grappe/core/tests/test_concurrency.py): two of its people voting at the same instant make one vote; a secret
ballot gets one participation and one ballot; proxies given at once never pass the cap nor form a chain."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grappe.conftest import make_member, make_organisation, run_together
from grappe.core.errors import Conflict
from grappe.core.models import AuditEntry
from grappe.core.tests.test_concurrency import overlapping_transactions  # noqa: F401 — a fixture
from grappe.governance.models import Participation, Proxy, SecretBallot, Vote
from grappe.governance.services import votes
from grappe.members.models import OrgRole

from .factories import make_resolution, option

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def admins(organisation, count):
    return [make_member(organisation, f"admin{n}@{organisation.slug}.test", OrgRole.ADMIN) for n in range(count)]


@pytest.mark.usefixtures("overlapping_transactions")  # each cast waits after its audit entry: the race happens
def test_two_people_of_one_organisation_voting_at_once_make_one_vote():
    organisation = make_organisation("Upl Aero")
    first, second = admins(organisation, 2)
    resolution = make_resolution()
    choices = [option(resolution, "For"), option(resolution, "Against")]

    outcomes = run_together(*(lambda p=p, c=c: votes.cast(actor=p, resolution=resolution, option=c)
                              for p, c in zip((first, second), choices, strict=True)))

    assert sorted(outcomes) == ["cast", "changed"], outcomes
    assert Vote.objects.filter(resolution=resolution, organisation=organisation).count() == 1
    assert sorted(AuditEntry.objects.filter(action__startswith="vote.").values_list("action", flat=True)) == [
        "vote.cast", "vote.changed"]


@pytest.mark.usefixtures("overlapping_transactions")
def test_two_people_voting_at_once_in_a_secret_ballot_make_one_participation_and_one_ballot():
    organisation = make_organisation("Upl Aero")
    people = admins(organisation, 2)
    resolution = make_resolution(secret=True)
    choices = [option(resolution, "For"), option(resolution, "Against")]

    outcomes = run_together(*(lambda p=p, c=c: votes.cast(actor=p, resolution=resolution, option=c)
                              for p, c in zip(people, choices, strict=True)))

    assert [o for o in outcomes if o == "cast"] == ["cast"]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1 and isinstance(refused[0], Conflict)  # the second is told the vote is final
    assert Participation.objects.filter(resolution=resolution).count() == 1
    assert SecretBallot.objects.filter(resolution=resolution).count() == 1


def test_proxies_given_at_once_never_pass_the_cap():
    holder = make_organisation("Holder Aero")
    grantors = [make_organisation(f"Grantor {n}") for n in range(8)]
    people = [admins(organisation, 1)[0] for organisation in grantors]
    resolution = make_resolution(max_proxies=2)

    outcomes = run_together(*(lambda p=p: votes.give_proxy(actor=p, resolution=resolution, holder=holder)
                              for p in people))

    assert not [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, ValidationError)], outcomes
    assert Proxy.objects.filter(resolution=resolution, holder=holder).count() == 2
    assert sum(1 for o in outcomes if isinstance(o, Proxy)) == 2


def test_proxies_given_at_once_never_form_a_chain():
    a, b, c = (make_organisation(name) for name in ("Alpha Chain", "Bravo Chain", "Charlie Chain"))
    admin_a, admin_b = admins(a, 1)[0], admins(b, 1)[0]
    resolution = make_resolution(max_proxies=3)

    outcomes = run_together(lambda: votes.give_proxy(actor=admin_a, resolution=resolution, holder=b),
                            lambda: votes.give_proxy(actor=admin_b, resolution=resolution, holder=c))

    assert sum(1 for o in outcomes if isinstance(o, Proxy)) == 1, outcomes
    assert not Proxy.objects.filter(resolution=resolution, holder__in=Proxy.objects.filter(
        resolution=resolution).values("grantor")).exists()
