"""The aggregation service, attacked with what it publishes: a total minus its visible parts, a table's
margins, two overlapping segment filters. Each attack must fail."""

import datetime

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils import translation

from grappe.conftest import make_organisation
from grappe.core import aggregates
from grappe.core.aggregates import FilterRefused, QuoteSource, Row
from grappe.core.models import AnonymitySetting, AuditEntry, ReleasedPopulation
from grappe.members import segments
from grappe.members.models import Capability, OrganisationCapability
from matching.anonymity import Refusal


def rows_for(sizes: dict, value=lambda org: 1.0):
    """Rows of distinct organisations: `sizes` maps a group to how many organisations are in it."""
    rows, next_id = [], 1
    for key, n in sizes.items():
        for _ in range(n):
            rows.append(Row(next_id, key, value(next_id)))
            next_id += 1
    return rows


def test_a_group_of_fewer_than_k_organisations_is_not_shown():
    result = aggregates.breakdown(rows_for({"Montréal": 12, "Laval": 7, "Gaspésie": 2}), k=5)
    assert result["Gaspésie"].suppressed and result["Gaspésie"].organisations is None
    assert result["Gaspésie"].mean is None and result["Gaspésie"].share is None
    assert result["Montréal"].organisations == 12 and result.total.organisations == 21


def test_distinct_organisations_not_rows():
    """Three answers from one organisation are still one organisation."""
    rows = [Row("solo", "export", 1)] * 3 + rows_for({"workforce": 6})
    result = aggregates.breakdown(rows, k=5)
    assert result["export"].suppressed
    assert result.total.organisations == 7 and result.total.items == 9


def test_attack_total_minus_visible_parts():
    """The attacker subtracts every visible count and every visible sum from the total: what is left must
    be a group of at least k, never the two organisations of Gaspésie."""
    rows = rows_for({"Montréal": 12, "Laval": 7, "Gaspésie": 2, "Estrie": 0}, value=lambda org: org * 1.5)
    result = aggregates.breakdown(rows, keys=["Montréal", "Laval", "Gaspésie", "Estrie"], k=5)
    visible = [cell for cell in result.cells if not cell.suppressed]
    left = result.total.organisations - sum(cell.organisations for cell in visible)
    assert left >= 5
    left_sum = result.total.total - sum(cell.total or 0 for cell in visible)
    gaspesie_sum = sum(row.value for row in rows if row.key == "Gaspésie")
    assert left_sum != pytest.approx(gaspesie_sum)
    assert result["Estrie"].organisations == 0  # nobody there: shown, it points at no one


def published_equations(grid: aggregates.Table):
    """What an attacker can write from a published table: unknowns are the hidden interior cells; each
    published margin says that its hidden cells add up to the margin minus its visible cells."""
    unknowns = [key for key, cell in grid.cells.items() if cell.suppressed]
    index = {key: i for i, key in enumerate(unknowns)}
    lines = [(grid.row_totals[r], [(r, c) for c in grid.column_keys]) for r in grid.row_keys]
    lines += [(grid.column_totals[c], [(r, c) for r in grid.row_keys]) for c in grid.column_keys]
    lines.append((grid.total, list(grid.cells)))
    matrix, rhs = [], []
    for margin, keys in lines:
        if margin.suppressed:
            continue
        row = np.zeros(len(unknowns))
        known = margin.organisations
        for key in keys:
            if key in index:
                row[index[key]] = 1
            else:
                known -= grid.cells[key].organisations
        matrix.append(row)
        rhs.append(known)
    return unknowns, np.array(matrix), np.array(rhs, dtype=float)


def test_attack_rows_and_columns_of_a_table():
    """Themes by month: one small cell in each of two blocks. The attacker solves the published row and
    column totals: no small cell is determined (each has a non-zero in some null-space vector)."""
    sizes = {(theme, month): 9 for theme in ("export", "workforce", "financing")
             for month in ("01", "02", "03")}
    sizes[("export", "01")] = 1
    sizes[("financing", "03")] = 3
    grid = aggregates.table(rows_for(sizes), k=5)
    assert grid.cell("export", "01").suppressed and grid.cell("financing", "03").suppressed
    unknowns, matrix, rhs = published_equations(grid)
    _u, singular, vt = np.linalg.svd(matrix)
    null_space = vt[int((singular > 1e-9).sum()):].T
    small = [i for i, key in enumerate(unknowns) if sizes[key] < 5]
    assert len(small) == 2
    for i in small:  # a hidden cell of 9 may be solvable (it is no secret); the small ones must not
        assert not np.allclose(null_space[i], 0), f"{unknowns[i]} can be solved from the margins"
    assert grid.total.organisations == 7 * 9 + 1 + 3  # the grand total stays visible


