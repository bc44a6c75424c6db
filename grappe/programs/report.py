"""The funder's report of a program: what the program received, found eligible, funded, committed and paid, in
total, per call and by the lead organisations' member type, size and region — the figures the staff's PDF and
XLSX (documents/funder_report.py) and the observers' results page show alike.

Every figure goes through grappe.core.aggregates: a group of fewer than k organisations (distinct lead
organisations) is hidden, and so is any figure from which a hidden one could be worked out (the total minus the
groups shown, or one count minus another: the counts are one protected table, see OUTCOMES); a total is shown
only where every grouping shows it. Amounts are summed as whole cents (exact in a float up to 90 billion
dollars) and handed back as Decimal. An application counts in its lead organisation's groups; a consortium's
money is the lead's.

- received: every application that was submitted (drafts and withdrawn ones are not counted);
- eligible: those the screening kept (eligible, under review, funded or declined);
- funded: those decided funded; "granted" is the amount the committee granted;
- committed and disbursed: the commitments on the envelope and what was paid against them;
- leverage: the total project cost of the funded applications per public dollar granted to them.
"""

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.core import aggregates
from grappe.core.aggregates import Cell, Row
from grappe.members.models import OrganisationKind, Region, SizeBand

from .models import CENT, SUBMITTED_STATUSES, Application, ApplicationStatus, CallStatus, Program

NOT_STATED = ""


@dataclass(frozen=True)
class Dimension:
    """A way of grouping the lead organisations: the field read and the labels of its values."""

    name: str
    title: str
    field: str
    labels: Callable[[], dict]


DIMENSIONS = (
    Dimension("kind", gettext_lazy("Member type"), "kind", lambda: dict(OrganisationKind.choices)),
    Dimension("size", gettext_lazy("Size"), "size_band", lambda: dict(SizeBand.choices)),
    Dimension("region", gettext_lazy("Region"), "region", lambda: dict(Region.choices)),
)


@dataclass(frozen=True)
class Line:
    """One group's figures (or the total's, `label` then "Total"); a suppressed cell has no number."""

    label: str
    received: Cell
    eligible: Cell
    funded: Cell
    requested: Cell
    granted: Cell
    committed: Cell
    disbursed: Cell
    funded_cost: Cell

    @property
    def leverage(self) -> Decimal | None:
        """Total project cost of the funded applications per dollar granted; None when hidden or nothing was."""
        return leverage(self.funded_cost, self.granted)


@dataclass(frozen=True)
class Table:
    """The figures of one grouping: a line per group, and the total."""

    name: str
    title: str
    lines: list[Line]
    total: Line


@dataclass(frozen=True)
class Figures:
    program: Program
    k: int
    tables: list[Table]   # by member type, size, region, then per call
    envelope: Decimal

    @property
    def total(self) -> Line:
        return self.tables[0].total

    @property
    def by_call(self) -> Table:
        return self.tables[-1]

    @property
    def by_dimension(self) -> list[Table]:
        return self.tables[:-1]

    @property
    def fewer_than(self) -> str:
        return aggregates.fewer_than(self.k)


def money(cell: Cell) -> Decimal | None:
    """A cell's sum of cents as dollars; None when hidden (0 when the group has no amount)."""
    if cell.suppressed:
        return None
    return (Decimal(int(round(cell.total or 0))) / 100).quantize(CENT)


def count(cell: Cell) -> int | None:
    """The applications (rows) of a cell; None when hidden."""
    return None if cell.suppressed else cell.items or 0


def leverage(cost: Cell, granted: Cell) -> Decimal | None:
    cost_amount, granted_amount = money(cost), money(granted)
    if cost_amount is None or not granted_amount:
        return None
    return (cost_amount / granted_amount).quantize(CENT)


def _cents(amount: Decimal | None) -> int:
    return int((amount or 0) * 100)


@dataclass(frozen=True)
class _Fact:
    """One application's part in the figures, with its lead's groups."""

    organisation: int
    groups: dict
    status: str
    requested: Decimal
    total_cost: Decimal
    granted: Decimal | None
    committed: Decimal | None
    disbursed: Decimal | None


def _facts(program: Program) -> list[_Fact]:
    """The program's submitted applications, in one query."""
    rows = (Application.objects.filter(call__program=program, status__in=SUBMITTED_STATUSES)
            .values_list("lead_id", "lead__kind", "lead__size_band", "lead__region", "call_id", "status",
                         "amount_requested", "total_cost", "decision__amount", "commitment__amount",
                         "commitment__disbursed"))
    return [_Fact(lead, {"kind": kind, "size": size or NOT_STATED, "region": region or NOT_STATED, "call": call},
                  status, requested, cost, granted, committed, disbursed)
            for lead, kind, size, region, call, status, requested, cost, granted, committed, disbursed in rows]


