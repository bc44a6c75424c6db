"""Importing organisations and people from the spreadsheets a cluster already keeps (CSV or XLSX).

The journey of a file, one `ImportJob`:

1. `create_import_job` keeps the upload and queues `read_import`; the request itself refuses only what its size
   or its name already says cannot be read (too large, unknown format, old Excel) and parses nothing. In the
   background, `read_import` reads the file within the limits of `files.py` and keeps its column names, its
   number of rows and a suggested mapping (column names folded and compared with French and English aliases),
   or refuses it with the reason and deletes it: nothing of a refused file is kept.
2. Staff confirm the mapping; `start_check` queues `check_import`, a dry run that validates every row with a
   Django form and matches it with what the database holds, and reports per row what is wrong (row number,
   column, message in the user's language) or what would be created, updated or left unchanged.
3. `start_commit` queues `commit_import`, which does all of it again inside one transaction and writes
   everything or nothing.

Keys, so that importing the same file twice updates instead of duplicating: an organisation is its NEQ
(business number) or, without one, its legal name (compared folded: case, accents and punctuation aside);
a person is their email (case-insensitive), attached to an organisation given by NEQ or by name.
An empty cell leaves the current value alone: a spreadsheet that lacks a website does not erase the one a
member typed in Grappe. The accepted columns and values are listed in docs/import.md.
"""

import contextlib
import logging
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from grappe.core import audit
from grappe.core.permissions import require

from ..models import ImportJob, ImportKind, ImportStatus
from .columns import missing_columns, suggest_mapping
from .files import OLD_EXCEL_SIGNATURE, UnreadableFile, file_format, read_sheet
from .forms import ImportMappingForm, ImportUploadForm
from .plan import plan_import
from .write import WRITERS

__all__ = [
    "ImportMappingForm", "ImportUploadForm", "UnreadableFile", "check_import", "commit_import", "create_import_job",
    "missing_columns", "read_import", "recent_import_jobs", "start_check", "start_commit",
]
logger = logging.getLogger(__name__)


CHECKABLE = (ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.INVALID, ImportStatus.FAILED)
COMMITTABLE = (ImportStatus.CHECKED, ImportStatus.IMPORTING)


def create_import_job(*, actor, kind: str, uploaded_file, language: str) -> ImportJob:
    """Keep an uploaded spreadsheet and queue its reading, in the language of who sent it. A file too large or
    in a format we cannot read is refused at once (UnreadableFile), without storing anything."""
    from ..tasks import read_import_task

    require(actor, "members.import_data")
    if kind not in ImportKind.values:
        raise ValueError(f"unknown import kind {kind!r}")
    limit = settings.GRAPPE_IMPORT_MAX_BYTES
    if uploaded_file.size > limit:
        raise UnreadableFile(_("The file is too large (%(size)s); the limit is %(limit)s.")
                             % {"size": filesizeformat(uploaded_file.size), "limit": filesizeformat(limit)})
    file_format(uploaded_file.name, uploaded_file.read(len(OLD_EXCEL_SIGNATURE)))
    uploaded_file.seek(0)
    job = ImportJob(kind=kind, original_name=uploaded_file.name[:255], status=ImportStatus.READING,
                    created_by=actor)
    job.file.save(get_valid_filename(Path(uploaded_file.name).name) or "import", uploaded_file, save=False)
    with transaction.atomic():
        job.save()
        read_import_task.enqueue(job.pk, language)
    return job


def read_import(job: ImportJob) -> ImportJob:
    """Read a kept file in the background: its column names, its rows counted, a suggested mapping. A file that
    cannot be read or crosses a limit of files.py is refused with the reason, and deleted."""
    if job.status != ImportStatus.READING:
        return job
    with _failure_recorded(job):
        try:
            with job.file.open("rb") as stored:
                sheet = read_sheet(stored.read(), job.original_name)
        except UnreadableFile as refusal:
            job.file.delete()
            _mark_failed(job, str(refusal))
            return job
        job.headers, job.total_rows = sheet.headers, len(sheet.rows)
        job.mapping = suggest_mapping(job.kind, sheet.headers)
        job.status = ImportStatus.UPLOADED
        job.save(update_fields=["headers", "total_rows", "mapping", "status"])
    return job


