"""Who may open each page of labour sharing (grappe/core/tests/permission_matrix.py)."""

import uuid

import pytest

from grappe.core.tests.permission_matrix import (
    ANONYMOUS,
    OBSERVER,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    STAFF,
    PermissionMatrix,
)
from grappe.labour.documents import agreement
from grappe.labour.models import Availability, Loan, LoanHours, Need

from .factories import period
from .loans_matrix import LENDER_ADMIN, LOANS_ACTORS

MEMBERS_AND_STAFF = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 403}


class TestBoard(PermissionMatrix):
    url = "labour:board"
    expect = MEMBERS_AND_STAFF


# Availabilities and needs (labour_matrix: A's availability and own need, B's need). A post on the board is seen
# by every member and the staff; only its organisation's administrator (OWN_ADMIN for A's) posts, changes and
# withdraws; the staff moderate nothing here; an observer sees none of it.

ADMIN_ONLY = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 200, STAFF: 403, OBSERVER: 403}
ADMIN_WRITES = {**ADMIN_ONLY, OWN_ADMIN: 302}
MEMBERS_ONLY = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 403, OBSERVER: 403}


class LabourMatrix(PermissionMatrix):
    @pytest.fixture
    def matrix(self, labour_matrix):
        return labour_matrix


def post_data(ctx, **more) -> dict:
    start, end = period()
    return {"form_token": str(uuid.uuid4()), "title": "Trois machinistes", "skills": [ctx.capability.pk],
            "people": "3", "start": start.isoformat(), "end": end.isoformat(), "region": "06", "mode": "on_site",
            "clearance": "none", **more}


def availability_data(ctx) -> dict:
    return post_data(ctx, hourly_rate="60", at_cost_confirmed="on")


class TestAvailabilityCreate(LabourMatrix):
    url = "labour:availability-create"
    expect = ADMIN_ONLY


class TestAvailabilityPost(LabourMatrix):
    url = "labour:availability-create"
    method = "post"
    data = staticmethod(availability_data)
    expect = ADMIN_WRITES
    audit_action = "availability.posted"


class TestAvailabilityDetail(LabourMatrix):
    url = "labour:availability-detail"
    args = staticmethod(lambda ctx: [ctx.availability.pk])
    expect = MEMBERS_AND_STAFF


class TestAvailabilityEdit(LabourMatrix):
    url = "labour:availability-edit"
    args = staticmethod(lambda ctx: [ctx.availability.pk])
    expect = ADMIN_ONLY


class TestAvailabilityChange(LabourMatrix):
    url = "labour:availability-edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.availability.pk])
    data = staticmethod(availability_data)
    expect = ADMIN_WRITES
    audit_action = "availability.changed"
    effect = staticmethod(lambda ctx, pk: Availability.objects.get(pk=pk).people)


class TestAvailabilityWithdraw(LabourMatrix):
    url = "labour:availability-withdraw"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.availability.pk])
    expect = ADMIN_WRITES
    audit_action = "availability.withdrawn"
    effect = staticmethod(lambda ctx, pk: Availability.objects.get(pk=pk).status)


class TestNeedCreate(LabourMatrix):
    url = "labour:need-create"
    expect = ADMIN_ONLY


class TestNeedPost(LabourMatrix):
    url = "labour:need-create"
    method = "post"
    data = staticmethod(post_data)
    expect = ADMIN_WRITES
    audit_action = "need.posted"


class TestNeedDetail(LabourMatrix):
    url = "labour:need-detail"
    args = staticmethod(lambda ctx: [ctx.need.pk])
    expect = MEMBERS_AND_STAFF


class TestOwnNeedDetail(LabourMatrix):
    url = "labour:need-detail"
    args = staticmethod(lambda ctx: [ctx.own_need.pk])
    expect = MEMBERS_AND_STAFF


class TestNeedEdit(LabourMatrix):
    url = "labour:need-edit"
    args = staticmethod(lambda ctx: [ctx.own_need.pk])
    expect = ADMIN_ONLY


class TestNeedChange(LabourMatrix):
    url = "labour:need-edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.own_need.pk])
    data = staticmethod(post_data)
    expect = ADMIN_WRITES
    audit_action = "need.changed"
    effect = staticmethod(lambda ctx, pk: Need.objects.get(pk=pk).people)


class TestNeedWithdraw(LabourMatrix):
    url = "labour:need-withdraw"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.own_need.pk])
    expect = ADMIN_WRITES
    audit_action = "need.withdrawn"
    effect = staticmethod(lambda ctx, pk: Need.objects.get(pk=pk).status)


class TestBNeedIsNotAsChangedByA(LabourMatrix):
    """B's need: nobody of the matrix administers B."""

    url = "labour:need-withdraw"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.need.pk])
    expect = {**ADMIN_ONLY, OWN_ADMIN: 403}
    audit_action = "need.withdrawn"
    effect = staticmethod(lambda ctx, pk: Need.objects.get(pk=pk).status)


class TestMine(LabourMatrix):
    url = "labour:mine"
    expect = MEMBERS_ONLY
# Loans (views/loans.py, views/statistics.py): the loans' own matrix (tests/loans_matrix.py): B lends to A;
# LENDER_ADMIN administers B, OTHER_MEMBER is a plain member of B; OWN_ADMIN administers A, OWN_USER is a plain
# member of A. A loan is for its two organisations and the staff; every write is for one side's administrator.