def test_attack_a_share_beside_a_hidden_total():
    """A share is a cell over its margin. Row b holds 3 and 12 organisations: its total and its small cell are
    hidden, the 12 is shown. Had the 12 carried its share (0.8), 12 / 0.8 = 15 would give the total back, and
    15 − 12 the 3 organisations (then the column total minus them, the 2 of row a)."""
    grid = aggregates.table(rows_for({("a", "x"): 2, ("b", "x"): 3, ("b", "y"): 12}), row_keys=["a", "b"],
                            column_keys=["x", "y"], k=5)
    assert grid.row_totals["b"].suppressed and grid.cell("b", "x").suppressed
    assert grid.cell("b", "y").organisations == 12 and grid.cell("b", "y").share is None
    assert grid.column_totals["y"].share == pytest.approx(12 / 17)  # beside a published total: harmless
    breakdown = aggregates.breakdown(rows_for({"a": 6, "b": 9}), k=5)
    assert breakdown["a"].share == pytest.approx(6 / 15)


def test_a_mean_of_a_scale_is_shown_only_beside_every_count():
    """Beside hidden counts the mean of the points is an equation on them (matching.anonymity rule 6); with
    every count shown it follows from them and is shown."""
    hidden = aggregates.distribution(rows_for({"1": 2, "2": 9, "3": 14}), points={"1": 1, "2": 2, "3": 3}, k=5)
    assert hidden["1"].suppressed and hidden["2"].suppressed and hidden.total.organisations == 25
    assert hidden.mean.suppressed and hidden.mean.mean is None and hidden.mean.reason
    assert hidden.total.mean is None and hidden.total.total is None  # the total does not carry the mean either
    shown = aggregates.distribution(rows_for({"1": 5, "2": 0, "3": 14}), points={"1": 1, "2": 2, "3": 3}, k=5)
    assert not shown.mean.suppressed and shown.mean.mean == pytest.approx((5 + 3 * 14) / 19)
    assert shown.mean.organisations == 19


def test_table_grid_is_ready_for_a_template():
    grid = aggregates.table(rows_for({("a", "x"): 6, ("a", "y"): 6, ("b", "x"): 7}), k=5)
    rows = grid.grid()
    assert [key for key, _cells, _total in rows] == ["a", "b"]
    assert [cell.organisations for cell in rows[1][1]] == [7, 0]
    assert rows[0][2].organisations == 12 and grid.column_totals["x"].organisations == 13


def test_k_is_the_staffs_setting(db, staff, org_admin):
    assert aggregates.current_k() == 5
    aggregates.set_k(actor=staff, k=3)
    assert aggregates.current_k() == 3
    assert AuditEntry.objects.filter(action="anonymity.threshold_changed").count() == 1
    assert aggregates.breakdown(rows_for({"a": 3, "b": 4})).k == 3
    assert not aggregates.breakdown(rows_for({"a": 3, "b": 4}))["a"].suppressed
    with pytest.raises(PermissionDenied):
        aggregates.set_k(actor=org_admin, k=1)


def test_k_cannot_publish_single_organisations(db):
    with pytest.raises(IntegrityError):
        AnonymitySetting.objects.create(k=1)


def test_suppressed_cells_say_fewer_than_k():
    result = aggregates.breakdown(rows_for({"a": 1, "b": 9}), k=5)
    with translation.override("en"):
        assert result.fewer_than == "fewer than 5 organisations"


