"""Importing organisations and people from the spreadsheets a cluster already keeps (CSV or XLSX).

The journey of a file, one `ImportJob`:

1. `create_import_job` keeps the upload and queues `read_import`; the request itself refuses only what its size
   or its name already says cannot be read (too large, unknown format, old Excel) and parses nothing. In the
   background, `read_import` reads the file within the limits of `files.py` and keeps its column names, its
   number of rows and a suggested mapping (column names folded and compared with French and English aliases),
   or refuses it with the reason and deletes it: nothing of a refused file is kept. A file with the same
   columns as an earlier import starts from that import's mapping and options instead of the guess.
2. Staff confirm the mapping; `start_check` queues `check_import`, a dry run that validates every row with a
   Django form and matches it with what the database holds, and reports per row what is wrong (row number,
   column, the value, message in the user's language), identical errors grouped, cells that look garbled,
   or what would be created, updated or left unchanged. On the report staff may choose a value to use
   instead of an unrecognised one, the repair of garbled text, or to skip the invalid rows
   (`choose_options`, kept in ImportOptions): the file is checked again with those choices.
3. `start_commit` queues `commit_import`, which does all of it again inside one transaction and writes
   everything or nothing (or, if staff chose so, the valid rows only).
4. `undo_import`, from the report of a completed import, deletes what it created and gives what it updated its
   values back, unless those rows changed since (undo.py).

Keys, so that importing the same file twice updates instead of duplicating: an organisation is its Grappe ID
(the directory export's first column), its NEQ (business number) or, without one, its legal name (compared
folded: case, accents and punctuation aside); a person is their email (case-insensitive), attached to an
organisation given by NEQ or by name. An empty cell leaves the current value alone: a spreadsheet that lacks a
website does not erase the one a member typed in Grappe; "NA", "n/d", "s.o." or a dash mean an empty cell
(cells.py). The accepted columns and values are listed in docs/import.md.

Staff's choices beyond the mapping (options.py) are kept on the job: the values of new organisations
(creations.py), whether an update replaces values or only fills empty fields, with names people know never
overwritten (updates.py), and the answers to the probable duplicates the dry run asks about (duplicates.py).
An import with an unanswered question cannot be committed.

This module is the service (the entry points above, which tasks.py and the pages call); beside it, the steps:
files.py (reading CSV/XLSX within limits), columns.py (column names to fields), rows.py (one row as a form),
plan.py (the dry run), write.py (the bulk writes of a commit), undo.py (undoing a commit from what
undo_record.py kept of it). The pages' forms are in members/forms/imports.py.
"""

import contextlib
import logging
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.core import audit, jobs
from grappe.core.permissions import require

from ...models import ImportJob, ImportKind, ImportStatus, ImportStep
from .cells import column_samples
from .columns import missing_columns, suggest_mapping
from .duplicates import DECISIONS, SAME
from .files import OLD_EXCEL_SIGNATURE, UnreadableFile, file_format, read_sheet
from .options import ImportOptions
from .plan import ERROR_LIST_MAX, plan_import
from .undo import undo_import, undo_preview, undoable
from .write import WRITERS

__all__ = [
    "CHECKABLE", "ImportOptions", "UnreadableFile", "check_import", "choose_options", "commit_import",
    "create_import_job", "decide_duplicates", "missing_columns", "read_import", "recent_import_jobs",
    "start_check", "start_commit", "undo_import", "undo_preview", "undoable",
]
logger = logging.getLogger(__name__)


CHECKABLE = (ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.INVALID, ImportStatus.FAILED)


def create_import_job(*, actor, kind: str, uploaded_file, language: str) -> ImportJob:
    """Keep an uploaded spreadsheet and queue its reading, in the language of who sent it. A file too large or
    in a format we cannot read is refused at once (UnreadableFile), without storing anything."""
    require(actor, "members.import_data")
    if kind not in ImportKind.values:
        raise ValueError(f"unknown import kind {kind!r}")
    limit = settings.GRAPPE_IMPORT_MAX_BYTES
    if uploaded_file.size > limit:
        raise UnreadableFile(_("The file is too large (%(size)s); the limit is %(limit)s.")
                             % {"size": filesizeformat(uploaded_file.size), "limit": filesizeformat(limit)})
    file_format(uploaded_file.name, uploaded_file.read(len(OLD_EXCEL_SIGNATURE)))
    uploaded_file.seek(0)
    job = ImportJob(kind=kind, original_name=uploaded_file.name[:255], step=ImportStep.READ, owner=actor)
    job.file.save(get_valid_filename(Path(uploaded_file.name).name) or "import", uploaded_file, save=False)
    with transaction.atomic():
        job.save()
        jobs.enqueue("grappe.members.tasks.read_import_task", job.pk, language)
    return job


