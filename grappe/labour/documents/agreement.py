"""The loan agreement as a document: the same terms in French and in English (labour/agreement_pdf.html), as a PDF
drawn by WeasyPrint (tagged PDF/UA-1, as the minutes are).

Its fingerprint is the SHA-256 of the French PDF followed by the English one: WeasyPrint draws the same bytes from
the same text (no date is written in the file), so the fingerprint changes only when the terms do — the people,
the dates, the rate, either organisation's name, address or NEQ — or when the agreement's wording does. Nothing in
it changes when a side accepts: the acceptances are recorded beside it (the loan, its audit entries), and the
document says so on its signature lines.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import pgettext

from ..models import Loan

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def agreement_html(loan: Loan, language: str) -> str:
    with translation.override(language):
        return render_to_string("labour/agreement_pdf.html", {
            "loan": loan, "lender": loan.availability.organisation, "borrower": loan.borrower,
            "availability": loan.availability, "language": language,
            "total_hours_cap": loan.people * 24})


def agreement_pdf(loan: Loan, language: str) -> bytes:
    from weasyprint import HTML  # slow to import; only the PDF needs it

    return HTML(string=agreement_html(loan, language)).write_pdf(pdf_variant="pdf/ua-1")


def agreement_pdfs(loan: Loan) -> dict[str, bytes]:
    """The agreement's PDF in each language, as drawn now from the loan's terms."""
    return {language: agreement_pdf(loan, language) for language in LANGUAGES}


def fingerprint_of(pdfs: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for language in LANGUAGES:
        digest.update(pdfs[language])
    return digest.hexdigest()


def fingerprint(loan: Loan) -> str:
    """The SHA-256 of the agreement's two versions, French then English: what an acceptance accepts.

    Drawing the two PDFs takes about a second, and the loan's page shows the fingerprint to each side that may
    accept: the fingerprint is kept in the cache under the texts the PDFs are drawn from (the same text, the same
    bytes), so a page shown again with the same terms does not draw them again."""
    texts = hashlib.sha256("\x00".join(agreement_html(loan, language) for language in LANGUAGES).encode())
    key = f"labour:agreement-fingerprint:{texts.hexdigest()}"
    known = cache.get(key)
    if known is None:
        known = fingerprint_of(agreement_pdfs(loan))
        cache.set(key, known, timeout=24 * 3600)
    return known


def keep(loan: Loan, pdfs: dict[str, bytes]) -> None:
    """Keep the accepted PDFs on the loan (the caller saves it, with agreement_sha256 = fingerprint_of(pdfs))."""
    for language in LANGUAGES:
        setattr(loan, f"agreement_pdf_{language}", pdfs[language])


def stored_pdf(loan: Loan, language: str) -> bytes | None:
    """The copy both sides accepted, once the loan is agreed (None before, or for a loan agreed before copies
    were kept)."""
    stored = getattr(loan, f"agreement_pdf_{language}", None)
    return bytes(stored) if stored is not None else None


def filename(loan: Loan, language: str) -> str:
    with translation.override(language):
        name = pgettext("file name", "loan-agreement")
        return f"{name}-{loan.pk}-{language}.pdf"
