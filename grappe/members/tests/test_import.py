"""Importing the spreadsheets a cluster already keeps: dry run, all or nothing, re-import, bad files."""

import datetime
import io
import random
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.urls import reverse
from django.utils import timezone, translation

from grappe.conftest import committed, make_organisation, run_together
from grappe.core.models import AuditEntry, JobStatus
from grappe.members.models import ImportJob, ImportStatus, ImportStep, Organisation, Person
from grappe.members.services import imports

DATA = Path(__file__).parent / "data"
ORGANISATION_HEADER = "Raison sociale;Nom commercial;NEQ;Type;Taille;Ville;Région;Site web;Courriel;Membre depuis"


@pytest.fixture(autouse=True)
def import_settings(settings, tmp_path):
    """Files go to a temporary folder; tasks run at once, as in the demo."""
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def in_english():
    """The messages asserted here are the English ones; French, the site's default, is tested where named."""
    with translation.override("en"):
        yield


def upload(actor, content: bytes | str, name: str = "membres.csv", kind: str = "organisations",
           language: str = "en") -> ImportJob:
    """Upload a file; the task that reads it runs at once (the immediate backend)."""
    if isinstance(content, str):
        content = content.encode()
    with committed():
        job = imports.create_import_job(actor=actor, kind=kind, uploaded_file=SimpleUploadedFile(name, content),
                                        language=language)
    job.refresh_from_db()
    return job


def check(actor, job: ImportJob, language: str = "en") -> ImportJob:
    with committed():
        imports.start_check(actor=actor, job=job, mapping=job.mapping, language=language)
    job.refresh_from_db()
    return job


def commit(actor, job: ImportJob) -> ImportJob:
    with committed():
        imports.start_commit(actor=actor, job=job, language="en")
    job.refresh_from_db()
    return job


def run(actor, content, **kwargs) -> ImportJob:
    """Upload, check and, if the check passes, import."""
    job = check(actor, upload(actor, content, **kwargs))
    return commit(actor, job) if job.stage == ImportStatus.CHECKED else job


def organisations_csv(*rows: str) -> str:
    return "\n".join([ORGANISATION_HEADER, *rows]) + "\n"


# The dry run and the commit --------------------------------------------------------------------

def test_a_dry_run_reports_the_bad_row_and_writes_nothing(staff):
    job = check(staff, upload(staff, (DATA / "organisations_bad_row.csv").read_bytes()))

    assert job.stage == ImportStatus.INVALID
    assert job.report["errors"] == [
        {"row": 3, "column": "NEQ", "field": "neq", "value": "11600-02",
         "message": "“11600-02” is not a NEQ: a Quebec business number has exactly 10 digits."}]
    assert job.report["counts"]["error_rows"] == 1
    assert not Organisation.objects.exists()


def test_a_clean_dry_run_says_what_would_happen_and_writes_nothing(staff):
    job = check(staff, upload(staff, (DATA / "organisations.csv").read_bytes()))

    assert job.stage == ImportStatus.CHECKED
    assert job.report["counts"] == {"created": 4, "updated": 0, "unchanged": 0, "error_rows": 0}
    assert job.processed == job.total == 4
    assert not Organisation.objects.exists()
    assert not AuditEntry.objects.filter(action="import.committed").exists()


def test_a_file_with_a_bad_row_commits_nothing(staff):
    """Even if the commit is reached (the database changed since the check), one bad row stops everything."""
    job = upload(staff, (DATA / "organisations_bad_row.csv").read_bytes())
    ImportJob.objects.filter(pk=job.pk).update(step=ImportStep.COMMIT, status=JobStatus.QUEUED)

    job = imports.commit_import(ImportJob.objects.get(pk=job.pk), actor=staff)

    assert job.stage == ImportStatus.INVALID
    assert not Organisation.objects.exists()
    assert not AuditEntry.objects.filter(action="import.committed").exists()


