"""Loans of staff, from request to end (services/loans.py): each rule, what a refusal leaves (nothing) and what a
write leaves (its row, one audit entry, the other side told)."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from grappe.conftest import committed, make_member
from grappe.core.models import AuditEntry, Notification, OutgoingMail
from grappe.labour.documents import agreement
from grappe.labour.models import Loan, LoanEmployee, LoanHours, LoanStatus
from grappe.labour.services import loans
from grappe.members.models import Person

from .loan_factories import END, START, make_availability, make_loan, make_need, two_organisations

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    lender, lender_admin, borrower, borrower_admin = two_organisations()
    availability = make_availability(lender, people=3, created_by=lender_admin)
    return type("Parties", (), dict(lender=lender, lender_admin=lender_admin, borrower=borrower,
                                    borrower_admin=borrower_admin, availability=availability))


def actions():
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


def ask(parties, people=2, start=START, end=END, actor=None, **more):
    return loans.request_loan(actor=actor or parties.borrower_admin, availability=parties.availability,
                              borrower=parties.borrower, people=people, start=start, end=end, **more)


def agreed(parties, people=2, **fields):
    return make_loan(parties.availability, parties.borrower, people=people, status=LoanStatus.AGREED,
                     requested_by=parties.borrower_admin, **fields)


# --- request ---

def test_the_borrowers_administrator_requests_a_loan_at_the_availabilitys_rate(parties):
    need = make_need(parties.borrower)
    with committed():
        loan = ask(parties, need=need)
    assert (loan.status, loan.people, loan.hourly_rate, loan.need) == (
        LoanStatus.REQUESTED, 2, Decimal("62.50"), need)
    assert actions() == ["loan.requested"]
    assert Notification.objects.filter(user=parties.lender_admin, kind="labour.loan_requested").count() == 1


def test_a_loan_outside_the_availability_is_refused_with_its_window(parties):
    with pytest.raises(ValidationError) as refused:
        ask(parties, start=START - datetime.timedelta(days=1))
    assert "du 4 janvier 2027 au 30 juin 2027" in refused.value.messages[0]
    assert refused.value.code == "outside_period"
    assert not Loan.objects.exists() and not actions()


def test_a_loan_whose_dates_are_over_is_refused(parties):
    from django.utils import timezone

    today = timezone.localdate()
    parties.availability.start = today - datetime.timedelta(days=60)
    parties.availability.save()
    with pytest.raises(ValidationError) as refused:
        ask(parties, start=today - datetime.timedelta(days=30), end=today - datetime.timedelta(days=1))
    assert refused.value.code == "in_the_past"
    assert not Loan.objects.exists() and not actions()
    assert ask(parties, start=today - datetime.timedelta(days=30), end=today).end == today  # ends today: asked


def test_the_window_is_written_in_the_refusal(parties, settings):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        ask(parties, end=END + datetime.timedelta(days=1))
    assert "available from January 4, 2027 to June 30, 2027" in refused.value.messages[0]


def test_more_people_than_are_free_over_the_dates_is_refused_with_how_many_are(parties):
    agreed(parties, people=2, start=START, end=datetime.date(2027, 2, 28))
    with pytest.raises(ValidationError) as refused:
        ask(parties, people=2, start=datetime.date(2027, 2, 1), end=datetime.date(2027, 3, 31))
    assert refused.value.code == "over_capacity" and "1" in refused.value.messages[0]
    # after the first loan's end, all three are free again
    loan = ask(parties, people=3, start=datetime.date(2027, 3, 1), end=datetime.date(2027, 3, 31))
    assert loan.people == 3 and actions() == ["loan.requested"]


def test_refused_and_cancelled_loans_hold_no_capacity(parties):
    make_loan(parties.availability, parties.borrower, people=3, status=LoanStatus.REFUSED)
    make_loan(parties.availability, parties.borrower, people=3, status=LoanStatus.CANCELLED)
    assert ask(parties, people=3).people == 3


def test_only_the_borrowers_administrator_requests(parties):
    plain = make_member(parties.borrower, "plain@mauricie.test")
    for actor in (plain, parties.lender_admin):
        with pytest.raises(PermissionDenied):
            ask(parties, actor=actor)
    assert not Loan.objects.exists() and not actions()


def test_a_lender_does_not_borrow_its_own_people(parties):
    with pytest.raises(ValidationError):
        loans.request_loan(actor=parties.lender_admin, availability=parties.availability, borrower=parties.lender,
                           people=1, start=START, end=END)
    assert not Loan.objects.exists()


# --- refuse, cancel ---

def test_the_lender_refuses_and_the_borrower_cancels_a_request(parties):
    first, second = ask(parties, people=1), ask(parties, people=1)
    with pytest.raises(PermissionDenied):
        loans.refuse(actor=parties.borrower_admin, loan=first)
    with committed():
        loans.refuse(actor=parties.lender_admin, loan=first)
        loans.cancel(actor=parties.borrower_admin, loan=second)
    assert Loan.objects.get(pk=first.pk).status == LoanStatus.REFUSED
    assert Loan.objects.get(pk=second.pk).status == LoanStatus.CANCELLED
    assert actions() == ["loan.requested", "loan.requested", "loan.refused", "loan.cancelled"]
    assert Notification.objects.filter(user=parties.borrower_admin, kind="labour.loan_refused").exists()
    with pytest.raises(ValidationError):
        loans.cancel(actor=parties.borrower_admin, loan=first)


def test_an_agreed_loan_cannot_be_cancelled(parties):
    loan = agreed(parties)
    with pytest.raises(ValidationError):
        loans.cancel(actor=parties.borrower_admin, loan=loan)
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.AGREED and not actions()


# --- the agreement ---

def pdf_text(pdf_html: str) -> str:
    """The text WeasyPrint lays out in the PDF's pages."""
    from weasyprint import HTML

    def texts(box):
        if getattr(box, "text", None):
            yield box.text
        for child in getattr(box, "children", []):
            yield from texts(child)
    document = HTML(string=pdf_html).render()
    return " ".join(text for page in document.pages for text in texts(page._page_box))


