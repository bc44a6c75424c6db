"""The money of a program: commitments stay within the envelope, disbursements within their commitment, each
audited, and a refusal says what remains."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from grappe.conftest import make_organisation
from grappe.core.models import AuditEntry
from grappe.programs.models import ApplicationStatus, Commitment, Decision, Milestone, Outcome, Program
from grappe.programs.services import budget, decisions

from .factories import make_application, make_call, make_funded, make_program

pytestmark = pytest.mark.django_db


def funded(call, name, user, amount="50000.00"):
    organisation = make_organisation(name)
    return make_funded(call, organisation, user, amount=amount)


@pytest.fixture
def call(staff):
    return make_call(make_program(staff, envelope="100000.00"))


def test_committing_funds_sets_them_aside_and_is_audited(staff, call, org_user):
    application = funded(call, "Delta", org_user)

    commitment = budget.commit_funds(actor=staff, application=application, amount=Decimal("40000.00"))

    program = Program.objects.get(pk=call.program_id)
    assert (program.committed, program.remaining) == (Decimal("40000.00"), Decimal("60000.00"))
    entry = AuditEntry.objects.get(action="commitment.created")
    assert (entry.actor, entry.target_id, entry.after["amount"]) == (staff, str(commitment.pk), "40000.00")


def test_a_commitment_past_the_envelope_is_refused_with_what_remains_in_the_readers_language(staff, call, org_user):
    budget.commit_funds(actor=staff, application=funded(call, "Delta", org_user), amount=Decimal("50000.00"))
    second = funded(call, "Echo", org_user, amount="60000.00")

    with pytest.raises(ValidationError) as refusal:
        budget.commit_funds(actor=staff, application=second, amount=Decimal("50000.01"))
    assert refusal.value.code == "envelope_exceeded"
    assert "50\u00a0000,00\u00a0$ restent" in refusal.value.messages[0]
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        budget.commit_funds(actor=staff, application=second, amount=Decimal("50000.01"))
    assert "$50,000.00 remain of $100,000.00" in refusal.value.messages[0]

    budget.commit_funds(actor=staff, application=second, amount=Decimal("50000.00"))
    assert Program.objects.get(pk=call.program_id).remaining == 0
    assert AuditEntry.objects.filter(action="commitment.created").count() == 2


def test_only_a_funded_application_receives_funds_once_and_only_from_the_staff(staff, call, org_user):
    application = funded(call, "Delta", org_user)
    with pytest.raises(PermissionDenied):
        budget.commit_funds(actor=org_user, application=application, amount=Decimal("10.00"))
    budget.commit_funds(actor=staff, application=application, amount=Decimal("10.00"))
    with pytest.raises(ValidationError, match="déjà"):
        budget.commit_funds(actor=staff, application=application, amount=Decimal("10.00"))
    submitted = make_application(call, make_organisation("Foxtrot"), org_user, status=ApplicationStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        budget.commit_funds(actor=staff, application=submitted, amount=Decimal("10.00"))
    with pytest.raises(ValidationError):
        budget.commit_funds(actor=staff, application=funded(call, "Golf", org_user), amount=Decimal("0"))
    assert Commitment.objects.count() == 1


def test_disbursements_never_exceed_their_commitment(staff, call, org_user):
    commitment = budget.commit_funds(actor=staff, application=funded(call, "Delta", org_user),
                                     amount=Decimal("30000.00"))
    today = datetime.date(2027, 3, 1)
    first, second = (Milestone.objects.create(commitment=commitment, name=f"Jalon {n}", due_on=today,
                                              amount=Decimal("20000.00")) for n in (1, 2))

    budget.pay_milestone(actor=staff, milestone=first, amount=Decimal("20000.00"), paid_on=today)
    with pytest.raises(ValidationError) as refusal:  # the milestone has 20 000 $, the commitment 10 000 $ left
        budget.pay_milestone(actor=staff, milestone=second, amount=Decimal("10000.01"), paid_on=today)
    assert refusal.value.code == "commitment_exceeded"
    assert "10\u00a0000,00\u00a0$" in refusal.value.messages[0]
    budget.pay_milestone(actor=staff, milestone=second, amount=Decimal("10000.00"), paid_on=today)

    commitment.refresh_from_db()
    assert commitment.remaining == 0
    assert Program.objects.get(pk=call.program_id).disbursed == Decimal("30000.00")
    assert AuditEntry.objects.filter(action="disbursement.recorded").count() == 2


def test_a_decision_is_taken_once_and_a_funded_one_receives_its_funds(staff, call, org_user, org_a):
    application = make_application(call, org_a, org_user, amount="30000.00", status=ApplicationStatus.UNDER_REVIEW)
    with pytest.raises(ValidationError) as refusal:
        decisions.decide(actor=staff, application=application, outcome="funded", amount=Decimal("30000.01"))
    assert refusal.value.code == "above_request"

    decisions.decide(actor=staff, application=application, outcome="funded", amount=Decimal("25000.00"))
    with pytest.raises(ValidationError) as refusal:
        decisions.decide(actor=staff, application=application, outcome="declined")
    assert refusal.value.code == "decided"
    budget.commit_funds(actor=staff, application=application, amount=Decimal("25000.00"))

    entry = AuditEntry.objects.get(action="application.decided")
    assert (entry.before["status"], entry.after["status"], entry.after["decision"]["amount"]) == (
        "under_review", "funded", "25000.00")


def test_committing_more_than_the_decision_granted_is_refused_with_both_figures(staff, call, org_user):
    application = funded(call, "Delta", org_user, amount="45000.00")
    application.decision.amount = Decimal("40000.00")
    application.decision.save()

    with pytest.raises(ValidationError) as refusal:
        budget.commit_funds(actor=staff, application=application, amount=Decimal("45000.00"))

    assert refusal.value.code == "above_grant"
    assert "45\u00a0000,00\u00a0$" in refusal.value.messages[0] and "40\u00a0000,00\u00a0$" in refusal.value.messages[0]
    assert not Commitment.objects.exists()
    budget.commit_funds(actor=staff, application=application, amount=Decimal("40000.00"))


def test_a_funded_status_without_a_funding_decision_receives_no_commitment(staff, call, org_user):
    application = make_application(call, make_organisation("Delta"), org_user, status=ApplicationStatus.FUNDED)

    with pytest.raises(ValidationError):
        budget.commit_funds(actor=staff, application=application, amount=Decimal("10.00"))
    assert not Commitment.objects.exists()


def test_a_single_decision_past_the_envelope_counting_granted_but_uncommitted_decisions_is_refused(
        staff, call, org_user):
    # 100 000 $: 60 000 $ granted and not yet committed leave room for 40 000 $ only.
    decisions.decide(actor=staff, application=make_application(call, make_organisation("Delta"), org_user,
                                                                amount="60000.00", status=ApplicationStatus.ELIGIBLE),
                     outcome=Outcome.FUNDED, amount=Decimal("60000.00"))
    second = make_application(call, make_organisation("Echo"), org_user, amount="50000.00",
                              status=ApplicationStatus.ELIGIBLE)

    with pytest.raises(ValidationError) as refusal:
        decisions.decide(actor=staff, application=second, outcome=Outcome.FUNDED, amount=Decimal("40000.01"))

    assert refusal.value.code == "envelope_exceeded"
    assert not Decision.objects.filter(application=second).exists()
    second.refresh_from_db()
    assert second.status == ApplicationStatus.ELIGIBLE
    decisions.decide(actor=staff, application=second, outcome=Outcome.FUNDED, amount=Decimal("40000.00"))
