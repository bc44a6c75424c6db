"""What partner clusters see of ours (statistics.public_figures, aggregated through grappe.core.aggregates): the
staff's page showing it, and the answer to a partner's request for it (JSON; the protocol's URLs route it, with
the partner's signature checked there)."""

from django.http import JsonResponse
from django.shortcuts import render

from grappe.core import aggregates
from grappe.core.pages import page_for
from grappe.members.models import OrganisationKind, Region

from ..models import ItemKind
from ..statistics import public_figures


def _labelled(breakdown: dict, labels: dict) -> dict:
    return {"total": breakdown["total"],
            "groups": [{**cell, "label": labels.get(cell["key"], cell["key"])} for cell in breakdown["groups"]]}


@page_for("federation.manage_partners")
def statistics(request):
    figures = public_figures()
    return render(request, "federation/statistics.html", {
        "k": figures["k"], "fewer_than": aggregates.fewer_than(figures["k"]),
        "by_type": _labelled(figures["members_by_type"], dict(OrganisationKind.choices)),
        "by_region": _labelled(figures["members_by_region"], dict(Region.choices)),
        "by_kind": _labelled(figures["shared_items_by_kind"], dict(ItemKind.choices)),
    })


def partner_statistics(request):
    """A partner cluster's request for our figures: only the aggregates above, the same for every partner."""
    return JsonResponse(public_figures())