@pytest.mark.parametrize(("language", "words"), [("fr", "Taux au prix coûtant"), ("en", "Rate at cost")])
def test_the_agreement_is_a_pdf_naming_both_organisations_in_each_language(parties, language, words):
    loan = ask(parties)
    pdf = agreement.agreement_pdf(loan, language)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(agreement.agreement_html(loan, language))
    for expected in ("Usinage Laurentides inc.", "Aéro Composites Mauricie ltée", "1142345678", "1167654321",
                     "Mirabel", "Rivières", words):
        assert expected in text, expected


def test_both_acceptances_agree_the_loan_and_store_the_fingerprint(parties):
    loan = ask(parties)
    fingerprint = agreement.fingerprint(loan)
    assert fingerprint == agreement.fingerprint(loan)  # the same terms, the same bytes
    with committed():
        loans.accept_agreement(actor=parties.lender_admin, loan=loan, side="lender", fingerprint=fingerprint)
    loan.refresh_from_db()
    assert (loan.status, loan.agreement_sha256, loan.lender_accepted_by) == (
        LoanStatus.REQUESTED, fingerprint, parties.lender_admin)
    assert Notification.objects.filter(user=parties.borrower_admin, kind="labour.loan_accepted").exists()
    loans.accept_agreement(actor=parties.borrower_admin, loan=loan, side="borrower", fingerprint=fingerprint)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.AGREED and loan.accepted_by_both
    assert actions() == ["loan.requested", "loan.accepted_by_lender", "loan.accepted_by_borrower"]
    entry = AuditEntry.objects.get(action="loan.accepted_by_borrower")
    assert entry.after["agreement_sha256"] == fingerprint and entry.actor == parties.borrower_admin


def test_an_acceptance_of_terms_since_changed_is_refused(parties):
    loan = ask(parties)
    read = agreement.fingerprint(loan)
    Loan.objects.filter(pk=loan.pk).update(people=1)  # the terms change after the page was read
    with pytest.raises(ValidationError) as refused:
        loans.accept_agreement(actor=parties.borrower_admin, loan=loan, side="borrower", fingerprint=read)
    assert refused.value.code == "stale_agreement"
    loan.refresh_from_db()
    assert loan.borrower_accepted_at is None and loan.agreement_sha256 == "" and actions() == ["loan.requested"]


