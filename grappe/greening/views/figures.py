"""A member's own greening figures: its yearly baselines with their intensity and a chart of the years, and its
commitments with the progress made. Thin."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from grappe.core import charts
from grappe.core.pages import page_for

from .. import selectors
from ..models import Baseline

TONNE = 1000


@page_for("greening.view_own")
def my_figures(request):
    organisation = request.user.organisation
    baselines = selectors.with_intensity(selectors.baselines_of(organisation)) if organisation else []
    commitments = selectors.progress(selectors.commitments_of(organisation), baselines) if organisation else []
    return render(request, "greening/my_figures.html", {
        "organisation": organisation, "baselines": baselines, "commitments": commitments,
        "chart": _chart(baselines), "factor_set": selectors.current_factor_set(),
        "manages_factors": request.user.has_perm("greening.manage_factors"),
        "can_edit": organisation is not None and request.user.has_perm(
            "greening.edit_figures", Baseline(organisation=organisation))})


def _chart(baselines: list[Baseline]):
    """Scopes 1 and 2 over the years, in tonnes CO2e; none for fewer than two years."""
    if len(baselines) < 2:
        return None
    years = sorted(baselines, key=lambda baseline: baseline.year)
    return charts.line([
        charts.Series(_("Scope 1"), [float(baseline.scope1_kg) / TONNE for baseline in years]),
        charts.Series(_("Scope 2"), [float(baseline.scope2_kg) / TONNE for baseline in years]),
    ], [str(baseline.year) for baseline in years], title=_("Emissions by year"), x_title=_("Year"),
        y_title=_("t CO2e"))
