"""The cluster's progress: reported emissions year by year, their intensity, by segment, and against the members'
commitments. Every figure comes out of grappe.core.aggregates: a group of fewer than k organisations is hidden
(with any figure that would give it away), so no member's figures are revealed — not to the staff on this
dashboard, not to the members, not in the yearly report.

What counts: reported (submitted) baselines only, scopes 1 and 2 (scope 3 is optional and left out), in kg
CO2e, shown in tonnes. Intensities are ratios of sums over the organisations that gave the denominator: the
emissions of those that gave their employees over their employees (t CO2e per employee), and of those that gave
their revenue over it (t CO2e per million CAD). The figures name the factor sets the baselines were computed
with.

Commitments: of the organisations reporting in the last year shown, how many hold a commitment (the share), and,
for those with a reduction target whose base year was reported, their emissions now against their base year's
and against their trajectory (the reduction promised, reached linearly from the base year to the target year).

Speed: one query of a few columns for every reported baseline (25,000 rows for 5,000 organisations over five
years), kept in the default cache under the version `greening.progress` (grappe.core.cache_versions), with the
figures computed from it for each filter. `progress_changed()` bumps the version: the baseline and commitment
services call it when a baseline is saved or reported, a commitment made or withdrawn.

Filters (organisation type, size, region, a saved segment for the staff) go through aggregates.admit_filter:
a population too small, nearly everyone or too close to one already shown is refused with its reason; what the
members see is recorded in the ledger, the staff's checks are not.
"""

import datetime
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple
from decimal import Decimal

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _

from grappe.core import aggregates, cache_versions
from grappe.core.aggregates import Cell, Row
from grappe.members.models import OrganisationKind, Region, Segment, SizeBand

from .models import Baseline, BaselineStatus, Commitment, CommitmentKind, FactorSet

VERSION_NAME = "greening.progress"
SECONDS = 60 * 60
SCOPE = "greening.baselines"  # the ledger of populations released (aggregates.admit_filter)
YEARS_SHOWN = 5
STAFF, MEMBER = "staff", "member"
COMMITTED, NOT_COMMITTED = "committed", "not_committed"
TARGETED, NOT_TARGETED = "targeted", "not_targeted"  # a reduction target with a reported base year, or not
DIMENSIONS = ("kind", "size_band", "region")


def progress_changed() -> None:
    """Renew the cached figures once the current transaction commits: call it whenever a baseline is saved,
    reported or recomputed, or a commitment made or withdrawn."""
    cache_versions.bump_on_commit(VERSION_NAME)


def audience(user) -> str:
    from grappe.members.rules import is_cluster_staff

    return STAFF if is_cluster_staff(user) else MEMBER


def _cached(name: str, compute: Callable[[], object], *parts) -> object:
    version = cache_versions.current(VERSION_NAME)  # before the data is read: see cache_versions.bump_on_commit
    described = ":".join(str(p) for p in (translation.get_language(), *parts))
    key = f"{VERSION_NAME}:{version}:{name}:{hashlib.sha256(described.encode()).hexdigest()[:32]}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, SECONDS)
    return value


def cached_html(name: str, render: Callable[[], str], *parts) -> str:
    """A fragment of the page rendered once per version, language and `parts` (what it is rendered from)."""
    from django.utils.safestring import mark_safe

    return mark_safe(_cached(f"html.{name}", lambda: str(render()), *parts))


# The rows ---------------------------------------------------------------------------------------------------

class Reported(NamedTuple):
    """One reported baseline, as the figures read it (kg CO2e of scopes 1 and 2)."""

    organisation: int
    year: int
    kg: float
    employees: int | None
    revenue: float | None
    factor_set: int
    kind: str
    size_band: str
    region: str


def reported_rows() -> list[Reported]:
    """Every reported baseline, a few columns each, cached under the version."""
    return _cached("rows", _reported_rows)


