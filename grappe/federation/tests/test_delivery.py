"""The outbox's delivery to partner clusters: signed, in order for each partner, retried with back-off, given up
on a refusal, halted for a partner that is no longer active."""

import datetime
import json

import pytest
import requests
from django.core.management import call_command
from django.utils import timezone
from http_message_signatures import HTTPMessageVerifier, MappingKeyResolver, algorithms

from grappe.federation import keys, protocol
from grappe.federation.models import DeliveryStatus, OutgoingActivity, PartnerStatus
from grappe.federation.services import delivery

from .remote import Remote


class FakeInboxes:
    """Stands for the partners' servers: records each POST, answers with the next planned status (202 when none
    is planned), or raises the planned exception."""

    def __init__(self):
        self.received = []
        self.plan = {}
        self.bodies = {}
        self.responses = []

    def answer(self, inbox_url, *outcomes):
        self.plan.setdefault(inbox_url, []).extend(outcomes)

    def post(self, url, data=None, headers=None, **options):
        self.received.append({"url": url, "body": data, "headers": headers, "options": options})
        outcome = self.plan.get(url, []).pop(0) if self.plan.get(url) else 202
        if isinstance(outcome, Exception):
            raise outcome
        response = requests.Response()
        response.status_code, response._content = outcome, self.bodies.get(url, b'{"error": "refused"}')
        response._content_consumed, response.closed = True, False
        response.close = lambda: setattr(response, "closed", True)
        self.responses.append(response)
        return response


@pytest.fixture
def inboxes(monkeypatch):
    fake = FakeInboxes()
    monkeypatch.setattr(requests.Session, "post", lambda session, url, **options: fake.post(url, **options))
    return fake


@pytest.fixture
def partner(remote, staff):
    return remote.partner(staff)


def outbox_row(partner, activity_type="Create", **fields):
    payload = protocol.activity(activity_type, {"type": "Note"}, to=[partner.actor_url])
    return OutgoingActivity.objects.create(partner=partner, activity_id=payload["id"], activity_type=activity_type,
                                           payload=payload, **fields)


def test_a_due_activity_is_posted_signed_and_marked_delivered(partner, inboxes):
    row = outbox_row(partner)
    assert delivery.deliver_due() == 1
    row.refresh_from_db()
    assert row.status == DeliveryStatus.DELIVERED and row.attempts == 1 and row.delivered_at is not None
    [sent] = inboxes.received
    assert sent["url"] == partner.inbox_url and sent["options"]["timeout"]
    assert sent["headers"]["Content-Type"] == protocol.MEDIA_TYPE
    # The partner checks it with our published key, as its inbox would.
    resolver = MappingKeyResolver(public_keys={protocol.key_id(): keys.load_public(keys.instance_key().public_key)},
                                  private_keys={})
    message = type("Message", (), {"method": "POST", "url": sent["url"], "headers": sent["headers"]})()
    HTTPMessageVerifier(signature_algorithm=algorithms.ED25519, key_resolver=resolver).verify(
        message, body=sent["body"], require_components=("@target-uri", "content-digest", "content-type"))


def test_a_server_error_is_retried_later_with_exponential_back_off(partner, inboxes):
    inboxes.answer(partner.inbox_url, 503, requests.ConnectionError("refused"))
    row = outbox_row(partner)
    assert delivery.deliver_due() == 0
    row.refresh_from_db()
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1 and "503" in row.last_error
    assert row.next_attempt_at == pytest.approx(timezone.now() + delivery.FIRST_RETRY, abs=datetime.timedelta(seconds=5))
    assert delivery.deliver_due() == 0  # not due yet: nothing posted
    assert len(inboxes.received) == 1
    row.next_attempt_at = timezone.now()
    row.save()
    delivery.deliver_due()
    row.refresh_from_db()
    assert row.attempts == 2 and "ConnectionError" in row.last_error
    assert row.next_attempt_at == pytest.approx(timezone.now() + 2 * delivery.FIRST_RETRY,
                                                abs=datetime.timedelta(seconds=5))
    row.next_attempt_at = timezone.now()
    row.save()
    assert delivery.deliver_due() == 1


def test_the_back_off_stops_growing_at_the_longest_delay(partner, inboxes):
    inboxes.answer(partner.inbox_url, 500)
    row = outbox_row(partner, attempts=10)
    delivery.deliver_due()
    row.refresh_from_db()
    assert row.next_attempt_at == pytest.approx(timezone.now() + delivery.LONGEST_RETRY,
                                                abs=datetime.timedelta(seconds=5))


def test_an_activity_is_given_up_after_the_last_attempt(partner, inboxes):
    inboxes.answer(partner.inbox_url, 500)
    row = outbox_row(partner, attempts=delivery.MAX_ATTEMPTS - 1)
    delivery.deliver_due()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED and row.attempts == delivery.MAX_ATTEMPTS


@pytest.mark.parametrize("status", [400, 401, 403, 413])
def test_a_refusal_is_given_up_at_once_with_its_reason(partner, inboxes, status):
    inboxes.answer(partner.inbox_url, status)
    row = outbox_row(partner)
    delivery.deliver_due()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED and row.last_error.startswith(f"HTTP {status}")


