"""The figures a partner cluster sees of ours: member organisations by type and by region, and the items our
members share with partner clusters by kind. Only aggregates, each computed by grappe.core.aggregates: a figure
that fewer than k organisations make is hidden (None), and so is any other that would give it away by difference.

The cluster's public events, which the staff share and no member owns, are left out of the items: counted by
organisation they would make a cell of one (always hidden, and hiding another beside it), and they are public
anyway. The figures are of the moment (members and shares are published in the directory and to partners
already), and leave no filter to the asker: nothing here can be narrowed down to a few organisations.
"""

import json

import requests
from django.utils.translation import gettext as _

from grappe.core import aggregates
from grappe.core.aggregates import Row
from grappe.members.models import MembershipStatus, Organisation, OrganisationKind, Region

from . import protocol, signatures
from .models import ItemKind, Partner, SharedItem

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


class FiguresUnavailable(Exception):
    """A partner's figures could not be read: its message says why, for the staff."""


FETCH_TIMEOUT = (5, 15)
FETCH_MAX_BYTES = 256 * 1024
BREAKDOWNS = ("members_by_type", "members_by_region", "shared_items_by_kind")


def partner_figures(partner: Partner) -> dict:
    """The figures an active partner shows us (its `public_figures`), read with a signed request and checked cell
    by cell, so that a partner's answer can only ever be shown as counts; FiguresUnavailable otherwise."""
    url = protocol.statistics_url(partner.actor_url)
    headers = signatures.sign("GET", url, {"Accept": protocol.MEDIA_TYPE})
    try:
        with requests.get(url, headers=headers, timeout=FETCH_TIMEOUT, stream=True, allow_redirects=False) as answer:
            if answer.status_code != 200:
                raise FiguresUnavailable(_("%(partner)s answered with the error %(status)s.")
                                         % {"partner": partner.name, "status": answer.status_code})
            content = answer.raw.read(FETCH_MAX_BYTES + 1, decode_content=True)
    except requests.RequestException as error:
        raise FiguresUnavailable(_("%(partner)s cannot be reached: try again later.")
                                 % {"partner": partner.name}) from error
    try:
        document = json.loads(content) if len(content) <= FETCH_MAX_BYTES else None
        k = _read_count(document["k"])
        if not k:
            raise ValueError("no anonymity threshold")
        return {"k": k, **{name: _read_breakdown(document[name]) for name in BREAKDOWNS}}
    except (AttributeError, TypeError, KeyError, ValueError):
        raise FiguresUnavailable(_("%(partner)s sent figures that cannot be read.")
                                 % {"partner": partner.name}) from None


def _read_count(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("not a count")
    return value


def _read_cell(cell) -> dict:
    hidden = cell.get("hidden")
    if not isinstance(hidden, bool) or (cell.get("key") is not None and not isinstance(cell["key"], str)):
        raise ValueError("not a cell")
    return {"key": (cell.get("key") or "")[:50], "hidden": hidden,
            "organisations": None if hidden else _read_count(cell.get("organisations")),
            "items": None if hidden else _read_count(cell.get("items"))}


def _read_breakdown(breakdown) -> dict:
    groups = breakdown["groups"]
    if not isinstance(groups, list) or len(groups) > 100:
        raise ValueError("not a breakdown")
    return {"total": _read_cell(breakdown["total"]), "groups": [_read_cell(cell) for cell in groups]}
