"""The one aggregation service: every count, sum, average or share shown to someone who may not see the rows
behind it (an observer, another member, a brief, an API number, an XLSX cell) is computed here.

It enforces the anonymity threshold k (distinct organisations, set by the staff, `current_k`) and blocks
recovering a hidden figure by difference. The rules and the threat model are in `matching.anonymity`
(pure, tested alone); this module feeds it the rows and hands back plain dataclasses that a template, a
chart, a PDF or an XLSX writer reads the same way:

    rows = [Row(answer.organisation_id, answer.region, answer.score) for answer in answers]
    result = aggregates.breakdown(rows, keys=regions)
    for cell in result.cells:    # cell.key, cell.suppressed, cell.organisations, cell.items, cell.total,
        ...                      # cell.mean, cell.share
    result.total                         # a Cell for the margin; result.k; result.fewer_than ("fewer than 5")

    grid = aggregates.table(rows_with_pairs, row_keys=themes, column_keys=months)   # key = (row, column)
    grid.cell(theme, month); grid.row_totals[theme]; grid.column_totals[month]; grid.total

    scale = aggregates.distribution(answers, points={"1": 1, …, "5": 5})   # counts per point, and
    scale.mean                   # the mean: hidden as soon as one count is (it would solve them)

A figure derived from others is protected with them: a share is published only beside a published margin
(share × margin would give the margin back), a mean of a scale only beside a fully published breakdown.

Filters (a segment, a region…) go through `admit_filter` first: it refuses a population too small, one
that leaves out fewer than k organisations of its parent, or one within k organisations of a population
already released to anyone about overlapping data (observers may pool what each saw; a published brief
is seen by every observer). Quotes go through `quotes`.
"""

import datetime
import hashlib
import zlib
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from matching import anonymity
from matching.anonymity import MEAN, TOTAL, Refusal

from . import audit
from .models import AnonymitySetting, ReleasedPopulation
from .permissions import require


class Row(NamedTuple):
    """One fact about one organisation: it belongs to group `key` (a pair (row, column) for `table`), with an
    optional numeric `value` (a score, an amount). Several rows of one organisation in one group count it
    once in `organisations` and every time in `items`."""

    organisation: Hashable
    key: Hashable
    value: float | None = None


@dataclass(frozen=True)
class Cell:
    """One published figure. When `suppressed`, every number is None: show `reason` when it has one (a
    figure hidden because it would give others away), else `fewer_than`."""

    key: Hashable
    suppressed: bool
    organisations: int | None = None  # distinct organisations
    items: int | None = None          # rows (answers, needs…)
    total: float | None = None        # sum of the values
    mean: float | None = None         # mean of the values (None when no row had a value)
    share: float | None = None        # organisations / organisations of the margin (when published), 0..1
    reason: str = ""                  # why a suppressed figure that is not itself small is hidden


@dataclass(frozen=True)
class Breakdown:
    """A one-way breakdown: one cell per group, in the order asked, and the total."""

    k: int
    cells: list[Cell]
    total: Cell

    @property
    def fewer_than(self) -> str:
        return fewer_than(self.k)

    def __getitem__(self, key) -> Cell:
        return next(cell for cell in self.cells if cell.key == key)


@dataclass(frozen=True)
class Distribution(Breakdown):
    """A breakdown by the points of a scale, with the mean of the points (`mean`, a Cell: read `.mean`)."""

    mean: Cell | None = None


@dataclass(frozen=True)
class Table:
    """A two-way table with its margins. `cells` is keyed (row, column)."""

    k: int
    row_keys: list
    column_keys: list
    cells: dict[tuple, Cell]
    row_totals: dict[Hashable, Cell]
    column_totals: dict[Hashable, Cell]
    total: Cell

    @property
    def fewer_than(self) -> str:
        return fewer_than(self.k)

    def cell(self, row, column) -> Cell:
        return self.cells[(row, column)]

    def grid(self) -> list[tuple[Hashable, list[Cell], Cell]]:
        """Row by row, for templates and spreadsheets: (row key, its cells in column order, its total)."""
        return [(r, [self.cells[(r, c)] for c in self.column_keys], self.row_totals[r])
                for r in self.row_keys]


