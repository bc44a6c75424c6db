"""The board of labour sharing: the cluster's open availabilities and needs (no employee is ever named here)."""

from django.shortcuts import render

from grappe.core.pages import page_for

from .. import selectors

SHOWN = 50


@page_for("labour.browse")
def board(request):
    return render(request, "labour/board.html", {
        "availabilities": selectors.open_availabilities()[:SHOWN], "needs": selectors.open_needs()[:SHOWN]})
