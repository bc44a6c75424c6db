"""The loans' pages: the employees lent are hidden from the borrower until both accepted the agreement, then only
their name, role and work contact show; a person sees what was shared about them; a refused form keeps what was
typed; a double click asks once; the staff's figures go through the aggregation service."""

import datetime

import pytest
from django.urls import reverse

from grappe.conftest import make_member, make_staff
from grappe.core.models import AuditEntry
from grappe.labour.models import Loan, LoanEmployee, LoanStatus
from grappe.members.models import Person

from .loan_factories import make_availability, make_loan, two_organisations

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    lender, lender_admin, borrower, borrower_admin = two_organisations()
    availability = make_availability(lender, people=3, created_by=lender_admin, start=datetime.date(2025, 1, 1),
                                     end=datetime.date(2030, 12, 31))
    return type("Parties", (), dict(lender=lender, lender_admin=lender_admin, borrower=borrower,
                                    borrower_admin=borrower_admin, availability=availability))


def employee(loan, **fields):
    julie = make_member(loan.availability.organisation, "julie@laurentides.test", phone="514 555-9999")
    return LoanEmployee.objects.create(loan=loan, person=Person.objects.get(user=julie), name="Julie Tremblay",
                                       role="Machiniste CNC", work_email="julie.t@laurentides.test",
                                       work_phone="450 555-0101", **fields), julie


def test_the_borrower_sees_no_employee_before_both_accepted(parties, client):
    loan = make_loan(parties.availability, parties.borrower, people=1, requested_by=parties.borrower_admin,
                     lender_accepted_at="2026-01-01T00:00Z", lender_accepted_by=parties.lender_admin)
    employee(loan)  # written past the services: the page still hides it
    client.force_login(parties.borrower_admin)
    page = client.get(reverse("labour:loan-detail", args=[loan.pk])).content.decode()
    assert "Julie" not in page and "julie.t@" not in page and 'data-testid="employees-hidden"' in page
    client.force_login(parties.lender_admin)
    assert "Julie Tremblay" in client.get(reverse("labour:loan-detail", args=[loan.pk])).content.decode()


def test_after_both_accepted_the_borrower_sees_name_role_and_work_contact_only(parties, client):
    loan = make_loan(parties.availability, parties.borrower, people=1, status=LoanStatus.AGREED,
                     requested_by=parties.borrower_admin)
    employee(loan)
    client.force_login(parties.borrower_admin)
    page = client.get(reverse("labour:loan-detail", args=[loan.pk])).content.decode()
    for shown in ("Julie Tremblay", "Machiniste CNC", "julie.t@laurentides.test", "450 555-0101"):
        assert shown in page
    assert "514 555-9999" not in page and "julie@laurentides.test" not in page  # her person's own details


def test_a_person_sees_what_was_shared_about_them(parties, client):
    loan = make_loan(parties.availability, parties.borrower, people=1, status=LoanStatus.AGREED,
                     requested_by=parties.borrower_admin)
    _row, julie = employee(loan)
    client.force_login(julie)
    page = client.get(reverse("labour:shared-with-me")).content.decode()
    for shown in ("Aéro Composites Mauricie", "Julie Tremblay", "Machiniste CNC", "julie.t@laurentides.test",
                  "450 555-0101"):
        assert shown in page
    client.force_login(parties.lender_admin)
    assert "Julie Tremblay" not in client.get(reverse("labour:shared-with-me")).content.decode()


def test_a_refused_request_keeps_what_was_typed_and_shows_the_window(parties, client):
    client.force_login(parties.borrower_admin)
    response = client.post(reverse("labour:loan-request", args=[parties.availability.pk]), {
        "form_token": "0f6e2c3a-1b2d-4e5f-8a9b-0c1d2e3f4a5b", "people": 2, "start": "2024-12-01",
        "end": "2025-03-31"})
    page = response.content.decode()
    assert response.status_code == 200 and "2024-12-01" in page and 'value="2"' in page
    assert "1 janvier 2025" in page and not Loan.objects.exists()


def test_a_double_click_asks_once(parties, client):
    client.force_login(parties.borrower_admin)
    data = {"form_token": "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d", "people": 1, "start": "2027-01-05",
            "end": "2027-02-26"}
    url = reverse("labour:loan-request", args=[parties.availability.pk])
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert Loan.objects.count() == 1 and AuditEntry.objects.filter(action="loan.requested").count() == 1


def test_refused_hours_keep_what_was_typed(parties, client):
    loan = make_loan(parties.availability, parties.borrower, people=1, status=LoanStatus.AGREED,
                     requested_by=parties.borrower_admin)
    client.force_login(parties.lender_admin)
    response = client.post(reverse("labour:loan-hours", args=[loan.pk]), {
        "form_token": "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", "month": "2026-02", "hours": "999"})
    page = response.content.decode()
    assert response.status_code == 200 and 'value="999"' in page and "2026-02" in page
    assert not loan.hours.exists()


def test_the_agreement_downloads_as_a_pdf_in_each_language(parties, client):
    loan = make_loan(parties.availability, parties.borrower, people=1, requested_by=parties.borrower_admin)
    client.force_login(parties.borrower_admin)
    for language in ("fr", "en"):
        response = client.get(reverse("labour:loan-agreement", args=[loan.pk, language]))
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert client.get(reverse("labour:loan-agreement", args=[loan.pk, "de"])).status_code == 404


def test_the_staffs_figures_hide_what_fewer_than_k_organisations_make(parties, client):
    make_loan(parties.availability, parties.borrower, people=1, status=LoanStatus.AGREED,
              requested_by=parties.borrower_admin)
    client.force_login(make_staff())
    page = client.get(reverse("labour:statistics")).content.decode()
    assert "moins de" in page  # one lender: below the threshold, its figures are hidden


def test_the_accepted_agreement_is_kept_and_served_as_accepted(parties, client):
    """Once both sides accepted, the two PDFs they accepted are kept (their SHA-256, French then English, is the
    accepted fingerprint) and the loan's page serves them, not a new drawing of the row as it is now."""
    import hashlib

    from grappe.labour.documents import agreement
    from grappe.labour.services import loans

    loan = make_loan(parties.availability, parties.borrower, people=1, requested_by=parties.borrower_admin)
    fingerprint = agreement.fingerprint(loan)
    loans.accept_agreement(actor=parties.lender_admin, loan=loan, side="lender", fingerprint=fingerprint)
    assert Loan.objects.get(pk=loan.pk).agreement_pdf_fr is None  # kept only once both accepted
    loans.accept_agreement(actor=parties.borrower_admin, loan=loan, side="borrower", fingerprint=fingerprint)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.AGREED
    kept = {language: bytes(getattr(loan, f"agreement_pdf_{language}")) for language in ("fr", "en")}
    assert hashlib.sha256(kept["fr"] + kept["en"]).hexdigest() == loan.agreement_sha256 == fingerprint
    Loan.objects.filter(pk=loan.pk).update(hourly_rate=99)  # written past the services: a new drawing differs
    assert agreement.fingerprint(Loan.objects.get(pk=loan.pk)) != fingerprint  # a new drawing would differ
    client.force_login(parties.borrower_admin)
    served = {language: client.get(reverse("labour:loan-agreement", args=[loan.pk, language])).content
              for language in ("fr", "en")}
    assert served == kept
    Loan.objects.filter(pk=loan.pk).update(status=LoanStatus.ENDED)
    assert client.get(reverse("labour:loan-agreement", args=[loan.pk, "en"])).content == kept["en"]
