"""Sharing local items with partner clusters: marking one shareable (or no longer), sending what is shared to a
partner that starts taking a kind, and keeping partners up to date when a shared item changes or goes away.

An organisation's administrator shares its opportunities, declared needs, availabilities and capability profile;
the staff share the cluster's public events. Off by default: an item travels only once shared (a `SharedItem`),
and only while it is shareable (`items.is_shareable`: open, public, of an active member). What travels is
`items.to_object`, nothing more.

At the origin, the apps below know nothing of this: the receivers connected here (`connect`, from
`apps.ready`) watch their rows. When a shared item, or what it shows (its competencies, skills, sessions,
capabilities, certifications, its organisation's name), changes, an `Update` leaves once the transaction
commits, one per item however many rows the transaction wrote; when it is closed, withdrawn, made private or
deleted, a `Delete` leaves and the item is no longer shared.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit
from grappe.core.errors import Conflict
from grappe.core.permissions import require
from grappe.events.models import Event, Session
from grappe.labour.models import Availability
from grappe.members.models import Certification, Organisation, OrganisationCapability
from grappe.partnering.models import DeclaredNeed, Opportunity, OpportunityNeed

from .. import items, protocol
from ..models import DeliveryStatus, ItemKind, Partner, PartnerStatus, SharedItem
from . import delivery


def share(user, kind: str, item) -> SharedItem:
    """Share the item with the partner clusters taking its kind: a `Create` leaves for each. Sharing it again (a
    double click) changes nothing. Refused, with the reason, when the item may not travel."""
    _require_may_share(user, kind, item)
    with transaction.atomic():
        item = _locked(kind, item.pk)
        if item is None:
            raise Conflict(_("This item no longer exists."), code="gone")
        shareable = items.is_shareable(kind, item)
        if not shareable:
            raise Conflict(shareable.reason, code="not_shareable")
        shared, created = SharedItem.objects.get_or_create(
            kind=kind, object_id=item.pk,
            defaults={"organisation": items.organisation_of(kind, item), "shared_by": user})
        if created:
            rows = delivery.publish("Create", _current(kind, item), kind=kind)
            audit.record(user, "item.shared", shared, target_label=str(item),
                         after={"kind": kind, "object_id": item.pk, "partners": [row.partner.name for row in rows]})
    return shared


def unshare(user, shared: SharedItem) -> None:
    """Stop sharing: a `Delete` leaves for the partners, which hide the item. Twice (a double click) is once."""
    _require_may_share(user, shared.kind, shared)
    with transaction.atomic():
        shared = SharedItem.objects.select_for_update().filter(pk=shared.pk).first()
        if shared is None:
            return
        _withdraw(user, shared, reason="unshared")


def send_shared_items(partner: Partner, kinds) -> int:
    """Send a `Create` of every shared item of these kinds that may still travel to one partner (a partnership
    that became active, or kinds it now takes). Returns how many were sent."""
    sent = 0
    for shared in SharedItem.objects.filter(kind__in=list(kinds)).order_by("pk"):
        item = items.load(shared.kind, shared.object_id)
        if item is not None and items.is_shareable(shared.kind, item):
            sent += len(delivery.publish("Create", _current(shared.kind, item), kind=shared.kind,
                                         partners=[partner]))
    return sent


def send_withdrawals(partner: Partner) -> int:
    """Send a `Delete` of every item sent to one partner that it may no longer show: withdrawn or no longer shared
    while the partner was not active (nothing leaves for it then, a `Delete` neither), or of a kind it no longer
    receives. Called when a partnership becomes active again and when the staff stop a kind; returns how many
    were sent."""
    last: dict[str, tuple[str, str]] = {}  # each item's id: the type and status of the last activity about it
    for activity_type, status, object_id in partner.outbox.filter(
            activity_type__in=("Create", "Update", "Delete")).order_by("pk").values_list(
            "activity_type", "status", "payload__object__id"):
        if isinstance(object_id, str):
            last[object_id] = (activity_type, status)
    sent = 0
    for object_id, (activity_type, status) in last.items():
        found = items.parse_object_url(object_id)
        if found is None or (activity_type == "Delete" and status != DeliveryStatus.FAILED):
            continue
        kind, pk = found
        if kind in partner.kinds and SharedItem.objects.filter(kind=kind, object_id=pk).exists():
            item = items.load(kind, pk)
            if item is not None and items.is_shareable(kind, item):
                continue
        sent += len(delivery.publish("Delete", tombstone(kind, pk), partners=[partner]))
    return sent


def recipients(kind: str):
    """The active partners an item of this kind travels to."""
    return [partner for partner in Partner.objects.filter(status=PartnerStatus.ACTIVE) if kind in partner.kinds]


def tombstone(kind: str, pk) -> dict:
    """What a `Delete` carries: the item's id and kind, nothing of what it was."""
    return {"id": protocol.object_url(kind, pk), "type": "Tombstone", "grappe:kind": str(kind),
            "deleted": timezone.now().isoformat()}


def _require_may_share(user, kind: str, item) -> None:
    if kind == ItemKind.EVENT:
        require(user, "federation.share_events")
    else:
        organisation = item.organisation if isinstance(item, SharedItem) else items.organisation_of(kind, item)
        require(user, "federation.share_for_organisation", SharedItem(kind=kind, organisation=organisation))


