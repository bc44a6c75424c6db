"""Reads of cooperation between clusters that more than one page needs: what partner clusters shared with us
(the members' list, an item's page, the parts shown in the directory, Partnering, events and labour sharing),
and the interests sent and received.

What a partner shared is shown only while the partnership is active and the item not withdrawn at its origin:
a suspended or revoked partnership hides all of it at once, without deleting anything (a resumption shows it
again)."""

from django.db.models import Case, Count, F, QuerySet, When, Window
from django.db.models.functions import RowNumber

from grappe.members.models import Organisation, in_language

from . import items
from .models import Interest, InterestStatus, ItemKind, Partner, PartnerStatus, RemoteItem, SharedItem


def visible_remote_items(kind: str | None = None, partner: Partner | int | None = None,
                         query: str | None = None) -> QuerySet[RemoteItem]:
    """Items of active partners, not withdrawn, newest first; of one kind, one partner, or with `query` in the
    title, when given."""
    items = RemoteItem.objects.filter(partner__status=PartnerStatus.ACTIVE, withdrawn_at__isnull=True)
    if kind:
        items = items.filter(kind=kind)
    if partner:
        items = items.filter(partner=partner)
    if query and query.strip():
        items = items.filter(title__icontains=query.strip())
    return items.select_related("partner").order_by(F("published_at").desc(nulls_last=True), "-pk")


def counts_by_kind(partner: Partner | int | None = None, query: str | None = None) -> dict[str, int]:
    """How many visible items of each kind (every kind named, zero included)."""
    counted = dict(visible_remote_items(partner=partner, query=query).order_by()
                   .values_list("kind").annotate(n=Count("pk")))
    return {kind: counted.get(kind, 0) for kind in ItemKind.values}


def newest_by_kind(kinds, shown: int) -> dict[str, tuple[int, list[RemoteItem]]]:
    """{kind: (how many visible items of that kind, the `shown` newest)} for the kinds that have any, in one
    query (the parts in the directory, Partnering, events and labour sharing run it on every visit)."""
    newest = visible_remote_items().filter(kind__in=kinds).annotate(
        kind_total=Window(Count("pk"), partition_by=F("kind")),
        rank=Window(RowNumber(), partition_by=F("kind"),
                    order_by=[F("published_at").desc(nulls_last=True), F("pk").desc()])).filter(rank__lte=shown)
    found: dict[str, tuple[int, list[RemoteItem]]] = {}
    for item in newest:
        found.setdefault(item.kind, (item.kind_total, []))[1].append(item)
    return found


def partners_with_items() -> QuerySet[Partner]:
    """The active partners, for the list's filter."""
    return Partner.objects.filter(status=PartnerStatus.ACTIVE).order_by("name")


def interest_of(organisation: Organisation | None, item: RemoteItem) -> Interest | None:
    """The interest this organisation already sent in the item, if any (one per organisation and item)."""
    if organisation is None:
        return None
    return Interest.objects.filter(organisation=organisation, remote_item=item).first()


def sent_interests(organisation: Organisation) -> QuerySet[Interest]:
    """The interests an organisation sent to partner clusters, newest first, with their item and cluster."""
    return (Interest.objects.filter(organisation=organisation, remote_item__isnull=False)
            .select_related("remote_item", "partner", "person"))


def received_interests() -> QuerySet[Interest]:
    """The interests partner clusters' members expressed in our items: those waiting for the staff first, then
    those waiting for a member's consent, then the rest; newest first within each."""
    waiting = Case(When(status=InterestStatus.RECEIVED, then=0), When(status=InterestStatus.ASKED, then=1),
                   default=2)
    return (Interest.objects.filter(remote_item__isnull=True)
            .select_related("partner", "shared_item", "shared_item__organisation", "decided_by")
            .order_by(waiting, "-created_at", "-pk"))


def shared_item_title(shared: SharedItem | None) -> str:
    """What our shared item is called ("" once it is no longer shared or no longer exists)."""
    if shared is None:
        return ""
    item = items.load(shared.kind, shared.object_id)
    return str(item) if item is not None else ""


def answer_text(interest: Interest) -> str:
    """The other cluster's words with its answer, in the reader's language when it sent ours."""
    answer = interest.answer or {}
    in_ours = in_language(answer.get("message_fr", ""), answer.get("message_en", ""))
    return in_ours or answer.get("message", "")