def test_each_side_accepts_only_for_itself(parties):
    loan = ask(parties)
    fingerprint = agreement.fingerprint(loan)
    with pytest.raises(PermissionDenied):
        loans.accept_agreement(actor=parties.borrower_admin, loan=loan, side="lender", fingerprint=fingerprint)
    loans.accept_agreement(actor=parties.lender_admin, loan=loan, side="lender", fingerprint=fingerprint)
    with pytest.raises(ValidationError):
        loans.accept_agreement(actor=parties.lender_admin, loan=loan, side="lender", fingerprint=fingerprint)
    assert actions() == ["loan.requested", "loan.accepted_by_lender"]


# --- employees ---

EMPLOYEE = {"name": "Julie Tremblay", "role": "Machiniste CNC", "work_email": "julie@laurentides.test",
            "work_phone": "450 555-0101"}


def test_employees_are_named_only_after_both_accepted(parties):
    loan = ask(parties)
    with pytest.raises(ValidationError):
        loans.name_employees(actor=parties.lender_admin, loan=loan, employees=[EMPLOYEE])
    assert not LoanEmployee.objects.exists() and not OutgoingMail.objects.exists()


def test_the_lender_names_employees_and_each_is_told_what_was_shared(parties):
    loan = agreed(parties)
    julie_user = make_member(parties.lender, "julie@laurentides.test", language="en")
    person = Person.objects.get(user=julie_user)
    with committed():
        loans.name_employees(actor=parties.lender_admin, loan=loan, employees=[
            {**EMPLOYEE, "person": person},
            {"name": "Marc Gagnon", "role": "Régleur", "work_email": "marc@laurentides.test"}])
    assert LoanEmployee.objects.filter(loan=loan).count() == 2
    assert actions() == ["loan.employees_named"]
    assert sorted(OutgoingMail.objects.values_list("to", flat=True)) == [
        "julie@laurentides.test", "marc@laurentides.test"]
    sent = {message.to[0]: message.body for message in mail.outbox}
    assert "Aéro Composites Mauricie" in sent["julie@laurentides.test"]
    assert "work email: julie@laurentides.test" in sent["julie@laurentides.test"]  # in her language
    assert "courriel professionnel" in sent["marc@laurentides.test"]  # French by default
    assert Notification.objects.filter(user=julie_user, kind="labour.employee_named").count() == 1
    assert Notification.objects.filter(user=parties.borrower_admin, kind="labour.employees_named").count() == 1


def test_no_more_employees_than_the_loans_people_nor_by_the_borrower(parties):
    loan = agreed(parties, people=1)
    two = [EMPLOYEE, {**EMPLOYEE, "name": "Autre", "work_email": "autre@laurentides.test"}]
    with pytest.raises(ValidationError):
        loans.name_employees(actor=parties.lender_admin, loan=loan, employees=two)
    with pytest.raises(PermissionDenied):
        loans.name_employees(actor=parties.borrower_admin, loan=loan, employees=[EMPLOYEE])
    assert not LoanEmployee.objects.exists() and not actions() and not OutgoingMail.objects.exists()


# --- hours ---

def test_either_side_records_a_months_hours_and_recording_again_corrects_it(parties):
    loan = agreed(parties, people=2)
    loans.record_hours(actor=parties.lender_admin, loan=loan, month=datetime.date(2027, 2, 1), hours="300")
    loans.record_hours(actor=parties.borrower_admin, loan=loan, month=datetime.date(2027, 2, 15), hours="310.5")
    assert list(LoanHours.objects.values_list("month", "hours")) == [(datetime.date(2027, 2, 1), Decimal("310.50"))]
    assert actions() == ["loan.hours_recorded", "loan.hours_recorded"]


