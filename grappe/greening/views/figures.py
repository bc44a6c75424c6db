"""A member's own greening figures: its yearly baselines and its commitments. Thin."""

from django.shortcuts import render

from grappe.core.pages import page_for

from .. import selectors


@page_for("greening.view_own")
def my_figures(request):
    organisation = request.user.organisation
    return render(request, "greening/my_figures.html", {
        "organisation": organisation,
        "baselines": selectors.baselines_of(organisation) if organisation else [],
        "commitments": selectors.commitments_of(organisation) if organisation else [],
        "factor_set": selectors.current_factor_set()})
