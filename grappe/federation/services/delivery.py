"""The outbox: what we send to partner clusters, one row per activity and partner (`OutgoingActivity`), delivered
in order by a background task, signed, retried with exponential back-off.

`publish` is how every other service sends: it writes the rows in the caller's transaction and queues delivery
once it commits, so a write that rolls back sends nothing, and a worker that dies leaves the rows pending for
the next run.
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from grappe.core import audit, jobs
from grappe.core.permissions import require

from .. import protocol
from ..models import DeliveryStatus, OutgoingActivity, Partner, PartnerStatus

DELIVERY_TASK = "grappe.federation.tasks.deliver"


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
    """Deliver every pending activity whose time has come (see the module's docstring)."""
    raise NotImplementedError  # the transport's helper writes it


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
