"""An application's documents: a PDF, a Word document or an Excel workbook is accepted for what its content is,
whatever its name; anything else, or a file past the size limit, is refused with the reason; files are kept where
no URL reaches them and handed out, as attachments, only to those who may read the application; a submission
lacking a document the call requires is refused, naming it."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from grappe.conftest import committed, make_member
from grappe.core.models import AuditEntry
from grappe.core import filetypes
from grappe.programs.models import Application, ApplicationDocument, ApplicationStatus, DocumentType
from grappe.programs.services import applications, documents

from .factories import make_application, make_call, make_program
from .sample_files import EXE, HTML, PDF, docx, plain_zip, xlsx
from .test_permissions import READERS, attach, programs_matrix  # noqa: F401 — programs_matrix is a fixture

pytestmark = pytest.mark.django_db

MACRO_WORD = "application/vnd.ms-word.document.macroEnabled.main+xml"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture
def application(staff, org_a, org_user):
    call = make_call(make_program(staff), required_documents=["business_plan", "budget"])
    return make_application(call, org_a, org_user)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def real_pdf() -> bytes:
    from weasyprint import HTML as Page  # slow to import: only this test needs it

    return Page(string="<h1>Plan d'affaires</h1><p>Projet de nacelle.</p>").write_pdf()


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("plan.pdf", real_pdf, DocumentType.PDF),
    ("plan.docx", docx, DocumentType.DOCX),
    ("budget.xlsx", xlsx, DocumentType.XLSX),
    ("budget sans extension", xlsx, DocumentType.XLSX),  # the name says nothing: the content does
])
def test_a_real_pdf_word_document_or_workbook_is_accepted_for_its_content(name, content, kind, application,
                                                                         org_user, media):
    data = content()
    document = documents.upload_document(actor=org_user, application=application, kind="business_plan",
                                         upload=upload(name, data))

    assert (document.content_type, document.size, document.original_name) == (kind, len(data), name)
    stored = Path(media) / document.file.name
    assert stored.read_bytes() == data
    assert stored.name != name and stored.suffix == filetypes.EXTENSIONS[kind]  # a name of ours, never the sender's
    entry = AuditEntry.objects.get(action="application.document_added")
    assert (entry.actor, entry.target_id, entry.after["documents"]["kind"]) == (org_user, str(application.pk), "business_plan")


@pytest.mark.parametrize(("name", "content"), [
    ("plan.pdf", HTML),               # a web page renamed
    ("plan.pdf", EXE),                # a program renamed
    ("plan.docx", plain_zip()),       # a zip that is no Word document
    ("plan.docx", docx(MACRO_WORD)),  # a Word document with macros (.docm) renamed
    ("budget.xlsx", b"PK\x03\x04 truncated"),
])
def test_a_file_that_is_not_really_a_pdf_docx_or_xlsx_is_refused_whatever_its_name(name, content, application,
                                                                                  org_user, media):
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        documents.upload_document(actor=org_user, application=application, kind="business_plan",
                                  upload=upload(name, content))
    assert refusal.value.code == "file_type"
    assert refusal.value.messages == [
        f"“{name}” is not a PDF, Word (.docx) or Excel (.xlsx) document: whatever its name says, its content is not. "
        "Save it in one of those formats and send it again."]
    assert not ApplicationDocument.objects.exists() and not AuditEntry.objects.exists()
    assert not Path(media).exists() or not any(Path(media).rglob("*.*"))


def test_a_file_past_the_size_limit_is_refused_with_the_limit_in_the_readers_language(application, org_user,
                                                                                      settings, media):
    settings.GRAPPE_PROGRAM_DOCUMENT_MAX_BYTES = 1024 * 1024
    too_large = upload("états financiers.pdf", PDF + b"0" * (1536 * 1024))

    with pytest.raises(ValidationError) as refusal:
        documents.upload_document(actor=org_user, application=application, kind="financial_statements",
                                  upload=too_large)
    assert refusal.value.messages == [
        "«\u00a0états financiers.pdf\u00a0» pèse 1,5\u00a0Mo\u00a0: un document peut peser au plus 1\u00a0Mo."]
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        documents.upload_document(actor=org_user, application=application, kind="financial_statements",
                                  upload=too_large)
    assert refusal.value.messages == ["“états financiers.pdf” weighs 1.5 MB: a document may weigh at most 1 MB."]
    assert not ApplicationDocument.objects.exists() and not AuditEntry.objects.exists()


def test_sizes_and_shares_read_the_same_on_every_page_in_the_readers_language():
    from django.template import Context, Template

    template = Template("{% load programs %}{{ size|filesize }} · {{ big|filesize }} · {{ share|percent }} · "
                        "{{ third|percent }}")
    values = Context({"size": 348_160, "big": int(2.5 * 1024 * 1024), "share": Decimal("60.00"),
                      "third": Decimal("26.667")})
    assert template.render(values) == "340\u00a0Ko · 2,5\u00a0Mo · 60\u00a0% · 26,67\u00a0%"
    with translation.override("en"):
        assert template.render(values) == "340 KB · 2.5 MB · 60\u00a0% · 26.67\u00a0%"
    assert filetypes.size_text(300) == "1\u00a0Ko"  # never "0"


def test_the_upload_page_tells_why_a_file_is_refused(client, application, org_user):
    client.force_login(org_user)
    response = client.post(reverse("programs:document-upload", args=[application.pk]), {
        "kind": "business_plan", "form_token": "3f1c1e9e-8d0a-4c4f-9a53-0d5f0a1b2c3d",
        "file": SimpleUploadedFile("plan.pdf", HTML)}, follow=True)
    assert "«\u00a0plan.pdf\u00a0» n’est pas un document PDF" in response.content.decode()
    assert not ApplicationDocument.objects.exists()


def test_a_double_clicked_upload_attaches_the_document_once(client, application, org_user):
    client.force_login(org_user)
    url = reverse("programs:document-upload", args=[application.pk])
    for _ in range(2):
        client.post(url, {"kind": "business_plan", "form_token": "3f1c1e9e-8d0a-4c4f-9a53-0d5f0a1b2c3d",
                          "file": SimpleUploadedFile("plan.pdf", PDF)})
    assert ApplicationDocument.objects.count() == 1


def test_the_files_are_kept_where_no_url_reaches_them(client, application, org_user, settings, media):
    document = documents.upload_document(actor=org_user, application=application, kind="business_plan",
                                         upload=upload("plan.pdf", PDF))
    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"  # no URL serves the default storage
    assert not Path(document.file.path).is_relative_to(settings.STATIC_ROOT)
    client.force_login(org_user)
    for path in (f"/{document.file.name}", f"/media/{document.file.name}", f"/fr/media/{document.file.name}"):
        assert client.get(path).status_code == 404


@pytest.mark.parametrize("actor", sorted(actor for actor, status in READERS.items() if status == 200))
def test_each_reader_of_the_application_downloads_a_document_as_an_attachment(actor, programs_matrix, client):
    ctx = programs_matrix
    document = attach(ctx, ctx.org_a, ctx.own_user)
    document.original_name = "plan d'affaires"  # sent without an extension: it is saved as what it is
    document.save()
    client.force_login(getattr(ctx, actor))

    response = client.get(reverse("programs:document-download", args=[document.pk]))

    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"plan-d-affaires.pdf\"; filename*=UTF-8''plan%20d%27affaires.pdf")
    assert "no-store" in response["Cache-Control"]


def test_nobody_else_learns_a_document_exists(programs_matrix, client):
    ctx = programs_matrix
    document = attach(ctx, ctx.org_a, ctx.own_user)
    url = reverse("programs:document-download", args=[document.pk])
    for user in (ctx.other_member, ctx.conflicted_evaluator, ctx.observer):
        client.force_login(user)
        assert client.get(url).status_code == 404
    assert Client().get(url).status_code == 404


def test_a_submission_lacking_a_required_document_is_refused_naming_it(application, org_user):
    documents.upload_document(actor=org_user, application=application, kind="business_plan",
                              upload=upload("plan.pdf", PDF))

    with pytest.raises(ValidationError) as refusal:
        applications.submit(actor=org_user, application=application)
    assert refusal.value.code == "documents_missing"
    assert refusal.value.messages == ["L’appel exige des documents qui manquent à cette demande\u00a0: Budget "
                                      "détaillé du projet. Joignez-les, puis soumettez de nouveau."]
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT

    documents.upload_document(actor=org_user, application=application, kind="budget",
                              upload=upload("budget.xlsx", xlsx()))
    applications.submit(actor=org_user, application=application)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED


def test_the_application_page_lists_the_documents_and_what_is_still_missing(client, application, org_user):
    documents.upload_document(actor=org_user, application=application, kind="business_plan",
                              upload=upload("plan.pdf", PDF))
    client.force_login(org_user)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "plan.pdf" in page and "Encore manquant\u00a0: Budget détaillé du projet." in page
    assert reverse("programs:document-upload", args=[application.pk]) in page


def test_documents_change_only_while_the_application_is_a_draft(application, org_user):
    document = documents.upload_document(actor=org_user, application=application, kind="business_plan",
                                         upload=upload("plan.pdf", PDF))
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.SUBMITTED,
                                                         submitted_at=application.created_at)
    with pytest.raises(ValidationError, match="ne peut plus être modifiée"):
        documents.upload_document(actor=org_user, application=application, kind="budget",
                                  upload=upload("budget.xlsx", xlsx()))
    with pytest.raises(ValidationError, match="ne peut plus être modifiée"):
        documents.delete_document(actor=org_user, document=document)
    assert ApplicationDocument.objects.count() == 1


def test_a_removed_documents_file_goes_once_the_removal_is_committed(application, org_user, media):
    document = documents.upload_document(actor=org_user, application=application, kind="business_plan",
                                         upload=upload("plan.pdf", PDF))
    stored = Path(document.file.path)
    with committed():
        documents.delete_document(actor=org_user, document=document)
        assert stored.exists()  # a rollback would keep the row: the file waits for the commit
    assert not stored.exists() and not ApplicationDocument.objects.exists()
    assert AuditEntry.objects.filter(action="application.document_removed").count() == 1


def test_a_member_of_another_organisation_cannot_attach_a_document(application, org_b):
    stranger = make_member(org_b, "x@bravo.test")
    with pytest.raises(PermissionDenied):
        documents.upload_document(actor=stranger, application=application, kind="business_plan",
                                  upload=upload("plan.pdf", PDF))
    assert not ApplicationDocument.objects.exists() and not AuditEntry.objects.exists()


def test_the_demo_applications_carry_the_documents_their_call_requires(media):
    from io import StringIO

    from django.core.management import call_command

    from grappe.programs.demo_data import generate_programs

    call_command("generate_demo", organisations=30, people=100, cluster_only=True, stdout=StringIO())
    demo = generate_programs(seed=2026)

    for application in Application.objects.filter(call__program=demo.program).exclude(
            status=ApplicationStatus.DRAFT):
        assert documents.missing_kinds(application) == []
        assert {d.content_type for d in application.documents.all()} == {DocumentType.PDF}
    draft = Application.objects.get(call=demo.open_call, status=ApplicationStatus.DRAFT)
    assert len(documents.missing_kinds(draft)) == 2 and draft.documents.count() == 1
    for document in ApplicationDocument.objects.all():
        assert filetypes.detect(Path(document.file.path).read_bytes()) == DocumentType.PDF


def test_a_reopened_applications_earlier_version_lists_the_documents_it_was_submitted_with(application, org_user,
                                                                                           staff):
    for kind, name, content in (("business_plan", "plan.pdf", PDF), ("budget", "budget.xlsx", xlsx())):
        documents.upload_document(actor=org_user, application=application, kind=kind, upload=upload(name, content))
    applications.submit(actor=org_user, application=application)
    applications.reopen(actor=staff, application=application, reason="Budget à préciser")

    version = application.versions.get()
    assert [(d["kind"], d["original_name"]) for d in version.content["documents"]] == [
        ("budget", "budget.xlsx"), ("business_plan", "plan.pdf")]


def test_an_upload_without_a_file_says_which_field_is_missing(client, application, org_user):
    client.force_login(org_user)
    response = client.post(reverse("programs:document-upload", args=[application.pk]), {
        "kind": "business_plan", "form_token": "3f1c1e9e-8d0a-4c4f-9a53-0d5f0a1b2c3d"}, follow=True)
    assert "Fichier : Ce champ est obligatoire." in response.content.decode()


def test_a_document_removed_from_a_reopened_draft_stays_with_the_version_it_was_submitted_with(
        client, application, org_user, staff):
    plan = documents.upload_document(actor=org_user, application=application, kind="business_plan",
                                     upload=upload("plan.pdf", PDF))
    budget = documents.upload_document(actor=org_user, application=application, kind="budget",
                                       upload=upload("budget.xlsx", xlsx()))
    applications.submit(actor=org_user, application=application)
    applications.reopen(actor=staff, application=application, reason="Budget à préciser")

    documents.delete_document(actor=org_user, document=ApplicationDocument.objects.get(pk=plan.pk))

    plan.refresh_from_db()
    assert plan.withdrawn_at is not None and Path(plan.file.path).exists()
    assert set(application.versions.get().documents.all()) == {plan, budget}
    assert list(application.documents.current()) == [budget]
    client.force_login(org_user)
    page = client.get(f"/fr/programs/applications/{application.pk}/").content.decode()
    versions = page[page.index('id="versions"'):]
    current = page[page.index('id="documents"'):]
    download = reverse("programs:document-download", args=[plan.pk])
    assert download in versions and "plan.pdf" in versions
    assert download not in current and "plan.pdf" not in current
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response) == PDF