def _reported_rows() -> list[Reported]:
    found = Baseline.objects.filter(status=BaselineStatus.SUBMITTED).values_list(
        "organisation_id", "year", "scope1_kg", "scope2_kg", "employees", "revenue", "factor_set_id",
        "organisation__kind", "organisation__size_band", "organisation__region")
    return [Reported(org, year, float(s1 + s2), employees or None, float(revenue) if revenue else None, fs,
                     kind, size or "", region or "")
            for org, year, s1, s2, employees, revenue, fs, kind, size, region in found.iterator(chunk_size=5000)]


def commitments_by_organisation() -> dict[int, list[tuple]]:
    """Active commitments: organisation → [(kind, base year, target year, reduction %)], cached."""
    def compute():
        found: dict[int, list[tuple]] = {}
        for org, kind, base, target, percent in Commitment.objects.filter(withdrawn_at__isnull=True).values_list(
                "organisation_id", "kind", "base_year", "target_year", "reduction_percent"):
            found.setdefault(org, []).append((kind, base, target, float(percent) if percent is not None else None))
        return found
    return _cached("commitments", compute)


# Filters ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    """What the dashboard is asked for: a range of years and at most a type, a size, a region, a segment."""

    year_from: int | None = None
    year_to: int | None = None
    kind: str = ""
    size_band: str = ""
    region: str = ""
    segment: int | None = None

    @property
    def filters_population(self) -> bool:
        return bool(self.kind or self.size_band or self.region or self.segment)

    def key(self) -> str:
        return f"{self.year_from}:{self.year_to}:{self.kind}:{self.size_band}:{self.region}:{self.segment}"


def available_years() -> list[int]:
    """The years some baseline was reported for (cached on its own: every request reads it)."""
    return _cached("years", lambda: sorted({row.year for row in reported_rows()}))


def years_of(filters: Filters) -> list[int]:
    """The years shown: the range asked within the years reported, by default the last five."""
    years = available_years()
    if not years:
        return []
    last = min(filters.year_to or years[-1], years[-1])
    first = max(filters.year_from or last - YEARS_SHOWN + 1, years[0])
    return list(range(first, last + 1))


def _segment_members(segment_id: int) -> frozenset:
    from grappe.members.segments import organisations_in

    segment = Segment.objects.prefetch_related("capabilities", "certification_types").filter(pk=segment_id).first()
    if segment is None:
        return frozenset()
    return frozenset(organisations_in(segment).values_list("pk", flat=True))


def _keep(filters: Filters) -> Callable[[Reported], bool]:
    segment = _segment_members(filters.segment) if filters.segment else None

    def keep(row: Reported) -> bool:
        return ((not filters.kind or row.kind == filters.kind)
                and (not filters.size_band or row.size_band == filters.size_band)
                and (not filters.region or row.region == filters.region)
                and (segment is None or row.organisation in segment))
    return keep