def _locked(kind: str, pk):
    """The item as it is now, its row locked until the transaction ends: a colleague closing it meanwhile
    waits, so that either its closing sees the share or the share sees it closed."""
    items.MODELS[kind].objects.select_for_update().filter(pk=pk).exists()
    return items.load(kind, pk)


def _current(kind: str, item) -> dict:
    """The item's object as it leaves now: `updated` is this moment, so that a partner keeps the latest version
    even when the change was in a related row (a skill, a session) that the item's own date does not follow."""
    return {**items.to_object(kind, item), "updated": timezone.now().isoformat()}


def _withdraw(actor, shared: SharedItem, *, reason: str) -> None:
    kind, pk = shared.kind, shared.object_id
    item = items.load(kind, pk)
    audit.record(actor, "item.unshared", shared, target_label=str(item) if item is not None else "",
                 after={"kind": kind, "object_id": pk, "reason": reason})
    shared.delete()
    delivery.publish("Delete", tombstone(kind, pk), kind=kind)


# Changes at the origin ------------------------------------------------------------------------------------------

def sync(kind: str, pk) -> None:
    """After a commit that touched a shared item: an `Update` if it may still travel, else a `Delete` (and it is
    no longer shared, recorded in the audit trail as the system's doing)."""
    with transaction.atomic():
        item = _locked(kind, pk)
        shared = SharedItem.objects.select_for_update().filter(kind=kind, object_id=pk).first()
        if shared is None:
            return
        if item is not None and items.is_shareable(kind, item):
            delivery.publish("Update", _current(kind, item), kind=kind)
        else:
            _withdraw(None, shared, reason="deleted" if item is None else "withdrawn")


def _schedule(kind: str, pk) -> None:
    """Sync the item once the transaction commits, once per item and transaction (a save of the item and of its
    skills make one `Update`). Nothing for an item that is not shared."""
    if pk is None or not SharedItem.objects.filter(kind=kind, object_id=pk).exists():
        return
    key = (str(kind), int(pk))
    connection = transaction.get_connection()
    if any(getattr(callback, "federation_pending", None) == key for _sids, callback, _robust in
           connection.run_on_commit):
        return

    def run():
        run.federation_pending = None
        sync(*key)

    run.federation_pending = key
    # Robust: a partner's bookkeeping failing must not turn the member's saved change into an error page.
    transaction.on_commit(run, robust=True)


def _item_changed(sender, instance, **kwargs):
    kind, pk_of = WATCHED[sender]
    _schedule(kind, pk_of(instance))


def _relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    kind = M2M_WATCHED[sender]
    for pk in (pk_set or ()) if reverse else (instance.pk,):
        _schedule(kind, pk)


def _organisation_saved(sender, instance, **kwargs):
    """Its name travels with each of its items, its membership decides whether they may: every one is synced."""
    for kind, pk in SharedItem.objects.filter(organisation=instance).values_list("kind", "object_id"):
        _schedule(kind, pk)


def _organisation_deleted(sender, instance, **kwargs):
    """Its shared items go with it (the rows cascade): their `Delete`s leave once that commits."""
    for kind, pk in SharedItem.objects.filter(organisation=instance).values_list("kind", "object_id"):
        transaction.on_commit(lambda kind=kind, pk=pk: delivery.publish("Delete", tombstone(kind, pk), kind=kind),
                              robust=True)


# Each watched model: the kind of shared item it changes, and that item's key.
WATCHED = {
    Opportunity: (ItemKind.OPPORTUNITY, lambda row: row.pk),
    OpportunityNeed: (ItemKind.OPPORTUNITY, lambda row: row.opportunity_id),
    DeclaredNeed: (ItemKind.DECLARED_NEED, lambda row: row.pk),
    Availability: (ItemKind.AVAILABILITY, lambda row: row.pk),
    Event: (ItemKind.EVENT, lambda row: row.pk),
    Session: (ItemKind.EVENT, lambda row: row.event_id),
    OrganisationCapability: (ItemKind.PROFILE, lambda row: row.organisation_id),
    Certification: (ItemKind.PROFILE, lambda row: row.organisation_id),
}
M2M_WATCHED = {
    Opportunity.required_certifications.through: ItemKind.OPPORTUNITY,
    Availability.skills.through: ItemKind.AVAILABILITY,
}


def connect() -> None:
    """Watch the rows that shared items are made of (called once, from `apps.ready`)."""
    for model in WATCHED:
        uid = f"federation.sharing.{model._meta.label_lower}"
        post_save.connect(_item_changed, sender=model, dispatch_uid=f"{uid}.saved")
        post_delete.connect(_item_changed, sender=model, dispatch_uid=f"{uid}.deleted")
    for through in M2M_WATCHED:
        m2m_changed.connect(_relation_changed, sender=through,
                            dispatch_uid=f"federation.sharing.{through._meta.label_lower}")
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="federation.sharing.organisation")
    pre_delete.connect(_organisation_deleted, sender=Organisation,
                       dispatch_uid="federation.sharing.organisation.deleted")