# Each submitted application is in exactly one outcome: the counts of a grouping are one two-way table (group ×
# outcome), protected as a whole, so that no difference of the figures shown (received − eligible: the group's
# applications not kept; eligible − funded) singles out fewer than k organisations. Three outcomes, the fewest
# that give received, eligible and funded: the finer the table, the more small cells it hides.
NOT_KEPT, KEPT, FUNDED = "not_kept", "kept", "funded"  # not eligible or not screened yet; eligible, not funded
OUTCOMES = (NOT_KEPT, KEPT, FUNDED)
OUTCOME_OF = {ApplicationStatus.SUBMITTED: NOT_KEPT, ApplicationStatus.INELIGIBLE: NOT_KEPT,
              ApplicationStatus.ELIGIBLE: KEPT, ApplicationStatus.UNDER_REVIEW: KEPT,
              ApplicationStatus.DECLINED: KEPT, ApplicationStatus.FUNDED: FUNDED}


def _eligible(total: Cell, outcomes: dict[str, Cell]) -> Cell:
    """The applications the screening kept, published only when the published cells give it already: the sum of
    the two eligible outcomes, or the total less the others."""
    if not outcomes[KEPT].suppressed and not outcomes[FUNDED].suppressed:
        items = (outcomes[KEPT].items or 0) + (outcomes[FUNDED].items or 0)
    elif not total.suppressed and not outcomes[NOT_KEPT].suppressed:
        items = (total.items or 0) - (outcomes[NOT_KEPT].items or 0)
    else:
        return Cell(key="eligible", suppressed=True)
    return Cell(key="eligible", suppressed=False, items=items)


def _hidden_with(cell: Cell, count_cell: Cell) -> Cell:
    """A sum of money hidden, too, where the count it goes with is (hiding more never gives a figure away)."""
    return Cell(key=cell.key, suppressed=True) if count_cell.suppressed else cell


def _line(label: str, total: Cell, outcomes: dict[str, Cell], money: dict[str, Cell]) -> Line:
    funded = outcomes[FUNDED]
    return Line(label=label, received=total, eligible=_eligible(total, outcomes), funded=funded,
                requested=_hidden_with(money["requested"], total),
                **{name: _hidden_with(money[name], funded)
                   for name in ("granted", "committed", "disbursed", "funded_cost")})


def _table(name: str, title: str, facts: list[_Fact], keys: list, labels: dict, k: int) -> Table:
    def rows(keep: Callable[[_Fact], bool], value: Callable[[_Fact], Decimal | None]) -> Iterable[Row]:
        return [Row(f.organisation, f.groups[name], _cents(value(f)) if value(f) is not None else None)
                for f in facts if keep(f)]

    counts = aggregates.table([Row(f.organisation, (f.groups[name], OUTCOME_OF[f.status])) for f in facts],
                              row_keys=keys, column_keys=OUTCOMES, k=k)
    funded = (lambda f: f.status == ApplicationStatus.FUNDED)
    with_commitment = (lambda f: f.committed is not None)
    sums = {measure: aggregates.breakdown(found, keys=keys, k=k) for measure, found in {
        "requested": rows(lambda f: True, lambda f: f.requested),
        "granted": rows(funded, lambda f: f.granted),
        "committed": rows(with_commitment, lambda f: f.committed),
        "disbursed": rows(with_commitment, lambda f: f.disbursed),
        "funded_cost": rows(funded, lambda f: f.total_cost),
    }.items()}
    lines = [_line(str(labels.get(key, key)), counts.row_totals[key],
                   {outcome: counts.cell(key, outcome) for outcome in OUTCOMES},
                   {measure: breakdown[key] for measure, breakdown in sums.items()}) for key in keys]
    total = _line(_("Total"), counts.total, dict(counts.column_totals),
                  {measure: breakdown.total for measure, breakdown in sums.items()})
    return Table(name=name, title=title, lines=lines, total=total)


def program_figures(program: Program, k: int | None = None) -> Figures:
    """The funder's report's figures of `program`, every one through the aggregation service."""
    k = k or aggregates.current_k()
    facts = _facts(program)
    tables = []
    for dimension in DIMENSIONS:
        labels = {**dimension.labels(), NOT_STATED: _("Not stated")}
        found = {f.groups[dimension.name] for f in facts}
        keys = [key for key in labels if key in found]
        tables.append(_table(dimension.name, str(dimension.title), facts, keys, labels, k))
    calls = program.calls.exclude(status=CallStatus.DRAFT).order_by("opens_at", "pk")
    tables.append(_table("call", _("Call"), facts, [call.pk for call in calls],
                         {call.pk: call.title for call in calls}, k))
    return Figures(program=program, k=k, tables=_one_total(tables), envelope=program.envelope)


def _one_total(tables: list[Table]) -> list[Table]:
    """Every grouping has the same totals: one is shown only where every table's protection shows it, since a
    total one table shows could let the cells another hid for it be worked out."""
    names = [f.name for f in dataclasses.fields(Line) if f.name != "label"]
    hidden = {name for name in names for table in tables if getattr(table.total, name).suppressed}
    total = tables[0].total
    merged = dataclasses.replace(total, **{name: Cell(key=getattr(total, name).key, suppressed=True)
                                           for name in hidden})
    return [dataclasses.replace(table, total=merged) for table in tables]

