"""Availabilities, needs and loans written directly (no service, no audit): what the loans' tests start from."""

import datetime
from decimal import Decimal

from grappe.conftest import make_member, make_organisation
from grappe.labour.models import Availability, Loan, LoanStatus, Need
from grappe.members.models import Capability, OrgRole

START = datetime.date(2027, 1, 4)
END = datetime.date(2027, 6, 30)


def skill(code="cnc", fr="Usinage CNC", en="CNC machining") -> Capability:
    return Capability.objects.get_or_create(code=code, defaults={"label_fr": fr, "label_en": en})[0]


def make_availability(organisation, *, people=3, start=START, end=END, rate="62.50", title="Machinistes CNC",
                      skills=(), **fields) -> Availability:
    author = fields.pop("created_by", None) or make_member(
        organisation, f"poster{Availability.objects.count()}@{organisation.slug}.test", OrgRole.ADMIN)
    availability = Availability.objects.create(
        organisation=organisation, created_by=author, title=title, people=people, start=start, end=end,
        region=fields.pop("region", "06"), hourly_rate=Decimal(rate), at_cost_confirmed=True, **fields)
    availability.skills.set(skills or [skill()])
    return availability


def make_need(organisation, *, people=2, start=START, end=END, title="Besoin de machinistes", skills=(),
              **fields) -> Need:
    author = fields.pop("created_by", None) or make_member(
        organisation, f"needer{Need.objects.count()}@{organisation.slug}.test", OrgRole.ADMIN)
    need = Need.objects.create(organisation=organisation, created_by=author, title=title, people=people,
                               start=start, end=end, region=fields.pop("region", "06"), **fields)
    need.skills.set(skills or [skill()])
    return need


def make_loan(availability, borrower, *, people=1, start=None, end=None, status=LoanStatus.REQUESTED,
              requested_by=None, **fields) -> Loan:
    """A loan written directly (no service, no audit): the state a test starts from."""
    from django.utils import timezone

    requested_by = requested_by or make_member(borrower, f"asker{Loan.objects.count()}@{borrower.slug}.test",
                                               OrgRole.ADMIN)
    if status in (LoanStatus.AGREED, LoanStatus.ENDED):
        now = timezone.now()
        fields = {"lender_accepted_at": now, "lender_accepted_by": availability.created_by,
                  "borrower_accepted_at": now, "borrower_accepted_by": requested_by, **fields}
    return Loan.objects.create(availability=availability, borrower=borrower, people=people,
                               start=start or availability.start, end=end or availability.end,
                               hourly_rate=availability.hourly_rate, status=status, requested_by=requested_by,
                               **fields)


def two_organisations():
    """A lender and a borrower, each with its administrator: (lender, lender_admin, borrower, borrower_admin)."""
    lender = make_organisation("Usinage Laurentides", legal_name="Usinage Laurentides inc.", neq="1142345678",
                               slug="usinage-laurentides",
                               street_address="120, rue de l’Industrie", city="Mirabel", province="QC",
                               postal_code="J7J 1A1", region="15")
    borrower = make_organisation("Aéro Composites Mauricie", legal_name="Aéro Composites Mauricie ltée",
                                 slug="aero-composites-mauricie",
                                 neq="1167654321", street_address="55, boulevard Aviation", city="Trois-Rivières",
                                 province="QC", postal_code="G9A 5E1", region="04")
    return (lender, make_member(lender, "admin@laurentides.test", OrgRole.ADMIN),
            borrower, make_member(borrower, "admin@mauricie.test", OrgRole.ADMIN))