def read_import(job: ImportJob) -> ImportJob:
    """Read a kept file in the background: its column names, its rows counted, a few values of each column, a
    suggested mapping. A file that cannot be read or crosses a limit of files.py is refused with the reason,
    and deleted.

    The suggested mapping is that of the last import of a file with the same columns, with its options, when
    there is one (staff map a monthly export once); else it is guessed from the column names."""
    if not jobs.start(job):
        return job
    with _failure_recorded(job):
        try:
            with job.file.open("rb") as stored:
                sheet = read_sheet(stored.read(), job.original_name)
        except UnreadableFile as refusal:
            job.file.delete()
            _mark_failed(job, str(refusal))
            return job
        earlier = _import_of_the_same_columns(job, sheet.headers)
        if earlier is None:
            remembered = {"mapping": suggest_mapping(job.kind, sheet.headers)}
        else:
            # Answers about duplicates are about that file's rows; skipping invalid rows and
            # repairing text are choices staff make on this file's own report.
            remembered = {"mapping": earlier.mapping, "mapping_from": earlier, "options": {
                **earlier.options, "duplicates": {}, "skip_invalid_rows": False, "repair_text": False}}
        jobs.finish(job, headers=sheet.headers, total=len(sheet.rows),
                    samples=column_samples(sheet.headers, sheet.rows), **remembered)
    job.refresh_from_db()
    return job


def _import_of_the_same_columns(job: ImportJob, headers: list[str]) -> ImportJob | None:
    """The latest earlier import of the same kind whose file had the same set of column names, and whose
    mapping staff confirmed (it was checked at least once)."""
    wanted = {header for header in headers if header}
    earlier = (ImportJob.objects.filter(kind=job.kind).exclude(pk=job.pk).exclude(step=ImportStep.READ)
               .exclude(mapping={}).order_by("-created_at").only("headers", "mapping", "options")[:50])
    return next((other for other in earlier if {h for h in other.headers if h} == wanted), None)


def start_check(*, actor, job: ImportJob, mapping: dict[str, str], language: str,
                choices: dict | None = None) -> bool:
    """Save the mapping (and `choices`, fields of ImportOptions, over those already made) and queue the dry run.
    Does nothing (returns False) if the job is busy or done, or if its file was refused (and so deleted) when it
    was read."""
    require(actor, "members.import_data")
    options = ImportOptions.of(job).as_json() | (choices or {})
    return _queue_step(job, CHECKABLE, ImportStep.CHECK, "grappe.members.tasks.check_import_task", language,
                       mapping=mapping, options=options, report={}, error_list=[])


def choose_options(*, actor, job: ImportJob, language: str, value_fixes: dict[str, dict[str, str]] | None = None,
                   **choices) -> bool:
    """Save what staff chose on the report (see ImportOptions: `repair_text`, `skip_invalid_rows`, and
    `value_fixes`, which add to those chosen before) and check the file again with them, so that the commit
    does what the new dry run shows."""
    require(actor, "members.import_data")
    options = ImportOptions.of(job)
    for name, value in choices.items():
        if not hasattr(options, name):
            raise ValueError(f"unknown import option {name!r}")
        setattr(options, name, value)
    for name, fixes in (value_fixes or {}).items():
        options.value_fixes[name] = {**options.value_fixes.get(name, {}), **fixes}
    return _queue_step(job, CHECKABLE, ImportStep.CHECK, "grappe.members.tasks.check_import_task", language,
                       options=options.as_json(), report={}, error_list=[])


def decide_duplicates(*, actor, job: ImportJob, answers: dict[str, str], rest: str = "", language: str) -> bool:
    """Keep staff's answers to probable duplicates ("same" or "different", by the key of the pair), `rest` being
    the answer to every pair of the last dry run left unanswered, and check the file again with them: an answer
    can bring new questions (a row said to be another row's is no longer compared with the directory)."""
    decided = {key: answer for key, answer in answers.items() if answer in DECISIONS}
    if rest in DECISIONS:
        asked = (job.report or {}).get("duplicates", [])
        decided = {pair["key"]: rest for pair in asked if not pair["decision"]} | decided
    decisions = ImportOptions.of(job).duplicates | decided
    return start_check(actor=actor, job=job, mapping=job.mapping, language=language,
                       choices={"duplicates": decisions})