def admit(who: str, filters: Filters, years: list[int]) -> frozenset:
    """aggregates.admit_filter of the filtered organisations, year by year: each year's figures are published
    on their own, so within each year shown the filtered organisations and those it leaves out must each
    number k or more (and not be too close to a population already released for that year). Returns the years
    whose filtered figures must be hidden (pass them to `figures`); raises aggregates.FilterRefused when every
    year shown is refused. Each admitted year is recorded with that year as its period when the figures are a
    member's."""
    if not filters.filters_population or not years:
        return frozenset()
    record = who != STAFF
    k = aggregates.current_k()
    # Under one version the data, hence the populations, are the same: a filter admitted (and recorded) once is
    # not checked again until a change.
    described = f"{cache_versions.current(VERSION_NAME)}:{record}:{filters.key()}:{years}:{k}"
    asked = f"{VERSION_NAME}.asked.y:{hashlib.sha256(described.encode()).hexdigest()[:32]}"
    known = cache.get(asked)
    if known is not None:
        if isinstance(known, tuple):  # refused: (reason, last day clashing)
            raise aggregates.FilterRefused(known[0], k, known[1])
        return frozenset(known)
    keep = _keep(filters)
    rows = reported_rows()
    hidden, refusal = set(), None
    for year in years:
        shown = [row for row in rows if row.year == year]
        parent = frozenset(row.organisation for row in shown)
        filtered = frozenset(row.organisation for row in shown if keep(row))
        if not filtered:
            continue  # nothing of this year to show for the filter: nothing to release
        try:
            aggregates.admit_filter(scope=SCOPE, filtered=filtered, parent=parent, record=record, k=k,
                                    period=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
        except aggregates.FilterRefused as error:
            hidden.add(year)
            refusal = refusal or error
    if refusal is not None and hidden >= {year for year in years
                                          if any(row.year == year and keep(row) for row in rows)}:
        cache.set(asked, (refusal.reason, refusal.clashes_until), SECONDS)
        raise refusal
    cache.set(asked, sorted(hidden), SECONDS)
    return frozenset(hidden)


# The figures ------------------------------------------------------------------------------------------------

def tonnes(cell: Cell | None) -> float | None:
    """A published sum of kg as tonnes; None when hidden (or nothing to add up)."""
    if cell is None or cell.suppressed or cell.total is None:
        return None
    return cell.total / 1000


def _ratio(numerator: Cell, denominator: Cell, scale: float) -> float | None:
    """numerator.total / denominator.total × scale, None when either is hidden or the denominator is 0."""
    if numerator.suppressed or denominator.suppressed or not denominator.total or numerator.total is None:
        return None
    return numerator.total / denominator.total * scale


def _intensities(rows: list[Reported], key: Callable[[Reported], object], keys: Sequence, k: int) -> dict:
    """Per key: t CO2e per employee and per million CAD, each over the organisations that gave the figure."""
    with_staff = [row for row in rows if row.employees]
    with_revenue = [row for row in rows if row.revenue]
    kg_e = aggregates.breakdown([Row(r.organisation, key(r), r.kg) for r in with_staff], keys=keys, k=k)
    employees = aggregates.breakdown([Row(r.organisation, key(r), r.employees) for r in with_staff], keys=keys, k=k)
    kg_r = aggregates.breakdown([Row(r.organisation, key(r), r.kg) for r in with_revenue], keys=keys, k=k)
    revenue = aggregates.breakdown([Row(r.organisation, key(r), r.revenue) for r in with_revenue], keys=keys, k=k)
    # kg / employee / 1000 = t per employee; kg / CAD × 10⁶ / 1000 = t per million CAD
    return {value: (_ratio(kg_e[value], employees[value], 1 / 1000), _ratio(kg_r[value], revenue[value], 1000))
            for value in keys}


def figures(filters: Filters, who: str, hidden_years: frozenset | set = frozenset()) -> dict:
    """The dashboard's (and the report's) figures for `filters`, cached. Admission is the caller's (`admit`),
    whose answer, the years whose filtered figures are hidden, is `hidden_years`."""
    k = aggregates.current_k()
    hidden_years = frozenset(hidden_years) if filters.filters_population else frozenset()
    return _cached("figures", lambda: _figures(filters, k, hidden_years), filters.key(), k, sorted(hidden_years))


def _figures(filters: Filters, k: int, hidden_years: frozenset = frozenset()) -> dict:
    years = years_of(filters)
    rows = [row for row in reported_rows() if row.year in set(years)] if years else []
    keep = _keep(filters)
    if filters.filters_population:
        rows = [row for row in rows if keep(row) and row.year not in hidden_years]
    per_year = [_hidden_year(year) if year in hidden_years else
                _year(year, [row for row in rows if row.year == year], k) for year in years]
    latest = years[-1] if years else None
    last_rows = [row for row in rows if row.year == latest]
    factor_set_ids = {row.factor_set for row in rows}
    by = [_by(last_rows, name, title, choices, k) for name, title, choices in (
        ("kind", _("Organisation type"), OrganisationKind.choices),
        ("size_band", _("Size"), SizeBand.choices),
        ("region", _("Region"), Region.choices))]
    if latest in hidden_years:
        by = [_hide_dimension(dimension) for dimension in by]
    return {
        "k": k, "fewer_than": aggregates.fewer_than(k), "years": years, "latest_year": latest,
        "per_year": per_year,
        "by": by,
        "commitments": _commitments(last_rows, latest, filters, keep, k)
        if latest and latest not in hidden_years else None,
        "factor_sets": list(FactorSet.objects.filter(pk__in=factor_set_ids).order_by("-year", "name")
                            .values_list("name", flat=True)),
    }


def _year(year: int, rows: list[Reported], k: int) -> dict:
    """A year's figures, each year protected on its own: no figure adds years up, so a year of fewer than k
    organisations hides that year only."""
    total = aggregates.breakdown([Row(r.organisation, year, r.kg) for r in rows], keys=[year], k=k)[year]
    per_employee, per_million = _intensities(rows, lambda r: year, [year], k)[year]
    return {"year": year, "cell": total, "tonnes": tonnes(total), "per_employee": per_employee,
            "per_million": per_million}


def _hidden_year(year: int) -> dict:
    """A year whose filtered figures may not be published (see `admit`)."""
    return {"year": year, "cell": Cell(key=year, suppressed=True), "tonnes": None, "per_employee": None,
            "per_million": None}


def _hide_dimension(dimension: dict) -> dict:
    hidden = Cell(key=None, suppressed=True)
    return {**dimension, "total": hidden, "lines": [
        {**line, "cell": Cell(key=line["key"], suppressed=True), "tonnes": None, "per_employee": None}
        for line in dimension["lines"]]}


def _by(rows: list[Reported], name: str, title: str, choices, k: int) -> dict:
    """The last year's emissions and intensity per value of one dimension (type, size or region)."""
    keys = [value for value, _label in choices]
    result = aggregates.breakdown([Row(r.organisation, getattr(r, name), r.kg) for r in rows], keys=keys, k=k)
    intensity = _intensities(rows, lambda r: getattr(r, name), keys, k)
    return {"name": name, "title": title, "total": result.total, "lines": [
        {"key": value, "label": str(label), "cell": result[value], "tonnes": tonnes(result[value]),
         "per_employee": intensity[value][0]} for value, label in choices]}


def trajectory(base_kg: float, base_year: int, target_year: int, percent: float, year: int) -> float:
    """The emissions a reduction target allows in `year`: from the base year's, down linearly by `percent` %
    reached in the target year, and held there after it."""
    progress = min(max((year - base_year) / (target_year - base_year), 0.0), 1.0)
    return base_kg * (1 - percent / 100 * progress)


def _commitments(last_rows: list[Reported], year: int, filters: Filters, keep, k: int) -> dict:
    """Of those reporting in `year`: committed or not (and the share), and the committed ones with a reduction
    target: their emissions now, in their base year, and what their trajectories allow now."""
    held = commitments_by_organisation()
    reporting = {row.organisation: row for row in last_rows}
    split = aggregates.breakdown([Row(org, COMMITTED if org in held else NOT_COMMITTED) for org in reporting],
                                 keys=[COMMITTED, NOT_COMMITTED], k=k)
    by_org_year = {(row.organisation, row.year): row.kg for row in reported_rows()}
    current, base, allowed = [], [], []
    for org, row in reporting.items():
        targets = [c for c in held.get(org, ()) if c[0] == CommitmentKind.REDUCTION and c[1] and c[1] < year]
        if not targets:
            continue
        _kind, base_year, target_year, percent = min(targets, key=lambda c: c[2])  # the nearest target
        base_kg = by_org_year.get((org, base_year))
        if base_kg is None:
            continue
        current.append(Row(org, "current", row.kg))
        base.append(Row(org, "base", base_kg))
        allowed.append(Row(org, "allowed", trajectory(base_kg, base_year, target_year, percent, year)))
    # Those with a target and a reported base year, and the others reporting: one breakdown, protected as such.
    # The year's total less the targeted ones' emissions is the others': when the others are 1..k-1, or the
    # targeted ones are, every figure of the targeted ones is hidden, their count included.
    targeted = {row.organisation for row in current}
    by_target = aggregates.breakdown([Row(org, TARGETED if org in targeted else NOT_TARGETED) for org in reporting],
                                     keys=[TARGETED, NOT_TARGETED], k=k)
    if by_target[TARGETED].suppressed:
        current_cell, base_cell, allowed_cell = (Cell(key=key, suppressed=True)
                                                 for key in ("current", "base", "allowed"))
    else:
        current_cell = aggregates.breakdown(current, keys=["current"], k=k).total
        base_cell = aggregates.breakdown(base, keys=["base"], k=k).total
        allowed_cell = aggregates.breakdown(allowed, keys=["allowed"], k=k).total
    reduced = None if tonnes(base_cell) in (None, 0) else 1 - current_cell.total / base_cell.total
    promised = None if tonnes(base_cell) in (None, 0) else 1 - allowed_cell.total / base_cell.total
    return {"year": year, "committed": split[COMMITTED], "not_committed": split[NOT_COMMITTED],
            "reporting": split.total,
            "share": None if split[COMMITTED].suppressed else split[COMMITTED].share,
            "current": current_cell, "base": base_cell, "allowed": allowed_cell,
            "current_t": tonnes(current_cell), "base_t": tonnes(base_cell), "allowed_t": tonnes(allowed_cell),
            "reduced": reduced, "promised": promised,
            "on_track": None if reduced is None or promised is None else reduced >= promised}


def as_decimal_tonnes(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 1)))