def test_a_failure_while_writing_rolls_everything_back(staff, monkeypatch):
    job = check(staff, upload(staff, (DATA / "organisations.csv").read_bytes()))

    def fail_after_the_first_writes(*args, **kwargs):
        raise IntegrityError("simulated conflict")

    monkeypatch.setattr(imports.write, "organisation_search_text", fail_after_the_first_writes)
    job = commit(staff, job)

    assert job.stage == ImportStatus.FAILED
    assert "Nothing was imported" in job.report["errors"][0]["message"]
    assert not Organisation.objects.exists()


def test_the_fixed_file_imports_everything(staff):
    job = run(staff, (DATA / "organisations.csv").read_bytes())

    assert job.stage == ImportStatus.DONE
    assert job.report["counts"] == {"created": 4, "updated": 0, "unchanged": 0, "error_rows": 0}
    upl = Organisation.objects.get(neq="1160000001")
    assert (upl.legal_name, upl.trade_name, upl.kind, upl.size_band, upl.region) == (
        "Usinage Précision Laval inc.", "UPL", "sme", "10-49", "13")
    assert upl.website == "https://www.upl.example"
    assert str(upl.member_since) == "2019-04-01"
    assert "usinage" in upl.search_text and "laval" in upl.search_text
    boreal = Organisation.objects.get(neq="1160000002")
    assert (boreal.kind, boreal.size_band, boreal.region) == ("tier2", "50-199", "15")
    crma = Organisation.objects.get(trade_name="CRMA")
    assert (crma.neq, crma.kind, crma.region) == (None, "research", "06")
    entry = AuditEntry.objects.get(action="import.committed")
    assert (entry.actor, entry.after["created"], entry.after["updated"]) == (staff, 4, 0)


def test_importing_the_same_file_again_updates_instead_of_duplicating(staff):
    run(staff, (DATA / "organisations.csv").read_bytes())
    changed = (DATA / "organisations.csv").read_text().replace(";Mirabel;", ";Saint-Jérôme;")

    job = run(staff, changed)

    assert job.stage == ImportStatus.DONE
    assert Organisation.objects.count() == 4
    assert job.report["counts"] == {"created": 0, "updated": 1, "unchanged": 3, "error_rows": 0}
    [change] = job.report["changes"]
    assert change["row"] == 3
    assert ["city", "city", "Mirabel", "Saint-Jérôme"] in change["fields"]
    assert Organisation.objects.get(neq="1160000002").city == "Saint-Jérôme"


def test_an_organisation_without_neq_is_found_again_by_its_legal_name_whatever_the_case(staff):
    make_organisation("Centre de recherche en matériaux avancés", slug="crma", city="Laval")

    job = run(staff, organisations_csv("CENTRE DE RECHERCHE EN MATERIAUX AVANCES;;;;;Montréal;;;;"))

    assert job.report["counts"]["updated"] == 1
    assert Organisation.objects.get().city == "Montréal"


def test_a_known_organisation_gets_the_neq_a_later_file_gives_it(staff):
    make_organisation("Alpha Usinage", slug="alpha")

    run(staff, organisations_csv("Alpha Usinage;;1234567890;;;;;;;"))

    assert Organisation.objects.get().neq == "1234567890"


def test_an_empty_cell_keeps_the_current_value(staff):
    make_organisation("Alpha Usinage", neq="1111111111", website="https://alpha.example")

    job = run(staff, organisations_csv("Alpha Usinage;;1111111111;;;;;;;"))

    assert job.report["counts"]["unchanged"] == 1
    assert Organisation.objects.get().website == "https://alpha.example"


def test_the_import_does_not_query_the_database_once_per_row(staff, django_assert_max_num_queries):
    rows = [f"Organisation {n};;{1000000000 + n};PME;;Laval;13;;;" for n in range(300)]
    job = check(staff, upload(staff, organisations_csv(*rows)))
    imports.start_commit(actor=staff, job=job, language="en")  # queued: the worker's part is measured below
    job.refresh_from_db()

    with django_assert_max_num_queries(40):
        imports.commit_import(job, actor=staff)

    assert Organisation.objects.count() == 300


