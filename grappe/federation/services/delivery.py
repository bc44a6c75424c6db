"""The outbox: what we send to partner clusters, one row per activity and partner (`OutgoingActivity`), delivered
in order by a background task, signed, retried with exponential back-off.

`publish` is how every other service sends: it writes the rows in the caller's transaction and queues delivery
once it commits, so a write that rolls back sends nothing, and a worker that dies leaves the rows pending for
the next run.
"""

from django.db.models import QuerySet

from grappe.core import jobs

from .. import protocol
from ..models import OutgoingActivity, Partner, PartnerStatus

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