@pytest.fixture
def monteregie(db):
    """100 organisations; 30 SMEs in Montérégie, 28 of which do 5-axis machining."""
    domain = Capability.objects.create(code="m", label_fr="Usinage", label_en="Machining")
    five_axis = Capability.objects.create(parent=domain, code="m5", label_fr="Usinage 5 axes",
                                          label_en="5-axis machining")
    for i in range(100):
        org = make_organisation(f"Org {i}", kind="sme" if i < 40 else "tier2",
                                region="16" if i < 30 else "06")
        if i < 28:
            OrganisationCapability.objects.create(organisation=org, capability=five_axis)
    return five_axis


def test_attack_two_overlapping_segment_filters(monteregie, observer):
    """'SMEs in Montérégie' (30) then 'SMEs in Montérégie with 5-axis machining' (28): the difference of the
    two dashboards would be the 2 SMEs without 5-axis machining. The second filter is refused."""
    everyone = frozenset(segments.organisations_in(segments.Criteria()).values_list("pk", flat=True))
    smes = segments.Criteria(kinds=("sme",), regions=("16",))
    smes_5_axis = segments.Criteria(kinds=("sme",), regions=("16",), capabilities=(monteregie.pk,))
    first = frozenset(segments.organisations_in(smes).values_list("pk", flat=True))
    second = frozenset(segments.organisations_in(smes_5_axis).values_list("pk", flat=True))
    assert len(first) - len(second) == 2

    aggregates.admit_filter(scope="listening.survey:1", filtered=first, parent=everyone)
    with pytest.raises(FilterRefused) as refused:
        aggregates.admit_filter(scope="listening.survey:1", filtered=second, parent=everyone)
    assert refused.value.reason == Refusal.TOO_CLOSE
    assert "5" in refused.value.message
    # Another data set has not shown the first population.
    aggregates.admit_filter(scope="listening.survey:2", filtered=second, parent=everyone)


def test_populations_are_compared_over_overlapping_periods_only(db):
    """Figures over March and figures over April are about different data: their populations are not
    compared. Figures over the first half, and over the year, overlap: they are."""
    everyone, first, second = frozenset(range(100)), frozenset(range(30)), frozenset(range(28))
    march, april = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)), (datetime.date(2026, 4, 1),
                                                                            datetime.date(2026, 4, 30))
    aggregates.admit_filter(scope="s", filtered=first, parent=everyone, period=march)
    aggregates.admit_filter(scope="s", filtered=second, parent=everyone, period=april)
    with pytest.raises(FilterRefused) as refused:
        aggregates.admit_filter(scope="s", filtered=first, parent=everyone,
                                period=(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)))
    assert refused.value.clashes_until == april[1]  # it returns once the period shown starts after April


def test_a_check_without_recording_leaves_the_ledger_alone(db):
    """The staff's own views check the ledger but add nothing to what observers can know."""
    everyone = frozenset(range(100))
    aggregates.admit_filter(scope="s", filtered=range(30), parent=everyone, record=False)
    assert not ReleasedPopulation.objects.exists()
    aggregates.admit_filter(scope="s", filtered=range(28), parent=everyone)
    assert ReleasedPopulation.objects.count() == 1


def test_filters_of_too_few_or_leaving_out_too_few_are_refused(db, observer):
    everyone = frozenset(range(50))
    with pytest.raises(FilterRefused) as refused:
        aggregates.admit_filter(scope="s", filtered=range(3), parent=everyone)
    assert refused.value.reason == Refusal.TOO_FEW
    with pytest.raises(FilterRefused) as refused:
        aggregates.admit_filter(scope="s", filtered=range(47), parent=everyone)
    assert refused.value.reason == Refusal.COMPLEMENT_TOO_SMALL
    aggregates.admit_filter(scope="s", filtered=range(20), parent=everyone)
    aggregates.admit_filter(scope="s", filtered=range(20), parent=everyone)  # again: fine


def test_quotes_only_with_consent_and_k_organisations():
    items = [QuoteSource(org, f"Pénurie de soudeurs ({org})", org != 3, "workforce") for org in range(1, 7)]
    items += [QuoteSource(7, "Un seul exportateur", True, "export")]
    found = aggregates.quotes(items, k=5)
    assert list(found) == ["workforce"]
    assert "Pénurie de soudeurs (3)" not in found["workforce"] and len(found["workforce"]) == 5
