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
   minus one column total gives the other. More cells (or margins) are hidden until no primary cell or
   margin is determined, and determined cells count as published for rule 2. Non-negativity adds nothing: every hidden cell holds at least one organisation
   (empty cells are published, never hidden), so one can move one unit along a null-space cycle and get
   another integer, non-negative table with the same published numbers.
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


@dataclass
class _Table:
    counts: dict
    margins: dict
    lines: list
    k: int

    def margin_count(self, margin) -> int:
        return sum(self.counts[c] for c in self.margins[margin])

    def count(self, item) -> int:
        return self.margin_count(item) if item in self.margins else self.counts[item]

    def system(self, hidden: set) -> tuple[list, np.ndarray]:
        """The adversary's unknowns (hidden non-empty cells) and, for each published margin, which of them
        it adds up (the right-hand side, margin minus published cells, is known but does not matter)."""
        unknowns = sorted((c for c in hidden if c in self.counts and self.counts[c] > 0), key=str)
        index = {cell: i for i, cell in enumerate(unknowns)}
        rows = []
        for margin, cells in self.margins.items():
            if margin in hidden:
                continue
            row = np.zeros(len(unknowns))
            for cell in cells:
                if cell in index:
                    row[index[cell]] = 1
            if row.any():
                rows.append(row)
        return unknowns, (np.array(rows) if rows else np.zeros((0, len(unknowns))))

    def determined(self, hidden: set, items=None) -> set:
        """Hidden cells or margins (all hidden cells by default) whose exact value follows from what is
        published: their sum over the hidden cells is orthogonal to the null space of the system.

        Non-negativity adds nothing: every hidden cell holds at least one organisation, so moving one unit
        along a null-space cycle gives another integer, non-negative table with the same published numbers.
        """
        unknowns, matrix = self.system(hidden)
        if items is None:
            items = unknowns
        if not unknowns:
            return set(items)
        null_space = _null_space(matrix)
        index = {cell: i for i, cell in enumerate(unknowns)}
        found = set()
        for item in items:
            weights = np.zeros(len(unknowns))
            for cell in self.margins.get(item, [item]):
                if cell in index:
                    weights[index[cell]] = 1
            if np.allclose(weights @ null_space, 0, atol=1e-9):
                found.add(item)
        return found

    def cost(self, item) -> tuple:
        return (item in self.margins, self.count(item), str(item))


def _null_space(matrix) -> np.ndarray:
    if matrix.shape[0] == 0:
        return np.eye(matrix.shape[1])
    _u, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    return vt[rank:].T


def _protect_step(table: _Table, protection: Protection) -> bool:
    """Hide one more thing if a rule is broken; False when the table is safe."""
    hidden = protection.hidden
    pinned = table.determined(hidden, protection.primary)
    if pinned:
        protection.complementary.add(_free(table, hidden, min(pinned, key=str)))
        return True
    # Rule 2, with what the adversary can solve for counted as published: in each line whose margin is
    # published (or solvable), the parts it cannot solve for hold no organisation or at least k.
    determined = table.determined(hidden, [item for item in hidden if table.count(item) > 0])
    for margin, parts in table.lines:
        if margin in hidden and margin not in determined:
            continue
        unknown = sum(table.count(p) for p in parts if p in hidden and p not in determined)
        if 0 < unknown < table.k:
            visible = [p for p in parts if p not in hidden and table.count(p) > 0]
            if visible:
                protection.complementary.add(min(visible, key=table.cost))
            elif margin not in hidden:
                protection.complementary.add(margin)
            else:  # hidden, yet solvable from other margins: make it unsolvable
                protection.complementary.add(_free(table, hidden, margin))
            return True
    return False


def _free(table: _Table, hidden: set, target) -> Hashable:
    """The cheapest cell or margin whose hiding makes `target` unsolvable; failing that, the one that
    removes the most information (raises the null space the most), so that the next steps get there."""
    members = set(table.margins.get(target, [target]))
    near = {c for cells in table.margins.values() if members & set(cells) for c in cells}
    candidates = [c for c, n in table.counts.items() if n > 0 and c not in hidden]
    candidates += [m for m in table.margins if m not in hidden and table.margin_count(m) > 0]
    candidates.sort(key=lambda c: (c not in near and c not in table.margins, table.cost(c)))
    for candidate in candidates:
        if not table.determined(hidden | {candidate}, [target]):
            return candidate

    def freedom(candidate) -> int:
        unknowns, matrix = table.system(hidden | {candidate})
        return len(unknowns) - (np.linalg.matrix_rank(matrix) if matrix.size else 0)

    return max(candidates, key=freedom)  # the first, i.e. cheapest, among equals


# One- and two-way tables -------------------------------------------------------------------------

TOTAL = "__total__"


def protect_line(counts: dict[Hashable, int], k: int = DEFAULT_K) -> Protection:
    """A breakdown with its total: cells keyed by group, the total under the key `TOTAL`."""
    return protect(counts, {TOTAL: list(counts)}, k)


def protect_table(counts: dict[tuple, int], rows: Sequence, columns: Sequence, k: int = DEFAULT_K) -> Protection:
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
