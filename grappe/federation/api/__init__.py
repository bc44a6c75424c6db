"""The cooperation API (django-ninja): the partner clusters with their figures (staff), and the items partner
clusters shared that our members may see. grappe/api.py adds the router."""

import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from grappe.core.api_schemas import answers
from grappe.core.paging import ApiPagination
from grappe.core.permissions import require

from .. import overview, selectors
from ..models import ItemKind

router = Router(tags=["federation"])


class PartnerClusterOut(Schema):
    id: int
    name: str
    actor_url: str
    status: str
    fingerprint: str
    kinds: list[str]
    approved_at: datetime.datetime
    they_approved_at: datetime.datetime | None
    changed_at: datetime.datetime | None
    pending: int
    delivered: int
    failed: int
    last_delivery: datetime.datetime | None
    items_received: int
    items_visible: int


class RemoteItemOut(Schema):
    id: int
    kind: str
    title: str
    summary: str
    organisation_name: str
    cluster: str
    cluster_id: int
    object_url: str
    published_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    data: dict

    @staticmethod
    def resolve_cluster(item) -> str:
        return item.partner.name

    @staticmethod
    def resolve_cluster_id(item) -> int:
        return item.partner_id


@router.get("/federation/partners", response=answers(list[PartnerClusterOut], 403, 422),
            url_name="federation-partners", summary="The partner clusters, with their deliveries (staff)")
@paginate(ApiPagination)
def partner_list(request):
    """Every partner cluster by name: its status, what travels to it, its outbox (pending, delivered, given up,
    the last delivery) and the items it shared (received, and shown to our members now)."""
    require(request.auth, "federation.manage_partners")
    return overview.partners_with_figures()


@router.get("/federation/items", response=answers(list[RemoteItemOut], 403, 422), url_name="federation-items",
            summary="Items shared by partner clusters (members and staff)")
@paginate(ApiPagination)
def item_list(request, kind: ItemKind | None = None):
    """What active partner clusters shared and did not withdraw, newest first; `kind` keeps one kind. Items of a
    suspended or revoked partner are not listed."""
    require(request.auth, "federation.browse")
    return selectors.visible_remote_items(kind=kind)