def fewer_than(k: int) -> str:
    """What a suppressed cell says."""
    return ngettext("fewer than %(k)d organisation", "fewer than %(k)d organisations", k) % {"k": k}


# The threshold ----------------------------------------------------------------------------------

def current_k() -> int:
    """The threshold the staff set (5 until they change it)."""
    setting = AnonymitySetting.objects.order_by("pk").first()
    return setting.k if setting else anonymity.DEFAULT_K


def set_k(*, actor, k: int) -> AnonymitySetting:
    """Change the threshold. Staff only; audited."""
    require(actor, "core.set_anonymity_threshold")
    with transaction.atomic():
        setting = AnonymitySetting.objects.select_for_update().order_by("pk").first() or AnonymitySetting()
        before = audit.snapshot(setting) if setting.pk else None
        setting.k = k
        setting.save()
        audit.record(actor, "anonymity.threshold_changed", setting, before=before,
                     after=audit.snapshot(setting))
    return setting


# Breakdowns and tables --------------------------------------------------------------------------

@dataclass
class _Group:
    organisations: set = field(default_factory=set)
    items: int = 0
    total: float = 0.0
    valued: int = 0

    def add(self, row: Row) -> None:
        self.organisations.add(row.organisation)
        self.items += 1
        if row.value is not None:
            self.total += row.value
            self.valued += 1


def _collect(rows: Iterable[Row], key=lambda row: row.key) -> dict[Hashable, _Group]:
    groups: dict[Hashable, _Group] = {}
    for row in rows:
        groups.setdefault(key(row), _Group()).add(row)
    return groups


def _cell(key, group: _Group | None, suppressed: bool, margin: _Group | None) -> Cell:
    """A figure; its share of `margin`, which the caller passes only when that margin is published."""
    if suppressed:
        return Cell(key=key, suppressed=True)
    group = group or _Group()
    n = len(group.organisations)
    base = len(margin.organisations) if margin else 0
    return Cell(key=key, suppressed=False, organisations=n, items=group.items,
                total=group.total if group.valued else None,
                mean=group.total / group.valued if group.valued else None,
                share=n / base if base else None)


def _keys(found: Iterable, asked: Sequence | None) -> list:
    if asked is not None:
        return list(asked)
    return sorted(found, key=lambda key: (key is None, str(key)))


def breakdown(rows: Iterable[Row], *, keys: Sequence | None = None, k: int | None = None) -> Breakdown:
    """Each group's figures, with the total; small groups hidden. A cell counts the distinct organisations
    (`organisations`) and the rows (`items`) of its group, and adds up their values: `total` is the sum,
    `mean` the mean (rows without a value count as respondents but not in the sum or the mean).

    `keys` fixes the groups shown and their order (a group nobody is in shows 0); by default, the groups
    found, sorted. Rows whose key is not in `keys` still count in the total: they form a cell of their own
    ("not given", never shown) that is protected like the others, so the total minus the cells shown never
    gives them away.
    """
    return _protected_breakdown(rows, keys, k or current_k(), anonymity.protect_line)[0]


def _protected_breakdown(rows: Iterable[Row], keys: Sequence | None, k: int, protect) -> tuple[Breakdown, set]:
    """A breakdown protected by `protect` (a `matching.anonymity` function of the counts), and what it hid."""
    rows = list(rows)
    groups = _collect(rows)
    margin = _whole(rows)
    keys = _keys(groups, keys)
    counts = {key: len(groups[key].organisations) if key in groups else 0 for key in keys}
    outside = set().union(*(group.organisations for key, group in groups.items() if key not in counts))
    if outside:
        counts[NOT_GIVEN] = len(outside)
    # Protection treats the total as the sum of the cells: exact when groups do not overlap, conservative
    # when one organisation is in several groups (multiple choice). Rows outside the groups shown are the
    # cell NOT_GIVEN, protected (and never shown) like the others.
    protection = protect(counts, k)
    total = _cell(None, margin, _is_hidden(protection.hidden, TOTAL, margin, k), None)
    shown_margin = None if total.suppressed else margin
    cells = [_cell(key, groups.get(key), key in protection.hidden, shown_margin) for key in keys]
    return Breakdown(k=k, total=total, cells=cells), protection.hidden


