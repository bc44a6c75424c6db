"""Reading an uploaded spreadsheet (CSV or XLSX) into rows of text, or refusing it with a reason."""

import codecs
import csv
import datetime
import io
import itertools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from grappe.core.spreadsheets import without_csv_text_mark

logger = logging.getLogger(__name__)


class UnreadableFile(Exception):
    """The upload cannot be read as a spreadsheet; the message says why, for the person who sent it."""


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the column names are on row 1, the first data row is 2
    cells: list[str]


@dataclass
class Sheet:
    headers: list[str]
    rows: list[Row]


CSV_EXTENSIONS = {".csv", ".txt", ".tsv"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Far beyond a cluster's spreadsheets; they bound the work a strange file (a workbook claiming a million
# rows, a line of ten thousand cells) can cause.
MAX_ROWS = 100_000
MAX_COLUMNS = 200


def read_sheet(content: bytes, filename: str) -> Sheet:
    """The column names and the non-blank rows of a CSV or XLSX file, every cell as stripped text.

    We use the two parsers tablib wraps (the csv module and openpyxl) directly: tablib drops blank lines,
    which would shift the row numbers we report, and refuses rows longer than the header row.
    """
    extension = Path(filename).suffix.lower()
    if not content.strip():
        raise UnreadableFile(_("The file is empty."))
    if extension == ".xls" or content.startswith(OLD_EXCEL_SIGNATURE):
        raise UnreadableFile(_("This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) or as "
                               "“CSV UTF-8”, then upload it again."))
    if extension in XLSX_EXTENSIONS:
        rows = _xlsx_rows(content)
    elif extension in CSV_EXTENSIONS:
        rows = _csv_rows(content)
    else:
        raise UnreadableFile(_("Unknown file format “%(extension)s”. Upload a CSV (.csv) or Excel (.xlsx) file.")
                             % {"extension": extension or filename})
    return _sheet_from_rows(rows)


def _xlsx_rows(content: bytes) -> list[list[str]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            worksheet = workbook.active or workbook.worksheets[0]
            return _bounded([_cell_text(value) for value in values]
                            for values in worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS))
        finally:
            workbook.close()
    except UnreadableFile:
        raise
    except Exception as error:  # openpyxl fails in many ways on a damaged or foreign file: all mean the same
        logger.info("unreadable xlsx: %r", error)
        raise UnreadableFile(_("This file is not a valid Excel workbook (.xlsx). Open it in your spreadsheet "
                               "program and save it again as .xlsx or as “CSV UTF-8”.")) from error


def _cell_text(value) -> str:
    """A cell of a workbook as the text one would have typed: 1234567890 not 1234567890.0, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date().isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value).strip()


def _csv_rows(content: bytes) -> list[list[str]]:
    text = _decode(content)
    if "\x00" in text or len(CONTROL_CHARACTERS.findall(text[:100_000])) > 10:
        raise UnreadableFile(_("This file does not look like a spreadsheet: it contains binary data. Upload a "
                               "CSV (.csv) or Excel (.xlsx) file."))
    delimiter = _guess_delimiter(text)
    try:
        return _bounded([without_csv_text_mark(cell.strip()) for cell in cells[:MAX_COLUMNS]]
                        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise UnreadableFile(_("The file could not be read as CSV: %(error)s.") % {"error": error}) from error


def _bounded(rows) -> list[list[str]]:
    kept = list(itertools.islice(rows, MAX_ROWS + 1))
    if len(kept) > MAX_ROWS:
        raise UnreadableFile(_("The file has more than %(count)s rows: split it into smaller files.")
                             % {"count": number_format(MAX_ROWS, force_grouping=True)})
    return kept


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252, which covers Latin-1 text too."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("The file's characters could not be read: it is neither UTF-8 nor Windows-1252 "
                           "(Latin-1) text. Save it as “CSV UTF-8” or as an Excel workbook (.xlsx)."))


def _guess_delimiter(text: str) -> str:
    """Comma, semicolon (French-language Excel) or tab: whichever the first line uses most."""
    first_line = next((line for line in io.StringIO(text) if line.strip()), "")
    return max((",", ";", "\t"), key=first_line.count)


def _sheet_from_rows(rows: list[list[str]]) -> Sheet:
    numbered = [Row(number, cells) for number, cells in enumerate(rows, 1) if any(cells)]
    if not numbered:
        raise UnreadableFile(_("The file is empty."))
    header, data = numbered[0], numbered[1:]
    names = [name for name in header.cells if name]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise UnreadableFile(_("Several columns are called “%(name)s”: rename them so that each name is used "
                               "once.") % {"name": repeated[0]})
    if not data:
        raise UnreadableFile(_("The file has column names but no rows to import."))
    return Sheet(headers=header.cells, rows=data)
