"""Import benchmark: 5,000 organisation rows, then 5,000 people, through Grappe's real import code.

A staff member's spreadsheet of new organisations (Excel, French column names as a cluster keeps them,
drawn like the demo cluster), then a CSV of their people, each go through what the import pages run:
`create_import_job` (upload), `read_import` (reading, a background task), `check_import` (the dry run with its per-row report) and
`commit_import` (the all-or-nothing write). Target: 5,000 organisation rows in < 30 s, upload to commit.
Everything is rolled back at the end, so the benchmark database keeps its 5,000 organisations.

    DATABASE_URL=postgres://… .venv/bin/python bench/import.py [--rows 5000]
"""

import argparse
import csv
import datetime
import io
import sys
import time

from common import figure, load_average, setup_django

TARGET_SECONDS = 30
ORGANISATION_HEADERS = ["Raison sociale", "Nom commercial", "NEQ", "Type", "Taille", "Ville", "Région",
                        "Site web", "Courriel", "Téléphone", "Statut", "Membre depuis", "Description",
                        "Description EN"]
PEOPLE_HEADERS = ["Prénom", "Nom", "Courriel", "Titre", "NEQ", "Téléphone", "Langue", "Rôle",
                  "Contact principal", "Consentement répertoire", "Consentement communications"]


class Rollback(Exception):
    """Raised to undo the benchmark's writes."""


def new_cluster(rows: int):
    """Organisations drawn like the demo's (another seed), with NEQs and domains the database does not hold."""
    from grappe.members.demo_data import ClusterPlanner
    from grappe.members.models import Organisation

    plans = ClusterPlanner(seed=7001, today=datetime.date.today()).plan(rows, rows)
    taken = set(Organisation.objects.exclude(neq=None).values_list("neq", flat=True))
    for n, plan in enumerate(plans):
        organisation = plan.organisation
        organisation.neq = f"9{n:09d}" if organisation.neq is None or organisation.neq in taken else organisation.neq
        organisation.legal_name = f"{organisation.legal_name} (import {n})"
        for person in plan.people:
            person.email = person.email.replace("@", f".i{n}@")
    return plans


def organisation_workbook(plans) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Membres")
    sheet.append(ORGANISATION_HEADERS)
    for plan in plans:
        o = plan.organisation
        sheet.append([o.legal_name, o.trade_name, o.neq, o.get_kind_display(), o.size_band, o.city,
                      f"{o.region} - {o.get_region_display()}", o.website, o.email, o.phone,
                      o.get_membership_status_display(), o.member_since, o.description_fr, o.description_en])
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


def people_csv(plans) -> bytes:
    content = io.StringIO()
    writer = csv.writer(content, delimiter=";")
    writer.writerow(PEOPLE_HEADERS)
    for plan in plans:
        for p in plan.people:
            writer.writerow([p.first_name, p.last_name, p.email, p.title, plan.organisation.neq, p.phone, p.language,
                             p.org_role, "oui" if p.is_primary_contact else "non",
                             "oui" if p.consent_directory else "non", "oui" if p.consent_communications else "non"])
    return content.getvalue().encode("utf-8")


def run_import(actor, kind: str, name: str, content: bytes) -> dict:
    """The import pages' path, timed step by step; returns the timings and the report's counts."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grappe.members.services import imports
    from grappe.members.models import ImportJob

    started = time.perf_counter()
    job = imports.create_import_job(actor=actor, kind=kind, uploaded_file=SimpleUploadedFile(name, content),
                                    language="fr")
    job = imports.read_import(ImportJob.objects.get(pk=job.pk))  # already read if the tasks run at once
    uploaded = time.perf_counter()
    imports.check_import(job)
    checked = time.perf_counter()
    job = imports.commit_import(job, actor=actor)
    committed = time.perf_counter()
    job.file.delete(save=False)
    if job.report.get("errors_total"):
        raise RuntimeError(f"{name}: the import reported errors: {job.report['errors'][:3]}")
    return {"read": uploaded - started, "check": checked - uploaded, "commit": committed - checked,
            "total": committed - started, "counts": job.report["counts"], "status": job.status}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000, help="organisation rows (and as many people)")
    args = parser.parse_args()
    setup_django()
    from django.db import transaction

    from grappe.members.models import Role, User

    actor = User.objects.filter(role=Role.STAFF_ADMIN, is_active=True).first()
    if actor is None:
        sys.exit("No staff account: run `manage.py generate_demo` first (bench/run.sh does).")
    plans = new_cluster(args.rows)
    files = [("organisations", f"membres-{args.rows}.xlsx", organisation_workbook(plans)),
             ("people", f"personnes-{args.rows}.csv", people_csv(plans))]
    met = True
    try:
        with transaction.atomic():
            for kind, name, content in files:
                result = run_import(actor, kind, name, content)
                detail = (f"{name} ({len(content) // 1024} KB): read {result['read']:.1f} s, check (dry run) "
                          f"{result['check']:.1f} s, commit {result['commit']:.1f} s; {result['counts']}; "
                          f"{load_average()}")
                rows = sum(len(p.people) for p in plans) if kind == "people" else len(plans)
                what = "person" if kind == "people" else "organisation"
                met &= figure(f"import of {rows:,} {what} rows (upload to commit)", result["total"], "s",
                              TARGET_SECONDS, detail)
            raise Rollback
    except Rollback:
        pass
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