@pytest.mark.parametrize("status", [408, 429])
def test_a_timeout_or_too_many_requests_is_retried(partner, inboxes, status):
    inboxes.answer(partner.inbox_url, status)
    row = outbox_row(partner)
    delivery.deliver_due()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1


def test_a_partners_activities_go_in_order_and_wait_behind_one_that_failed(partner, staff, inboxes):
    other = Remote("https://ia.example").partner(staff)
    inboxes.answer(partner.inbox_url, 503)
    create = outbox_row(partner, "Create")
    delete = outbox_row(partner, "Delete")
    elsewhere = outbox_row(other, "Create")
    assert delivery.deliver_due() == 1
    assert [sent["url"] for sent in inboxes.received] == [partner.inbox_url, other.inbox_url]
    delete.refresh_from_db()
    assert delete.status == DeliveryStatus.PENDING and delete.attempts == 0  # the Delete never overtakes
    OutgoingActivity.objects.filter(pk=create.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver_due() == 2
    assert [OutgoingActivity.objects.get(pk=row.pk).status for row in (create, delete, elsewhere)] == [
        DeliveryStatus.DELIVERED] * 3
    delivered = OutgoingActivity.objects.filter(partner=partner).order_by("delivered_at")
    assert [row.activity_type for row in delivered] == ["Create", "Delete"]


@pytest.mark.parametrize("status", [PartnerStatus.WAITING, PartnerStatus.SUSPENDED, PartnerStatus.REVOKED])
def test_only_the_partnerships_own_activities_reach_a_partner_that_is_not_active(remote, staff, inboxes, status):
    partner = remote.partner(staff, status=status)
    create = outbox_row(partner, "Create")
    block = outbox_row(partner, "Block")
    assert delivery.deliver_due() == 1
    create.refresh_from_db()
    block.refresh_from_db()
    assert create.status == DeliveryStatus.HALTED and block.status == DeliveryStatus.DELIVERED
    assert len(inboxes.received) == 1


def test_publish_writes_a_row_per_active_partner_taking_the_kind_and_delivery_follows_the_commit(
        remote, staff, inboxes, django_capture_on_commit_callbacks):
    taking = remote.partner(staff, kinds=["opportunity"])
    Remote("https://ia.example").partner(staff, kinds=["event"])
    Remote("https://suspendu.example").partner(staff, status=PartnerStatus.SUSPENDED, kinds=["opportunity"])
    with django_capture_on_commit_callbacks(execute=True):
        rows = delivery.publish("Create", {"type": "Note"}, kind="opportunity")
    assert [row.partner for row in rows] == [taking]
    assert OutgoingActivity.objects.get().status == DeliveryStatus.DELIVERED
    assert [sent["url"] for sent in inboxes.received] == [taking.inbox_url]


def test_a_failed_run_queues_one_retry_at_the_earliest_next_attempt_when_the_backend_can_wait(
        partner, inboxes, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    inboxes.answer(partner.inbox_url, 503)
    row = outbox_row(partner)
    default_task_backend.clear()
    delivery.deliver_due()

    [retry] = default_task_backend.results
    row.refresh_from_db()
    assert retry.task.name == "deliver" and retry.task.run_after == row.next_attempt_at


def test_the_retry_waits_for_the_failed_head_not_for_the_rows_behind_it(partner, inboxes, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    inboxes.answer(partner.inbox_url, 503)
    head, behind = outbox_row(partner), outbox_row(partner)
    default_task_backend.clear()
    delivery.deliver_due()

    [retry] = default_task_backend.results
    head.refresh_from_db()
    behind.refresh_from_db()
    assert behind.status == DeliveryStatus.PENDING and behind.next_attempt_at < head.next_attempt_at
    assert retry.task.run_after == head.next_attempt_at  # not at once, when nothing would be due


def test_the_command_delivers_what_is_due(partner, inboxes):
    row = outbox_row(partner)
    call_command("deliver_federation")
    row.refresh_from_db()
    assert row.status == DeliveryStatus.DELIVERED


def test_two_workers_at_once_send_each_activity_once_and_in_order(transactional_db, remote, inboxes):
    from grappe.conftest import make_staff, run_together

    partner = remote.partner(make_staff())
    rows = [outbox_row(partner) for _ in range(12)]
    outcomes = run_together(delivery.deliver_due, delivery.deliver_due)
    assert sum(outcomes) == 12, outcomes
    sent = [json.loads(post["body"])["id"] for post in inboxes.received]
    assert sent == [row.activity_id for row in rows]


def test_only_the_start_of_a_refusals_answer_is_read(partner, inboxes):
    """An inbox answering with megabytes: the answer is streamed, its first bytes kept, the connection closed."""
    row = outbox_row(partner)
    inboxes.answer(partner.inbox_url, 400)
    inboxes.bodies[partner.inbox_url] = b"x" * 5_000_000
    delivery.deliver_due()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED and row.last_error == "HTTP 400: " + "x" * delivery.ERROR_BYTES
    assert inboxes.received[0]["options"]["stream"] is True and inboxes.responses[0].closed
