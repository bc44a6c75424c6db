"""Figures between partner clusters, aggregated through grappe.core.aggregates: what partner clusters see of ours
(statistics.public_figures; the protocol's `statistics` view answers their signed requests with it), and what an
active partner shows us of its own (statistics.partner_figures, read from its instance when the page opens)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from grappe.core import aggregates
from grappe.core.pages import page_for
from grappe.members.models import OrganisationKind, Region

from ..models import ItemKind, Partner
from ..statistics import FiguresUnavailable, partner_figures, public_figures


def _labelled(breakdown: dict, labels: dict) -> dict:
    return {"total": breakdown["total"],
            "groups": [{**cell, "label": labels.get(cell["key"], cell["key"])} for cell in breakdown["groups"]]}


def _labelled_figures(figures: dict) -> dict:
    return {"k": figures["k"], "fewer_than": aggregates.fewer_than(figures["k"]),
            "by_type": _labelled(figures["members_by_type"], dict(OrganisationKind.choices)),
            "by_region": _labelled(figures["members_by_region"], dict(Region.choices)),
            "by_kind": _labelled(figures["shared_items_by_kind"], dict(ItemKind.choices))}


@page_for("federation.manage_partners")
def statistics(request):
    return render(request, "federation/statistics.html", _labelled_figures(public_figures()))


@page_for("federation.manage_partners")
def partner_statistics(request, pk):
    partner = get_object_or_404(Partner, pk=pk)
    if not partner.is_active:
        raise Http404
    try:
        figures, error = _labelled_figures(partner_figures(partner)), None
    except FiguresUnavailable as unavailable:
        figures, error = {}, str(unavailable)
    return render(request, "federation/partner_statistics.html", {"partner": partner, "error": error, **figures})
