"""Import benchmark: a messy spreadsheet of 5,000 organisations against the directory, then 5,000 people, then
both undone, through Grappe's real import code.

The organisation workbook is the kind a cluster keeps (Excel, French column names, values as people type them:
"PME", "06 - Montréal", "Membre actif"): about 40 % of its rows describe organisations the directory already
holds (by NEQ, some of them numbers in Excel; or without NEQ, by a name typed in capitals or without accents)
with a few values changed; the others are new, among them near-duplicates of a directory name ("… Mauricie",
"… inc.", no NEQ) and pairs of near-duplicates within the file. Accents throughout; "NA", "N/A", "n.d." and "–"
in about 8 % of the optional cells, which the import reads as empty. Then a CSV of 5,000 people of the new
organisations (`;`-separated).

Each file goes through what the import pages run, timed step by step: `create_import_job` and `read_import`
(upload and reading), `check_import` (the dry run with its report and its probable duplicates),
`decide_duplicates` (staff answer them all, here "different", and the file is checked again), `commit_import`
(the all-or-nothing write); then `undo_import` undoes the people, then the organisations. Target: the organisation file in < 30 s, upload to commit (PostgreSQL).
Everything is rolled back at the end, so the benchmark database keeps its directory.

    DATABASE_URL=postgres://… .venv/bin/python bench/import.py [--rows 5000] [--seed 7001]
"""

import argparse
import csv
import datetime
import io
import json
import random
import sys
import time
import unicodedata

from common import figure, load_average, setup_django

TARGET_SECONDS = 30
UPDATED_SHARE = 0.4  # rows that describe an organisation the directory holds
NEAR_DUPLICATE_SHARE = 0.03  # new rows named like a directory organisation, without NEQ
FILE_PAIR_SHARE = 0.02  # new rows that nearly repeat another row of the file
EMPTY_MARKER_SHARE = 0.08  # optional cells holding "NA" and the like
EMPTY_MARKERS = ("NA", "N/A", "n.d.", "–", "na")
ORGANISATION_HEADERS = ["Raison sociale", "Nom commercial", "NEQ", "Type", "Taille", "Ville", "Région",
                        "Site web", "Courriel", "Téléphone", "Statut", "Membre depuis", "Description",
                        "Description EN"]
PEOPLE_HEADERS = ["Prénom", "Nom", "Courriel", "Titre", "NEQ", "Entreprise", "Téléphone", "Langue", "Rôle",
                  "Contact principal", "Consentement répertoire", "Consentement communications"]


class Rollback(Exception):
    """Raised to undo the benchmark's writes."""


def fold(text: str) -> str:
    from grappe.members.search import fold as grappe_fold

    return grappe_fold(text)


def without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


