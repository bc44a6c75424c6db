"""An availability's capacity under real concurrency (PostgreSQL, real threads, real transactions: see
grappe/core/tests/test_concurrency.py): many loan requests at once never lend more people than posted, and nobody
deadlocks; the database's trigger (migration 0002) refuses, at the end of the statement, a loan written past the services that
would overbook an availability or fall outside its period."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from grappe.conftest import make_member, make_organisation, run_together
from grappe.core.models import AuditEntry
from grappe.labour.models import Loan, LoanStatus
from grappe.labour.services import loans
from grappe.members.models import OrgRole

from .loan_factories import END, START, make_availability, make_loan

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_many_requests_at_once_never_lend_more_people_than_posted():
    lender = make_organisation("Prêteur Aéro")
    availability = make_availability(lender, people=5)
    borrowers = [make_organisation(f"Emprunteur {n}") for n in range(12)]
    admins = [make_member(b, f"admin{n}@emprunteur.test", OrgRole.ADMIN) for n, b in enumerate(borrowers)]

    outcomes = run_together(*(
        lambda a=a, b=b, n=n: loans.request_loan(
            actor=a, availability=availability, borrower=b, people=1 + n % 2,
            start=START + datetime.timedelta(days=7 * (n % 3)), end=END - datetime.timedelta(days=5 * (n % 4)))
        for n, (a, b) in enumerate(zip(admins, borrowers, strict=True))))

    errors = [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, ValidationError)]
    assert not errors, errors  # no deadlock, no trigger error: the services' lock orders them
    granted = [o for o in outcomes if isinstance(o, Loan)]
    assert granted and len(granted) < len(outcomes)
    assert loans.peak_lent(availability.pk, START, END) <= 5
    assert sum(loan.people for loan in granted) <= 5  # they all overlap
    assert AuditEntry.objects.filter(action="loan.requested").count() == len(granted)


def test_the_trigger_refuses_an_overbooking_written_past_the_services():
    lender, borrower = make_organisation("Prêteur Aéro"), make_organisation("Emprunteur Aéro")
    availability = make_availability(lender, people=3)
    make_loan(availability, borrower, people=2)
    with pytest.raises(IntegrityError, match="would lend 4 people of its 3"), transaction.atomic():
        make_loan(availability, borrower, people=2)
    assert Loan.objects.count() == 1
    # a loan that holds no capacity is not counted
    make_loan(availability, borrower, people=3, status=LoanStatus.REFUSED)


def test_the_trigger_refuses_a_loan_outside_the_availabilitys_period():
    lender, borrower = make_organisation("Prêteur Aéro"), make_organisation("Emprunteur Aéro")
    availability = make_availability(lender, people=3)
    with pytest.raises(IntegrityError, match="outside its availability"), transaction.atomic():
        make_loan(availability, borrower, people=1, end=END + datetime.timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        loan = make_loan(availability, borrower, people=1)
        Loan.objects.filter(pk=loan.pk).update(start=START - datetime.timedelta(days=1))
    assert not Loan.objects.exists()
