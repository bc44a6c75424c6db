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
   cells, so a lone suppressed cell equals the margin minus the others. In every published margin, the
   suppressed cells the adversary cannot solve for hold either no organisation or at least k
   (complementary suppression: the next smallest cells are hidden too). What the adversary derives from
   one margin is then a group of at least k.
3. **Margins of a 2-D table.** Published margins give a system of linear equations in the hidden cells.
   A hidden cell is recoverable exactly when its value is the same in every solution (e.g. a cell that
   bridges two blocks of hidden cells: rule 2 holds line by line, yet row sums minus column sums give
   it). We take the null space of the system: a cell with a zero in every null-space vector is determined.
   The same holds for a hidden margin of fewer than k (its cells' sum): in a 2 × 2 table the grand total
   minus one column total gives the other; and for any small set of hidden cells (two column totals minus
   a row total can leave two small cells): sets of up to four cells under k are searched for (meet in the
   middle on their residuals). More cells (or margins) are hidden until no primary cell, margin or small
   set is determined, and determined cells count as published for rule 2. Non-negativity adds nothing:
   every hidden cell holds at least one organisation (empty cells are published, never hidden), so one can
   move one unit along a null-space cycle and get another integer, non-negative table with the same
   published numbers.
4. **Two overlapping filters.** Figures for a population P and for a population Q differ by the
   contribution of the organisations in P Δ Q. A filter is therefore refused when its population has
   fewer than k organisations, when it leaves out 1 to k-1 organisations of its parent population, or when
   it differs by 1 to k-1 organisations from a population already released about overlapping data to
   anyone — viewers may pool what they saw (the caller keeps that ledger; see `PopulationGuard`).
5. **Quotes.** A free-text quote is shown only when its author consented, and only inside a group (a
   theme) that at least k distinct organisations wrote into.
6. **Figures derived from the cells.** A mean published beside a breakdown *by the values it averages*
   (a Likert question's counts per point and its mean) is a second equation on the hidden counts: with n,
   the hidden cells hold n − (visible) organisations and Σ value × count = n × mean − (visible); two hidden
   cells are then solved, and with more the integer solution is often unique (the rank test of rule 3 does
   not see that). So such a mean is published only when no cell of its breakdown is hidden, where it follows
   from the cells anyway (`protect_distribution`). A share is a figure divided by its margin: it is
   published only beside a published margin, or it would give the margin back (the caller's business).

Out of scope, by design: an adversary who already knows the answers of k-1 members of a group (k-anonymity
is not differential privacy); a single dominant organisation in a large cell (no p% dominance rule);
comparing the same figure at two dates while answers arrive (callers show observers closed periods); and
groups that overlap (one organisation in several cells of a multiple-choice question), where the margin is
not the sum of the cells: the same rules are applied as if it were, which is conservative for counts. With
k above 5, derived sets of more than four small cells are not searched for.

Everything here is pure Python with numpy: no Django, so it is tested alone (hypothesis).
"""

import bisect
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

DEFAULT_K = 5

@dataclass
class Protection:
    """Which cells and margins of a table must not be published, and why."""

    primary: set = field(default_factory=set)        # fewer than k organisations
    complementary: set = field(default_factory=set)  # hidden so that the primary ones cannot be recovered

    @property
    def hidden(self) -> set:
        return self.primary | self.complementary


def protect(counts: dict[Hashable, int], margins: dict[Hashable, Collection], k: int = DEFAULT_K,
            lines: Iterable[tuple[Hashable, Collection]] | None = None) -> Protection:
    """Choose the cells and margins to hide so that no group of 1..k-1 organisations can be recovered.

    `counts` maps each cell (a group of organisations, the unknowns of the adversary) to its number of
    distinct organisations; `margins` maps each published total to the cells it adds up. `lines` say how
    a margin splits into parts, cells or smaller margins (the grand total into column totals): rule 2
    applies to each; by default each margin splits into its cells. Complementary suppression hides cells
    before margins, small cells before large ones.
    """
    margins = {m: list(cells) for m, cells in margins.items()}
    lines = list(margins.items()) if lines is None else [(m, list(parts)) for m, parts in lines]
    table = _Table(counts, margins, lines, k)
    protection = Protection(primary={c for c, n in counts.items() if 0 < n < k}
                            | {m for m in margins if 0 < table.margin_count(m) < k})
    while _protect_step(table, protection):
        pass
    return protection


class _Table:
    """Cells, margins and their incidence, as arrays: each check below is a little linear algebra."""

    def __init__(self, counts: dict, margins: dict, lines: list, k: int):
        self.counts, self.margins, self.lines, self.k = counts, margins, lines, k
        self.cells = list(counts)
        self.cell_index = {cell: i for i, cell in enumerate(self.cells)}
        self.margin_ids = list(margins)
        self.margin_index = {margin: i for i, margin in enumerate(self.margin_ids)}
        self.incidence = np.zeros((len(self.margin_ids), len(self.cells)))
        for i, margin in enumerate(self.margin_ids):
            for cell in margins[margin]:
                self.incidence[i, self.cell_index[cell]] = 1
        sizes = np.array([counts[c] for c in self.cells], dtype=float)
        totals = (self.incidence @ sizes).astype(int).tolist()
        self.margin_sizes = dict(zip(self.margin_ids, totals, strict=True))

    def margin_count(self, margin) -> int:
        return self.margin_sizes[margin]

    def count(self, item) -> int:
        return self.margin_sizes[item] if item in self.margins else self.counts[item]

    def members(self, item) -> list:
        """The cells an item adds up: a margin's, a group's (a frozenset of cells), or the cell itself."""
        if isinstance(item, frozenset):
            return list(item)
        return self.margins.get(item, [item])

    def weights(self, item) -> np.ndarray:
        if item in self.margins:
            return self.incidence[self.margin_index[item]]
        row = np.zeros(len(self.cells))
        row[[self.cell_index[c] for c in self.members(item)]] = 1
        return row

    def small_derivable_group(self, hidden: set) -> frozenset | None:
        """Up to four hidden cells that together hold 1..k-1 organisations and whose sum follows from the
        published numbers (e.g. two column totals minus a row total), or None.

        Only cells under k can be in such a group. A set S is derivable when the parts of its cells outside
        the row space (residuals) add up to zero; residuals are projected on a random direction, sorted, and
        pairs matched against singles and pairs (meet in the middle), then checked exactly.
        """
        unknown, _published, matrix = self.system(hidden)
        small = [i for i in unknown if self.counts[self.cells[i]] < self.k]
        if not small:
            return None
        _u, singular, vt = np.linalg.svd(matrix, full_matrices=False)
        basis = vt[:int((singular > 1e-9).sum())]
        position = {i: j for j, i in enumerate(unknown)}
        units = np.zeros((len(small), len(unknown)))
        units[np.arange(len(small)), [position[i] for i in small]] = 1
        residual = units - (units @ basis.T) @ basis
        key = (residual @ np.random.default_rng(0).standard_normal(len(unknown))).tolist()
        size = [self.counts[self.cells[i]] for i in small]
        singles = [(key[a], (a,)) for a in range(len(small))]
        pairs = [(key[a] + key[b], (a, b)) for a in range(len(small)) for b in range(a + 1, len(small))
                 if size[a] + size[b] < self.k]
        for group in _zero_sums(singles, pairs):
            if 0 < sum(size[a] for a in group) < self.k and np.allclose(residual[list(group)].sum(axis=0), 0,
                                                                          atol=1e-7):
                return frozenset(self.cells[small[a]] for a in group)
        return None

    def system(self, hidden: set) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The adversary's unknowns (hidden non-empty cells), the published margins, and which unknowns each
        margin adds up (the right-hand side, margin minus published cells, is known but does not matter)."""
        unknown = np.array([i for i, c in enumerate(self.cells) if c in hidden and self.counts[c] > 0],
                           dtype=int)
        published = np.array([i for i, m in enumerate(self.margin_ids) if m not in hidden], dtype=int)
        return unknown, published, self.incidence[np.ix_(published, unknown)]

    def determined(self, hidden: set, items: Iterable) -> set:
        """Hidden cells or margins whose exact value follows from what is published: the sum they make over
        the unknowns is in the row space of the system (orthogonal to its null space).

        Non-negativity adds nothing: every hidden cell holds at least one organisation, so moving one unit
        along a null-space cycle gives another integer, non-negative table with the same published numbers.
        """
        items = list(items)
        if not items:
            return set()
        unknown, _published, matrix = self.system(hidden)
        if len(unknown) == 0:
            return set(items)
        weights = np.array([self.weights(item)[unknown] for item in items])
        # In the row space of the system (thin SVD: few margins, many cells): orthogonal to its null space.
        _u, singular, vt = np.linalg.svd(matrix, full_matrices=False)
        basis = vt[:int((singular > 1e-9).sum())]
        residual = weights - (weights @ basis.T) @ basis
        scores = np.abs(residual).max(axis=1)
        return {item for item, score in zip(items, scores, strict=True) if score < 1e-9}

    def cost(self, item) -> tuple:
        return (item in self.margins, self.count(item), str(item))


def _protect_step(table: _Table, protection: Protection) -> bool:
    """Hide one more thing if a rule is broken; False when the table is safe."""
    hidden = protection.hidden
    pinned = table.determined(hidden, protection.primary)
    if pinned:
        protection.complementary.add(_free(table, hidden, min(pinned, key=str)))
        return True
    # Rule 2, with what the adversary can solve for counted as published: in each line whose margin is
    # published (or solvable), the hidden parts add up to their unknown cells; those hold no organisation or
    # at least k. (A hidden row total whose other cells are published gives its hidden cells away.)
    determined = table.determined(hidden, [item for item in hidden if table.count(item) > 0])

    def unknown_cells(item) -> set:
        return {c for c in table.margins.get(item, [item]) if c in hidden and c not in determined}

    for margin, parts in table.lines:
        if margin in hidden and margin not in determined:
            continue
        hidden_parts = [p for p in parts if p in hidden and p not in determined]
        unknown = set().union(*map(unknown_cells, hidden_parts))
        if 0 < sum(table.counts[c] for c in unknown) < table.k:
            protection.complementary.add(_widen(table, hidden, determined, margin, parts, hidden_parts))
            return True
    # Last, as it costs most: any small set of hidden cells whose sum the margins give away.
    group = table.small_derivable_group(hidden)
    if group:
        protection.complementary.add(_free(table, hidden, group))
        return True
    return False


def _widen(table: _Table, hidden: set, determined: set, margin, parts: list, hidden_parts: list) -> Hashable:
    """What to hide next in a line whose hidden parts give too few organisations away: the cheapest visible
    part that has cells to hide, or a published cell inside a hidden part; else the margin itself."""
    def adds_unknowns(item) -> bool:  # a margin brings its unknown cells into the line; a cell, itself
        if item in table.margins:
            return any(c in hidden and c not in determined and table.counts[c] > 0
                       for c in table.margins[item])
        return table.counts[item] > 0
    candidates = [p for p in parts if p not in hidden and adds_unknowns(p)]
    candidates += [c for p in hidden_parts if p in table.margins for c in table.margins[p]
                   if c not in hidden and table.counts[c] > 0]
    if candidates:
        return min(candidates, key=table.cost)
    return margin if margin not in hidden else _free(table, hidden, margin)


def _zero_sums(singles: list, pairs: list, tolerance: float = 1e-7):
    """Index tuples (1 to 4 distinct items) whose keys may add up to zero: candidates the caller checks."""
    yield from (group for value, group in singles if abs(value) < tolerance)
    yield from (group for value, group in pairs if abs(value) < tolerance)
    ordered_singles = sorted(singles)
    ordered_pairs = sorted(pairs)
    for value, group in pairs:
        for pool in (ordered_singles, ordered_pairs):
            start = bisect.bisect_left(pool, (-value - tolerance,))
            for other_value, other in pool[start:]:
                if other_value > -value + tolerance:
                    break
                if not set(group) & set(other):
                    yield group + other


def _free(table: _Table, hidden: set, target) -> Hashable:
    """The cheapest cell or margin whose hiding makes `target` (a cell, a margin or a frozenset of cells)
    unsolvable; failing that, the one that
    removes the most information (raises the null space the most), so that the next steps get there.

    `target` is solvable: its weights w over the unknowns are y0ᵀA for the published system A, and for
    y0 + l (l in A's left null space L) too. Hiding a cell adds a column a to A: the target stays solvable
    unless Lᵀa = 0 and y0·a ≠ 0. Hiding a margin removes row i: it stays solvable unless L[i] = 0 and
    y0[i] ≠ 0. One decomposition of A tests every candidate.
    """
    unknown, published, matrix = table.system(hidden)
    u, singular, _vt = np.linalg.svd(matrix, full_matrices=matrix.shape[0] > matrix.shape[1])
    left_null = u[:, int((singular > 1e-9).sum()):]
    y0 = np.linalg.lstsq(matrix.T, table.weights(target)[unknown], rcond=None)[0]
    row_of = {table.margin_ids[i]: row for row, i in enumerate(published)}

    def frees(candidate) -> bool:
        if candidate in table.margins:
            row = row_of[candidate]
            return np.allclose(left_null[row], 0, atol=1e-9) and abs(y0[row]) > 1e-9
        column = table.incidence[published, table.cell_index[candidate]]
        return np.allclose(left_null.T @ column, 0, atol=1e-9) and abs(y0 @ column) > 1e-9

    members = set(table.members(target))
    near = {c for cells in table.margins.values() if members & set(cells) for c in cells}
    candidates = [c for c, n in table.counts.items() if n > 0 and c not in hidden]
    candidates += [m for m in table.margins if m not in hidden and table.margin_count(m) > 0]
    candidates.sort(key=lambda c: (c not in near and c not in table.margins, table.cost(c)))
    for candidate in candidates:
        if frees(candidate):
            return candidate

    def freedom(candidate) -> int:
        _unknown, _published, bigger = table.system(hidden | {candidate})
        return bigger.shape[1] - (np.linalg.matrix_rank(bigger) if bigger.size else 0)

    return max(candidates, key=freedom)  # the first, i.e. cheapest, among equals


# One- and two-way tables -------------------------------------------------------------------------

TOTAL = "__total__"


def protect_line(counts: dict[Hashable, int], k: int = DEFAULT_K) -> Protection:
    """A breakdown with its total: cells keyed by group, the total under the key `TOTAL`."""
    return protect(counts, {TOTAL: list(counts)}, k)


MEAN = "__mean__"


def protect_distribution(counts: dict[float, int], k: int = DEFAULT_K) -> Protection:
    """A breakdown by value (the points of a scale: cells keyed by the value) with its total (`TOTAL`) and
    its mean (`MEAN`): the mean is hidden as soon as any cell is (rule 6)."""
    protection = protect_line(counts, k)
    if protection.hidden:
        protection.complementary.add(MEAN)
    return protection


def protect_table(counts: dict[tuple, int], rows: Sequence, columns: Sequence,
                  k: int = DEFAULT_K) -> Protection:
    """A two-way table with its margins. Cells are keyed (row, column) (missing ones are empty); row totals
    (row, TOTAL), column totals (TOTAL, column), the grand total (TOTAL, TOTAL)."""
    counts = {(r, c): counts.get((r, c), 0) for r in rows for c in columns}
    margins = {(r, TOTAL): [(r, c) for c in columns] for r in rows}
    margins.update({(TOTAL, c): [(r, c) for r in rows] for c in columns})
    margins[(TOTAL, TOTAL)] = list(counts)
    lines = [(m, cells) for m, cells in margins.items() if m != (TOTAL, TOTAL)]
    lines += [((TOTAL, TOTAL), [(TOTAL, c) for c in columns]), ((TOTAL, TOTAL), [(r, TOTAL) for r in rows])]
    return protect(counts, margins, k, lines)


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
    """The populations already released about one data set, to anyone: a new filter must stay at least k
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
