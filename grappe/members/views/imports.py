"""Import pages: upload, map the columns, check (dry run), import. Thin: the work is in
members.services.imports."""

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django_htmx.http import HttpResponseClientRefresh

from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for

from ..forms.imports import ImportChoicesForm, ImportMappingForm, ImportUploadForm, duplicate_answers
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
    job = get_object_or_404(ImportJob.objects.select_related("owner"), pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    mapping_form = ImportMappingForm(job, request.POST if action == "check" else None)
    choices_form = ImportChoicesForm(job, request.POST if action == "check" else None)
    if action == "check" and mapping_form.is_valid() and choices_form.is_valid():
        imports.start_check(actor=request.user, job=job, mapping=mapping_form.mapping(), language=get_language(),
                            choices=choices_form.choices())
        return redirect(_detail_url(job))
    if action == "duplicates":
        answers, rest = duplicate_answers(request.POST)
        imports.decide_duplicates(actor=request.user, job=job, answers=answers, rest=rest, language=get_language())
        return redirect(_detail_url(job))
    if action == "commit":
        imports.start_commit(actor=request.user, job=job, language=get_language())
        return redirect(_detail_url(job))
    report = job.report or {}
    # What would be written is listed only when it can be: not while errors stop the whole file.
    writable = job.stage in (ImportStatus.CHECKED, ImportStatus.DONE)
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
    }
    return render(request, "members/import_detail.html", context)


@page_for("members.import_data")
def progress(request, pk):
    """The progress bar, polled by htmx while the job runs; once it is over, the page reloads to the report."""
    job = get_object_or_404(ImportJob, pk=pk)
    if request.htmx and not job.busy:
        return HttpResponseClientRefresh()
    return render(request, "members/import_progress.html", {"job": job, "statuses": ImportStatus})


def _detail_url(job: ImportJob) -> str:
    return reverse("members:import-detail", args=[job.pk])
