"""Figures that could be worked out by difference (review of issue 17): a filter checked year by year, the
organisations without a reduction target, a blank size band or region."""

import pytest
from django.core.cache import cache

from grappe.core import aggregates
from grappe.core.models import ReleasedPopulation
from grappe.greening import progress
from grappe.greening.documents import report
from grappe.greening.progress import Filters, Reported

pytestmark = pytest.mark.django_db


def use(monkeypatch, rows, years, commitments=None):
    cache.clear()
    monkeypatch.setattr(progress, "reported_rows", lambda: rows)
    monkeypatch.setattr(progress, "available_years", lambda: years)
    monkeypatch.setattr(progress, "commitments_by_organisation", lambda: commitments or {})


def test_a_filter_is_checked_year_by_year(monkeypatch):
    """Ten QC organisations report in 2024 and 2025; ten ON ones in 2025 but only one in 2024. Over both years the
    QC filter leaves out eleven, but in 2024 it leaves out one: the cluster's 2024 total minus QC's would be
    that one organisation's emissions. QC's 2024 figures are hidden; 2025's are shown."""
    rows = [Reported(i, y, 1000.0, None, None, 1, "sme", "10-49", "QC") for i in range(10) for y in (2024, 2025)]
    rows += [Reported(i, 2025, 1000.0, None, None, 1, "sme", "10-49", "ON") for i in range(10, 20)]
    rows.append(Reported(99, 2024, 7777.0, None, None, 1, "sme", "10-49", "ON"))
    use(monkeypatch, rows, [2024, 2025])
    qc = Filters(region="QC")
    hidden = progress.admit(progress.MEMBER, qc, progress.years_of(qc))
    assert hidden == {2024}
    figs = progress.figures(qc, progress.MEMBER, hidden)
    by_year = {line["year"]: line for line in figs["per_year"]}
    assert by_year[2024]["cell"].suppressed and by_year[2024]["tonnes"] is None
    assert by_year[2025]["tonnes"] == pytest.approx(10.0)
    # the released population is recorded for 2025 alone
    released = ReleasedPopulation.objects.filter(scope=progress.SCOPE)
    assert [(r.period_start.year, r.period_end.year) for r in released] == [(2025, 2025)]


def test_a_filter_refused_every_year_is_refused(monkeypatch):
    rows = [Reported(i, 2025, 1000.0, None, None, 1, "sme", "10-49", "QC") for i in range(10)]
    rows.append(Reported(99, 2025, 7777.0, None, None, 1, "sme", "10-49", "ON"))
    use(monkeypatch, rows, [2025])
    with pytest.raises(aggregates.FilterRefused):
        progress.admit(progress.MEMBER, Filters(region="QC"), [2025])
    with pytest.raises(aggregates.FilterRefused):  # and again from the cache
        progress.admit(progress.MEMBER, Filters(region="QC"), [2025])
