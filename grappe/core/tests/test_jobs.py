"""The one background-job model: tasks queued only once their request commits, a job claimed once, and jobs
whose worker died failed so that they block nothing."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from grappe.conftest import committed
from grappe.core import jobs
from grappe.core.models import JobStatus
from grappe.listening.models import ThemeRun

pytestmark = pytest.mark.django_db

TASK = "grappe.core.tests.test_jobs.remember_task"
ran: list[str] = []


@task()
def remember_task(value: str) -> None:
    """What the test's task did: the immediate backend runs it in this process."""
    ran.append(value)


@pytest.fixture(autouse=True)
def immediate_tasks_in_english(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ran.clear()
    with translation.override("en"):
        yield


def test_a_task_queued_by_a_request_that_rolls_back_never_runs():
    with committed():
        with pytest.raises(RuntimeError), transaction.atomic():
            jobs.enqueue(TASK, "rolled back")
            raise RuntimeError("the request failed after queueing")
        jobs.enqueue(TASK, "committed")

    assert ran == ["committed"]


def test_a_task_runs_only_once_its_transaction_commits():
    with committed():
        with transaction.atomic():
            jobs.enqueue(TASK, "later")
            assert ran == []

    assert ran == ["later"]


def test_a_misspelt_task_fails_in_the_request_not_in_the_worker():
    with pytest.raises(ImportError):
        jobs.enqueue("grappe.core.tests.test_jobs.no_such_task")


def _job(status: str, *, silent_for: datetime.timedelta, **fields) -> ThemeRun:
    job = ThemeRun.objects.create(status=status, **fields)
    then = timezone.now() - silent_for
    ThemeRun.objects.filter(pk=job.pk).update(
        created_at=then, heartbeat_at=then if status == JobStatus.RUNNING else None)
    return job


def test_a_running_job_silent_for_too_long_is_failed_with_the_reason(settings):
    settings.GRAPPE_JOB_STALE_MINUTES = 15
    dead = _job(JobStatus.RUNNING, silent_for=datetime.timedelta(minutes=16))

    assert jobs.recover_stale_jobs() == 1

    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED and dead.finished_at is not None
    assert "15 minutes" in dead.error


def test_a_queued_job_no_worker_took_is_failed(settings):
    settings.GRAPPE_JOB_STALE_MINUTES = 15
    lost = _job(JobStatus.QUEUED, silent_for=datetime.timedelta(hours=2))

    jobs.recover_stale_jobs(ThemeRun.objects.all())

    lost.refresh_from_db()
    assert lost.status == JobStatus.FAILED and "No worker took this job" in lost.error


def test_a_job_that_beats_or_is_over_is_left_alone(settings):
    settings.GRAPPE_JOB_STALE_MINUTES = 15
    alive = _job(JobStatus.RUNNING, silent_for=datetime.timedelta(minutes=14))
    over = _job(JobStatus.DONE, silent_for=datetime.timedelta(days=3))

    assert jobs.recover_stale_jobs() == 0

    assert ThemeRun.objects.get(pk=alive.pk).status == JobStatus.RUNNING
    assert ThemeRun.objects.get(pk=over.pk).status == JobStatus.DONE


def test_a_job_is_claimed_once_and_a_worker_that_lost_it_stops():
    job = ThemeRun.objects.create(total=10)

    assert jobs.start(job) is True
    assert jobs.start(ThemeRun.objects.get(pk=job.pk)) is False  # a second run of the same task does nothing
    jobs.beat(job, 4)
    assert ThemeRun.objects.get(pk=job.pk).processed == 4

    ThemeRun.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)  # recovery failed it meanwhile
    with pytest.raises(jobs.JobLost):
        jobs.beat(job, 5)
    with pytest.raises(jobs.JobLost):
        jobs.finish(job, report={"themes": 3})
    assert ThemeRun.objects.get(pk=job.pk).report == {}
