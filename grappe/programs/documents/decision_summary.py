"""The committee's decision summary of a call as a PDF (WeasyPrint, tagged PDF/UA-1 so that a screen reader
follows its headings and tables), drawn now from committee.ranking in the reader's language. The page
(views/committee.py) and the PDF share their body (programs/staff/_decision_summary_body.html)."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, pgettext

from ..committee import Ranking


def summary_html(ranking: Ranking) -> str:
    return render_to_string("programs/staff/decision_summary_pdf.html", {
        "ranking": ranking, "language": get_language(), "printed_at": timezone.localtime()})


def summary_pdf(ranking: Ranking) -> bytes:
    from weasyprint import HTML  # slow to import; only the PDF needs it

    return HTML(string=summary_html(ranking)).write_pdf(pdf_variant="pdf/ua-1")


def summary_filename(ranking: Ranking) -> str:
    """In the reader's language: "sommaire-decisionnel-appel-12-2026-12-06.pdf"."""
    name = pgettext("file name", "decision-summary-call")
    return f"{name}-{ranking.call.pk}-{timezone.localdate()}.pdf"
