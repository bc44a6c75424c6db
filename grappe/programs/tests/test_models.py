"""The invariants the database holds by itself, whatever code writes the rows."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from grappe.programs.models import ConsortiumMember

from .factories import make_application, make_call, make_program

pytestmark = pytest.mark.django_db


def refused(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def test_a_program_cannot_commit_more_than_its_envelope(staff):
    program = make_program(staff, envelope="100.00")
    program.committed = Decimal("100.01")
    assert refused(program.save)
    program.committed = Decimal("100.00")
    assert not refused(program.save)


def test_a_lead_organisation_has_one_application_per_call(staff, org_a, org_user):
    call = make_call(make_program(staff))
    make_application(call, org_a, org_user)
    assert refused(lambda: make_application(call, org_a, org_user))


def test_amounts_are_positive_and_the_grant_asked_within_the_project_cost(staff, org_a, org_user):
    call = make_call(make_program(staff))
    assert refused(lambda: make_application(call, org_a, org_user, amount="-1.00"))
    assert refused(lambda: make_application(call, org_a, org_user, amount="300.00", cost="200.00"))
    assert refused(lambda: make_program(staff, envelope="0"))


def test_a_submitted_application_has_its_submission_date(staff, org_a, org_user):
    call = make_call(make_program(staff))
    assert refused(lambda: make_application(call, org_a, org_user, status="submitted", submitted_at=None))


def test_an_organisation_is_once_in_a_consortium_with_shares_between_0_and_100(staff, org_a, org_b, org_user):
    application = make_application(make_call(make_program(staff)), org_a, org_user)

    def member(organisation, share="50"):
        return lambda: ConsortiumMember.objects.create(application=application, organisation=organisation,
                                                       share_of_work=Decimal(share), share_of_budget=Decimal(share))

    member(org_a)()
    assert refused(member(org_a))
    assert refused(member(org_b, "100.01"))
    assert not refused(member(org_b))
