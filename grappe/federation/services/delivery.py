"""The outbox: what we send to partner clusters, one row per activity and partner (`OutgoingActivity`), delivered
in order by a background task, signed, retried with exponential back-off.

`publish` is how every other service sends: it writes the rows in the caller's transaction and queues delivery
once it commits, so a write that rolls back sends nothing, and a worker that dies leaves the rows pending for
the next run (`manage.py deliver_federation`, and `queue_daily_tasks`, deliver whatever is due).

`deliver_due` sends one row at a time, each locked while it is sent (`skip_locked`: two workers never send the
same one), in the order they were written for each partner: only a partner's oldest pending row may go, so a
Delete never overtakes its Create, and a partner whose inbox failed waits for its retry while the others go on. The partnership's own activities (Follow, Block, Undo) go to a partner whatever its status (a
Block must reach a partner we just suspended); anything else waits for an active partner, and is halted if the
partner stopped being active (services.partnerships queues it again when it is active again).

The partner's answer: 2xx, delivered; another 4xx than 408 (timeout) or 429 (too many), failed at once with the
answer kept (a request it refused will be refused again: not a partner of it, a bad signature, too large); anything
else (5xx, no answer, a timeout), tried again after FIRST_RETRY, then twice as long each time up to LONGEST_RETRY,
given up after MAX_ATTEMPTS. With a task backend that can run a task later, a run that met failures queues one
retry at the earliest next attempt.
"""

import datetime
import json
import logging

import requests
from django.db import transaction
from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from grappe.core import audit, jobs
from grappe.core.permissions import require

from .. import keys, protocol, signatures
from ..models import DeliveryStatus, OutgoingActivity, Partner, PartnerStatus

logger = logging.getLogger(__name__)

DELIVERY_TASK = "grappe.federation.tasks.deliver"
CONTROL_TYPES = frozenset({"Follow", "Block", "Undo"})
MAX_ATTEMPTS = 12
FIRST_RETRY = datetime.timedelta(minutes=1)  # then 2, 4, 8… minutes: about a day in all
LONGEST_RETRY = datetime.timedelta(hours=6)
TIMEOUT = (5, 15)  # seconds to connect, to read the answer
RETRIED_4XX = frozenset({408, 429})
ERROR_BYTES = 500  # of a refusal's answer, kept for the staff


def publish(activity_type: str, obj, *, kind: str | None = None, partners: QuerySet | list | None = None,
            **extra) -> list[OutgoingActivity]:
    """Send a new activity to each active partner (to `partners` if given, whatever their status: a `Block`
    must reach a partner we just suspended). With `kind`, only to the partners that receive that kind of item.
    Returns the outbox rows written."""
    if partners is None:
        partners = Partner.objects.filter(status=PartnerStatus.ACTIVE)
    rows = []
    for partner in partners:
        if kind is not None and kind not in partner.kinds:
            continue
        payload = protocol.activity(activity_type, obj, to=[partner.actor_url], **extra)
        rows.append(OutgoingActivity(partner=partner, activity_id=payload["id"], activity_type=activity_type,
                                     payload=payload))
    OutgoingActivity.objects.bulk_create(rows)
    if rows:
        jobs.enqueue(DELIVERY_TASK)
    return rows


def deliver_due() -> int:
    """Deliver every pending activity whose time has come (see the module's docstring); return how many were
    delivered. Partner by partner: each one's rows from the oldest, until none is due or one fails (the partner
    then waits for its retry while the others go on)."""
    delivered = failed = 0
    stalled: set[int] = set()
    private_key = None  # read once per run (a query and a PEM to parse), when there is something to sign
    with requests.Session() as session:
        while partner_ids := _partners_with_due_rows(exclude=stalled):
            for partner_id in partner_ids:
                while True:
                    with transaction.atomic():
                        row = _locked_head(partner_id)
                        if row is None:
                            stalled.add(partner_id)  # nothing due, or another worker is on it
                            break
                        private_key = private_key or keys.private_key()
                        if not (row.partner.is_active or row.activity_type in CONTROL_TYPES):
                            row.status = DeliveryStatus.HALTED
                            row.save(update_fields=["status"])
                        elif _send(session, row, private_key):
                            delivered += 1
                        else:
                            failed += 1
                            stalled.add(partner_id)
                            break
    if failed:
        _retry_later()
    return delivered


def _partners_with_due_rows(*, exclude: set[int]) -> list[int]:
    return list(OutgoingActivity.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
                .exclude(partner_id__in=exclude).order_by().values_list("partner_id", flat=True).distinct())


