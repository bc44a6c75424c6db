"""The figures a partner cluster sees of ours: member organisations by type and by region, and the items our
members share with partner clusters by kind. Only aggregates, each computed by grappe.core.aggregates: a figure
that fewer than k organisations make is hidden (None), and so is any other that would give it away by difference.

The cluster's public events, which the staff share and no member owns, are left out of the items: counted by
organisation they would make a cell of one (always hidden, and hiding another beside it), and they are public
anyway. The figures are of the moment (members and shares are published in the directory and to partners
already), and leave no filter to the asker: nothing here can be narrowed down to a few organisations.
"""

from grappe.core import aggregates
from grappe.core.aggregates import Row
from grappe.members.models import MembershipStatus, Organisation, OrganisationKind, Region

from .models import ItemKind, SharedItem

MEMBER_KINDS = [kind for kind in ItemKind.values if kind != ItemKind.EVENT]


def _cell(cell: aggregates.Cell, *, items: bool = False) -> dict:
    figures = {"key": cell.key, "hidden": cell.suppressed, "organisations": cell.organisations}
    if items:
        figures["items"] = cell.items
    return figures


def _breakdown(result: aggregates.Breakdown, *, items: bool = False) -> dict:
    return {"total": _cell(result.total, items=items), "groups": [_cell(cell, items=items) for cell in result.cells]}


def public_figures() -> dict:
    """{"k", "members_by_type", "members_by_region", "shared_items_by_kind"}: each a {"total", "groups"} of cells
    {"key", "hidden", "organisations"} (shared items also count "items"); a hidden cell's numbers are None. Keys
    are codes (OrganisationKind, Region, ItemKind values): the reader names them in its language."""
    k = aggregates.current_k()
    members = list(Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE)
                   .values_list("pk", "kind", "region"))
    shared = SharedItem.objects.filter(kind__in=MEMBER_KINDS, organisation__isnull=False,
                                       organisation__membership_status=MembershipStatus.ACTIVE)
    return {
        "k": k,
        "members_by_type": _breakdown(aggregates.breakdown(
            [Row(pk, kind) for pk, kind, _region in members], keys=OrganisationKind.values, k=k)),
        "members_by_region": _breakdown(aggregates.breakdown(
            [Row(pk, region) for pk, _kind, region in members], keys=Region.values, k=k)),
        "shared_items_by_kind": _breakdown(aggregates.breakdown(
            [Row(organisation, kind) for organisation, kind in shared.values_list("organisation_id", "kind")],
            keys=MEMBER_KINDS, k=k), items=True),
    }