class MessyFile:
    """The rows of a cluster's spreadsheet, drawn against the directory the database holds."""

    def __init__(self, rows: int, seed: int):
        from grappe.members.demo_data import ClusterPlanner
        from grappe.members.models import Organisation

        self.rng = random.Random(seed)
        self.directory = list(Organisation.objects.order_by("pk").defer("search_text"))
        self.taken_names = {fold(n) for o in self.directory for n in (o.legal_name, o.trade_name) if n}
        self.taken_neqs = {o.neq for o in self.directory if o.neq}
        updated = min(round(rows * UPDATED_SHARE), len(self.directory))
        near = round(rows * NEAR_DUPLICATE_SHARE)
        pairs = round(rows * FILE_PAIR_SHARE)
        new = rows - updated - near - pairs
        self.plans = ClusterPlanner(seed=seed, today=datetime.date.today()).plan(new, rows)
        self.rows: list[list] = []
        self.neq_count = 0
        self._new_rows()
        self._updated_rows(updated)
        self._near_duplicates(near)
        self._file_pairs(pairs)
        self.rng.shuffle(self.rows)

    def _neq(self) -> str:
        while True:
            self.neq_count += 1
            neq = f"8{self.neq_count:09d}"
            if neq not in self.taken_neqs:
                return neq

    def _row(self, o, neq) -> list:
        if neq and self.rng.random() < 0.3:
            neq = int(neq)  # Excel keeps a NEQ typed as a number
        since = o.member_since
        if since and self.rng.random() < 0.3:
            since = since.strftime("%d/%m/%Y")  # typed as text, the Quebec way
        row = [o.legal_name, o.trade_name, neq, o.get_kind_display(), o.size_band, o.city,
               f"{o.region} - {o.get_region_display()}" if o.region else "", o.website, o.email, o.phone,
               o.get_membership_status_display(), since, o.description_fr, o.description_en]
        return self._marked(row)

    def _marked(self, row: list) -> list:
        """Some optional cells say "nothing here" the way spreadsheets do."""
        for i, header in enumerate(ORGANISATION_HEADERS):
            if header in ("Raison sociale", "NEQ"):
                continue
            if self.rng.random() < EMPTY_MARKER_SHARE:
                row[i] = self.rng.choice(EMPTY_MARKERS)
        return row

    def _new_rows(self) -> None:
        """New organisations; 30 % without NEQ, unless their name is the directory's (then they have one:
        without, the row would update that organisation)."""
        for plan in self.plans:
            o = plan.organisation
            name_taken = fold(o.legal_name) in self.taken_names
            o.neq = self._neq() if name_taken or self.rng.random() < 0.7 else None
            plan.row_name = o.legal_name
            self.rows.append(self._row(o, o.neq))
        self.new_names = {fold(plan.organisation.legal_name) for plan in self.plans}

    def _updated_rows(self, count: int) -> None:
        """Directory organisations again, with a few values changed; without NEQ, a name typed differently."""
        from grappe.members.models import MembershipStatus

        cities = sorted({o.city for o in self.directory if o.city})
        for o in self.rng.sample(self.directory, count):
            by_name = not o.neq or self.rng.random() < 0.3
            if by_name and fold(o.legal_name) in self.new_names:
                continue  # the file would hold the name twice without NEQ: an error, not a benchmark
            name = o.legal_name.upper() if self.rng.random() < 0.5 else without_accents(o.legal_name)
            o.city = self.rng.choice(cities)
            o.phone = f"819 555-{self.rng.randrange(10000):04d}"
            if self.rng.random() < 0.2:
                o.membership_status = MembershipStatus.ACTIVE
            o.member_since = None  # leave the membership dates as they are
            row = self._row(o, None if by_name else o.neq)
            row[0] = name
            self.rows.append(row)

    def _near_duplicates(self, count: int) -> None:
        """New rows without NEQ whose name is nearly a directory organisation's (what duplicate detection is
        for)."""
        for o in self.rng.sample(self.directory, count):
            suffix = self.rng.choice([" Mauricie", " inc.", " (Québec)", " Ltée"])
            name = f"{o.legal_name}{suffix}"
            if fold(name) in self.taken_names | self.new_names:
                continue
            self.new_names.add(fold(name))
            row = self._row(o, None)
            row[0], row[1], row[7], row[8] = name, "", "", ""
            self.rows.append(row)

    def _file_pairs(self, count: int) -> None:
        """New rows, each nearly the name of another new row of the file, with their own NEQ."""
        for plan in self.rng.sample(self.plans, min(count, len(self.plans))):
            o = plan.organisation
            name = f"{o.legal_name} {self.rng.choice(['inc.', 'Mauricie', 'S.E.N.C.'])}"
            if fold(name) in self.taken_names | self.new_names:
                continue
            self.new_names.add(fold(name))
            row = self._row(o, self._neq())
            row[0], row[1], row[7], row[8] = name, "", "", ""
            self.rows.append(row)

    def workbook(self) -> bytes:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Membres")
        sheet.append(ORGANISATION_HEADERS)
        for row in self.rows:
            sheet.append(row)
        content = io.BytesIO()
        book.save(content)
        return content.getvalue()

    def people_csv(self) -> tuple[int, bytes]:
        """The people of the new organisations, each attached by NEQ, or by name for those without one."""
        content = io.StringIO()
        writer = csv.writer(content, delimiter=";")
        writer.writerow(PEOPLE_HEADERS)
        count = 0
        for n, plan in enumerate(self.plans):
            o = plan.organisation
            for p in plan.people:
                count += 1
                writer.writerow([p.first_name, p.last_name, p.email.replace("@", f".i{n}@"), p.title, o.neq or "",
                                 "" if o.neq else plan.row_name, p.phone, p.language, p.org_role,
                                 "oui" if p.is_primary_contact else "non", "oui" if p.consent_directory else "non",
                                 "oui" if p.consent_communications else "non"])
        return count, content.getvalue().encode("utf-8")


