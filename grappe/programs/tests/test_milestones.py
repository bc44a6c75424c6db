"""A funded project's milestones: their sum never exceeds the commitment, the lead reports and claims at each up
to what remains, and an approved claim pays once through the budget (its totals and invariants), however often
it is approved; a claim sent back says why. Everyone concerned is told."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from django.db import connection
from django.db.models import Sum

from grappe.conftest import committed, make_member, make_organisation, run_together
from grappe.core.amounts import format_amount
from grappe.core.errors import Conflict
from grappe.core.models import AuditEntry, Notification
from grappe.programs.models import ApplicationStatus, Claim, ClaimStatus, Disbursement, Milestone, Program
from grappe.programs.services import budget, milestones

from .factories import make_application, make_call, make_funded, make_program

pytestmark = pytest.mark.django_db

DUE = datetime.date(2027, 6, 30)


@pytest.fixture
def commitment(staff, org_user, org_a):
    program = make_program(staff, envelope="100000.00")
    application = make_funded(make_call(program), org_a, org_user, amount="60000.00")
    return budget.commit_funds(actor=staff, application=application, amount=Decimal("50000.00"))


def row(name, amount, pk=None):
    return {"id": pk, "name": name, "due_on": DUE, "amount": Decimal(amount)}


@pytest.fixture
def milestone(staff, commitment):
    return milestones.set_milestones(actor=staff, commitment=commitment,
                                     rows=[row("Jalon 1", "20000.00"), row("Jalon 2", "30000.00")])[0]


def test_the_milestones_never_add_up_to_more_than_the_commitment(staff, commitment):
    with pytest.raises(ValidationError) as refusal:
        milestones.set_milestones(actor=staff, commitment=commitment,
                                  rows=[row("Jalon 1", "20000.00"), row("Jalon 2", "30000.01")])

    assert refusal.value.code == "milestones_exceed_commitment"
    assert format_amount(Decimal("50000.01")) in refusal.value.messages[0]
    assert format_amount(Decimal("50000.00")) in refusal.value.messages[0]
    assert not Milestone.objects.exists() and not AuditEntry.objects.filter(action="commitment.milestones").exists()

    made = milestones.set_milestones(actor=staff, commitment=commitment,
                                     rows=[row("Jalon 1", "20000.00"), row("Jalon 2", "30000.00")])
    assert sum(m.amount for m in made) == commitment.amount
    entry = AuditEntry.objects.get(action="commitment.milestones")
    assert entry.before == {"milestones": []} and [m["amount"] for m in entry.after["milestones"]] == [
        "20000.00", "30000.00"]


def test_the_staff_set_milestones_on_their_page_amounts_typed_in_french(client, staff, commitment):
    client.force_login(staff)
    url = reverse("programs:commitment-milestones", args=[commitment.application_id])
    data = {"milestones-TOTAL_FORMS": "2", "milestones-INITIAL_FORMS": "0", "milestones-MIN_NUM_FORMS": "0",
            "milestones-MAX_NUM_FORMS": "1000", "milestones-0-name": "Démarrage", "milestones-0-due_on": "2027-02-01",
            "milestones-0-amount": "10 000,50 $", "milestones-1-name": "Livraison",
            "milestones-1-due_on": "2027-09-01", "milestones-1-amount": "45 000"}

    refused = client.post(url, data)
    assert refused.status_code == 200 and format_amount(Decimal("55000.50")) in refused.content.decode()
    assert 'value="Livraison"' in refused.content.decode()

    data["milestones-1-amount"] = "39 999,50"
    assert client.post(url, data).status_code == 302
    assert list(Milestone.objects.values_list("name", "amount")) == [
        ("Démarrage", Decimal("10000.50")), ("Livraison", Decimal("39999.50"))]


def claim(user, milestone, amount, text="Prototype livré."):
    report = milestones.submit_report(actor=user, milestone=milestone, text=text, amount=Decimal(amount))
    return report.claim


def test_a_claim_above_what_remains_of_the_milestone_is_refused_with_the_figures(org_user, milestone):
    with pytest.raises(ValidationError) as refusal:
        claim(org_user, milestone, "20000.01")

    message = " ".join(refusal.value.messages)
    assert format_amount(Decimal("20000.01")) in message and format_amount(Decimal("20000.00")) in message
    assert not Claim.objects.exists()
    assert claim(org_user, milestone, "20000.00").status == ClaimStatus.PENDING


def test_the_report_page_refuses_a_claim_above_the_remaining_and_keeps_the_report(client, org_user, milestone):
    client.force_login(org_user)
    response = client.post(reverse("programs:milestone-report", args=[milestone.pk]), {
        "text": "Le prototype est livré.", "amount": "25 000", "form_token": str(uuid.uuid4())})

    page = response.content.decode()
    assert response.status_code == 200
    assert format_amount(Decimal("20000.00")) in page and "Le prototype est livré." in page
    assert not Claim.objects.exists()


def test_an_approved_claim_makes_one_disbursement_updates_the_totals_and_tells_the_lead(
        staff, org_user, milestone):
    with committed():
        pending = claim(org_user, milestone, "15000.00")
    assert Notification.objects.filter(user=staff, kind="programs.claim_submitted").count() == 1

    with committed():
        milestones.approve_claim(actor=staff, claim=pending, paid_on=datetime.date(2027, 7, 2))

    disbursement = Disbursement.objects.get()
    assert (disbursement.amount, disbursement.milestone, disbursement.paid_on) == (
        Decimal("15000.00"), milestone, datetime.date(2027, 7, 2))
    pending.refresh_from_db()
    milestone.refresh_from_db()
    assert (pending.status, pending.disbursement, pending.reviewed_by) == (ClaimStatus.APPROVED, disbursement, staff)
    assert (milestone.paid, milestone.remaining) == (Decimal("15000.00"), Decimal("5000.00"))
    assert milestone.commitment.__class__.objects.get(pk=milestone.commitment_id).disbursed == Decimal("15000.00")
    assert Program.objects.get().disbursed == Decimal("15000.00")
    assert {"claim.approved", "disbursement.recorded"} <= set(AuditEntry.objects.values_list("action", flat=True))
    assert Notification.objects.get(user=org_user, kind="programs.claim_approved").params["amount"] == "15000.00"


def test_a_double_clicked_approval_pays_once(client, staff, org_user, milestone):
    pending = claim(org_user, milestone, "5000.00")
    client.force_login(staff)
    url = reverse("programs:claim-approve", args=[pending.pk])

    client.post(url, {"paid_on": "2027-07-02"})
    client.post(url, {"paid_on": "2027-07-02"})

    assert Disbursement.objects.count() == 1
    assert AuditEntry.objects.filter(action="claim.approved").count() == 1
    assert Program.objects.get().disbursed == Decimal("5000.00")


def test_a_claim_sent_back_says_why_and_the_lead_may_claim_again(staff, org_user, milestone):
    pending = claim(org_user, milestone, "5000.00")
    with pytest.raises(Conflict):
        claim(org_user, milestone, "1000.00")  # one claim awaits review at a time
    with pytest.raises(ValidationError):
        milestones.send_back_claim(actor=staff, claim=pending, reason="  ")

    with committed():
        milestones.send_back_claim(actor=staff, claim=pending, reason="Factures manquantes")

    pending.refresh_from_db()
    assert (pending.status, pending.reason) == (ClaimStatus.SENT_BACK, "Factures manquantes")
    assert Notification.objects.get(user=org_user, kind="programs.claim_sent_back").params["reason"] == (
        "Factures manquantes")
    with pytest.raises(Conflict):
        milestones.approve_claim(actor=staff, claim=pending)
    assert not Disbursement.objects.exists()
    assert claim(org_user, milestone, "5000.00").status == ClaimStatus.PENDING


def test_a_paid_milestone_keeps_what_was_paid_and_is_not_removed(staff, org_user, commitment, milestone):
    milestones.approve_claim(actor=staff, claim=claim(org_user, milestone, "8000.00"))
    second = Milestone.objects.get(name="Jalon 2")

    with pytest.raises(ValidationError) as refusal:
        milestones.set_milestones(actor=staff, commitment=commitment, rows=[
            row("Jalon 1", "7999.99", milestone.pk), row("Jalon 2", "30000.00", second.pk)])
    assert refusal.value.code == "below_paid"
    with pytest.raises(Conflict):
        milestones.set_milestones(actor=staff, commitment=commitment, rows=[row("Jalon 2", "30000.00", second.pk)])

    milestones.set_milestones(actor=staff, commitment=commitment, rows=[
        row("Jalon 2", "8000.00", milestone.pk), row("Jalon 1", "30000.00", second.pk)])  # renamed both ways
    assert dict(Milestone.objects.values_list("pk", "name")) == {milestone.pk: "Jalon 2", second.pk: "Jalon 1"}


def test_only_the_leads_people_report_and_only_the_staff_review(staff, org_user, org_a, milestone):
    partner = make_member(make_organisation("Delta"), "partner@delta.test")
    with pytest.raises(PermissionDenied):
        claim(partner, milestone, "100.00")
    pending = claim(org_user, milestone, "100.00")
    with pytest.raises(PermissionDenied):
        milestones.approve_claim(actor=org_user, claim=pending)
    assert not Disbursement.objects.exists()


def test_the_lead_sees_its_milestones_on_its_application_page(client, org_user, milestone):
    client.force_login(org_user)
    page = client.get(reverse("programs:application-detail", args=[milestone.commitment.application_id]))
    content = page.content.decode()
    assert "Jalon 1" in content and reverse("programs:milestone-report", args=[milestone.pk]) in content
    assert "claim-approve" not in content


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_and_payments_pay_each_claim_once_and_never_past_the_commitment(staff, org_user, org_a):
    # 8 claims of 5 000 $ each approved twice at once, while the staff pay 10 000 $ twice at a 10 000 $ milestone:
    # 100 000 $ asked of a 50 000 $ commitment. Whatever the order, nothing is paid twice or past it.
    program = make_program(staff, envelope="100000.00")
    application = make_funded(make_call(program), org_a, org_user, amount="60000.00")
    commitment = budget.commit_funds(actor=staff, application=application, amount=Decimal("50000.00"))
    made = milestones.set_milestones(actor=staff, commitment=commitment,
                                     rows=[row(f"Jalon {n}", "5000.00") for n in range(8)] + [row("Avance", "10000.00")])
    advance = next(m for m in made if m.name == "Avance")
    claims = [claim(org_user, m, "5000.00") for m in made if m != advance]

    def approve(pending):
        return lambda: milestones.approve_claim(actor=staff, claim=pending)

    def pay():
        return budget.pay_milestone(actor=staff, milestone=advance, amount=Decimal("10000.00"), paid_on=DUE)

    outcomes = run_together(*[approve(c) for c in claims for _twice in range(2)], pay, pay)

    assert all(isinstance(o, (Claim, Disbursement, ValidationError)) for o in outcomes), outcomes
    commitment.refresh_from_db()
    paid = Disbursement.objects.filter(commitment=commitment).aggregate(total=Sum("amount"))["total"]
    assert commitment.disbursed == paid == Program.objects.get().disbursed <= commitment.amount
    approved = Claim.objects.filter(status=ClaimStatus.APPROVED)
    assert Disbursement.objects.filter(claim__isnull=False).count() == approved.count()
    assert AuditEntry.objects.filter(action="claim.approved").count() == approved.count()
    assert sum(m.paid for m in Milestone.objects.all()) == paid
    assert Milestone.objects.get(name="Avance").paid == Decimal("10000.00")  # paid once
    assert paid == Decimal("50000.00")  # refused only once the commitment was spent


def test_the_staff_find_the_claims_awaiting_review_on_the_programs_page(client, staff, org_user, milestone):
    claim(org_user, milestone, "1234.00")
    client.force_login(staff)

    page = client.get(reverse("programs:program-detail", args=[milestone.commitment.program_id])).content.decode()

    assert format_amount(Decimal("1234.00")) in page and "Jalon 1" in page


def test_a_staff_payment_at_a_milestone_counts_in_its_paid_and_stays_linked_once_renamed(staff, commitment):
    [milestone] = milestones.set_milestones(actor=staff, commitment=commitment, rows=[row("Jalon 1", "20000.00")])

    payment = budget.pay_milestone(actor=staff, milestone=milestone, amount=Decimal("15000.00"), paid_on=DUE)
    with pytest.raises(ValidationError) as refusal:
        budget.pay_milestone(actor=staff, milestone=milestone, amount=Decimal("5000.01"), paid_on=DUE)
    assert refusal.value.code == "milestone_exceeded" and "5\u00a0000,00\u00a0$" in refusal.value.messages[0]

    milestone.refresh_from_db()
    commitment.refresh_from_db()
    assert (milestone.paid, commitment.disbursed, Program.objects.get().disbursed) == (Decimal("15000.00"),) * 3
    with pytest.raises(ValidationError) as refusal:  # the below_paid guard now sees this payment
        milestones.set_milestones(actor=staff, commitment=commitment,
                                  rows=[row("Jalon 1", "14000.00", pk=milestone.pk)])
    assert refusal.value.code == "below_paid" and "15\u00a0000,00" in refusal.value.messages[0]
    milestones.set_milestones(actor=staff, commitment=commitment,
                              rows=[row("Livraison", "20000.00", pk=milestone.pk)])
    payment.refresh_from_db()
    assert payment.milestone.name == "Livraison"
    assert AuditEntry.objects.filter(action="disbursement.recorded").count() == 1
