"""How bulletins were read, for the staff: in aggregate only (grappe/bulletins/statistics.py), never who opened
or clicked. Thin: call the selector, draw the chart, render."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from grappe.core import charts
from grappe.core.aggregates import fewer_than
from grappe.core.pages import page_for

from .. import statistics
from ..models import Bulletin


@page_for("bulletins.view_statistics")
def bulletin_statistics(request, pk):
    bulletin = get_object_or_404(Bulletin, pk=pk)
    figures = statistics.bulletin_figures(bulletin)
    days = figures.opens_by_day.cells
    values = [statistics.people(cell) for cell in days]
    labels = [str(cell.key) if cell.key < statistics.DAYS_AFTER_SENDING else f"{cell.key}+" for cell in days]
    chart = charts.line(
        [charts.Series(_("People who opened"), values)], labels, title=_("Opens over the days after sending"),
        x_title=_("Days after sending"), y_title=_("People"), hidden=f"< {figures.k}",
        note=_("A gap in the line: %(fewer)s.") % {"fewer": fewer_than(figures.k)} if None in values else "")
    return render(request, "bulletins/statistics.html", {
        "bulletin": bulletin, "figures": figures, "chart": chart, "fewer": fewer_than(figures.k),
        "link_cells": figures.links.cells,  # a Breakdown answers [key]: a template would look "cells" up as a key
        "breakdowns": [(_("By type of organisation"), figures.by_kind), (_("By region"), figures.by_region)]})


@page_for("bulletins.view_statistics")
def overview(request):
    k, categories = statistics.overview()
    rates = [statistics.rate(c.line.opened, c.line.reached) for c in categories]
    chart = charts.bars(
        [c.label for c in categories], [None if r is None else round(r * 100, 1) for r in rates],
        title=_("Open rate by category, last 12 months"), value_title=_("Opened (%)"), hidden=f"< {k}",
        note=_("“< %(k)d”: %(fewer)s, not drawn.") % {"k": k, "fewer": fewer_than(k)} if None in rates else "")
    return render(request, "bulletins/statistics_overview.html", {
        "categories": categories, "chart": chart, "fewer": fewer_than(k)})
