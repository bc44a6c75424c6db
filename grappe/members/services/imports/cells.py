"""One cell of a file as the row's form receives it: what people write for "nothing" is empty, a value staff
chose to replace is replaced, and text garbled by a wrong encoding is found (and repaired if staff said so).

A UTF-8 file opened and saved again as Windows-1252 reads "Trois-RiviÃ¨res": every character is valid, so
nothing else notices. ftfy recognises such mojibake (`is_bad`) and undoes it (`fix_text`); we only ask it about
cells that hold something other than ASCII, which keeps it off the common path.
"""

import functools
from dataclasses import dataclass, field

import ftfy
from ftfy.badness import is_bad

from .options import ImportOptions

# What people type in a cell that has no value: "not available", "not determined", "sans objet", dashes.
EMPTY_WORDS = frozenset({"na", "n/a", "n.a.", "n.d.", "n/d", "-", "–", "—", "s.o.", "s/o"})
GARBLED_EXAMPLES = 5  # how many garbled cells the report quotes


def means_empty(text: str) -> bool:
    """Whether a cell says "no value" (case aside): empty, NA, N/A, n.d., n/d, a dash, s.o. (sans objet)."""
    return not text or text.casefold() in EMPTY_WORDS


@functools.lru_cache(maxsize=10_000)  # a file repeats its cities, types and regions on every row
def repaired(text: str) -> str | None:
    """The text ftfy would repair a garbled cell into, or None if the cell does not look garbled."""
    if text.isascii() or not is_bad(text):
        return None
    fixed = ftfy.fix_text(text)
    return fixed if fixed != text else None


@dataclass
class GarbledCells:
    """The garbled cells of a file: how many, and the first few with their repair, for the report."""

    count: int = 0
    examples: list[list[str]] = field(default_factory=list)  # [column, as read, repaired]

    def note(self, column: str, text: str, fixed: str) -> None:
        self.count += 1
        if len(self.examples) < GARBLED_EXAMPLES:
            self.examples.append([column, text, fixed])


@dataclass
class CellReader:
    """Turns a row's cells into the values its form validates, following staff's choices (ImportOptions)."""

    options: ImportOptions
    garbled: GarbledCells = field(default_factory=GarbledCells)

    def value(self, name: str, column: str, text: str) -> str:
        """The cell of field `name` (in `column`) as the form should see it; "" for no value."""
        if means_empty(text):
            return ""
        fixed = repaired(text)
        if fixed is not None:
            self.garbled.note(column, text, fixed)
            if self.options.repair_text:
                text = fixed
        # Keyed by the value as the report quoted it, which is the repaired one once staff chose the repair.
        return self.options.value_fixes.get(name, {}).get(text, text)


def column_samples(headers: list[str], rows, per_column: int = 3, characters: int = 60) -> dict[str, list[str]]:
    """The first `per_column` distinct values of each column (empty ones and "NA" aside), shortened: what the
    mapping page shows beside each column so that staff see what it holds."""
    samples = {header: [] for header in headers if header}
    for row in rows:
        for header, text in zip(headers, row.cells):
            values = samples.get(header)
            if values is None or len(values) >= per_column or means_empty(text):
                continue
            text = text if len(text) <= characters else text[:characters - 1] + "…"
            if text not in values:
                values.append(text)
        if all(len(values) >= per_column for values in samples.values()):
            break
    return samples
