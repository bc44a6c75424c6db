"""A worker killed in the middle of a task: the next worker queues the task again and its job runs once.

The members' import stands for every job (grappe.core.jobs.job_task): its first step, reading the uploaded file,
is left "running" by a worker that died, as django-tasks-db leaves it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from grappe.conftest import committed
from grappe.core import workers
from grappe.core.models import JobStatus, Worker
from grappe.members.models import ImportJob, ImportStatus
from grappe.members.services import imports

pytestmark = pytest.mark.django_db(transaction=True)  # the worker closes its database connection when it is done

CSV = ("Raison sociale;Nom commercial;NEQ;Type;Taille;Ville;Région;Site web;Courriel;Membre depuis\n"
       "Usinage Nord;;1234567890;Fournisseur;PME;Mirabel;Laurentides;;info@nord.test;2020-01-01\n")


@pytest.fixture(autouse=True)
def production_task_backend(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def upload_claimed_by(staff, worker_id: str) -> ImportJob:
    """An import whose reading a worker `worker_id` claimed and started (then, say, was killed)."""
    with committed():
        job = imports.create_import_job(actor=staff, kind="organisations", language="en",
                                        uploaded_file=SimpleUploadedFile("membres.csv", CSV.encode()))
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, worker_ids=[worker_id], started_at=long_ago)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago)
    return job


def seen(worker_id: str, seconds_ago: int) -> None:
    at = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    Worker.objects.create(worker_id=worker_id, hostname="h", pid=1, started_at=at, seen_at=at)


def run_worker(worker_id: str = "fresh") -> None:
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0, worker_id=worker_id)


def test_a_task_of_a_dead_worker_is_queued_again_and_its_job_runs_to_its_end_once(staff):
    seen("killed", seconds_ago=600)
    job = upload_claimed_by(staff, "killed")

    run_worker()

    job.refresh_from_db()
    assert job.stage == ImportStatus.UPLOADED and job.total == 1  # read once, by the new worker
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.worker_ids == ["killed", "fresh"]


def test_a_worker_restarted_under_its_own_id_takes_back_its_interrupted_task_at_once(staff):
    seen("grappe-worker-1", seconds_ago=1)  # its earlier life beat a second ago, then was killed
    job = upload_claimed_by(staff, "grappe-worker-1")

    run_worker("grappe-worker-1")

    job.refresh_from_db()
    assert job.stage == ImportStatus.UPLOADED
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_the_task_of_a_living_worker_is_left_to_it(staff):
    seen("busy", seconds_ago=5)
    job = upload_claimed_by(staff, "busy")

    assert workers.requeue_orphaned_tasks("other", started_at=timezone.now()) == 0

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING


def test_a_worker_records_its_life_and_its_stop():
    workers.beat("grappe-worker-2", starting=True)
    assert workers.alive().filter(worker_id="grappe-worker-2").exists()

    run_worker("grappe-worker-2")  # batch mode: it stops once the queue is empty

    worker = Worker.objects.get(worker_id="grappe-worker-2")
    assert worker.stopped_at is not None and worker.seen_at >= worker.started_at
    assert not workers.alive().filter(worker_id="grappe-worker-2").exists()


def test_a_task_this_version_no_longer_has_is_queued_again_without_stopping_the_worker(staff):
    """An upgrade renamed a task a killed worker was running: the new worker starts all the same."""
    seen("killed", seconds_ago=600)
    upload_claimed_by(staff, "killed")
    DBTaskResult.objects.update(task_path="grappe.members.tasks.renamed_since")

    assert workers.requeue_orphaned_tasks("fresh", started_at=timezone.now()) == 1

    assert DBTaskResult.objects.get().status == TaskResultStatus.READY


def test_a_worker_that_starts_and_claims_a_task_during_the_recovery_is_not_taken_for_dead(staff, monkeypatch):
    """The recovery reads the running tasks, then the living workers: a worker that beats then claims a task in
    between is seen alive (read the other way round, its task would be queued again and run twice)."""
    seen("killed", seconds_ago=600)
    job = upload_claimed_by(staff, "killed")
    DBTaskResult.objects.update(status=TaskResultStatus.READY, worker_ids=[], started_at=None)
    real_alive = workers.alive

    def alive_then_a_new_worker_claims(*args, **kwargs):
        living = list(real_alive(*args, **kwargs).values_list("pk", flat=True))
        if not Worker.objects.filter(worker_id="newcomer").exists():
            seen("newcomer", seconds_ago=0)
            DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, worker_ids=["newcomer"],
                                        started_at=timezone.now())
        return Worker.objects.filter(pk__in=living)

    monkeypatch.setattr(workers, "alive", alive_then_a_new_worker_claims)

    workers.requeue_orphaned_tasks("other", started_at=timezone.now())

    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
