"""The funder's report of a program with 1,000 applications: its figures, PDF and XLSX (PostgreSQL).

A program is generated (`make_program`, which bench/program_pages.py reuses): two calls, a closed one (700
applications: screened, 80 % found eligible, 200 funded with their commitments and part of the money paid, the
others declined) and an open one (300 submitted, some under review), from 1,000 lead organisations of varied
member types, sizes and regions (weighted as a cluster's are: many SMEs and tier-2/3 suppliers, Montréal,
Montérégie and Laval ahead). Rows are written in bulk, not through the services: the report reads them, and
the services' own costs are measured by bench/program_commitments.py.

Timed, in process, the way the download view runs them: the figures alone (report.program_figures), the PDF
(WeasyPrint, tagged PDF/UA-1, with its 8 charts) and the XLSX. The first PDF of a process pays WeasyPrint's
import; the next ones are drawn with the charts' cache emptied each time (as for a program whose figures just
changed). Target: PDF < 5 s. The data is removed afterwards.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe_bench .venv/bin/python bench/program_report.py
"""

import argparse
import random
import statistics
import time
from dataclasses import dataclass
from decimal import Decimal

from common import figure, load_average, setup_django

TARGET_S = 5
CLOSED, OPEN, FUNDED = 700, 300, 200
KINDS = {"sme": 40, "tier2": 18, "tier3": 14, "tier1": 10, "services": 8, "mro": 5, "research": 3, "prime": 2}
SIZES = {"1-9": 20, "10-49": 38, "50-199": 24, "200-499": 10, "500-999": 5, "1000+": 3}
REGIONS = {"06": 30, "16": 22, "13": 12, "15": 8, "03": 7, "05": 5, "14": 5, "12": 4, "17": 3, "04": 2,
           "02": 1, "99": 1}


@dataclass
class BenchProgram:
    program: object
    closed_call: object
    open_call: object
    staff: object
    organisations: list


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def make_program(stamp: str, seed: int = 2026) -> BenchProgram:
    """A program of CLOSED + OPEN applications from as many organisations (see the module's doc)."""
    from django.utils import timezone

    from grappe.members.models import Organisation, Role, User
    from grappe.programs.models import (
        Application,
        ApplicationStatus,
        Call,
        CallStatus,
        Commitment,
        Criterion,
        Decision,
        Outcome,
        Program,
    )

    rng = random.Random(seed)
    now = timezone.now()
    staff, _created = User.objects.get_or_create(email="bench-programs@grappe.test",
                                                 defaults={"role": Role.STAFF_PROGRAMS})
    program = Program.objects.create(funder="Ministère de l'Économie (banc)", name_fr=f"Banc rapport {stamp}",
                                     name_en=f"Report bench {stamp}", envelope=Decimal("90000000.00"),
                                     created_by=staff)
    day = timezone.timedelta(days=1)
    closed = Call.objects.create(program=program, title_fr="Volet 1 (banc)", title_en="Part 1 (bench)",
                                 status=CallStatus.CLOSED, opens_at=now - 120 * day, closes_at=now - 45 * day,
                                 created_by=staff, max_amount=Decimal("400000.00"))
    open_call = Call.objects.create(program=program, title_fr="Volet 2 (banc)", title_en="Part 2 (bench)",
                                    status=CallStatus.PUBLISHED, opens_at=now - 10 * day, closes_at=now + 21 * day,
                                    created_by=staff, max_amount=Decimal("250000.00"),
                                    text_fr="Projets de transition verte.", text_en="Green transition projects.")
    for call in (closed, open_call):
        Criterion.objects.bulk_create(Criterion(call=call, name_fr=f"Critère {n}", name_en=f"Criterion {n}",
                                                position=n) for n in range(4))
    organisations = Organisation.objects.bulk_create(
        Organisation(legal_name=f"Banc rapport {stamp} {n}", slug=f"bench-report-{stamp}-{n}",
                     kind=_pick(rng, KINDS), size_band=_pick(rng, SIZES), region=_pick(rng, REGIONS))
        for n in range(CLOSED + OPEN))

    def application(call, organisation, n, status):
        requested = Decimal(rng.randrange(20, 400) * 1000)
        cost = (requested * Decimal(rng.choice(["2", "2.5", "3", "4"]))).quantize(Decimal("1000"))
        return Application(call=call, lead=organisation, created_by=staff, title=f"Projet {n}",
                           summary=f"Résumé du projet {n}.", amount_requested=requested, total_cost=cost,
                           status=status, submitted_at=now - rng.randint(46, 100) * day)

    closed_rows = [application(closed, organisations[n], n, ApplicationStatus.DECLINED if n % 5 else
                               ApplicationStatus.INELIGIBLE) for n in range(CLOSED)]
    eligible = [a for a in closed_rows if a.status == ApplicationStatus.DECLINED]
    for a in rng.sample(eligible, FUNDED):
        a.status = ApplicationStatus.FUNDED
    open_rows = [application(open_call, organisations[CLOSED + n], CLOSED + n,
                             ApplicationStatus.UNDER_REVIEW if n % 3 == 0 else ApplicationStatus.SUBMITTED)
                 for n in range(OPEN)]
    made = Application.objects.bulk_create(closed_rows + open_rows)
    decided = [a for a in made if a.status in (ApplicationStatus.FUNDED, ApplicationStatus.DECLINED)]
    decisions = [Decision(application=a, decided_by=staff,
                          outcome=Outcome.FUNDED if a.status == ApplicationStatus.FUNDED else Outcome.DECLINED,
                          amount=(a.amount_requested * Decimal(rng.choice(["1", "0.9", "0.8"]))).quantize(
                              Decimal("0.01")) if a.status == ApplicationStatus.FUNDED else None)
                 for a in decided]
    Decision.objects.bulk_create(decisions)
    commitments = [Commitment(program=program, application=d.application, amount=d.amount, committed_by=staff,
                              disbursed=(d.amount * Decimal(rng.choice(["0", "0.3", "0.55", "1"]))).quantize(
                                  Decimal("0.01")))
                   for d in decisions if d.outcome == Outcome.FUNDED]
    Commitment.objects.bulk_create(commitments)
    Program.objects.filter(pk=program.pk).update(committed=sum(c.amount for c in commitments),
                                                 disbursed=sum(c.disbursed for c in commitments))
    program.refresh_from_db()
    return BenchProgram(program, closed, open_call, staff, organisations)