@pytest.mark.parametrize(("month", "hours", "code"), [
    (datetime.date(2027, 2, 1), "-1", "hours_negative"),
    (datetime.date(2027, 2, 1), "1344.01", "hours_too_many"),   # 2 people × 24 h × 28 days = 1344
    (datetime.date(2026, 12, 1), "10", "hours_outside_loan"),
    (datetime.date(2027, 7, 1), "10", "hours_outside_loan"),
])
def test_absurd_hours_or_a_month_outside_the_loan_are_refused(parties, month, hours, code):
    loan = agreed(parties, people=2)
    with pytest.raises(ValidationError) as refused:
        loans.record_hours(actor=parties.lender_admin, loan=loan, month=month, hours=hours)
    assert refused.value.code == code
    assert not LoanHours.objects.exists() and not actions()


def test_the_most_hours_of_a_month_are_accepted(parties):
    loan = agreed(parties, people=2)
    loans.record_hours(actor=parties.lender_admin, loan=loan, month=datetime.date(2027, 2, 1), hours="1344")
    assert LoanHours.objects.get().hours == Decimal("1344")


def test_hours_of_a_loan_not_agreed_or_by_someone_else_are_refused(parties):
    loan = ask(parties)
    with pytest.raises(ValidationError):
        loans.record_hours(actor=parties.lender_admin, loan=loan, month=START, hours=10)
    other = make_member(parties.borrower, "plain@mauricie.test")
    with pytest.raises(PermissionDenied):
        loans.record_hours(actor=other, loan=agreed(parties, people=1), month=START, hours=10)
    assert not LoanHours.objects.exists()


# --- extend, end ---

def test_the_lender_extends_within_the_period_and_the_people_still_free(parties):
    """An extension is an amendment: the agreement the borrower accepted stays exactly as it was accepted."""
    loan = agreed(parties, people=2, end=datetime.date(2027, 3, 31))
    agreed(parties, people=1, start=datetime.date(2027, 4, 1), end=END)
    accepted = (loan.agreement_sha256, bytes(loan.agreement_pdf_fr or b""), bytes(loan.agreement_pdf_en or b""))
    with committed():
        loans.extend(actor=parties.lender_admin, loan=loan, new_end=datetime.date(2027, 4, 30))
    loan.refresh_from_db()
    assert loan.end == datetime.date(2027, 4, 30)
    assert (loan.agreement_sha256, bytes(loan.agreement_pdf_fr or b""), bytes(loan.agreement_pdf_en or b"")) == accepted
    assert actions() == ["loan.extended"]
    assert Notification.objects.filter(user=parties.borrower_admin, kind="labour.loan_extended").exists()


def test_an_extension_beyond_the_period_or_the_people_is_refused(parties):
    loan = agreed(parties, people=2, end=datetime.date(2027, 3, 31))
    agreed(parties, people=2, start=datetime.date(2027, 4, 10), end=END)
    with pytest.raises(ValidationError) as outside:
        loans.extend(actor=parties.lender_admin, loan=loan, new_end=END + datetime.timedelta(days=1))
    assert outside.value.code == "outside_period"
    with pytest.raises(ValidationError) as full:
        loans.extend(actor=parties.lender_admin, loan=loan, new_end=datetime.date(2027, 4, 30))
    assert full.value.code == "over_capacity"
    with pytest.raises(PermissionDenied):
        loans.extend(actor=parties.borrower_admin, loan=loan, new_end=datetime.date(2027, 4, 5))
    assert Loan.objects.get(pk=loan.pk).end == datetime.date(2027, 3, 31) and not actions()


def test_either_side_ends_an_agreed_loan_on_a_day_that_has_come(parties):
    availability = make_availability(parties.lender, people=2, start=datetime.date(2025, 1, 1),
                                     end=datetime.date(2030, 1, 1))
    loan = make_loan(availability, parties.borrower, people=2, status=LoanStatus.AGREED,
                     start=datetime.date(2025, 2, 1), end=datetime.date(2029, 12, 31))
    with pytest.raises(ValidationError):  # a day still to come
        loans.end(actor=parties.borrower_admin, loan=loan, on_date=datetime.date(2029, 1, 1))
    with committed():
        loans.end(actor=parties.borrower_admin, loan=loan, on_date=datetime.date(2025, 6, 30))
    loan.refresh_from_db()
    assert (loan.status, loan.end) == (LoanStatus.ENDED, datetime.date(2025, 6, 30))
    assert actions() == ["loan.ended"]
    assert Notification.objects.filter(user=availability.created_by, kind="labour.loan_ended").exists()
