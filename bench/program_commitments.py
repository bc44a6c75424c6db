"""Budget integrity under load: 200 concurrent commitments on one program envelope (PostgreSQL).

An envelope that holds 150 of 200 commitments of 1 000 $; the commitments are fired by WORKERS connections
at once (a barrier starts them together), each committing its share one after the other through the service
(grappe/programs/services/budget.py: lock the program row, check, insert, audit). Reported: commitments per
second, the median and 95th percentile time of one commitment (waiting for the lock included), and the invariant afterwards (committed == sum of commitments <= envelope,
exactly 150 accepted, no deadlock, no other error).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe_progs_bench .venv/bin/python bench/program_commitments.py
"""

import argparse
import time
from decimal import Decimal

from common import figure, figure_at_least, fire_together, load_average, percentile, setup_django

COMMITMENTS = 200
ACCEPTED = 150


def prepare():
    """A staff user, a program whose envelope holds ACCEPTED commitments, and COMMITMENTS funded applications."""
    from django.core.management import call_command
    from django.utils import timezone

    from grappe.members.models import Organisation, Role, User
    from grappe.programs.models import Application, ApplicationStatus, Call, CallStatus, Decision, Outcome, Program

    call_command("migrate", verbosity=0)
    staff, _created = User.objects.get_or_create(email="bench-programs@grappe.test",
                                                 defaults={"role": Role.STAFF_PROGRAMS})
    stamp = time.strftime("%Y%m%d%H%M%S")
    program = Program.objects.create(funder="Bench", name_fr=f"Banc {stamp}", name_en=f"Bench {stamp}",
                                     envelope=Decimal(1000 * ACCEPTED), created_by=staff)
    now = timezone.now()
    call = Call.objects.create(program=program, title_fr="Banc", title_en="Bench", status=CallStatus.PUBLISHED,
                               opens_at=now - timezone.timedelta(days=1), closes_at=now + timezone.timedelta(days=1),
                               created_by=staff)
    organisations = Organisation.objects.bulk_create(
        Organisation(legal_name=f"Bench {stamp} {n}", slug=f"bench-programs-{stamp}-{n}", kind="sme")
        for n in range(COMMITMENTS))
    applications = Application.objects.bulk_create(
        Application(call=call, lead=organisation, created_by=staff, title=f"Bench {n}",
                    amount_requested=Decimal("1000.00"), total_cost=Decimal("4000.00"),
                    status=ApplicationStatus.FUNDED, submitted_at=now)
        for n, organisation in enumerate(organisations))
    # A commitment is at most what the committee granted: each application has its funded decision.
    Decision.objects.bulk_create(Decision(application=application, outcome=Outcome.FUNDED,
                                          amount=Decimal("1000.00"), decided_by=staff)
                                 for application in applications)
    return staff, program, applications


def fire(staff, applications, workers: int):
    """Commit 1 000 $ to every application from `workers` threads started together; (outcomes, errors, seconds,
    each commitment's seconds)."""
    from grappe.programs.services import budget

    return fire_together(
        [applications[n::workers] for n in range(workers)],
        lambda application, _: budget.commit_funds(actor=staff, application=application, amount=Decimal("1000.00")),
        timeout=120)


def remove(program) -> None:
    """Leave the benchmark database as it was (its cluster serves the directory's figures); the audit trail
    keeps its entries, as it always does."""
    from grappe.members.models import Organisation
    from grappe.programs.models import Application, Commitment, Decision

    leads = list(Application.objects.filter(call__program=program).values_list("lead", flat=True))
    Commitment.objects.filter(program=program).delete()
    Decision.objects.filter(application__call__program=program).delete()
    Application.objects.filter(call__program=program).delete()
    program.calls.all().delete()
    program.delete()
    Organisation.objects.filter(pk__in=leads).delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=20, help="concurrent connections (the server has 100)")
    args = parser.parse_args()
    setup_django()
    from django.core.exceptions import ValidationError
    from django.db.models import Sum

    from grappe.programs.models import Commitment

    staff, program, applications = prepare()
    try:
        outcomes, errors, seconds, durations = fire(staff, applications, args.workers)
        program.refresh_from_db()
        total = Commitment.objects.filter(program=program).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    finally:
        remove(program)
    accepted = sum(1 for o in outcomes if not isinstance(o, ValidationError))
    over = max(Decimal(0), total - program.envelope)
    sound = (not errors and accepted == ACCEPTED and total == program.committed == program.envelope)
    detail = (f"{args.workers} connections at once; {accepted} committed, {len(outcomes) - accepted} refused "
              f"(envelope full), {len(errors)} error(s) {errors[:1]!r}; committed {program.committed} = sum "
              f"{total} of envelope {program.envelope}: {'sound' if sound else 'BROKEN'}; p50 "
              f"{1000 * percentile(durations, 50):.0f} ms, p95 {1000 * percentile(durations, 95):.0f} ms per "
              f"commitment; {load_average()}")
    # Target: a committee's 200 decisions committed in under 20 s. Commitments to one program run one after
    # the other (its row lock), so the figure is the serial rate of one commitment's transaction.
    figure_at_least("programs: concurrent commitments per second (200 on one envelope)",
                    len(outcomes) / seconds, "/s", 10, detail)
    figure("programs: money committed past the envelope (200 concurrent commitments)", float(over), "$", 0.01,
           detail)
    if not sound:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
