"""Reading an uploaded spreadsheet (CSV or XLSX) into rows of text, or refusing it with a reason.

A file is read in the background task (never in the upload's request), within limits, because a small file
can hold a lot of work: an XLSX is a zip, and 50 KB of it unpack into a 50 MB cell, or into 20,000 rows of 200
columns that keep a process busy for more than a minute. So the zip's declared sizes are checked before
openpyxl opens it (Python's zipfile never unpacks more than a member declares), the workbook is read in
openpyxl's streaming mode, and the reading stops at the first row, column, cell or total that is too large.
"""

import codecs
import csv
import datetime
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

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
# Far beyond a cluster's spreadsheets (5,000 organisations of 14 columns unpack into 4 MB); they bound the work
# and the storage a hostile file can cause. Each refusal says which limit the file crossed.
MAX_UNPACKED_BYTES = 32 * 1024 * 1024  # all the members of an XLSX's zip, unpacked
MAX_ROWS = 100_000
MAX_COLUMNS = 100
MAX_CELL_CHARACTERS = 10_000  # a long description fits
MAX_COLUMN_NAME_CHARACTERS = 100
MAX_TEXT_CHARACTERS = 20_000_000  # all cells together: one long text repeated in every cell counts every time


def file_format(filename: str, start: bytes) -> str:
    """"csv" or "xlsx" from the file's name (and its first bytes, for old Excel files), or a refusal.
    It needs no parsing, so the upload's request checks it at once."""
    extension = Path(filename).suffix.lower()
    if extension == ".xls" or start.startswith(OLD_EXCEL_SIGNATURE):
        raise UnreadableFile(_("This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) or as "
                               "“CSV UTF-8”, then upload it again."))
    if extension in XLSX_EXTENSIONS:
        return "xlsx"
    if extension in CSV_EXTENSIONS:
        return "csv"
    raise UnreadableFile(_("Unknown file format “%(extension)s”. Upload a CSV (.csv) or Excel (.xlsx) file.")
                         % {"extension": extension or filename})


def read_sheet(content: bytes, filename: str) -> Sheet:
    """The column names and the non-blank rows of a CSV or XLSX file, every cell as stripped text.

    We use the csv module and openpyxl directly rather than a library over them (tablib): it drops blank
    lines, which would shift the row numbers we report, and reads a whole workbook before we can stop it.
    """
    if not content.strip():
        raise UnreadableFile(_("The file is empty."))
    if file_format(filename, content) == "xlsx":
        _check_unpacked_size(content)
        return _sheet_from_rows(_xlsx_rows(content))
    return _sheet_from_rows(_csv_rows(content))


def _check_unpacked_size(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise _not_a_workbook() from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableFile(_("Unpacked, this workbook holds more than %(limit)s: split it into smaller files, or "
                               "save it as “CSV UTF-8”.") % {"limit": _megabytes(MAX_UNPACKED_BYTES)})


def _not_a_workbook() -> UnreadableFile:
    return UnreadableFile(_("This file is not a valid Excel workbook (.xlsx). Open it in your spreadsheet "
                            "program and save it again as .xlsx or as “CSV UTF-8”."))


def _xlsx_rows(content: bytes) -> list[list[str]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            worksheet = workbook.active or workbook.worksheets[0]
            # One column more than allowed, so that a file using it is refused rather than cut.
            return list(_within_limits([_cell_text(value) for value in values] for values in
                                       worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)))
        finally:
            workbook.close()
    except UnreadableFile:
        raise
    except Exception as error:  # openpyxl fails in many ways on a damaged or foreign file: all mean the same
        logger.info("unreadable xlsx: %r", error)
        raise _not_a_workbook() from error


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
        return list(_within_limits([without_csv_text_mark(cell.strip()) for cell in cells] for cells in
                                   csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))
    except csv.Error as error:
        raise UnreadableFile(_("The file could not be read as CSV: %(error)s.") % {"error": error}) from error


def _within_limits(rows: Iterable[list[str]]) -> Iterator[list[str]]:
    """The rows, checked one by one as the parser gives them: the first that crosses a limit stops the reading."""
    characters = 0
    for number, cells in enumerate(rows, 1):
        if number > MAX_ROWS:
            raise UnreadableFile(_("The file has more than %(count)s rows: split it into smaller files.")
                                 % {"count": _count(MAX_ROWS)})
        if any(cells[MAX_COLUMNS:]):
            raise UnreadableFile(_("The file has more than %(count)s columns: keep only the columns to import.")
                                 % {"count": _count(MAX_COLUMNS)})
        for column, cell in enumerate(cells, 1):
            if len(cell) > MAX_CELL_CHARACTERS:
                raise UnreadableFile(_("The cell %(cell)s holds more than %(count)s characters.")
                                     % {"cell": f"{get_column_letter(column)}{number}",
                                        "count": _count(MAX_CELL_CHARACTERS)})
            characters += len(cell)
        if characters > MAX_TEXT_CHARACTERS:
            raise UnreadableFile(_("The file holds more than %(count)s characters of text: split it into smaller "
                                   "files.") % {"count": _count(MAX_TEXT_CHARACTERS)})
        yield cells[:MAX_COLUMNS]


def _count(number: int) -> str:
    return number_format(number, force_grouping=True)


def _megabytes(size: int) -> str:
    return _("%(count)s MB") % {"count": _count(size // (1024 * 1024))}


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
    if any(len(name) > MAX_COLUMN_NAME_CHARACTERS for name in names):
        raise UnreadableFile(_("A column name is longer than %(count)s characters: is the first row the row of "
                               "column names?") % {"count": _count(MAX_COLUMN_NAME_CHARACTERS)})
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise UnreadableFile(_("Several columns are called “%(name)s”: rename them so that each name is used "
                               "once.") % {"name": repeated[0]})
    if not data:
        raise UnreadableFile(_("The file has column names but no rows to import."))
    return Sheet(headers=header.cells, rows=data)