NOT_GIVEN = "__not_given__"  # the rows whose key is not among the keys asked
MEAN_HIDDEN = _("Not shown: beside the counts hidden above, the average would let them be worked out.")


def distribution(rows: Iterable[Row], *, points: dict[Hashable, float], k: int | None = None) -> Distribution:
    """Organisations per point of a scale (`row.key` is a point, `points` maps each to its value, in order)
    and the mean of their points. Beside n, the mean is a second equation on the hidden counts (two of them
    are solved outright), so it is hidden as soon as one count is (`matching.anonymity.protect_distribution`);
    published, it follows from the counts."""
    k = k or current_k()
    rows = [Row(row.organisation, row.key, float(points[row.key])) for row in rows]
    counted, hidden = _protected_breakdown([Row(row.organisation, row.key) for row in rows], list(points), k,
                                 anonymity.protect_distribution)
    mean = (Cell(key=MEAN, suppressed=True, reason=str(MEAN_HIDDEN)) if MEAN in hidden
            else _cell(MEAN, _whole(rows), False, None))
    return Distribution(k=k, cells=counted.cells, total=counted.total, mean=mean)


def _whole(rows: list[Row]) -> _Group:
    """All the rows as one group: the grand total."""
    return _collect(rows, key=lambda row: TOTAL).get(TOTAL, _Group())


def _is_hidden(hidden, key, group: _Group | None, k: int) -> bool:
    """Hidden by the protection, or (a total the protection treats as a sum) itself under k."""
    return key in hidden or 0 < len(group.organisations if group else ()) < k


def table(rows: Iterable[Row], *, row_keys: Sequence | None = None, column_keys: Sequence | None = None,
          k: int | None = None) -> Table:
    """A two-way table (row.key is a (row, column) pair) with row, column and grand totals, protected so
    that no hidden cell can be recovered from the margins (`matching.anonymity.protect_table`)."""
    k = k or current_k()
    rows = list(rows)
    groups = _collect(rows)
    by_row = _collect(rows, key=lambda row: row.key[0])
    by_column = _collect(rows, key=lambda row: row.key[1])
    margin = _whole(rows)
    row_keys = _keys(by_row, row_keys)
    column_keys = _keys(by_column, column_keys)
    counts = {(r, c): len(groups[(r, c)].organisations) if (r, c) in groups else 0
              for r in row_keys for c in column_keys}
    # As in breakdown: margins are protected as the sums of their cells.
    protection = anonymity.protect_table(counts, row_keys, column_keys, k)

    def is_hidden(cell_key, group: _Group | None) -> bool:
        return _is_hidden(protection.hidden, cell_key, group, k)

    total = _cell(None, margin, is_hidden((TOTAL, TOTAL), margin), None)
    row_totals = {r: _cell(r, by_row.get(r), is_hidden((r, TOTAL), by_row.get(r)), None if total.suppressed
                           else margin) for r in row_keys}
    return Table(
        k=k, row_keys=row_keys, column_keys=column_keys,
        cells={(r, c): _cell((r, c), groups.get((r, c)), is_hidden((r, c), groups.get((r, c))),
                             None if row_totals[r].suppressed else by_row.get(r))
               for r in row_keys for c in column_keys},
        row_totals=row_totals,
        column_totals={c: _cell(c, by_column.get(c), is_hidden((TOTAL, c), by_column.get(c)),
                                None if total.suppressed else margin) for c in column_keys},
        total=total,
    )


# Filters ----------------------------------------------------------------------------------------

