"""Publishing counts and averages about members without pointing back at any of them.

Members only tell the cluster the real issues when nothing can point back at them. Every figure shown to
someone who may not see the rows behind it (an observer, another member, a brief) is therefore computed
here, on plain data, with these guarantees.

Threat model
------------
The adversary sees everything published — every cell, every margin, every figure of every filter it was
allowed to apply — and does arithmetic on it. It knows that counts are non-negative. It wants the exact
count, sum or mean of a group of fewer than k distinct organisations (a region with two SMEs, the one
prime that answered "no"), because such a figure points back at them.

1. **Small cells.** A group with 1 to k-1 distinct organisations is *suppressed* (primary suppression):
   its count and its value are not published, only "fewer than k". Empty groups are published as 0: "no
   member said so" points at nobody.
2. **Total minus visible parts.** A published margin (a total, a row or column total) is the sum of its
   cells, so a lone suppressed cell in a line equals the margin minus the others. In every line whose
   margin is published, the suppressed cells together hold either no organisation or at least k
   (complementary suppression: the next smallest cells are hidden too). The sum the adversary can
   derive is then a group of at least k.
3. **Margins of a 2-D table.** Row and column totals give a system of linear equations. A suppressed
   cell is recoverable exactly when its value is the same in every solution of that system (e.g. a cell
   that bridges two groups of suppressed cells: rule 2 holds, yet row sums minus column sums give it).
   After rule 2 we take the null space of the system: a cell with a zero in every null-space vector is
   determined, and more cells are hidden until no primary cell is. Non-negativity adds nothing: every
   hidden cell holds at least one organisation (empty cells are published, never hidden), so one can move
   one unit along a cycle of hidden cells and get another integer, non-negative table.
4. **Two overlapping filters.** Figures for a population P and for a population Q differ by the
   contribution of the organisations in P Δ Q. A filter is therefore refused when its population has
   fewer than k organisations, when it leaves out 1 to k-1 organisations of its parent population, or when
   it differs by 1 to k-1 organisations from a population already released to the same viewer (the
   caller keeps that ledger; see `PopulationGuard`).
5. **Quotes.** A free-text quote is shown only when its author consented, and only inside a group (a
   theme) that at least k distinct organisations wrote into.

Out of scope, by design: an adversary who already knows the answers of k-1 members of a group (k-anonymity
is not differential privacy); a single dominant organisation in a large cell (no p% dominance rule);
comparing the same figure at two dates while answers arrive (callers show observers closed periods); and
groups that overlap (one organisation in several cells of a multiple-choice question), where the margin is
not the sum of the cells: the same rules are applied as if it were, which is conservative for counts.

Everything here is pure Python with numpy: no Django, so it is tested alone (hypothesis).
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

DEFAULT_K = 5

# A linear constraint that the published table satisfies: sum(sign * value) == 0 over its cells.
# In a row of a table with its total: +1 for each cell, -1 for the total.
Line = Sequence[tuple[Hashable, int]]


@dataclass
class Protection:
    """Which cells of a table must not be published, and why."""

    primary: set = field(default_factory=set)        # fewer than k organisations
    complementary: set = field(default_factory=set)  # hidden so that the primary ones cannot be recovered

    @property
    def hidden(self) -> set:
        return self.primary | self.complementary


def protect(counts: dict[Hashable, int], lines: Iterable[Line], k: int = DEFAULT_K,
            margins: Iterable[Hashable] = ()) -> Protection:
    """Choose the cells to hide so that no group of 1..k-1 organisations can be recovered from the rest.

    `counts` maps every cell (interior cells and margins alike) to its number of distinct organisations;
    `lines` are the additive relations between them (see `Line`); `margins` are the cells one would rather
    keep (totals): complementary suppression picks them only when no interior cell will do.
    """
    lines = [list(line) for line in lines]
    margins = set(margins)
    protection = Protection(primary={cell for cell, n in counts.items() if 0 < n < k})
    while True:
        added = _enforce_line_sums(counts, lines, k, protection, margins)
        added |= _enforce_undetermined(counts, lines, k, protection, margins)
        if not added:
            return protection


def _cost(counts, margins, cell) -> tuple:
    """Hide interior cells before totals, and small cells before large ones (less information lost)."""
    return (cell in margins, counts[cell], str(cell))


def _enforce_line_sums(counts, lines, k, protection, margins) -> bool:
    """Rule 2: in a line whose margin is published, hidden cells hold 0 or at least k organisations."""
    changed = False
    for line in lines:
        hidden = protection.hidden
        if any(cell in hidden for cell, sign in line if sign < 0):
            continue  # the margin itself is hidden: this line gives no sum away on its own (rule 3 checks)
        hidden_sum = sum(counts[cell] for cell, sign in line if sign > 0 and cell in hidden)
        while 0 < hidden_sum < k:
            candidates = [cell for cell, sign in line if sign > 0 and cell not in protection.hidden
                          and counts[cell] > 0]
            if not candidates:
                # Nothing left in the line to hide: hide its margin (then rule 3 protects the rest).
                protection.complementary.update(cell for cell, sign in line if sign < 0)
                changed = True
                break
            cell = min(candidates, key=lambda c: _cost(counts, margins, c))
            protection.complementary.add(cell)
            hidden_sum += counts[cell]
            changed = True
    return changed


def determined_cells(counts, lines, hidden, targets=None) -> set:
    """Hidden cells (among `targets`, all by default) whose exact value follows from the published ones."""
    hidden = sorted((c for c in hidden if counts[c] > 0), key=str)
    targets = set(hidden) if targets is None else set(targets)
    if not hidden:
        return set()
    null_space = _null_space(_system(counts, lines, hidden)[0])
    if null_space.shape[1] == 0:
        return targets & set(hidden)
    return {cell for i, cell in enumerate(hidden) if cell in targets and np.allclose(null_space[i], 0, atol=1e-9)}


def _system(counts, lines, hidden):
    """The equations the adversary can write about the hidden cells, given the published ones."""
    index = {cell: i for i, cell in enumerate(hidden)}
    rows, rhs = [], []
    for line in lines:
        coefficients = np.zeros(len(hidden))
        known = 0
        for cell, sign in line:
            if cell in index:
                coefficients[index[cell]] += sign
            else:
                known += sign * counts[cell]  # published (or an empty cell, published as 0)
        if coefficients.any():
            rows.append(coefficients)
            rhs.append(-known)
    matrix = np.array(rows) if rows else np.zeros((0, len(hidden)))
    return matrix, np.array(rhs, dtype=float)


def _null_space(matrix) -> np.ndarray:
    if matrix.shape[0] == 0:
        return np.eye(matrix.shape[1])
    _u, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    return vt[rank:].T


def _enforce_undetermined(counts, lines, k, protection, margins) -> bool:
    """Rule 3: hide one more cell while a primary cell can be solved for from the table's equations."""
    pinned = determined_cells(counts, lines, protection.hidden, targets=protection.primary)
    if not pinned:
        return False
    target = min(pinned, key=str)
    shared = [cell for line in lines if any(c == target for c, _s in line) for cell, _s in line]
    visible = [cell for cell, n in counts.items() if n > 0 and cell not in protection.hidden]
    # Cells sharing a line with the pinned one usually close a cycle around it; try them first.
    for pool in (sorted(set(shared) & set(visible), key=lambda c: _cost(counts, margins, c)),
                 sorted(visible, key=lambda c: _cost(counts, margins, c))):
        for cell in pool:
            if not determined_cells(counts, lines, protection.hidden | {cell}, targets={target}):
                protection.complementary.add(cell)
                return True
    # No single cell frees it: hide every published non-empty cell (always safe: nothing is left to solve).
    protection.complementary.update(visible)
    return bool(visible)


