"""/healthz and /readyz as a load balancer or a monitor reads them (grappe.operations.health)."""

import datetime

import pytest
from django.db import OperationalError
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from grappe.core import workers
from grappe.core.models import JobStatus
from grappe.members.models import ImportJob
from grappe.operations import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_task_backend(settings, monkeypatch):
    """Tasks queued for a worker, as in production; the migrations' answer not kept from another test."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(health, "_migrations_applied_at", None)


@pytest.fixture
def worker_alive(db):
    workers.beat("grappe-worker-1", starting=True)


def ready(client):
    response = client.get("/readyz")
    return response.status_code, response.json()


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "no-cache" in response["Cache-Control"]


def test_ready_when_the_database_answers_migrations_are_applied_a_worker_lives_and_nothing_is_stuck(client,
                                                                                                     worker_alive):
    status, body = ready(client)
    assert status == 200
    assert body == {"status": "ok", "checks": {"database": {"ok": True}, "migrations": {"ok": True},
                                               "worker": {"ok": True}, "jobs": {"ok": True}}}


def test_not_ready_without_a_live_worker(client):
    workers.beat("grappe-worker-1", starting=True)
    workers.stopped("grappe-worker-1")
    status, body = ready(client)
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["worker"]["ok"] is False
    assert "db_worker" in body["checks"]["worker"]["detail"]
    assert body["checks"]["database"] == {"ok": True}


def test_a_worker_lost_for_longer_than_the_setting_is_not_alive(client, settings):
    workers.beat("grappe-worker-1", starting=True)
    from grappe.core.models import Worker
    Worker.objects.update(seen_at=timezone.now() - datetime.timedelta(seconds=settings.GRAPPE_WORKER_LOST_SECONDS + 5))
    assert ready(client)[0] == 503


def test_no_worker_needed_when_tasks_run_in_the_request(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    status, body = ready(client)
    assert status == 200
    assert body["checks"]["worker"]["ok"] is True


def test_a_job_silent_for_too_long_is_stuck_and_named_by_kind_without_personal_data(client, worker_alive, staff):
    job = ImportJob.objects.create(kind="organisations", original_name="membres-lea.roy.csv", owner=staff,
                                   status=JobStatus.RUNNING)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=16))
    response = client.get("/readyz")
    assert response.status_code == 503
    detail = response.json()["checks"]["jobs"]["detail"]
    assert "1 members.importjob" in detail
    assert staff.email not in response.content.decode() and "lea" not in response.content.decode()


def test_a_job_that_beats_is_not_stuck(client, worker_alive, staff):
    ImportJob.objects.create(kind="organisations", original_name="x.csv", owner=staff, status=JobStatus.RUNNING,
                             heartbeat_at=timezone.now() - datetime.timedelta(minutes=2))
    assert ready(client)[0] == 200


def test_a_task_waiting_in_the_queue_for_too_long_is_stuck(client, worker_alive):
    DBTaskResult.objects.create(task_path="grappe.core.tasks.send_mail_task", args_kwargs={"args": [], "kwargs": {}},
                                backend_name="default", status=TaskResultStatus.READY)
    assert ready(client)[0] == 200  # just queued
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=16))
    status, body = ready(client)
    assert status == 503
    assert "1 task(s) waiting in the queue" in body["checks"]["jobs"]["detail"]


def test_migrations_not_applied_fail_the_check_and_a_yes_is_kept_a_minute(client, worker_alive, monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    status, body = ready(client)
    assert status == 503
    assert body["checks"]["migrations"] == {"ok": False, "detail": "1 migration(s) not applied: run manage.py migrate"}
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [])
    assert ready(client)[0] == 200

    def not_read_again(self, targets):
        raise AssertionError("the migrations were read again within the minute")
    monkeypatch.setattr(MigrationExecutor, "migration_plan", not_read_again)
    assert ready(client)[0] == 200
    monkeypatch.setattr(health, "_migrations_applied_at", health._migrations_applied_at - 61)
    assert ready(client)[0] == 503  # read again after a minute: the error is the check's answer


def test_a_database_down_fails_every_check_that_needs_it_and_says_only_the_kind_of_error(client, monkeypatch):
    def database():
        raise OperationalError('connection to server at "db.internal" (10.0.0.5) failed: password for "grappe"')
    monkeypatch.setattr(health, "CHECKS", (database, health.migrations, health.worker, health.jobs))
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == {"ok": False, "detail": "error: OperationalError"}
    assert {name: check["ok"] for name, check in checks.items()} == dict.fromkeys(checks, False)
    assert "not checked" in checks["jobs"]["detail"]
    assert "db.internal" not in response.content.decode()


def test_probes_answer_on_plain_http_in_production_where_pages_go_to_https(client, settings, worker_alive):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/fr/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_probes_need_no_sign_in_and_refuse_writes(client, worker_alive):
    assert client.get("/readyz").status_code == 200
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
