"""The board of labour sharing: the cluster's open availabilities and needs, filtered by skill, region, period and
way of working (no employee is ever named here)."""

from django.shortcuts import render

from grappe.core.pages import page_for

from .. import selectors
from ..forms.posts import BoardFilterForm

SHOWN = 50


@page_for("labour.browse")
def board(request):
    form = BoardFilterForm(request.GET or None)
    filters = form.filters()
    return render(request, "labour/board.html", {
        "form": form, "filtered": bool(filters),
        "availabilities": selectors.filtered(selectors.open_availabilities(), **filters)[:SHOWN],
        "needs": selectors.filtered(selectors.open_needs(), **filters)[:SHOWN],
        "can_post": request.user.has_perm("labour.post_as_admin")})