# One- and two-way tables -------------------------------------------------------------------------

TOTAL = "__total__"


def protect_line(counts: dict[Hashable, int], total: int, k: int = DEFAULT_K) -> Protection:
    """A breakdown with its total: cells keyed by group, the total under the key `TOTAL`."""
    cells = {**counts, TOTAL: total}
    line = [(key, 1) for key in counts] + [(TOTAL, -1)]
    return protect(cells, [line], k, margins={TOTAL})


def protect_table(counts: dict[tuple, int], row_totals: dict, column_totals: dict, total: int,
                  k: int = DEFAULT_K) -> Protection:
    """A two-way table with its margins. Interior cells are keyed (row, column); row totals (row, TOTAL),
    column totals (TOTAL, column), the grand total (TOTAL, TOTAL)."""
    rows, columns = list(row_totals), list(column_totals)
    cells = dict(counts)
    cells.update({(r, TOTAL): n for r, n in row_totals.items()})
    cells.update({(TOTAL, c): n for c, n in column_totals.items()})
    cells[(TOTAL, TOTAL)] = total
    for r in rows:
        for c in columns:
            cells.setdefault((r, c), 0)
    lines = [[((r, c), 1) for c in columns] + [((r, TOTAL), -1)] for r in [*rows, TOTAL]]
    lines += [[((r, c), 1) for r in rows] + [((TOTAL, c), -1)] for c in [*columns, TOTAL]]
    margin_cells = {cell for cell in cells if TOTAL in cell}
    return protect(cells, lines, k, margins=margin_cells)


