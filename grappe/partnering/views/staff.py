"""The staff's view of partnering across the cluster: activity, pooling, succession, consolidation."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from grappe.core.paging import paginate
from grappe.core.permissions import require
from matching.consolidation import CONSOLIDATION_SHARE

from ..selectors import staff

NEVER_ASKED_PER_PAGE = 50
TABS = [
    ("partnering:staff-overview", _("Activity")),
    ("partnering:staff-pooling", _("Pooling")),
    ("partnering:staff-succession", _("Succession")),
    ("partnering:staff-consolidation", _("Consolidation")),
]


def _staff_page(view):
    """Signed in (else the sign-in page), then staff only (else 403)."""
    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        require(request.user, "partnering.view_cluster_partnering")
        return view(request, *args, **kwargs)
    return checked


def _render(request, template: str, context: dict):
    return render(request, f"partnering/{template}", {**context, "staff_tabs": TABS})


@_staff_page
def overview(request):
    never_asked, query_string = paginate(request, staff.never_asked_members(), NEVER_ASKED_PER_PAGE)
    return _render(request, "staff_overview.html", {
        **staff.partnering_activity(),
        "most_asked": staff.most_asked_partners(),
        "page": never_asked, "query_string": query_string,
    })


@_staff_page
def pooling(request):
    return _render(request, "staff_pooling.html", {"groups": staff.pooling_groups()})


@_staff_page
def succession(request):
    return _render(request, "staff_succession.html", {"cases": staff.succession_cases()})


@_staff_page
def consolidation(request):
    return _render(request, "staff_consolidation.html", {
        "pairs": staff.consolidation_pairs(),
        "threshold_percent": round(100 * CONSOLIDATION_SHARE)})
