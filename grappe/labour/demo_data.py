"""The demo's labour sharing: availabilities and needs of skilled staff across Quebec's regions (CNC machinists,
composite technicians, level 2 NDT inspectors, avionics technicians, stress engineers), at rates at cost of 45 to
95 CAD an hour, and a few loans in each state — requested, accepted by the lender only, agreed with their
employees named and their hours recorded, ended, refused, cancelled.

Availabilities and needs are written directly (their posting is the posts' services'); the loans go through
services/loans.py, so that their audit trail, their agreement's fingerprint and their notifications are those of
real use. An organisation's administrator acts for it (one without an account gets one, without a password: the
demo signs in as the accounts of members.demo_data). Deterministic for a seed; does nothing when loans are there.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from grappe.members.models import Capability, MembershipStatus, Organisation, OrgRole, Person, User

from .documents import agreement
from .models import Availability, Loan, Need
from .services import loans

# (French title, English title — the French one is shown; skill codes; rate range at cost)
PROFILES = [
    ("Machinistes CNC 5 axes", ["machining-5-axis", "machining-cnc-milling"], (52, 68)),
    ("Techniciens en composites (drapage, autoclave)", ["composites-prepreg-layup", "composites-autoclave"],
     (48, 62)),
    ("Inspecteurs END niveau 2 (ultrasons)", ["ndt-ultrasonic", "ndt-phased-array"], (60, 78)),
    ("Techniciens en avionique (harnais)", ["avionics-wire-harness", "avionics-pcb-assembly"], (50, 66)),
    ("Ingénieurs en calcul de structures", ["eng-stress-analysis"], (78, 95)),
    ("Machinistes CNC (tournage)", ["machining-turning"], (45, 58)),
]
REGIONS = ["06", "16", "13", "15", "03", "04", "05", "14", "12", "17"]
ROLES = {"machining-5-axis": "Machiniste CNC", "composites-prepreg-layup": "Technicien·ne en composites",
         "ndt-ultrasonic": "Inspecteur·rice END niveau 2", "avionics-wire-harness": "Technicien·ne en avionique",
         "eng-stress-analysis": "Ingénieur·e en calcul de structures", "machining-turning": "Machiniste CNC"}


def _admin(organisation) -> User:
    person = (Person.objects.filter(organisation=organisation, org_role=OrgRole.ADMIN, is_active=True)
              .select_related("user").order_by("pk").first())
    if person is None:
        person = Person.objects.filter(organisation=organisation, is_active=True).order_by("pk").first()
        person.org_role = OrgRole.ADMIN
        person.save(update_fields=["org_role"])
    if person.user is None:
        user = User.objects.filter(email__iexact=person.email).first() or User.objects.create_user(
            person.email, None, full_name=person.full_name)
        person.user = user
        person.save(update_fields=["user"])
    return person.user


def _skills(codes):
    return list(Capability.objects.filter(code__in=codes))


def generate_labour(seed: int = 2026) -> dict:
    if Loan.objects.exists():
        return {"availabilities": Availability.objects.count(), "needs": Need.objects.count(),
                "loans": Loan.objects.count()}
    rng = random.Random(seed)
    organisations = list(Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE,
                                                     people__is_active=True).distinct().order_by("pk")[:40])
    if len(organisations) < 8:
        return {"availabilities": 0, "needs": 0, "loans": 0}
    rng.shuffle(organisations)
    lenders, borrowers = organisations[:8], organisations[8:20] or organisations[:4]
    today = timezone.localdate()
    with transaction.atomic():
        availabilities = []
        for n, lender in enumerate(lenders):
            title, codes, (low, high) = PROFILES[n % len(PROFILES)]
            start = today.replace(day=1) - datetime.timedelta(days=rng.choice([95, 120, 150]))
            availability = Availability.objects.create(
                organisation=lender, created_by=_admin(lender), title=title, people=rng.randint(3, 8),
                start=start, end=start + datetime.timedelta(days=rng.choice([300, 365, 420])),
                region=lender.region or rng.choice(REGIONS), location=lender.city,
                mode=rng.choice(["on_site", "on_site", "hybrid"]),
                hourly_rate=Decimal(rng.randint(low, high)) + Decimal("0.50") * rng.randint(0, 1),
                at_cost_confirmed=True, controlled_goods=rng.random() < 0.3,
                description="Période creuse : personnel qualifié disponible, au prix coûtant.")
            availability.skills.set(_skills(codes))
            availabilities.append(availability)
        needs = []
        for n, borrower in enumerate(borrowers):
            title, codes, (low, high) = PROFILES[(n + 2) % len(PROFILES)]
            start = today + datetime.timedelta(days=rng.randint(-30, 60))
            need = Need.objects.create(
                organisation=borrower, created_by=_admin(borrower), title=f"Besoin : {title.lower()}",
                people=rng.randint(1, 4), start=start, end=start + datetime.timedelta(days=rng.choice([90, 180])),
                region=borrower.region or rng.choice(REGIONS), location=borrower.city,
                max_hourly_rate=Decimal(high + 5))
            need.skills.set(_skills(codes))
            needs.append(need)

    made = []

    def ask(availability, borrower, people, start, end, need=None):
        loan = loans.request_loan(actor=_admin(borrower), availability=availability, borrower=borrower,
                                  people=people, start=start, end=end, need=need)
        made.append(loan)
        return loan

    def accept(loan, *sides):
        for side in sides:
            organisation = loan.availability.organisation if side == loans.LENDER else loan.borrower
            loan = loans.accept_agreement(actor=_admin(organisation), loan=loan, side=side,
                                          fingerprint=agreement.fingerprint(loan))
        return loan

    def staff(loan):
        lender = loan.availability.organisation
        people = list(Person.objects.filter(organisation=lender, is_active=True).exclude(user=_admin(lender))
                      .order_by("pk")[:loan.people])
        code = next((c.code for c in loan.availability.skills.all() if c.code in ROLES), "machining-5-axis")
        if people:
            loans.name_employees(actor=_admin(lender), loan=loan, employees=[
                {"name": p.full_name, "role": ROLES[code], "work_email": p.email, "work_phone": p.phone,
                 "person": p} for p in people])
        month = loan.start.replace(day=1)
        while month < today.replace(day=1) and month <= loan.end:
            loans.record_hours(actor=_admin(loan.borrower), loan=loan, month=month,
                               hours=Decimal(loan.people * rng.randint(120, 160)))
            month = (month + datetime.timedelta(days=32)).replace(day=1)

    pairs = [(availabilities[n], borrowers[n % len(borrowers)]) for n in range(len(availabilities))]
    # Agreed, their employees named and their past months' hours recorded.
    for availability, borrower in pairs[:3]:
        start = availability.start + datetime.timedelta(days=14)
        loan = ask(availability, borrower, min(2, availability.people), start, start + datetime.timedelta(days=180),
                   need=next((n for n in needs if n.organisation_id == borrower.pk), None))
        staff(accept(loan, loans.LENDER, loans.BORROWER))
    # Ended: agreed, then ended by the borrower last month.
    availability, borrower = pairs[3]
    loan = accept(ask(availability, borrower, 1, availability.start, availability.start + datetime.timedelta(days=200)),
                  loans.LENDER, loans.BORROWER)
    staff(loan)
    loans.end(actor=_admin(borrower), loan=loan, on_date=today.replace(day=1) - datetime.timedelta(days=1))
    # Accepted by the lender only; requested; refused; cancelled.
    availability, borrower = pairs[4]
    accept(ask(availability, borrower, 1, today, min(availability.end, today + datetime.timedelta(days=90))),
           loans.LENDER)
    for (availability, borrower), then in zip(pairs[5:8], ("requested", "refused", "cancelled"), strict=False):
        loan = ask(availability, borrower, 1, max(today, availability.start),
                   min(availability.end, today + datetime.timedelta(days=120)))
        if then == "refused":
            loans.refuse(actor=_admin(availability.organisation), loan=loan)
        elif then == "cancelled":
            loans.cancel(actor=_admin(borrower), loan=loan)
    return {"availabilities": len(availabilities), "needs": len(needs), "loans": len(made)}