def remove(made: BenchProgram) -> None:
    """Leave the benchmark database as it was (no audit entry was written: the rows came in bulk)."""
    from grappe.members.models import Organisation, Person, User
    from grappe.programs.models import Application, Commitment, Criterion, Decision

    program = made.program
    Commitment.objects.filter(program=program).delete()
    Decision.objects.filter(application__call__program=program).delete()
    Application.objects.filter(call__program=program).delete()
    Criterion.objects.filter(call__program=program).delete()
    program.calls.all().delete()
    program.delete()
    people = Person.objects.filter(organisation__in=made.organisations)
    User.objects.filter(person__in=people).delete()
    people.delete()
    Organisation.objects.filter(pk__in=[o.pk for o in made.organisations]).delete()


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3, help="PDFs drawn after the first (charts' cache emptied)")
    args = parser.parse_args()
    setup_django()
    from django.core.cache import caches
    from django.core.management import call_command
    from django.utils import translation

    from grappe.programs.documents import funder_report
    from grappe.programs.report import count, program_figures

    call_command("migrate", verbosity=0)
    made = make_program(time.strftime("%Y%m%d%H%M%S"))
    try:
        translation.activate("fr")
        figures_s, figures = timed(lambda: program_figures(made.program))
        first_s, pdf = timed(lambda: funder_report.render_pdf(made.program, "fr"))
        runs = []
        for _run in range(args.runs):
            caches["local"].clear()
            seconds, pdf = timed(lambda: funder_report.render_pdf(made.program, "en"))
            runs.append(seconds)
        caches["local"].clear()
        xlsx_s, xlsx = timed(lambda: funder_report.render_xlsx(made.program, "fr"))
    finally:
        remove(made)
    total = figures.total
    detail = (f"{count(total.received)} applications received, {count(total.eligible)} eligible, "
              f"{count(total.funded)} funded, k = {figures.k}; figures alone {1000 * figures_s:.0f} ms; first PDF "
              f"of the process (WeasyPrint imported) {first_s:.2f} s; then {', '.join(f'{s:.2f}' for s in runs)} s "
              f"(charts redrawn each time); PDF {len(pdf) // 1024} KB; {load_average()}")
    figure("programs: funder's report PDF, 1,000 applications (median, charts redrawn)", statistics.median(runs),
           "s", TARGET_S, detail)
    figure("programs: funder's report PDF, 1,000 applications (first of a process)", first_s, "s", TARGET_S, detail)
    figure("programs: funder's report XLSX, 1,000 applications", xlsx_s, "s", TARGET_S,
           f"{len(xlsx) // 1024} KB; {load_average()}")


if __name__ == "__main__":
    main()
