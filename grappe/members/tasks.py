"""Members' background work, run by django-tasks (a worker in production, at once in tests and the demo).

Tasks take ids and plain values (they are stored as JSON until a worker runs them) and call a service.
"""

from django.utils import translation
from django_tasks import task

from grappe.core.jobs import job_task

from .models import ImportJob, User
from .services import certifications, imports, taxonomy


@job_task(ImportJob)
def read_import_task(job_id: int, language: str) -> str:
    """The reading of an uploaded file; a refusal says why in the language of the person who sent it."""
    with translation.override(language):
        return imports.read_import(ImportJob.objects.get(pk=job_id)).status


@job_task(ImportJob)
def check_import_task(job_id: int, language: str) -> str:
    """The dry run of an import; its messages are in the language of the person who asked for it."""
    with translation.override(language):
        return imports.check_import(ImportJob.objects.get(pk=job_id)).status


@job_task(ImportJob)
def commit_import_task(job_id: int, actor_id: int | None, language: str) -> str:
    """The all-or-nothing import of a checked job, recorded in the audit trail as done by `actor_id`."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    with translation.override(language):
        return imports.commit_import(ImportJob.objects.get(pk=job_id), actor=actor).status


@task()
def send_certification_reminders_task() -> int:
    """Mail the reminders of certifications about to expire. Enqueue it daily (e.g. from cron)."""
    return certifications.send_certification_reminders()


@task()
def encode_capability_names_task(capability_id: int) -> int:
    """Store the sentence vectors of a capability's names that have none (after it was saved)."""
    return taxonomy.encode_capability_names(capability_id)
