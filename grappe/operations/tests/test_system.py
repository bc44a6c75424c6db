"""The staff's system page: what it shows, and the retry and discard of a failed task (services/tasks.py)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from grappe.core import workers
from grappe.core.models import AuditEntry, JobStatus, MailStatus, OutgoingMail, Worker
from grappe.members.models import ImportJob
from grappe.operations import selectors
from grappe.operations.models import Backup
from grappe.operations.services import tasks

from .factories import FAILING, WORKING, done_result, failed_result

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_task_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def page(client) -> str:
    response = client.get(reverse("operations:system"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_says_when_nothing_ran_and_no_backup_was_made(staff_client):
    html = page(staff_client)
    assert "Jamais : aucune sauvegarde" in html
    assert "Aucun processus de fond" in html
    assert 'data-testid="failed-task"' not in html


def test_the_queue_in_figures(staff_client):
    failed_result()
    failed_result(ago=datetime.timedelta(days=3))
    done_result()
    done_result(ago=datetime.timedelta(days=2))
    waiting = DBTaskResult.objects.create(task_path=WORKING, args_kwargs={"args": [1], "kwargs": {}},
                                          backend_name="default")
    DBTaskResult.objects.create(task_path=WORKING, args_kwargs={"args": [1], "kwargs": {}}, backend_name="default",
                                run_after=timezone.now() + datetime.timedelta(hours=1))  # not due yet
    queue = selectors.queue_summary()
    assert (queue.waiting, queue.running, queue.failed, queue.done_24h, queue.failed_24h) == (1, 0, 2, 1, 1)
    assert queue.oldest_waiting == DBTaskResult.objects.get(pk=waiting.pk).enqueued_at


def test_failed_tasks_show_their_error_and_the_buttons(staff_client):
    result = failed_result(FAILING)
    html = page(staff_client)
    assert FAILING in html
    assert "the partner&#x27;s server answered 502 (nightly)" in html
    assert reverse("operations:task-retry", args=[result.pk]) in html
    assert reverse("operations:task-discard", args=[result.pk]) in html


def test_workers_alive_lost_or_stopped(staff_client, settings):
    workers.beat("grappe-worker-1", starting=True)
    workers.beat("grappe-worker-2", starting=True)
    workers.stopped("grappe-worker-2")
    workers.beat("grappe-worker-3", starting=True)
    Worker.objects.filter(worker_id="grappe-worker-3").update(
        seen_at=timezone.now() - datetime.timedelta(seconds=settings.GRAPPE_WORKER_LOST_SECONDS + 1))
    rows = {row.worker.worker_id: row.alive for row in selectors.worker_rows()}
    assert rows == {"grappe-worker-1": True, "grappe-worker-2": False, "grappe-worker-3": False}
    html = page(staff_client)
    assert html.count('data-testid="worker-row"') == 3
    assert "En vie" in html and "Arrêté" in html and "Perdu" in html


def test_failed_jobs_of_every_app_in_the_last_week(staff_client, staff):
    now = timezone.now()
    ImportJob.objects.create(kind="organisations", original_name="a.csv", owner=staff, status=JobStatus.FAILED,
                             error="Colonne « NEQ » absente", finished_at=now - datetime.timedelta(days=1))
    ImportJob.objects.create(kind="organisations", original_name="b.csv", owner=staff, status=JobStatus.FAILED,
                             error="old", finished_at=now - datetime.timedelta(days=8))
    jobs = selectors.failed_jobs()
    assert [(job.error, job.kind) for job in jobs] == [("Colonne « NEQ » absente", str(ImportJob._meta.verbose_name))]
    assert "Colonne « NEQ » absente" in page(staff_client)


def test_the_last_backup_its_size_or_its_failure(staff_client):
    now = timezone.now()
    Backup.objects.create(started_at=now - datetime.timedelta(days=1), finished_at=now, path="/b/g.tar",
                          size_bytes=5 * 1024 * 1024, succeeded=True)
    html = page(staff_client)
    assert "5,0" in html and "Mo" in html
    Backup.objects.create(started_at=now, error="pg_dump: error: connection refused", succeeded=False)
    html = page(staff_client)
    assert "pg_dump: error: connection refused" in html
    assert "Dernière sauvegarde réussie" in html


def test_mail_given_up_counted(staff_client):
    OutgoingMail.objects.create(to="x@y.test", subject="s", status=MailStatus.FAILED)
    assert selectors.mail_given_up() == 1


def test_tasks_per_hour_over_a_day_and_their_chart(staff_client):
    done_result(ago=datetime.timedelta(minutes=1))
    done_result(ago=datetime.timedelta(hours=3))
    failed_result(ago=datetime.timedelta(hours=3))
    done_result(ago=datetime.timedelta(hours=30))
    hours, done, failed = selectors.tasks_per_hour()
    assert len(hours) == 24 and sum(done) == 2 and sum(failed) == 1
    assert done[-1] == 1 and failed[-4] == 1
    assert 'class="grappe-chart"' in page(staff_client)


def test_retry_queues_the_same_task_again_and_forgets_the_failed_run(staff):
    result = failed_result(WORKING, args=(42,), kwargs={"reason": "again"})
    new_id = tasks.retry_task(staff, result.pk)
    assert not DBTaskResult.objects.filter(pk=result.pk).exists()
    queued = DBTaskResult.objects.get(pk=new_id)
    assert (queued.status, queued.task_path, queued.args_kwargs) == (
        TaskResultStatus.READY, WORKING, {"args": [42], "kwargs": {"reason": "again"}})
    entry = AuditEntry.objects.get(action="task.retried")
    assert (entry.actor, entry.target_label, entry.before, entry.after) == (
        staff, WORKING, {"task": str(result.pk)}, {"task": new_id})


def test_retry_puts_back_the_job_a_dead_task_left_running(staff):
    job = ImportJob.objects.create(kind="organisations", original_name="a.csv", owner=staff,
                                   status=JobStatus.RUNNING)
    result = failed_result("grappe.members.tasks.read_import_task", args=(job.pk, "fr"), kwargs={})
    tasks.retry_task(staff, result.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_discard_forgets_the_failed_task(staff):
    result = failed_result()
    tasks.discard_task(staff, result.pk)
    assert not DBTaskResult.objects.exists()
    entry = AuditEntry.objects.get(action="task.discarded")
    assert entry.before == {"task": str(result.pk), "error": "grappe.operations.tests.tasks.Broken"}


def test_a_task_dealt_with_already_or_not_failed_is_refused(staff):
    result = failed_result()
    tasks.discard_task(staff, result.pk)
    for act in (tasks.retry_task, tasks.discard_task):
        with pytest.raises(ValidationError):
            act(staff, result.pk)
    done = done_result()
    with pytest.raises(ValidationError):
        tasks.retry_task(staff, done.pk)
    assert DBTaskResult.objects.filter(pk=done.pk).exists()
    assert AuditEntry.objects.filter(action="task.retried").count() == 0


def test_a_task_that_no_longer_exists_cannot_be_retried_only_discarded(staff):
    result = failed_result("grappe.operations.tests.tasks.gone_task")
    with pytest.raises(ValidationError, match="abandonnez-la"):
        tasks.retry_task(staff, result.pk)
    assert DBTaskResult.objects.filter(pk=result.pk).exists()
    tasks.discard_task(staff, result.pk)


def test_only_staff_may_act_on_tasks(org_admin):
    result = failed_result()
    for act in (tasks.retry_task, tasks.discard_task):
        with pytest.raises(PermissionDenied):
            act(org_admin, result.pk)
    assert DBTaskResult.objects.filter(pk=result.pk).exists()


def test_the_buttons_work_from_the_page(staff_client):
    retried, discarded = failed_result(), failed_result()
    response = staff_client.post(reverse("operations:task-retry", args=[retried.pk]), follow=True)
    assert "La tâche est remise dans la file." in response.content.decode()
    response = staff_client.post(reverse("operations:task-discard", args=[discarded.pk]), follow=True)
    assert "La tâche est abandonnée." in response.content.decode()
    response = staff_client.post(reverse("operations:task-discard", args=[discarded.pk]), follow=True)
    assert "quelqu’un d’autre s’en est occupé" in response.content.decode()


def test_the_staff_find_the_page_in_their_menu(staff_client, client):
    assert reverse("operations:system") in staff_client.get(reverse("home:home")).content.decode()
