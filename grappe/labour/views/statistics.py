"""The staff's figures of labour sharing: loans by status, hours per month, the skills most lent and most sought,
the needs no loan answers. Every figure goes through grappe.core.aggregates (k distinct organisations): a figure
that fewer than k organisations make is hidden, here as anywhere."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from grappe.core import aggregates, charts
from grappe.core.pages import page_for

from .. import selectors
from ..models import LoanStatus

TOP = 10


@page_for("labour.view_statistics")
def statistics(request):
    figures = selectors.statistics_rows()
    k = aggregates.current_k()
    by_status = aggregates.breakdown(figures["loans"], keys=list(LoanStatus.values), k=k)
    months = sorted({row.key for row in figures["hours"]})
    hours = aggregates.breakdown(figures["hours"], keys=months, k=k)
    names = figures["skill_labels"]
    lent = _top(aggregates.breakdown(figures["lent"], k=k), names)
    sought = _top(aggregates.breakdown(figures["sought"], k=k), names)
    unmet = aggregates.breakdown(figures["unmet"], k=k)
    unmet_rows = [(names.get(cell.key, cell.key), cell) for cell in unmet.cells]
    labels = dict(LoanStatus.choices)
    note = _("A bar is missing where fewer than %(k)s organisations make the figure.") % {"k": k}
    status_chart = charts.bars(
        [str(labels[cell.key]) for cell in by_status.cells],
        [None if cell.suppressed else cell.items for cell in by_status.cells],
        title=_("Loans by status"), value_title=_("loans"), hidden=by_status.fewer_than, note=note)
    hours_chart = charts.bars(
        [str(month) for month in months], [None if cell.suppressed else cell.total for cell in hours.cells],
        title=_("Hours lent per month"), value_title=_("hours"), hidden=hours.fewer_than, note=note) if months else ""
    return render(request, "labour/statistics.html", {
        "k": k, "by_status": [(labels[cell.key], cell) for cell in by_status.cells], "status_total": by_status.total,
        "hours_cells": hours.cells, "lent": lent, "sought": sought, "unmet": unmet, "unmet_rows": unmet_rows, "status_chart": status_chart,
        "hours_chart": hours_chart, "fewer_than": aggregates.fewer_than(k)})


def _top(result, names):
    """The skills with the most people, among those shown; the hidden ones are counted, not named."""
    shown = sorted((cell for cell in result.cells if not cell.suppressed), key=lambda c: -(c.total or 0))[:TOP]
    return {"rows": [(names.get(cell.key, cell.key), cell) for cell in shown], "hidden": sum(1 for cell in result.cells if cell.suppressed), "total": result.total}
