"""Import pages: upload, map the columns, check (dry run), import. Thin: the work is in
members.services.imports."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRefresh

from grappe.core import downloads
from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused

from .. import documents
from ..forms.imports import (
    ImportChoicesForm,
    ImportMappingForm,
    ImportUploadForm,
    ValueFixesForm,
    duplicate_answers,
)
from ..models import ImportJob, ImportStatus
from ..services import imports

SHOWN_ROWS = 200  # rows of errors and changes listed on the page; the counts cover them all


@page_for("members.import_data")
def start(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        def work():
            job = imports.create_import_job(actor=request.user, kind=form.cleaned_data["kind"],
                                            uploaded_file=form.cleaned_data["file"], language=get_language())
            return _detail_url(job)
        try:
            return redirect(submit_once(form.cleaned_data["form_token"], work))
        except imports.UnreadableFile as error:
            form.add_error("file", str(error))
    return render(request, "members/import_start.html",
                  {"form": form, "jobs": imports.recent_import_jobs(),
                   "max_bytes": settings.GRAPPE_IMPORT_MAX_BYTES})


@page_for("members.import_data")
def detail(request, pk):
    job = get_object_or_404(ImportJob.objects.select_related("owner", "mapping_from", "undone_by")
                            .defer("error_list"), pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    mapping_form = ImportMappingForm(job, request.POST if action == "check" else None)
    choices_form = ImportChoicesForm(job, request.POST if action == "check" else None)
    if action == "check" and mapping_form.is_valid() and choices_form.is_valid():
        return _done(request, job, imports.start_check(
            actor=request.user, job=job, mapping=mapping_form.mapping(), language=get_language(),
            choices=choices_form.choices()))
    if action == "duplicates":
        answers, rest = duplicate_answers(request.POST)
        return _done(request, job, imports.decide_duplicates(actor=request.user, job=job, answers=answers, rest=rest,
                                                             language=get_language()))
    if action == "commit":
        return _done(request, job, imports.start_commit(actor=request.user, job=job, language=get_language()))
    report = job.report or {}
    fixes_form = ValueFixesForm(report.get("error_groups", []), request.POST if action == "fix_values" else None)
    if action == "fix_values" and fixes_form.is_valid():
        return _done(request, job, imports.choose_options(actor=request.user, job=job, language=get_language(),
                                                          value_fixes=fixes_form.value_fixes()))
    if action in CHOICES:
        return _done(request, job, imports.choose_options(actor=request.user, job=job, language=get_language(),
                                                          **CHOICES[action]))
    # What would be written is listed only when it can be: not while errors stop the whole file.
    writable = job.stage in (ImportStatus.CHECKED, ImportStatus.DONE, ImportStatus.UNDONE)
    context = {
        "job": job,
        "mapping_form": mapping_form,
        "choices_form": choices_form,
        # The undecided pairs first: those are what stops the import.
        "duplicates": sorted(report.get("duplicates", []), key=lambda pair: bool(pair["decision"]))[:SHOWN_ROWS],
        "missing": imports.missing_columns(job.kind, job.mapping),
        "report": report,
        "errors": report.get("errors", [])[:SHOWN_ROWS],
        "changes": report.get("changes", [])[:SHOWN_ROWS] if writable else [],
        "created": report.get("created", [])[:SHOWN_ROWS] if writable else [],
        "statuses": ImportStatus,
        "fixes_form": fixes_form,
        "options": imports.ImportOptions.of(job),
        "undoable": imports.undoable(job),
        "checkable": bool(job.file) and job.stage in imports.CHECKABLE,
    }
    return render(request, "members/import_detail.html", context)


# The report's buttons that change one of staff's choices and check the file again.
CHOICES = {
    "repair_text": {"repair_text": True},
    "keep_text": {"repair_text": False},
    "skip_invalid_rows": {"skip_invalid_rows": True},
    "all_or_nothing": {"skip_invalid_rows": False},
}


@page_for("members.import_data")
def error_list(request, pk):
    """Every error of the last check or import as a spreadsheet (the page lists the first ones only)."""
    job = get_object_or_404(ImportJob, pk=pk)
    content, filename = documents.import_errors_workbook(job)
    return downloads.attachment(content, filename)


@page_for("members.import_data")
def undo(request, pk):
    """Undoing an import: a confirmation that says what will be reverted (or why it cannot be), then the undo."""
    job = get_object_or_404(ImportJob, pk=pk)
    if job.stage == ImportStatus.UNDONE:
        return redirect(_detail_url(job))
    if request.method == "POST":
        try:
            if imports.undo_import(actor=request.user, job=job):
                messages.success(request, _("The import was undone."))
            return redirect(_detail_url(job))
        except ValidationError as error:
            refused(request, error)
            return redirect(reverse("members:import-undo", args=[job.pk]))
    return render(request, "members/import_undo.html", {"job": job, "undo": imports.undo_preview(job)})


@page_for("members.import_data")
def progress(request, pk):
    """The progress bar, polled by htmx while the job runs; once it is over, the page reloads to the report."""
    job = get_object_or_404(ImportJob.objects.defer("error_list"), pk=pk)
    if request.htmx and not job.busy:
        return HttpResponseClientRefresh()
    return render(request, "members/import_progress.html", {"job": job, "statuses": ImportStatus})


def _done(request, job: ImportJob, queued: bool):
    """Back to the job's page; saying so when the work was not queued (the job is busy, done, or its file gone),
    rather than seeming to ignore the click."""
    if not queued:
        messages.warning(request, _("Nothing was done: this import is busy or finished, or its file is gone. "
                                    "The page shows where it stands."))
    return redirect(_detail_url(job))


def _detail_url(job: ImportJob) -> str:
    return reverse("members:import-detail", args=[job.pk])
