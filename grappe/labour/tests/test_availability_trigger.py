"""The database's backstop on the availability's side (migration 0003, PostgreSQL): a write to an availability
past the services that would post fewer people than its loans lend, or a period that leaves a loan out, is refused
at the end of the statement."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from grappe.conftest import make_organisation
from grappe.labour.models import Availability, LoanStatus

from .loan_factories import END, START, make_availability, make_loan

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's"),
    pytest.mark.django_db,
]


@pytest.fixture
def held():
    lender, borrower = make_organisation("Prêteur Aéro"), make_organisation("Emprunteur Aéro")
    availability = make_availability(lender, people=3)
    make_loan(availability, borrower, people=2, end=START + datetime.timedelta(days=30))
    make_loan(availability, borrower, people=1, start=START + datetime.timedelta(days=10))
    return availability


def test_fewer_people_than_the_loans_lend_is_refused(held):
    with pytest.raises(IntegrityError, match="would post 2 people, its loans lend 3"), transaction.atomic():
        Availability.objects.filter(pk=held.pk).update(people=2)
    held.refresh_from_db()
    assert held.people == 3


def test_a_period_that_leaves_a_loan_out_is_refused(held):
    with pytest.raises(IntegrityError, match="outside its period"), transaction.atomic():
        Availability.objects.filter(pk=held.pk).update(end=START)
    with pytest.raises(IntegrityError, match="outside its period"), transaction.atomic():
        Availability.objects.filter(pk=held.pk).update(start=START + datetime.timedelta(days=1))
    held.refresh_from_db()
    assert (held.start, held.end) == (START, END)


def test_changes_the_loans_allow_pass(held):
    Availability.objects.filter(pk=held.pk).update(people=5, end=END + datetime.timedelta(days=10),
                                                    title="Machinistes CNC (5)")
    held.refresh_from_db()
    assert held.people == 5
    # loans that hold no capacity do not count
    held.loans.update(status=LoanStatus.REFUSED)
    Availability.objects.filter(pk=held.pk).update(people=1, end=START)
