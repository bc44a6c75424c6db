"""The minutes as a document: the body the page shows and the PDF (WeasyPrint, tagged PDF/UA-1 so that a screen
reader follows its headings, lists and tables), both written from a version's frozen content
(minutes_record.read) in one language: the body's working language unless the reader asked for the other one.
The labels are that language's; the notes, decisions and resolutions are the people's own words, as typed."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import pgettext

from .. import minutes_record
from ..models import Minutes

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def language_of(minutes: Minutes, asked: str | None = None) -> str:
    """The language the minutes are read in: the one asked for (?lang=) if Grappe offers it, else the body's
    working language when they were generated."""
    return asked if asked in LANGUAGES else minutes.content["language"]


def other_language(language: str) -> str:
    return next(code for code in LANGUAGES if code != language)


def render_body(minutes: Minutes, language: str) -> str:
    """The minutes' text (governance/_minutes_document.html) in `language`, for the page and the PDF."""
    with translation.override(language):
        return render_to_string("governance/_minutes_document.html", {
            "minutes": minutes, "doc": minutes_record.read(minutes.content), "language": language})


def minutes_html(minutes: Minutes, language: str) -> str:
    with translation.override(language):
        document = minutes_record.read(minutes.content)
        return render_to_string("governance/minutes_pdf.html", {
            "minutes": minutes, "doc": document, "language": language, "body": render_body(minutes, language)})


def minutes_pdf(minutes: Minutes, language: str) -> bytes:
    from weasyprint import HTML  # slow to import; only the PDF needs it

    return HTML(string=minutes_html(minutes, language)).write_pdf(pdf_variant="pdf/ua-1")


def minutes_filename(minutes: Minutes, language: str) -> str:
    """In the document's language: "procès-verbal-comité-environnement-2026-11-12-v2.pdf"."""
    with translation.override(language):
        document = minutes_record.read(minutes.content)
        name = pgettext("file name", "minutes")
        body = slugify(document.body_name, allow_unicode=True)
        return f"{name}-{body}-{document.starts_at.date()}-v{minutes.version}.pdf"
