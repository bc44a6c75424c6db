"""Many officers committing funds from one envelope at once never over-commit it, and nobody deadlocks; a
double-clicked "apply" or "submit" does its work once (PostgreSQL, real threads, real transactions: see
grappe/core/tests/test_concurrency.py)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from grappe.conftest import make_organisation, run_together
from grappe.core.models import AuditEntry
from grappe.core.tests.test_concurrency import overlapping_transactions  # noqa: F401 — a fixture
from grappe.programs.models import Application, ApplicationStatus, Commitment
from grappe.programs.services import applications, budget

from .factories import make_application, make_call, make_funded, make_program

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

COMMITMENTS = 200
# 200 commitments fired by 20 connections at once, 10 each: the server's 100 connections are shared.
WORKERS = 20


def commit_all(staff, applications, amount):
    """Commit `amount` to each application in turn, collecting what each attempt gave."""
    def work():
        outcomes = []
        for application in applications:
            try:
                outcomes.append(budget.commit_funds(actor=staff, application=application, amount=amount))
            except ValidationError as refusal:
                outcomes.append(refusal)
        return outcomes
    return work


def test_two_hundred_concurrent_commitments_never_over_commit_the_envelope(staff, org_user):
    # The envelope holds 150 of the 200 commitments of 1 000,00 $: 50 must be refused, none may slip through.
    program = make_program(staff, envelope="150000.00")
    call = make_call(program)
    applications = [make_funded(call, make_organisation(f"Org {n}"), org_user, amount="1000.00") for n in range(COMMITMENTS)]
    batches = [applications[n::WORKERS] for n in range(WORKERS)]

    results = run_together(*(commit_all(staff, batch, Decimal("1000.00")) for batch in batches))

    assert not [r for r in results if isinstance(r, Exception)], results  # no deadlock, no other error
    outcomes = [outcome for batch in results for outcome in batch]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert {r.code for r in refused} == {"envelope_exceeded"}
    assert (len(outcomes) - len(refused), len(refused)) == (150, 50)
    program.refresh_from_db()
    total = Commitment.objects.filter(program=program).aggregate(total=Sum("amount"))["total"]
    assert program.committed == total == program.envelope
    assert AuditEntry.objects.filter(action="commitment.created").count() == 150


@pytest.mark.usefixtures("overlapping_transactions")  # each write waits after its audit entry: the race happens
def test_apply_and_submit_double_clicked_make_one_application_submitted_once(staff, org_user, org_a):
    call = make_call(make_program(staff))
    data = {"title": "Aile composite", "amount_requested": Decimal("50000.00"), "total_cost": Decimal("200000.00")}

    started = run_together(*[lambda: applications.start_application(actor=org_user, call=call, data=data)] * 2)
    submitted = run_together(*[lambda: applications.submit(actor=org_user, application=started[0])] * 2)

    assert not [o for o in started + submitted if isinstance(o, Exception)], started + submitted
    assert Application.objects.filter(call=call, lead=org_a).count() == 1
    assert AuditEntry.objects.filter(action="application.created").count() == 1
    assert AuditEntry.objects.filter(action="application.submitted").count() == 1