REFUSALS = {
    Refusal.TOO_FEW: _("This filter keeps fewer than %(k)d organisations: its figures could point at them."),
    Refusal.COMPLEMENT_TOO_SMALL: _("This filter leaves out fewer than %(k)d organisations: comparing it "
                                    "with the unfiltered figures could point at them."),
    Refusal.TOO_CLOSE: _("This filter differs by fewer than %(k)d organisations from one whose figures were "
                         "already shown (here, in a brief or through the API): comparing the two could point "
                         "at them."),
}


class FilterRefused(Exception):
    """A filter whose figures would let the viewer single out fewer than k organisations. When it is too close
    to released populations, `clashes_until` is the last day of data they cover (None: all of it)."""

    def __init__(self, reason: Refusal, k: int, clashes_until: datetime.date | None = None):
        self.reason, self.k, self.clashes_until = reason, k, clashes_until
        super().__init__(str(REFUSALS[reason] % {"k": k}))

    @property
    def message(self) -> str:
        return str(self)


def population(rows: Iterable[Row]) -> frozenset:
    """The distinct organisations behind some rows."""
    return frozenset(row.organisation for row in rows)


def admit_filter(*, scope: str, filtered: Iterable, parent: Iterable, period: tuple | None = None,
                 record: bool = True, k: int | None = None) -> None:
    """Allow figures about `filtered` (organisations, a subset of `parent`), or raise FilterRefused.

    `scope` names the data set (e.g. "listening.needs") and `period` (first day, last day) the dates of the
    data the figures cover (None: all of it). The population is compared with every one released in the
    scope over an overlapping period, whoever it was shown to: observers may pool what each saw, and a
    published brief is read by all of them. `record` remembers an admitted population (ReleasedPopulation):
    the caller says so when the figures leave the staff — a page or an API answer to anyone else, a brief
    when it is published. The staff, who may read the rows, check without adding to the ledger.
    """
    k = k or current_k()
    filtered, parent = frozenset(filtered), frozenset(parent)
    with transaction.atomic():
        if record:
            _lock_ledger(scope)
        released = ReleasedPopulation.objects.filter(scope=scope)
        if period is not None:
            released = released.filter(Q(period_start__isnull=True) | Q(period_start__lte=period[1],
                                                                          period_end__gte=period[0]))
        released = [(frozenset(ids), end) for ids, end in released.values_list("organisations", "period_end")]
        reason = anonymity.check_population(filtered, parent, k, [ids for ids, _end in released])
        if reason == Refusal.TOO_CLOSE:
            ends = [end for ids, end in released if 0 < len(filtered ^ ids) < k]
            raise FilterRefused(reason, k, None if None in ends else max(ends))
        if reason is not None:
            raise FilterRefused(reason, k)
        if record:
            _remember(scope, period, filtered)


def _lock_ledger(scope: str) -> None:
    """One admission at a time per scope, until its transaction ends: two requests that each checked, then
    recorded, two populations a few organisations apart would both pass. (SQLite serialises writers.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(scope.encode())])


def _remember(scope: str, period: tuple | None, organisations: frozenset) -> None:
    ids = sorted(organisations, key=str)
    digest = hashlib.sha256(repr(ids).encode()).hexdigest()
    start, end = period or (None, None)
    try:
        with transaction.atomic():
            ReleasedPopulation.objects.get_or_create(scope=scope, period_start=start, period_end=end,
                                                     digest=digest, defaults={"organisations": ids})
    except IntegrityError:
        pass  # the same population released at the same moment in another request


# Quotes -----------------------------------------------------------------------------------------

class QuoteSource(NamedTuple):
    organisation: Hashable
    text: str
    consented: bool
    group: Hashable = None


def quotes(items: Iterable[QuoteSource], *, k: int | None = None) -> dict[Hashable, list[str]]:
    """Texts that may be quoted, by group: only consented ones, only in groups at least k distinct
    organisations wrote into. Removing names and identifying details from the texts is the caller's job."""
    return anonymity.quotable(items, k or current_k())
