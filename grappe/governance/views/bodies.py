"""The bodies' pages: the list of axes, committees and work streams."""

from django.shortcuts import render

from grappe.core.pages import page_for

from .. import selectors


@page_for("governance.view_bodies")
def body_list(request):
    return render(request, "governance/body_list.html", {"groups": selectors.bodies_by_kind()})
