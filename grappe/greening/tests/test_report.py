"""The yearly report: a PDF and an XLSX a person can open, in French and English, naming the factor sets and
the threshold, "< k" where a figure is hidden."""

import io

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from grappe.conftest import make_staff
from grappe.greening.documents import report

from .test_progress import cluster  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db


def test_xlsx_opens_with_the_figures(cluster):  # noqa: F811
    book = load_workbook(io.BytesIO(report.render_xlsx(2025, "fr")))
    assert book.sheetnames[0] == "Par année"
    years = list(book["Par année"].iter_rows(values_only=True))
    assert years[0][0] == "Année"
    assert [row[0] for row in years[1:]] == [2021, 2022, 2023, 2024, 2025][-len(years[1:]):]
    assert years[-1][1:3] == (6, 1016.0)
    cells = [value for sheet in book for row in sheet.iter_rows(values_only=True) for value in row]
    assert "< 5" in cells
    assert 1000.0 not in cells  # the big member's tonnes, nowhere
    notes = [row[0] for row in book["Notes"].iter_rows(values_only=True)]
    assert any("RIN 2024" in (note or "") for note in notes)
    assert any("moins de 5" in (note or "") for note in notes)


def test_pdf_in_english(cluster):  # noqa: F811
    from weasyprint import HTML

    pdf = report.render_pdf(2025, "en")
    assert pdf.startswith(b"%PDF")
    with translation.override("en"):
        html = render_to_string("greening/report_pdf.html", {**report.report_context(2025), "language": "en"})
    assert "Greening report 2025" in html and "RIN 2024" in html and "fewer than 5" in html
    assert "Grand Donneur" not in html
    assert len(HTML(string=html).render().pages) >= 2


def test_staff_download_a_file(cluster, client):  # noqa: F811
    client.force_login(make_staff())
    response = client.get(reverse("greening:report"), {"year": 2025, "format": "pdf", "language": "fr"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content if response.streaming else [response.content]).startswith(b"%PDF")
    assert "2025-fr.pdf" in response["Content-Disposition"]


def test_a_bad_format_is_refused(cluster, client):  # noqa: F811
    client.force_login(make_staff())
    response = client.get(reverse("greening:report"), {"year": 2025, "format": "doc"})
    assert response.status_code == 400


@pytest.mark.parametrize(("value", "digits", "written", "raw"), [
    (2.9, 0, "3", 3.0), (2.5, 0, "2", 2.0), (3.5, 0, "4", 4.0), (1234.5, 0, "1 234", 1234.0),
    (0.125, 2, "0,12", 0.12), (0.19, 1, "0,2", 0.2), (7.95, 1, "8,0", 8.0)])
def test_figures_are_rounded_half_to_even_not_cut_and_the_pdf_and_xlsx_agree(value, digits, written, raw):
    from django.utils import translation

    from grappe.greening.documents import report as report_module

    with translation.override("fr"):
        shown = report_module._shown_figure(value, digits, "< 5")
    assert shown.replace("\u202f", " ").replace("\xa0", " ") == written
    assert report_module._shown_figure(value, digits, "< 5", raw=True) == raw