# Filters -----------------------------------------------------------------------------------------

class Refusal(StrEnum):
    TOO_FEW = "too_few"                  # the filtered population has fewer than k organisations
    COMPLEMENT_TOO_SMALL = "complement"  # it leaves out 1..k-1 organisations of its parent
    TOO_CLOSE = "too_close"              # it differs by 1..k-1 organisations from one already shown


def check_population(population: frozenset, parent: frozenset, k: int = DEFAULT_K,
                     released: Iterable[frozenset] = ()) -> Refusal | None:
    """Why figures about `population` (a filter of `parent`) may not be shown, or None if they may."""
    if len(population) < k:
        return Refusal.TOO_FEW
    if 0 < len(parent - population) < k:
        return Refusal.COMPLEMENT_TOO_SMALL
    if any(0 < len(population ^ other) < k for other in released):
        return Refusal.TOO_CLOSE
    return None


@dataclass
class PopulationGuard:
    """The populations already released to one viewer about one data set: a new filter must stay at least k
    organisations away from each of them (rule 4). Persisting it is the caller's business."""

    k: int = DEFAULT_K
    released: list[frozenset] = field(default_factory=list)

    def check(self, population: Iterable, parent: Iterable) -> Refusal | None:
        return check_population(frozenset(population), frozenset(parent), self.k, self.released)

    def admit(self, population: Iterable, parent: Iterable) -> Refusal | None:
        """Check, and remember the population when it is released."""
        population = frozenset(population)
        refusal = self.check(population, parent)
        if refusal is None and population not in self.released:
            self.released.append(population)
        return refusal


# Quotes ------------------------------------------------------------------------------------------

def quotable(items: Iterable[tuple[Hashable, str, bool, Hashable]], k: int = DEFAULT_K) -> dict:
    """Quotes that may be shown, by group: `items` are (organisation, text, consented, group).

    A group qualifies when at least k distinct organisations wrote into it (consenting or not: the author
    hides among all of them); only consented, non-empty texts are returned, in their input order, each
    text once.
    """
    writers: dict = {}
    texts: dict = {}
    for organisation, text, consented, group in items:
        writers.setdefault(group, set()).add(organisation)
        text = (text or "").strip()
        if consented and text and text not in texts.setdefault(group, []):
            texts[group].append(text)
    return {group: texts[group] for group in texts if len(writers[group]) >= k and texts[group]}