def start_commit(*, actor, job: ImportJob, language: str) -> bool:
    """Queue the import of a checked job whose probable duplicates are all decided. A second click finds the job
    importing and does nothing."""
    require(actor, "members.import_data")
    if (job.report or {}).get("duplicates_undecided"):
        return False
    return _queue_step(job, (ImportStatus.CHECKED,), ImportStep.COMMIT, "grappe.members.tasks.commit_import_task",
                       actor.pk, language)


def _queue_step(job: ImportJob, stages, step: str, task: str, *args, **fields) -> bool:
    """Queue `step` if the job, with its file, stands at one of `stages`: checked with its row locked, so two
    clicks queue it once. A step whose worker died is failed first (jobs.recover_stale_jobs): the file can be
    checked again."""
    jobs.recover_stale_jobs(ImportJob.objects.filter(pk=job.pk))
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.stage not in stages or not locked.file:
            return False
        jobs.queue_again(locked, task, *args, step=step, **fields)
    return True


@contextlib.contextmanager
def _failure_recorded(job: ImportJob):
    """A job that crashes says so (and that nothing was imported) instead of looking busy forever. One that
    recovery failed meanwhile (jobs.JobLost) already says so."""
    try:
        yield
    except jobs.JobLost:
        logger.warning("import %s was failed as stale while it worked", job.pk)
    except Exception:
        logger.exception("import %s failed", job.pk)
        _mark_failed(job, _("An unexpected error stopped the work. Nothing was imported."))
        raise


def _mark_failed(job: ImportJob, message: str) -> None:
    report = {"phase": "failed", "errors": [{"row": None, "column": "", "message": message}], "errors_total": 1}
    jobs.fail(job, message, report=report)


def check_import(job: ImportJob) -> ImportJob:
    """The dry run (the task's work): validate and match every row, write nothing but the job's progress and
    report.

    It runs outside any transaction, so each progress beat (every PROGRESS_EVERY rows) is visible at once
    to the page that polls it.
    """
    if not jobs.start(job):
        return job
    with _failure_recorded(job):
        plan = plan_import(job, lambda count: jobs.beat(job, count))
        jobs.finish(job, report=plan.report("check"), error_list=plan.all_errors()[:ERROR_LIST_MAX])
    job.refresh_from_db()
    return job


def commit_import(job: ImportJob, *, actor=None) -> ImportJob:
    """Import a queued commit (the task's work): everything in one transaction, or nothing if any row fails
    (unless staff chose to skip the invalid rows: then the valid ones, and the report counts the skipped).

    The job is claimed first (jobs.start), so two workers given the same job import it once. Its row is then
    locked (select_for_update) for the whole transaction: progress cannot be written meanwhile (the page
    shows an indeterminate "writing…" bar), and recovery, which cannot see a sign of life, waits for the lock
    instead of failing a commit that is still writing.
    The rows are validated again here: the database may have changed since the check.
    """
    if not jobs.start(job):
        return job
    actor = actor or job.owner
    with _failure_recorded(job):
        try:
            with transaction.atomic():
                job = ImportJob.objects.select_for_update().get(pk=job.pk)
                plan = plan_import(job)
                if plan.undecided:
                    plan.error(None, "", ngettext(
                        "%(count)s probable duplicate is not decided yet: nothing was imported. Decide it, then "
                        "import.",
                        "%(count)s probable duplicates are not decided yet: nothing was imported. Decide them, "
                        "then import.", plan.undecided) % {"count": plan.undecided})
                report = plan.report("commit")
                if plan.writable:
                    report["undo"] = WRITERS[job.kind](plan)
                    # What staff chose is part of what happened: which rows they said were which organisation.
                    options = ImportOptions.of(job)
                    audit.record(actor, "import.committed", job, after={
                        "kind": job.kind, "file": job.original_name, **report["counts"],
                        "update_mode": options.update_mode, "skip_invalid_rows": options.skip_invalid_rows,
                        "same_organisation": sorted(key for key, answer in options.duplicates.items()
                                                    if answer == SAME)})
                jobs.finish(job, report=report, error_list=plan.all_errors()[:ERROR_LIST_MAX])
        except IntegrityError as error:
            logger.warning("import %s conflicted: %s", job.pk, error)
            _mark_failed(job, _("The data changed while importing (someone else was editing it). Nothing was "
                                "imported; check the file again."))
    job.refresh_from_db()
    return job


def recent_import_jobs(limit: int = 20):
    return ImportJob.objects.select_related("owner").defer("error_list", "samples")[:limit]