# Charts -----------------------------------------------------------------------------------------------------

def progress_charts(figs: dict) -> dict:
    """The dashboard's and the report's charts (grappe.core.charts): emissions per year, intensity per year,
    the last year by type, size and region, and the committed organisations against their trajectories. A
    hidden figure is a gap or a missing bar, written "< k"."""
    from grappe.core import charts

    k, years = figs["k"], [str(year) for year in figs["years"]]
    hidden, fewer = f"< {k}", figs["fewer_than"]
    gap = _("A gap in a line: %(fewer)s.") % {"fewer": fewer}
    missing = _("“< %(k)d”: %(fewer)s, not drawn.") % {"k": k, "fewer": fewer}
    if not years:
        return {}
    totals = [line["tonnes"] for line in figs["per_year"]]
    per_employee = [line["per_employee"] for line in figs["per_year"]]
    per_million = [line["per_million"] for line in figs["per_year"]]
    made = {
        "totals": charts.line([charts.Series(_("Scopes 1 and 2"), _rounded(totals))], years,
                              title=_("Reported emissions per year (t CO2e)"), x_title=_("Year"),
                              y_title=_("t CO2e"), hidden=hidden, note=gap if None in totals else ""),
        "intensity": charts.line(
            [charts.Series(_("per employee"), _rounded(per_employee, 2)),
             charts.Series(_("per million CAD of revenue"), _rounded(per_million, 2))], years,
            title=_("Emission intensity per year (t CO2e)"), x_title=_("Year"), y_title=_("t CO2e"),
            hidden=hidden, note=gap if None in per_employee + per_million else ""),
        "by": [],
    }
    for dimension in figs["by"]:
        lines = [line for line in dimension["lines"] if line["cell"].suppressed or line["cell"].organisations]
        values = _rounded([line["tonnes"] for line in lines])
        made["by"].append(charts.bars(
            [line["label"] for line in lines], values,
            title=_("%(year)s emissions by %(dimension)s (t CO2e)") % {"year": figs["latest_year"],
                                                                     "dimension": dimension["title"].lower()},
            value_title=_("t CO2e"), hidden=hidden, note=missing if None in values else ""))
    commitments = figs["commitments"]
    if commitments and not commitments["base"].suppressed and commitments["base"].organisations:
        made["commitments"] = charts.bars(
            [_("Base years"), _("Allowed by their trajectories"), str(commitments["year"])],
            _rounded([commitments["base_t"], commitments["allowed_t"], commitments["current_t"]]),
            title=_("Organisations with a reduction target (t CO2e)"), value_title=_("t CO2e"), hidden=hidden)
    return made


def _rounded(values, digits: int = 0) -> list:
    return [None if v is None else (round(v, digits) if digits else float(round(v))) for v in values]


def _bump_now() -> None:
    """A new version at once (a benchmark's or a command's bulk writes, outside any service)."""
    cache_versions._bump(VERSION_NAME)