# What a cell may say ------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "expected"), [("PME", "sme"), ("SME", "sme"), ("sme", "sme"),
                                                 ("Centre de recherche", "research"), ("Prime / OEM", "prime")])
def test_a_type_may_be_its_code_or_its_french_or_english_name(staff, kind, expected):
    run(staff, organisations_csv(f"Alpha;;1111111111;{kind};;;;;;"))

    assert Organisation.objects.get().kind == expected


@pytest.mark.parametrize(("region", "expected"), [("06", "06"), ("6", "06"), ("Montréal", "06"),
                                                   ("MONTREAL", "06"), ("Hors Québec", "99")])
def test_a_region_may_be_its_number_or_its_name(staff, region, expected):
    run(staff, organisations_csv(f"Alpha;;1111111111;;;;{region};;;"))

    assert Organisation.objects.get().region == expected


def test_an_unknown_value_lists_the_accepted_ones(staff):
    job = check(staff, upload(staff, organisations_csv("Alpha;;1111111111;Fusée;;;;;;")))

    [error] = job.report["errors"]
    assert (error["row"], error["column"]) == (2, "Type")
    assert "“Fusée” is not an accepted value" in error["message"] and "SME" in error["message"]


def test_errors_are_written_in_the_language_of_who_asked_for_the_check(staff):
    job = check(staff, upload(staff, organisations_csv(";;1111111111;;;;;;;")), language="fr")

    assert job.report["errors"][0]["message"] == "Ce champ est obligatoire."


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_directory_export_imports_back_unchanged(client, staff, language):
    make_organisation("Alpha Usinage", neq="1111111111", kind="tier2", size_band="1000+", region="99",
                      membership_status="former", member_since=datetime.date(2015, 5, 4))
    make_organisation("Bravo Composites", slug="bravo", trade_name="Bravo", website="https://bravo.example")
    client.force_login(staff)
    with translation.override(language):
        exported = client.get(reverse("members:directory-export") + "?format=csv").content

    job = run(staff, exported, name="export.csv")

    assert job.stage == ImportStatus.DONE, job.report
    assert job.report["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "error_rows": 0}


def test_every_importable_field_is_documented():
    documented = (Path(__file__).parents[3] / "docs" / "import.md").read_text()

    for kind, targets in imports.columns.TARGETS.items():
        for target in targets:
            assert f"`{target.name}`" in documented, f"docs/import.md does not describe {kind} {target.name}"


# Encodings and formats ----------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_accents_survive_every_usual_encoding(staff, encoding):
    content = organisations_csv("Aéro-Entretien Québec;Ça Vole;1160000003;;;Trois-Rivières;;;;").encode(encoding)

    job = run(staff, content)

    assert job.stage == ImportStatus.DONE
    organisation = Organisation.objects.get()
    assert (organisation.legal_name, organisation.trade_name, organisation.city) == (
        "Aéro-Entretien Québec", "Ça Vole", "Trois-Rivières")


def test_a_comma_separated_file_with_english_headers_is_mapped_by_itself(staff):
    content = "Legal name,Business number,Kind,City\nAlpha Machining,1111111111,SME,Montreal\n"

    job = upload(staff, content)

    assert job.mapping == {"legal_name": "Legal name", "neq": "Business number", "kind": "Kind", "city": "City"}
    assert run(staff, content).stage == ImportStatus.DONE


def test_an_excel_workbook_imports_like_a_csv(staff):
    job = run(staff, (DATA / "organisations.xlsx").read_bytes(), name="organisations.xlsx")

    assert job.stage == ImportStatus.DONE, job.report
    upl = Organisation.objects.get(neq="1160000001")  # typed as a number in the workbook
    assert (upl.legal_name, upl.kind, str(upl.member_since)) == ("Usinage Précision Laval inc.", "sme", "2019-04-01")
    assert Organisation.objects.count() == 4


def test_row_numbers_are_those_the_spreadsheet_shows_even_after_blank_lines(staff):
    content = organisations_csv("Alpha;;1111111111;;;;;;;", "", "", "Bravo;;123;;;;;;;")

    job = check(staff, upload(staff, content))

    assert [e["row"] for e in job.report["errors"]] == [5]


# Files that are not what they should be -------------------------------------------------------------

def refused(actor, content: bytes | str, name: str = "membres.csv", language: str = "en") -> str:
    """Why a file is refused, at the upload or when the task reads it; nothing of it is kept either way."""
    try:
        job = upload(actor, content, name=name, language=language)
    except imports.UnreadableFile as refusal:
        assert not ImportJob.objects.exists()
        return str(refusal)
    assert (job.stage, job.file.name, job.headers, job.total) == (ImportStatus.FAILED, "", [], 0)
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    [error] = job.report["errors"]
    return error["message"]


def test_ten_megabytes_of_garbage_are_refused_clearly_and_change_nothing(staff, client):
    garbage = random.Random(2).randbytes(10 * 1024 * 1024)
    make_organisation("Alpha Usinage", neq="1111111111")

    assert "could not be read" in refused(staff, garbage)
    assert "not a valid Excel workbook" in refused(staff, garbage, name="membres.xlsx")

    client.force_login(staff)
    ImportJob.objects.all().delete()
    with committed():
        response = client.post(reverse("members:import-start"), {
            "kind": "organisations", "file": SimpleUploadedFile("membres.csv", garbage),
            "form_token": "7f0e6c8e-3c1a-4d1e-9a57-0d6a3c2b9f10"})
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "could not be read" in response.content.decode()
    assert list(Organisation.objects.values_list("legal_name", flat=True)) == ["Alpha Usinage"]
    assert ImportJob.objects.get().stage == ImportStatus.FAILED


def test_binary_data_that_happens_to_decode_is_refused(staff):
    assert "binary data" in refused(staff, bytes(range(128)) * 1000)


def test_an_empty_file_is_refused(staff):
    assert refused(staff, b"") == "The file is empty."
    assert refused(staff, "\ufeff\n;;\n".encode()) == "The file is empty."
    assert "no rows to import" in refused(staff, ORGANISATION_HEADER + "\n")


def test_a_file_larger_than_the_limit_is_refused_before_reading(staff, settings):
    settings.GRAPPE_IMPORT_MAX_BYTES = 100

    assert "too large" in refused(staff, organisations_csv(*["Alpha;;1111111111;;;;;;;"] * 10))


@pytest.mark.parametrize(("name", "content", "message"), [
    ("membres.pdf", b"%PDF-1.4 ...", "Unknown file format “.pdf”"),
    ("membres.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel file (.xls)"),
    ("membres.xlsx", b"Raison sociale\nAlpha\n", "not a valid Excel workbook"),
])
def test_a_file_in_another_format_is_refused(staff, name, content, message):
    assert message in refused(staff, content, name=name)


def test_a_file_with_too_many_rows_is_refused(staff, monkeypatch):
    monkeypatch.setattr(imports.files, "MAX_ROWS", 3)

    assert "more than 3 rows" in refused(staff, organisations_csv(*["Alpha;;;;;;;;;"] * 3))


def test_two_columns_with_the_same_name_are_refused(staff):
    assert "Several columns are called “Ville”" in refused(staff, "Raison sociale;Ville;Ville\nAlpha;Laval;Laval\n")


def test_a_missing_required_column_is_named(staff, client):
    job = upload(staff, "Nom commercial;NEQ\nUPL;1160000001\n")
    assert imports.missing_columns(job.kind, job.mapping) == ["legal name"]

    client.force_login(staff)
    page = client.get(reverse("members:import-detail", args=[job.pk])).content.decode()
    assert "No column of the file looks like: legal name" in page
    response = client.post(reverse("members:import-detail", args=[job.pk]),
                           {"action": "check", "trade_name": "Nom commercial", "neq": "NEQ"})
    assert "Choose the column that holds this: it is required." in response.content.decode()
    job.refresh_from_db()
    assert job.stage == ImportStatus.UPLOADED

    job = check(staff, job)
    assert job.stage == ImportStatus.INVALID
    assert job.report["errors"][0]["message"] == "A required column is missing: legal name."
    assert not Organisation.objects.exists()


def test_a_neq_twice_in_a_file_is_an_error_on_both_rows(staff):
    content = organisations_csv("Alpha;;1111111111;;;;;;;", "Bravo;;2222222222;;;;;;;", "Alpha bis;;1111111111;;;;;;;")

    job = check(staff, upload(staff, content))

    assert [(e["row"], e["column"], e["message"]) for e in job.report["errors"]] == [
        (2, "NEQ", "The NEQ 1111111111 is also on row 4."), (4, "NEQ", "The NEQ 1111111111 is also on row 2.")]
    assert commit(staff, job).stage == ImportStatus.INVALID
    assert not Organisation.objects.exists()


# People ---------------------------------------------------------------------------------------------

def test_people_are_attached_to_their_organisation_by_neq_or_name(staff):
    run(staff, (DATA / "organisations.csv").read_bytes())

    job = run(staff, (DATA / "people.csv").read_bytes(), name="people.csv", kind="people")

    assert job.stage == ImportStatus.DONE, job.report
    marie = Person.objects.get(email="marie.tremblay@upl.example")  # stored in lower case
    assert (marie.organisation.neq, marie.title, marie.language, marie.is_primary_contact) == (
        "1160000001", "Présidente", "fr", True)
    sarah = Person.objects.get(email="sarah.oneil@crma.example")
    assert (sarah.organisation.trade_name, sarah.language) == ("CRMA", "en")


def test_people_are_found_again_by_email_whatever_its_case(staff, org_a):
    Person.objects.create(organisation=org_a, first_name="Léa", last_name="Roy", email="lea@alpha.test")
    content = "Prénom;Nom;Courriel;NEQ;Titre\nLéa;Roy;LEA@Alpha.test;1111111111;Directrice\n"

    job = run(staff, content, kind="people")

    assert job.report["counts"]["updated"] == 1
    assert Person.objects.get().title == "Directrice"


def test_a_person_of_an_unknown_organisation_is_an_error(staff, org_a):
    content = "Prénom;Nom;Courriel;NEQ\nLéa;Roy;lea@alpha.test;9999999999\nJo;Roy;jo@alpha.test;1111111111\n"

    job = run(staff, content, kind="people")

    assert job.stage == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.report["errors"]] == [(2, "NEQ")]
    assert "No organisation has the NEQ 9999999999" in job.report["errors"][0]["message"]
    assert not Person.objects.exists()