def start_check(*, actor, job: ImportJob, mapping: dict[str, str], language: str) -> bool:
    """Save the mapping and queue the dry run. Does nothing (returns False) if the job is busy or done, or if
    its file was refused (and so deleted) when it was read.

    The task is queued inside the transaction: with the database backend its row commits together with
    the job's new status, so a worker never sees one without the other.
    """
    from ..tasks import check_import_task  # tasks.py wraps these services

    require(actor, "members.import_data")
    with transaction.atomic():
        moved = ImportJob.objects.filter(pk=job.pk, status__in=CHECKABLE).exclude(file="").update(
            mapping=mapping, status=ImportStatus.CHECKING, processed_rows=0, report={}, finished_at=None)
        if moved:
            check_import_task.enqueue(job.pk, language)
    return bool(moved)


def start_commit(*, actor, job: ImportJob, language: str) -> bool:
    """Queue the import of a checked job. A second click finds the job importing and does nothing."""
    from ..tasks import commit_import_task

    require(actor, "members.import_data")
    with transaction.atomic():
        moved = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
            status=ImportStatus.IMPORTING, processed_rows=0)
        if moved:
            commit_import_task.enqueue(job.pk, actor.pk, language)
    return bool(moved)


@contextlib.contextmanager
def _failure_recorded(job: ImportJob):
    """A job that crashes says so (and that nothing was imported) instead of looking busy forever."""
    try:
        yield
    except Exception:
        logger.exception("import %s failed", job.pk)
        _mark_failed(job, _("An unexpected error stopped the work. Nothing was imported."))
        raise


def _mark_failed(job: ImportJob, message: str) -> None:
    report = {"phase": "failed", "errors": [{"row": None, "column": "", "message": message}], "errors_total": 1}
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, report=report, finished_at=timezone.now())
    job.refresh_from_db()


def check_import(job: ImportJob) -> ImportJob:
    """The dry run: validate and match every row, write nothing but the job's progress and report.

    It runs outside any transaction, so each progress update (every PROGRESS_EVERY rows) is visible at once
    to the page that polls it.
    """
    if job.status not in (*CHECKABLE, ImportStatus.CHECKING):
        return job
    with _failure_recorded(job):
        def on_progress(count: int) -> None:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=count)

        plan = plan_import(job, on_progress)
        job.status = ImportStatus.INVALID if plan.errors else ImportStatus.CHECKED
        job.report = plan.report("check")
        job.processed_rows = job.total_rows
        job.save(update_fields=["status", "report", "processed_rows"])
    return job


def commit_import(job: ImportJob, *, actor=None) -> ImportJob:
    """Import a checked job: everything in one transaction, or nothing if any row fails.

    The job's row is locked (select_for_update) for the whole transaction and its status checked under the
    lock, so two workers given the same job import it once: the second waits, then finds it done.
    Because that lock is held until the end, progress cannot be written to the job while importing; the
    page shows an indeterminate "writing…" bar instead (the check, before, shows progress row by row).
    The rows are validated again here: the database may have changed since the check.
    """
    actor = actor or job.created_by
    with _failure_recorded(job):
        try:
            with transaction.atomic():
                job = ImportJob.objects.select_for_update().get(pk=job.pk)
                if job.status not in COMMITTABLE:
                    return job
                plan = plan_import(job)
                report = plan.report("commit")
                if not plan.errors:
                    WRITERS[job.kind](plan)
                    audit.record(actor, "import.committed", job,
                                 after={"kind": job.kind, "file": job.original_name, **report["counts"]})
                job.status = ImportStatus.INVALID if plan.errors else ImportStatus.DONE
                job.report = report
                job.processed_rows = job.total_rows
                job.finished_at = timezone.now()
                job.save(update_fields=["status", "report", "processed_rows", "finished_at"])
        except IntegrityError as error:
            logger.warning("import %s conflicted: %s", job.pk, error)
            _mark_failed(job, _("The data changed while importing (someone else was editing it). Nothing was "
                                "imported; check the file again."))
    return job


def recent_import_jobs(limit: int = 20):
    return ImportJob.objects.select_related("created_by")[:limit]
