"""The demo's labour sharing: availabilities and needs with their skills and rates at cost, loans in each state
written through the services (one audit entry each), employees named and hours recorded for the agreed ones,
never over capacity; a second run changes nothing."""

import pytest

from grappe.core.models import AuditEntry
from grappe.labour.demo_data import generate_labour
from grappe.labour.models import Availability, Loan, LoanEmployee, LoanHours, LoanStatus, Need
from grappe.labour.services.loans import peak_lent
from grappe.members import demo_data
from grappe.members.services.taxonomy import load_taxonomy
from grappe.members.taxonomy_file import read_taxonomy

pytestmark = pytest.mark.django_db


def test_the_demo_lends_staff_in_every_state():
    load_taxonomy(read_taxonomy())
    demo_data.generate_cluster(organisations=30, people=120, seed=2026)
    made = generate_labour(seed=2026)
    assert made["availabilities"] == 8 and made["needs"] >= 8
    for availability in Availability.objects.all():
        assert 45 <= availability.hourly_rate <= 95 and availability.skills.exists()
        assert peak_lent(availability.pk, availability.start, availability.end) <= availability.people
    assert Need.objects.filter(skills__isnull=False).distinct().count() == Need.objects.count()
    states = set(Loan.objects.values_list("status", flat=True))
    assert states == {LoanStatus.REQUESTED, LoanStatus.AGREED, LoanStatus.ENDED, LoanStatus.REFUSED,
                      LoanStatus.CANCELLED}
    assert Loan.objects.filter(status=LoanStatus.REQUESTED, lender_accepted_at__isnull=False).exists()
    for loan in Loan.objects.filter(status__in=[LoanStatus.AGREED, LoanStatus.ENDED]):
        assert loan.agreement_sha256 and LoanEmployee.objects.filter(loan=loan).exists()
        assert LoanHours.objects.filter(loan=loan).exists()
    assert AuditEntry.objects.filter(action="loan.requested").count() == Loan.objects.count()
    assert generate_labour(seed=2026)["loans"] == Loan.objects.count()  # a second run adds nothing
