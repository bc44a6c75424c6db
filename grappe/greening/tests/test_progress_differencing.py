"""Figures that could be worked out by difference (review of issue 17): a filter checked year by year, the
organisations without a reduction target, a blank size band or region."""

import pytest
from django.core.cache import cache
from django.utils import translation

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


def test_the_organisations_without_a_target_are_not_given_away(monkeypatch):
    """Nine organisations with a target (base year 2020 reported) and one without, in 2025: the year's total less
    the targeted ones' emissions would be that one organisation's. Every figure of the targeted ones is hidden,
    their count included, in the dashboard's figures and in the report."""
    rows = []
    for i in range(9):
        rows.append(Reported(i, 2020, 2000.0, None, None, 1, "sme", "10-49", "QC"))
        rows.append(Reported(i, 2025, 1000.0, None, None, 1, "sme", "10-49", "QC"))
    rows.append(Reported(99, 2025, 7777.0, None, None, 1, "sme", "10-49", "QC"))
    use(monkeypatch, rows, [2020, 2025], {i: [("reduction", 2020, 2030, 50.0)] for i in range(9)})
    figs = progress._figures(Filters(), 5)
    assert figs["per_year"][-1]["tonnes"] == pytest.approx(9000 / 1000 + 7.777)
    commitments = figs["commitments"]
    assert commitments["base"].suppressed and commitments["current"].suppressed
    assert commitments["current_t"] is None and commitments["base_t"] is None and commitments["allowed_t"] is None
    assert commitments["reduced"] is None
    with translation.override("en"):
        lines = {str(line[0]): line[1] for line in report.commitment_lines(figs, raw=True)}
    hidden = "< 5"
    assert lines["Organisations with a reduction target and a reported base year"] == hidden
    assert lines["Their emissions in 2025 (t CO2e)"] == hidden


def test_the_targeted_ones_are_shown_when_both_sides_count_k(monkeypatch):
    rows = []
    for i in range(10):
        rows.append(Reported(i, 2020, 2000.0, None, None, 1, "sme", "10-49", "QC"))
        rows.append(Reported(i, 2025, 1000.0, None, None, 1, "sme", "10-49", "QC"))
    use(monkeypatch, rows, [2020, 2025], {i: [("reduction", 2020, 2030, 50.0)] for i in range(5)})
    commitments = progress._figures(Filters(), 5)["commitments"]
    assert commitments["base"].organisations == 5
    assert commitments["current_t"] == pytest.approx(5.0)
    assert commitments["base_t"] == pytest.approx(10.0)


def test_a_blank_size_band_or_region_is_not_given_away(monkeypatch):
    """Five small (10–49) organisations, five micro (1–9) ones and one with neither size nor region: the total
    less the bands shown would be that one. Its cell is protected: the total or another band is hidden."""
    rows = [Reported(i, 2025, 1000.0, None, None, 1, "sme", "10-49", "16") for i in range(5)]
    rows += [Reported(i, 2025, 2000.0, None, None, 1, "sme", "1-9", "06") for i in range(5, 10)]
    rows.append(Reported(99, 2025, 7777.0, None, None, 1, "sme", "", ""))
    use(monkeypatch, rows, [2025])
    figs = progress._figures(Filters(), 5)
    for name in ("size_band", "region"):
        dimension = next(d for d in figs["by"] if d["name"] == name)
        shown = sum(line["cell"].total for line in dimension["lines"] if not line["cell"].suppressed
                    and line["cell"].total is not None)
        total = figs["per_year"][0]["cell"].total
        hidden = [line for line in dimension["lines"] if line["cell"].suppressed]
        # whatever is published, total − shown never isolates the blank one
        assert hidden or dimension["total"].suppressed, name
        assert total - shown != pytest.approx(7777.0), name


def test_rows_outside_the_keys_asked_are_protected():
    rows = [aggregates.Row(i, "a", 1.0) for i in range(6)] + [aggregates.Row(i, "b", 1.0) for i in range(6, 12)]
    rows.append(aggregates.Row(99, "elsewhere", 50.0))
    result = aggregates.breakdown(rows, keys=["a", "b"], k=5)
    published = [cell for cell in (result["a"], result["b"], result.total) if not cell.suppressed]
    assert len(published) < 3  # with all three, total − a − b = the one outside
