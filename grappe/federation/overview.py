"""The staff's reads of the partnerships: every partner with its outbox figures and what it shared with us, a
partner's history (its audit entries), and what failed to reach it. The staff's pages and the API read them here."""

from django.db.models import Case, Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from grappe.core.models import AuditEntry

from .models import DeliveryStatus, OutgoingActivity, Partner, PartnerStatus, RemoteItem


def _count(model, condition: Q = Q()) -> Coalesce:
    """How many rows of `model` (one with a `partner`) meet `condition`, for each partner. Subqueries, not joins:
    counting over two joined tables would multiply one by the other."""
    rows = (model.objects.filter(condition, partner=OuterRef("pk")).order_by().values("partner")
            .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def partners_with_figures() -> QuerySet:
    """Every partner, by name, with `pending`, `delivered` and `failed` (outbox rows), `last_delivery` (when the
    last one arrived), `items_received` (everything it shared, withdrawn or not) and `items_visible` (what our
    members see of it now: nothing unless the partnership is active)."""
    last = (OutgoingActivity.objects.filter(partner=OuterRef("pk"), status=DeliveryStatus.DELIVERED).order_by()
            .values("partner").annotate(last=Max("delivered_at")).values("last"))
    return Partner.objects.annotate(
        pending=_count(OutgoingActivity, Q(status=DeliveryStatus.PENDING)),
        delivered=_count(OutgoingActivity, Q(status=DeliveryStatus.DELIVERED)),
        failed=_count(OutgoingActivity, Q(status=DeliveryStatus.FAILED)),
        last_delivery=Subquery(last),
        items_received=_count(RemoteItem),
        items_shown=_count(RemoteItem, Q(withdrawn_at__isnull=True)),
    ).annotate(items_visible=_visible()).order_by("name", "pk")


def _visible() -> Case:
    return Case(When(status=PartnerStatus.ACTIVE, then=F("items_shown")), default=Value(0),
                output_field=IntegerField())


def history(partner: Partner) -> QuerySet:
    """The partner's audit entries, newest first: approved, suspended, resumed, revoked, kinds changed, retried."""
    return AuditEntry.objects.filter(target_type=Partner._meta.label_lower, target_id=str(partner.pk))


def failed_deliveries(partner: Partner) -> QuerySet:
    """What was given up for this partner, oldest first, with the reason (`last_error`)."""
    return partner.outbox.filter(status=DeliveryStatus.FAILED).order_by("created_at", "pk")