TOKEN = "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"


class LoansMatrix(PermissionMatrix):
    actors = LOANS_ACTORS

    @pytest.mark.parametrize("actor", LOANS_ACTORS)
    def test_access(self, actor, loans_matrix, client):
        self.check_access(actor, loans_matrix, client)


LOAN_READERS = {**dict.fromkeys(LOANS_ACTORS, 200), ANONYMOUS: 302, OBSERVER: 403}
NOBODY_WRITES = {**dict.fromkeys(LOANS_ACTORS, 403), ANONYMOUS: 302}
LENDER_WRITES = {**NOBODY_WRITES, LENDER_ADMIN: 302}
BORROWER_WRITES = {**NOBODY_WRITES, OWN_ADMIN: 302}
EITHER_WRITES = {**NOBODY_WRITES, OWN_ADMIN: 302, LENDER_ADMIN: 302}


def status_of(name):
    return staticmethod(lambda ctx, pk: Loan.objects.get(pk=pk).status)


class TestLoanRequestPage(LoansMatrix):
    """A member's administrator asks another member's availability; its own organisation does not borrow it."""
    url = "labour:loan-request"
    args = staticmethod(lambda ctx: [ctx.loan_availability.pk])
    expect = {**NOBODY_WRITES, OWN_ADMIN: 200}


class TestLoanRequest(LoansMatrix):
    url = "labour:loan-request"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.loan_availability.pk])
    data = staticmethod(lambda ctx: {"form_token": TOKEN, "people": 1, "start": "2029-07-01", "end": "2029-08-31"})
    expect = BORROWER_WRITES
    audit_action = "loan.requested"


class TestLoanList(LoansMatrix):
    url = "labour:loan-list"
    expect = LOAN_READERS


class TestLoanDetail(LoansMatrix):
    url = "labour:loan-detail"
    args = staticmethod(lambda ctx: [ctx.requested.pk])
    expect = LOAN_READERS


class TestLoanAgreementPdf(LoansMatrix):
    url = "labour:loan-agreement"
    args = staticmethod(lambda ctx: [ctx.requested.pk, "en"])
    expect = LOAN_READERS


class TestSharedWithMe(LoansMatrix):
    url = "labour:shared-with-me"
    expect = {**dict.fromkeys(LOANS_ACTORS, 200), ANONYMOUS: 302}


class TestLabourStatistics(LoansMatrix):
    url = "labour:statistics"
    expect = {**dict.fromkeys(LOANS_ACTORS, 403), ANONYMOUS: 302, STAFF: 200}


class TestLoanRefuse(LoansMatrix):
    url = "labour:loan-refuse"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.requested.pk])
    expect = LENDER_WRITES
    audit_action = "loan.refused"
    effect = status_of("refused")


class TestLoanCancel(LoansMatrix):
    url = "labour:loan-cancel"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.requested.pk])
    expect = BORROWER_WRITES
    audit_action = "loan.cancelled"
    effect = status_of("cancelled")


class TestLoanAcceptAsLender(LoansMatrix):
    url = "labour:loan-accept"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.requested.pk])
    data = staticmethod(lambda ctx: {"form_token": TOKEN, "side": "lender",
                                     "fingerprint": agreement.fingerprint(ctx.requested)})
    expect = LENDER_WRITES
    audit_action = "loan.accepted_by_lender"
    effect = staticmethod(lambda ctx, pk: Loan.objects.get(pk=pk).lender_accepted_at)


class TestLoanAcceptAsBorrower(LoansMatrix):
    url = "labour:loan-accept"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.requested.pk])
    data = staticmethod(lambda ctx: {"form_token": TOKEN, "side": "borrower",
                                     "fingerprint": agreement.fingerprint(ctx.requested)})
    expect = BORROWER_WRITES
    audit_action = "loan.accepted_by_borrower"
    effect = staticmethod(lambda ctx, pk: Loan.objects.get(pk=pk).borrower_accepted_at)


class TestLoanEmployees(LoansMatrix):
    url = "labour:loan-employees"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.agreed.pk])
    data = staticmethod(lambda ctx: {"form_token": TOKEN, "name": "Marc Gagnon", "role": "Régleur",
                                     "work_email": "marc@bravo.test"})
    expect = LENDER_WRITES
    audit_action = "loan.employees_named"


class TestLoanHours(LoansMatrix):
    url = "labour:loan-hours"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.agreed.pk])
    data = staticmethod(lambda ctx: {"form_token": TOKEN, "month": "2025-03", "hours": "250"})
    expect = EITHER_WRITES
    audit_action = "loan.hours_recorded"
    effect = staticmethod(lambda ctx, pk: LoanHours.objects.filter(loan=pk).count())


class TestLoanExtend(LoansMatrix):
    url = "labour:loan-extend"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.agreed.pk])
    data = staticmethod(lambda ctx: {"form_token": TOKEN, "new_end": "2029-12-31"})
    expect = LENDER_WRITES
    audit_action = "loan.extended"
    effect = staticmethod(lambda ctx, pk: Loan.objects.get(pk=pk).end)


class TestLoanEnd(LoansMatrix):
    url = "labour:loan-end"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.agreed.pk])
    data = staticmethod(lambda ctx: {"form_token": TOKEN, "on_date": "2025-06-30"})
    expect = EITHER_WRITES
    audit_action = "loan.ended"
    effect = status_of("ended")