def _locked_head(partner_id: int) -> OutgoingActivity | None:
    """The partner's oldest pending row, locked, if it is due and no other worker holds it. Only ever the oldest:
    a younger row is never sent while an older one waits."""
    head = (OutgoingActivity.objects.filter(partner_id=partner_id, status=DeliveryStatus.PENDING)
            .order_by("pk").values_list("pk", "next_attempt_at").first())
    if head is None or head[1] > timezone.now():
        return None
    return (OutgoingActivity.objects.select_for_update(skip_locked=True, of=("self",)).select_related("partner")
            .filter(pk=head[0], status=DeliveryStatus.PENDING).first())


def _send(session: requests.Session, row: OutgoingActivity, private_key) -> bool:
    row.attempts += 1
    body = json.dumps(row.payload, separators=(",", ":")).encode()
    headers = signatures.sign("POST", row.partner.inbox_url,
                              {"Content-Type": protocol.MEDIA_TYPE, "Accept": protocol.MEDIA_TYPE}, body,
                              private_key=private_key)
    try:
        # Streamed: of the partner's answer, only its status and the start of its text are read (an inbox
        # answering with megabytes does not fill the worker's memory).
        response = session.post(row.partner.inbox_url, data=body, headers=headers, timeout=TIMEOUT,
                                allow_redirects=False, stream=True)
        try:
            start = b"" if 200 <= response.status_code < 300 else next(response.iter_content(ERROR_BYTES), b"")
        finally:
            response.close()
    except requests.RequestException as error:
        return _failed(row, f"{type(error).__name__}: {error}", final=False)
    if 200 <= response.status_code < 300:
        row.status, row.delivered_at, row.last_error = DeliveryStatus.DELIVERED, timezone.now(), ""
        row.save(update_fields=["attempts", "status", "delivered_at", "last_error"])
        return True
    reason = f"HTTP {response.status_code}: {start[:ERROR_BYTES].decode(errors='replace')}"
    return _failed(row, reason, final=400 <= response.status_code < 500 and response.status_code not in RETRIED_4XX)


def _failed(row: OutgoingActivity, reason: str, *, final: bool) -> bool:
    row.last_error = reason[:2000]
    if final or row.attempts >= MAX_ATTEMPTS:
        row.status = DeliveryStatus.FAILED
        logger.error("activity %s to %s given up after %s attempts: %s", row.activity_id, row.partner.inbox_url,
                     row.attempts, row.last_error)
    else:
        row.next_attempt_at = timezone.now() + min(FIRST_RETRY * 2 ** (row.attempts - 1), LONGEST_RETRY)
        logger.warning("activity %s to %s failed (attempt %s): %s", row.activity_id, row.partner.inbox_url,
                       row.attempts, row.last_error)
    row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    return False


def _retry_later() -> None:
    """One run of the delivery task at the earliest next attempt, when the task backend can wait."""
    deliver = import_string(DELIVERY_TASK)
    if not deliver.get_backend().supports_defer:
        return
    # A row behind its partner's failed head waits for the head, whatever its own time says: only the heads'
    # times count (else the retry would run at once, find nothing due, and none would follow).
    heads = (OutgoingActivity.objects.filter(status=DeliveryStatus.PENDING).order_by().values("partner_id")
             .annotate(head=Min("pk")).values("head"))
    earliest = (OutgoingActivity.objects.filter(pk__in=heads).order_by("next_attempt_at")
                .values_list("next_attempt_at", flat=True).first())
    if earliest is not None:
        deliver.using(run_after=earliest).enqueue()


def retry_failed(user, partner: Partner) -> int:
    """The staff try again what was given up for this partner (its failed rows, pending again with their back-off
    restarted); returns how many. Nothing failed, nothing is recorded."""
    require(user, "federation.manage_partners")
    with transaction.atomic():
        failed = OutgoingActivity.objects.select_for_update().filter(partner=partner, status=DeliveryStatus.FAILED)
        ids = list(failed.values_list("pk", flat=True))
        if not ids:
            return 0
        OutgoingActivity.objects.filter(pk__in=ids).update(status=DeliveryStatus.PENDING, attempts=0,
                                                            next_attempt_at=timezone.now())
        audit.record(user, "partner.delivery_retried", partner, after={"activities": len(ids)})
        jobs.enqueue(DELIVERY_TASK)
    return len(ids)
