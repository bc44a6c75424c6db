"""The print run as a background job: every agenda and table sign as one PDF, made by a task (at once in
tests), kept in the database for download; one job at a time per event; only the latest one kept."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from grappe.conftest import committed
from grappe.core import notify
from grappe.core.models import AuditEntry, JobStatus, Notification
from grappe.events.documents import printing
from grappe.events.models import MeetingStatus, Phase, PrintJob, RequestStatus
from grappe.events.services import print_jobs

from .factories import make_request, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(event, alpha, bravo):
    event.phase = Phase.PUBLISHED
    event.save()
    place(make_request(alpha, bravo, RequestStatus.ACCEPTED), 0, 2, MeetingStatus.PUBLISHED)
    return event


def test_the_job_makes_every_agenda_then_a_sign_per_table(published, staff, alpha, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = print_jobs.start_print(actor=staff, event=published)

    job = PrintJob.objects.get(pk=job.pk)
    assert job.status == JobStatus.DONE and job.progress_percent == 100
    assert (job.agendas, job.pages) == (2, 2 + 3)  # two one-page agendas, three table signs
    assert bytes(job.pdf).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="event.print_started").count() == 1
    [ready] = Notification.objects.filter(user=staff)
    with translation.override("en"):
        assert notify.readable(ready).text == f"The agendas and table signs of “{published.title}” are ready to print."


def test_the_agendas_are_rendered_in_batches_and_the_progress_moves(published, monkeypatch):
    monkeypatch.setattr(printing, "BATCH", 1)
    seen = []

    document = printing.event_document(published, lambda done, total: seen.append((done, total)))

    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert len(document.pages) == 5
    signs = printing.signs_html(published)
    assert "Table 2" in signs and published.title in signs


def test_printing_before_publishing_is_refused_with_the_reason(event, staff):
    with pytest.raises(ValidationError) as error:
        print_jobs.start_print(actor=staff, event=event)
    assert error.value.code == "wrong_phase"
    assert not PrintJob.objects.exists()


def test_a_second_click_while_a_job_works_gets_that_job(published, staff):
    working = PrintJob.objects.create(event=published, owner=staff, status=JobStatus.RUNNING)

    assert print_jobs.start_print(actor=staff, event=published) == working
    assert PrintJob.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        PrintJob.objects.create(event=published, owner=staff)


def test_a_job_abandoned_by_its_worker_does_not_block_the_next(published, staff):
    abandoned = PrintJob.objects.create(event=published, owner=staff, status=JobStatus.RUNNING)
    PrintJob.objects.filter(pk=abandoned.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))

    with committed():
        job = print_jobs.start_print(actor=staff, event=published)

    assert job != abandoned and PrintJob.objects.get(pk=job.pk).status == JobStatus.DONE


def test_a_finished_job_replaces_the_older_ones(published, staff):
    with committed():
        first = print_jobs.start_print(actor=staff, event=published)
    with committed():
        second = print_jobs.start_print(actor=staff, event=published)

    assert list(PrintJob.objects.values_list("pk", flat=True)) == [second.pk]
    assert first.pk != second.pk


def test_a_rendering_failure_marks_the_job_failed(published, staff, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")
    monkeypatch.setattr(printing, "event_document", broken)

    with committed():
        job = print_jobs.start_print(actor=staff, event=published)

    job = PrintJob.objects.get(pk=job.pk)
    assert (job.status, job.error, job.pdf) == (JobStatus.FAILED, "no fonts", None)


def test_the_page_starts_the_job_then_offers_the_download(client, staff, published):
    client.force_login(staff)
    url = reverse("events:organiser-print", args=[published.pk])

    with committed():
        assert client.post(url).status_code == 302
    job = PrintJob.objects.get()
    page = client.get(url).content.decode()
    download = reverse("events:organiser-print-download", args=[published.pk, job.pk])
    assert download in page
    response = client.get(download)
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_the_progress_bar_reloads_the_page_once_the_job_is_over(client, staff, published):
    client.force_login(staff)
    job = PrintJob.objects.create(event=published, owner=staff, status=JobStatus.RUNNING, processed=40, total=100)
    url = reverse("events:organiser-print-progress", args=[published.pk, job.pk])

    working = client.get(url, headers={"HX-Request": "true"})
    assert 'data-width-percent="40"' in working.content.decode() and url in working.content.decode()
    PrintJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)
    assert client.get(url, headers={"HX-Request": "true"}).headers["HX-Refresh"] == "true"
