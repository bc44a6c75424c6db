"""The loans' permission matrix: the matrix's cluster (grappe/core/tests/permission_matrix.py) with an availability
of organisation B lent to organisation A.

Beside the matrix's actors, loans have one of their own: LENDER_ADMIN, the administrator of B (the lender).
OTHER_MEMBER is a plain member of the lender; OWN_ADMIN is the borrower's administrator, OWN_USER a plain member
of the borrower. Objects: `ctx.loan_availability` (B's, 4 people, 2025 to 2030), `ctx.requested` (1 person, both
acceptances awaited) and `ctx.agreed` (2 people from 2025-02-01, both accepted, one employee named).
"""

import datetime

import pytest
from django.utils import timezone

from grappe.conftest import make_member
from grappe.core.tests.permission_matrix import ACTORS
from grappe.labour.models import LoanEmployee, LoanStatus
from grappe.members.models import OrgRole

from .loan_factories import make_availability, make_loan

LENDER_ADMIN = "lender_admin"
LOANS_ACTORS = (*ACTORS, LENDER_ADMIN)


@pytest.fixture
def loans_matrix(matrix):
    ctx = matrix
    ctx.lender_admin = make_member(ctx.org_b, "admin@bravo.test", OrgRole.ADMIN)
    ctx.loan_availability = make_availability(ctx.org_b, people=4, start=datetime.date(2025, 1, 1),
                                              end=datetime.date(2030, 12, 31), created_by=ctx.lender_admin)
    ctx.requested = make_loan(ctx.loan_availability, ctx.org_a, people=1, requested_by=ctx.own_admin,
                              start=datetime.date(2029, 1, 1), end=datetime.date(2029, 6, 30))
    now = timezone.now()
    ctx.agreed = make_loan(ctx.loan_availability, ctx.org_a, people=2, status=LoanStatus.AGREED,
                           requested_by=ctx.own_admin, start=datetime.date(2025, 2, 1),
                           end=datetime.date(2028, 12, 31), lender_accepted_at=now,
                           lender_accepted_by=ctx.lender_admin, borrower_accepted_at=now,
                           borrower_accepted_by=ctx.own_admin)
    LoanEmployee.objects.create(loan=ctx.agreed, name="Julie Tremblay", role="Machiniste CNC",
                                work_email="julie@bravo.test", work_phone="450 555-0101")
    return ctx
