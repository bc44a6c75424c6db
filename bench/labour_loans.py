"""An availability's capacity under load: 200 concurrent loan requests on one availability (PostgreSQL).

One lender posts 20 people for six months; 200 borrowers (one administrator each) ask for 1 to 3 people over
overlapping stretches of the period, fired by WORKERS connections at once (a barrier starts them together), each
request through the service (grappe/labour/services/loans.py: the availability's row locked, the dates and the
people still free checked, the loan, its audit entry) with the database's trigger checking again at commit.

Reported: the invariant afterwards — on no day do the loans lend more than the 20 people posted; no deadlock, no
other error (the figure: people over capacity plus errors, which must be 0) — with how many requests were accepted
and refused, the throughput, and the median and 95th percentile time of one request (waiting for the lock
included: requests on one availability take turns, by design).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe_bench .venv/bin/python bench/labour_loans.py
"""

import argparse
import datetime
import random
import time

from common import figure, fire_together, load_average, percentile, setup_django

REQUESTS = 200
PEOPLE = 20
START, END = datetime.date(2027, 1, 4), datetime.date(2027, 6, 30)


def prepare(stamp: str):
    from decimal import Decimal

    from django.core.management import call_command

    from grappe.labour.models import Availability
    from grappe.members.models import Capability, Organisation, OrgRole, Person, User

    call_command("migrate", verbosity=0)
    organisations = Organisation.objects.bulk_create(
        Organisation(legal_name=f"Bench loans {stamp} {n}", slug=f"bench-loans-{stamp}-{n}", kind="sme",
                     membership_status="active") for n in range(REQUESTS + 1))
    users = User.objects.bulk_create(
        User(email=f"bench-loan-{stamp}-{n}@loans.bench", full_name=f"Bench {n}", password="!")
        for n in range(REQUESTS + 1))
    Person.objects.bulk_create(
        Person(organisation=organisation, user=user, first_name="Bench", last_name=str(n), email=user.email,
               org_role=OrgRole.ADMIN) for n, (organisation, user) in enumerate(zip(organisations, users)))
    skill, _ = Capability.objects.get_or_create(code="bench-cnc", defaults={"label_fr": "CNC", "label_en": "CNC"})
    availability = Availability.objects.create(
        organisation=organisations[0], created_by=users[0], title=f"Bench {stamp}", people=PEOPLE, start=START,
        end=END, region="06", hourly_rate=Decimal("62.50"), at_cost_confirmed=True)
    availability.skills.set([skill])
    return availability, organisations, users


def asks(users, seed: int) -> list[tuple[int, int, datetime.date, datetime.date]]:
    """200 requests: (user, people, start, end), stretches of 2 to 12 weeks anywhere in the period."""
    rng = random.Random(seed)
    days = (END - START).days
    out = []
    for user in users[1:]:
        length = rng.randint(14, 84)
        start = START + datetime.timedelta(days=rng.randint(0, days - length))
        out.append((user.pk, rng.randint(1, 3), start, start + datetime.timedelta(days=length)))
    return out


def check(availability) -> tuple[bool, int]:
    from grappe.labour.services.loans import peak_lent

    peak = max(peak_lent(availability.pk, day, day)
               for day in (START + datetime.timedelta(days=n) for n in range((END - START).days + 1)))
    return peak <= PEOPLE, peak


def remove(availability, organisations) -> None:
    from grappe.labour.models import Loan
    from grappe.members.models import Organisation

    Loan.objects.filter(availability=availability).delete()
    availability.delete()
    Organisation.objects.filter(pk__in=[o.pk for o in organisations]).update(membership_status="former")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=40, help="concurrent connections (the server has 100)")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    setup_django()
    from grappe.labour.models import Loan
    from grappe.labour.services import loans
    from grappe.members.models import User

    stamp = time.strftime("%Y%m%d%H%M%S")
    availability, organisations, users = prepare(stamp)
    try:
        requests = asks(users, args.seed)

        def load(batch):
            found = User.objects.select_related("person__organisation").filter(pk__in=[r[0] for r in batch])
            return {user.pk: user for user in found}

        def ask(request, prepared):
            pk, people, start, end = request
            user = prepared[pk]
            return loans.request_loan(actor=user, availability=availability, borrower=user.person.organisation,
                                      people=people, start=start, end=end)

        outcomes, errors, seconds, durations = fire_together(
            [requests[n::args.workers] for n in range(args.workers)], ask, prepare=load)
        accepted = sum(1 for o in outcomes if isinstance(o, Loan))
        refused = len(outcomes) - accepted
        sound, peak = check(availability)
        sound = sound and not errors and len(outcomes) == REQUESTS
        detail = (f"{REQUESTS} requests by {args.workers} connections at once in {seconds:.1f} s "
                  f"({REQUESTS / seconds:.0f}/s): {accepted} accepted, {refused} refused; peak {peak} of "
                  f"{PEOPLE} people lent on one day: {'never over capacity' if sound else 'BROKEN'}; "
                  f"{len(errors)} error(s) {errors[:1]!r}; p50 {1000 * percentile(durations, 50):.0f} ms; "
                  f"{load_average()}")
        figure("labour: people over capacity on the busiest day, or errors (deadlocks), 200 concurrent loan "
               "requests on one availability", max(peak - PEOPLE, 0) + len(errors), "", 1,
               f"{detail}; p95 {1000 * percentile(durations, 95):.0f} ms (the requests take turns on the "
               "availability's row lock)")
    finally:
        remove(availability, organisations)
    if not sound:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
