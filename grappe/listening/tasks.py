"""Listening's background work, run by django-tasks (a worker in production, at once in tests and the demo).

Each task takes ids and calls services (the work itself); services queue them by name (grappe.core.jobs).
"""

from django_tasks import task

from grappe.core.jobs import job_task

from .models import ThemeRun
from .selectors import dashboards
from .services import invitations, themes


@task()
def send_survey_reminders_task() -> int:
    """Remind the organisations that have not answered a survey closing within three days. Enqueue it daily."""
    return invitations.send_due_reminders()


@task()
def mail_survey_task(survey_id: int, organisation_ids: list[int], kind: str) -> None:
    """Mail a survey's invitation or reminder ("invitation" or "reminder") to the organisations' people."""
    invitations.mail_survey(survey_id, organisation_ids, kind)


@job_task(ThemeRun)
def run_themes_task(run_id: int) -> None:
    """Find the themes over every need and free-text answer (ThemeRun `run_id` shows the progress)."""
    themes.execute_run(run_id)
    dashboards.warm()


@task()
def assign_new_texts_task() -> int:
    """Encode the needs and answers that arrived since the last run (their vectors are stored: runs never
    encode them again), place them in their nearest theme, then compute the dashboards' figures again so that
    their next reader finds them ready."""
    themes.encode_new_texts()
    placed = themes.assign_new_texts()
    dashboards.warm()
    return placed