def test_the_same_email_twice_in_a_file_is_an_error(staff, org_a):
    content = "Prénom;Nom;Courriel;NEQ\nLéa;Roy;lea@alpha.test;1111111111\nLea;Roy;LEA@alpha.test;1111111111\n"

    job = check(staff, upload(staff, content, kind="people"))

    assert [e["row"] for e in job.report["errors"]] == [2, 3]


def test_a_new_primary_contact_replaces_the_current_one(staff, org_a):
    Person.objects.create(organisation=org_a, first_name="Léa", last_name="Roy", email="lea@alpha.test",
                          is_primary_contact=True)
    content = "Prénom;Nom;Courriel;NEQ;Contact principal\nJo;Roy;jo@alpha.test;1111111111;oui\n"

    assert run(staff, content, kind="people").stage == ImportStatus.DONE

    assert list(Person.objects.filter(is_primary_contact=True).values_list("email", flat=True)) == ["jo@alpha.test"]


# Files that unpack into much more than they weigh ----------------------------------------------------------

def workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PACKAGE_PARTS = {
    "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="xl/workbook.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>',
    "xl/workbook.xml": b'<workbook xmlns="' + MAIN + b'" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    b'<Relationship Id="rId2" Target="sharedStrings.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
}


def raw_workbook(rows, shared_strings) -> bytes:
    """A workbook written part by part, its sheet's rows and its shared strings streamed into the zip: a hostile
    file is made without holding its unpacked size in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in PACKAGE_PARTS.items():
            archive.writestr(name, part)
        for name, start, chunks, end in (
                ("xl/worksheets/sheet1.xml", b'<worksheet xmlns="' + MAIN + b'"><sheetData>', rows,
                 b"</sheetData></worksheet>"),
                ("xl/sharedStrings.xml", b'<sst xmlns="' + MAIN + b'">', shared_strings, b"</sst>")):
            with archive.open(name, "w", force_zip64=True) as stream:
                for chunk in (start, *chunks, end):
                    stream.write(chunk)
    return out.getvalue()


def giant_shared_string_workbook(megabytes: int = 50) -> bytes:
    """About 50 KB holding one 50 MB shared string, used as a column name and as a cell."""
    cells = b'<c t="s"><v>0</v></c><c t="s"><v>1</v></c>'
    return raw_workbook([b"<row>" + cells + b"</row>"] * 2,
                        [b"<si><t>Raison sociale</t></si><si><t>", *[b"A" * 1024 * 1024] * megabytes,
                         b"</t></si>"])


def wide_workbook(rows: int = 20_000, columns: int = 200) -> bytes:
    """A few hundred KB of `rows` rows of `columns` numbers."""
    return raw_workbook([b"<row>" + b"<c><v>1</v></c>" * columns + b"</row>"] * rows, [])


@pytest.mark.parametrize(("language", "message"), [
    ("en", "Unpacked, this workbook holds more than 32 MB"), ("fr", "Décompressé, ce classeur contient plus de 32\u00a0Mo")])
def test_a_small_workbook_holding_one_giant_shared_string_is_refused_quickly_and_nothing_is_kept(
        client, staff, language, message):
    bomb = giant_shared_string_workbook()
    assert len(bomb) < 200 * 1024
    client.force_login(staff)
    with translation.override(language):
        start = reverse("members:import-start")
    started = time.perf_counter()

    with committed():
        response = client.post(start, {"kind": "organisations", "file": SimpleUploadedFile("membres.xlsx", bomb),
                                       "form_token": "7f0e6c8e-3c1a-4d1e-9a57-0d6a3c2b9f20"})
    response = client.get(response["Location"])

    assert time.perf_counter() - started < 5
    page = response.content.decode()
    assert message in page and len(page) < 100_000
    job = ImportJob.objects.get()
    assert (job.stage, job.headers, job.total, job.file.name) == (ImportStatus.FAILED, [], 0, "")
    assert not Organisation.objects.exists()


def test_a_workbook_of_20000_rows_by_200_columns_is_refused_quickly(staff):
    hostile = wide_workbook()
    assert len(hostile) < 1024 * 1024
    started = time.perf_counter()

    message = refused(staff, hostile, name="membres.xlsx")

    assert time.perf_counter() - started < 5
    assert "Unpacked, this workbook holds more than 32 MB" in message


@pytest.mark.parametrize("name", ["membres.xlsx", "membres.csv"])
def test_a_file_with_more_columns_than_allowed_is_refused(staff, name):
    rows = [[f"Colonne {n}" for n in range(150)], ["Alpha"] * 150]
    content = workbook(rows) if name.endswith(".xlsx") else "\n".join(";".join(row) for row in rows)

    assert refused(staff, content, name=name) == "The file has more than 100 columns: keep only the columns to import."


@pytest.mark.parametrize("name", ["membres.xlsx", "membres.csv"])
def test_a_cell_longer_than_allowed_is_refused_with_its_place(staff, name):
    rows = [["Raison sociale", "Description"], ["Alpha", "x" * 10_001]]
    content = workbook(rows) if name.endswith(".xlsx") else "\n".join(";".join(row) for row in rows)

    assert refused(staff, content, name=name) == "The cell B2 holds more than 10,000 characters."


def test_a_column_name_longer_than_allowed_is_refused(staff):
    assert "A column name is longer than 100 characters" in refused(staff, f"Raison sociale;{'x' * 101}\nAlpha;1\n")


def test_one_long_text_repeated_in_every_cell_counts_every_time(staff, monkeypatch):
    """A workbook stores a repeated text once (shared strings): its size does not bound what it holds."""
    monkeypatch.setattr(imports.files, "MAX_TEXT_CHARACTERS", 100_000)
    text = "Usinage de précision " * 400

    message = refused(staff, workbook([["Raison sociale", "Description"]] + [["Alpha", text]] * 20),
                      name="membres.xlsx")

    assert message == "The file holds more than 100,000 characters of text: split it into smaller files."


def test_the_upload_request_only_keeps_the_file_and_the_task_reads_it(client, staff, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(imports, "read_sheet", lambda *args: pytest.fail("the request parsed the file"))
    client.force_login(staff)

    response = client.post(reverse("members:import-start"), {
        "kind": "organisations", "file": SimpleUploadedFile("membres.xlsx", giant_shared_string_workbook(1)),
        "form_token": "7f0e6c8e-3c1a-4d1e-9a57-0d6a3c2b9f21"})

    job = ImportJob.objects.get()
    assert response["Location"] == reverse("members:import-detail", args=[job.pk])
    assert (job.stage, job.headers) == (ImportStatus.READING, [])
    page = client.get(response["Location"]).content.decode()
    assert "Reading the file…" in page and "hx-trigger" in page


def test_the_report_quotes_a_long_cell_shortened(client, staff):
    job = check(staff, upload(staff, organisations_csv(f"Alpha;;1111111111;{'Fusée' * 2000};;;;;;")))

    [error] = job.report["errors"]
    assert error["message"].startswith("“FuséeFusée") and len(error["message"]) <= 300
    client.force_login(staff)
    assert len(client.get(reverse("members:import-detail", args=[job.pk])).content) < 100_000


# Who may import, and the pages ------------------------------------------------------------------------

def test_only_staff_may_import(client, org_user):
    start = reverse("members:import-start")
    response = client.get(start)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))

    client.force_login(org_user)
    response = client.post(start, {"kind": "organisations", "form_token": "7f0e6c8e-3c1a-4d1e-9a57-0d6a3c2b9f11",
                                   "file": SimpleUploadedFile("m.csv", organisations_csv("Alpha;;;;;;;;;").encode())})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
    with pytest.raises(PermissionDenied):
        upload(org_user, organisations_csv("Alpha;;;;;;;;;"))


def test_staff_import_a_file_through_the_pages(client, staff):
    client.force_login(staff)
    with committed():
        response = client.post(reverse("members:import-start"), {
            "kind": "organisations", "form_token": "7f0e6c8e-3c1a-4d1e-9a57-0d6a3c2b9f12",
            "file": SimpleUploadedFile("organisations.csv", (DATA / "organisations.csv").read_bytes())})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("members:import-detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'value="Raison sociale" selected' in page

    mapping = {name: column for name, column in job.mapping.items()}
    with committed():
        client.post(response["Location"], {"action": "check", **mapping})
    page = client.get(response["Location"]).content.decode()
    assert "Import now" in page and "to create" in page

    with committed():
        client.post(response["Location"], {"action": "commit"})
    with committed():
        client.post(response["Location"], {"action": "commit"})  # a second click does nothing more
    job.refresh_from_db()
    assert job.stage == ImportStatus.DONE
    assert Organisation.objects.count() == 4
    assert AuditEntry.objects.filter(action="import.committed").count() == 1

    progress = reverse("members:import-progress", args=[job.pk])
    assert client.get(progress, headers={"HX-Request": "true"})["HX-Refresh"] == "true"


def test_a_check_whose_worker_died_can_be_run_again(staff):
    job = upload(staff, (DATA / "organisations.csv").read_bytes())
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(step=ImportStep.CHECK, status=JobStatus.RUNNING, processed=2,
                                               heartbeat_at=long_ago)

    job = check(staff, ImportJob.objects.get(pk=job.pk))

    assert job.stage == ImportStatus.CHECKED and job.processed == 4


def test_the_progress_bar_polls_while_the_check_runs(client, staff):
    job = upload(staff, (DATA / "organisations.csv").read_bytes())
    ImportJob.objects.filter(pk=job.pk).update(step=ImportStep.CHECK, status=JobStatus.RUNNING, processed=2)
    client.force_login(staff)

    partial = client.get(reverse("members:import-progress", args=[job.pk]), headers={"HX-Request": "true"})

    html = partial.content.decode()
    assert 'hx-trigger="every 1s"' in html and 'data-width-percent="50"' in html and "2 of 4" in html


# Two workers, one job (PostgreSQL) ------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_concurrent_commits_of_one_job_import_it_once(staff):
    rows = [f"Organisation {n};;;PME;;Laval;13;;;" for n in range(200)]
    job = check(staff, upload(staff, organisations_csv(*rows)))
    assert job.stage == ImportStatus.CHECKED
    ImportJob.objects.filter(pk=job.pk).update(step=ImportStep.COMMIT, status=JobStatus.QUEUED)  # as start_commit
    def worker():
        with translation.override("en"):
            return imports.commit_import(ImportJob.objects.get(pk=job.pk), actor=staff).stage

    outcomes = run_together(worker, worker)

    job.refresh_from_db()
    assert job.stage == ImportStatus.DONE
    assert ImportStatus.DONE in outcomes  # the other worker found the job claimed and left it
    assert Organisation.objects.count() == 200
    assert AuditEntry.objects.filter(action="import.committed").count() == 1



@pytest.mark.django_db(transaction=True)  # the worker closes its database connection when it is done
def test_with_the_production_task_backend_a_worker_runs_the_check_and_the_import(staff, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = upload(staff, (DATA / "organisations.csv").read_bytes())

    def worker_runs_what_is_queued():
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
        job.refresh_from_db()

    assert job.stage == ImportStatus.READING  # the upload's request only kept the file
    worker_runs_what_is_queued()
    assert job.stage == ImportStatus.UPLOADED and job.total == 4
    job = check(staff, job)
    assert job.stage == ImportStatus.CHECKING  # queued: the page shows the progress bar meanwhile
    worker_runs_what_is_queued()
    assert job.stage == ImportStatus.CHECKED

    job = commit(staff, job)
    assert job.stage == ImportStatus.IMPORTING and not Organisation.objects.exists()
    worker_runs_what_is_queued()
    assert job.stage == ImportStatus.DONE
    assert Organisation.objects.count() == 4


def test_the_commit_writes_in_each_row_only_the_fields_the_file_changed_there(staff, org_a, org_b):
    """Alpha changes city, Bravo website: the commit must not write Alpha's website back (someone may have saved
    one while the import ran; the value in memory is the one read before)."""
    from grappe.members.services.imports import write
    from grappe.members.services.imports.plan import plan_import

    job = check(staff, upload(staff, organisations_csv(
        f"{org_a.legal_name};;{org_a.neq};;;Laval;;;;", f"{org_b.legal_name};;{org_b.neq};;;;;https://bravo.example;;")))
    plan = plan_import(job)
    Organisation.objects.filter(pk=org_a.pk).update(website="https://saved-meanwhile.example")

    write.WRITERS[job.kind](plan)

    org_a.refresh_from_db()
    assert (org_a.city, org_a.website) == ("Laval", "https://saved-meanwhile.example")


def test_a_new_primary_contact_replaces_the_current_one_whose_row_changes_something_else(staff, org_a):
    """The current primary contact's row changes her title and says nothing of the flag; another row makes a
    new person primary: the import does what its check said, instead of failing on the one-primary rule."""
    lea = Person.objects.create(organisation=org_a, first_name="Léa", last_name="Roy", email="lea@alpha.test",
                                title="Directrice", is_primary_contact=True)
    job = run(staff, "Prénom;Nom;Courriel;NEQ;Titre;Contact principal\n"
                     "Léa;Roy;lea@alpha.test;1111111111;Présidente;\n"
                     "Jo;Roy;jo@alpha.test;1111111111;Acheteur;oui\n", kind="people")

    assert job.stage == ImportStatus.DONE, job.report
    lea.refresh_from_db()
    assert (lea.title, lea.is_primary_contact) == ("Présidente", False)
    assert Person.objects.get(email="jo@alpha.test").is_primary_contact