def timed_import(actor, kind: str, name: str, content: bytes, *, allow_errors: bool = False) -> dict:
    """The import pages' path, timed step by step; returns the timings, the job and its report's counts."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grappe.members.models import ImportJob
    from grappe.members.services import imports

    started, cpu = time.perf_counter(), time.process_time()
    job = imports.create_import_job(actor=actor, kind=kind, uploaded_file=SimpleUploadedFile(name, content),
                                    language="fr")
    # The tasks are queued for after a commit that never comes (the benchmark rolls back): run them here.
    job = imports.read_import(ImportJob.objects.get(pk=job.pk))
    read = time.perf_counter()
    imports.start_check(actor=actor, job=job, mapping=job.mapping, language="fr")
    imports.check_import(ImportJob.objects.get(pk=job.pk))
    checked = time.perf_counter()
    job.refresh_from_db()
    # Staff answer the probable duplicates the dry run asks about (here: all "different"), which checks again.
    questions = job.report.get("duplicates_undecided", 0)
    if questions:
        imports.decide_duplicates(actor=actor, job=job, answers={}, rest="different", language="fr")
        imports.check_import(ImportJob.objects.get(pk=job.pk))
        job.refresh_from_db()
    decided = time.perf_counter()
    if job.report.get("errors_total"):
        if allow_errors:
            return {"job": job}
        raise RuntimeError(f"{name}: the dry run reported {job.report['errors_total']} errors: "
                           f"{job.report['errors'][:5]}")
    imports.start_commit(actor=actor, job=job, language="fr")
    job = imports.commit_import(ImportJob.objects.get(pk=job.pk), actor=actor)
    committed = time.perf_counter()
    job.file.delete(save=False)
    if job.report.get("errors_total"):
        raise RuntimeError(f"{name}: the import reported errors: {job.report['errors'][:3]}")
    return {"read": read - started, "check": checked - read, "decide": decided - checked, "questions": questions,
            "commit": committed - decided, "total": committed - started, "cpu": time.process_time() - cpu, "counts": job.report["counts"],
            "job": job}


def report_kb(job) -> str:
    """The size of the job's stored report, and of the record it keeps for undoing the import."""
    size = len(json.dumps(job.report, ensure_ascii=False).encode()) // 1024
    undo = len(json.dumps(job.report.get("undo"), ensure_ascii=False).encode()) // 1024
    return f"{size:,} KB, of which {undo:,} KB to undo it"


def timed_undo(actor, job) -> tuple[float, float]:
    """The undo's wall-clock and CPU seconds (of this process: the machine may be busy with other work)."""
    from grappe.members.services import imports

    started, cpu = time.perf_counter(), time.process_time()
    if not imports.undo_import(actor=actor, job=job):
        raise RuntimeError(f"{job}: the undo did nothing")
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000, help="organisation rows (and as many people)")
    parser.add_argument("--seed", type=int, default=7001)
    args = parser.parse_args()
    setup_django()
    from django.db import transaction

    from grappe.members.models import Organisation, Role, User

    actor = User.objects.filter(role=Role.STAFF_ADMIN, is_active=True).first()
    if actor is None:
        sys.exit("No staff account: run `manage.py generate_demo` first (bench/run.sh does).")
    messy = MessyFile(args.rows, args.seed)
    directory = len(messy.directory)
    workbook = messy.workbook()
    people, people_file = messy.people_csv()
    met = True
    try:
        with transaction.atomic():
            result = timed_import(actor, "organisations", f"membres-{args.rows}.xlsx", workbook)
            met &= figure(
                f"import of {len(messy.rows):,} messy organisation rows against {directory:,} (upload to commit)",
                result["total"], "s", TARGET_SECONDS,
                f"read {result['read']:.1f} s, dry run {result['check']:.1f} s, {result['questions']} probable "
                f"duplicates answered and checked again {result['decide']:.1f} s, commit {result['commit']:.1f} s "
                f"(CPU of this process {result['cpu']:.1f} s); {len(workbook) // 1024} KB; {result['counts']}; "
                f"report {report_kb(result['job'])}; NA cells in the optional columns; {load_average()}")
            organisations_job = result["job"]
            result = timed_import(actor, "people", f"personnes-{people}.csv", people_file)
            figure(f"import of {people:,} person rows (upload to commit)", result["total"], "s", TARGET_SECONDS,
                   f"read {result['read']:.1f} s, dry run {result['check']:.1f} s, commit {result['commit']:.1f} s "
                   f"(CPU {result['cpu']:.1f} s); {result['counts']}")
            seconds, cpu = timed_undo(actor, result["job"])
            figure(f"undo of the import of {people:,} people", seconds, "s", TARGET_SECONDS,
                   f"{result['counts']['created']:,} deleted, {result['counts']['updated']:,} restored "
                   f"(CPU {cpu:.1f} s)")
            counts = organisations_job.report["counts"]
            seconds, cpu = timed_undo(actor, organisations_job)
            figure(f"undo of the import of {len(messy.rows):,} organisation rows", seconds, "s", TARGET_SECONDS,
                   f"{counts['created']:,} deleted, {counts['updated']:,} restored (CPU {cpu:.1f} s); "
                   f"{load_average()}")
            if Organisation.objects.count() != directory:
                raise RuntimeError("the undo did not bring the directory back to its size")
            raise Rollback
    except Rollback:
        pass
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
