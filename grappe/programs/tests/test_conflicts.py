"""Conflicts of interest: an evaluator never evaluates an application of their own organisation, of a consortium
member, of an organisation they declared, or of one their organisation works with in Partnering; an assignment
that would break this is refused with the reason."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grappe.conftest import make_member, make_organisation
from grappe.core.models import AuditEntry
from grappe.members.models import Role, User
from grappe.partnering.models import Introduction, IntroductionStatus, Opportunity
from grappe.programs.conflicts import DECLARED, OWN, PARTNERING, conflict_pairs, conflicts_of
from grappe.programs.models import ApplicationStatus, ConsortiumMember, EvaluatorAssignment
from grappe.programs.services import evaluation

from .factories import make_application, make_call, make_program

pytestmark = pytest.mark.django_db


def make_evaluator(email):
    return User.objects.create_user(email, "x", role=Role.EVALUATOR)


def introduce(initiator, partner, by, status=IntroductionStatus.REQUESTED):
    opportunity = Opportunity.objects.create(initiator=initiator, created_by=by, title="Projet", description="…")
    return Introduction.objects.create(opportunity=opportunity, partner=partner, requested_by=by, status=status)


@pytest.fixture
def cluster(staff, org_a, org_b, org_user):
    """A's application to an open call, as a consortium with D; B applies alone."""
    call = make_call(make_program(staff))
    org_d = make_organisation("Delta Avionique")
    application = make_application(call, org_a, org_user, status=ApplicationStatus.ELIGIBLE)
    for organisation in (org_a, org_d):
        ConsortiumMember.objects.create(application=application, organisation=organisation,
                                        share_of_work=Decimal(50), share_of_budget=Decimal(50))
    alone = make_application(call, org_b, org_user, status=ApplicationStatus.ELIGIBLE)
    return call, application, alone, org_d


def codes(evaluator, application):
    return [(reason.code, reason.organisation.display_name) for reason in conflicts_of(evaluator.pk, application)]


def test_an_evaluator_of_a_taking_part_organisation_is_in_conflict(cluster, org_a):
    call, application, alone, org_d = cluster
    of_a, of_d = make_member(org_a, "eval@alpha.test"), make_member(org_d, "eval@delta.test")

    assert codes(of_a, application) == [(OWN, "Alpha Usinage")]
    assert codes(of_d, application) == [(OWN, "Delta Avionique")]  # a consortium member
    assert codes(of_a, alone) == []
    assert conflict_pairs([application, alone], [of_a.pk, of_d.pk]) == {(of_a.pk, application.pk),
                                                                         (of_d.pk, application.pk)}


def test_a_declared_conflict_excludes_the_organisations_applications(cluster, org_b):
    call, application, alone, org_d = cluster
    evaluator = make_evaluator("ext@eval.test")
    evaluation.declare_conflict(actor=evaluator, organisation=org_d, reason="Ancien employeur")

    assert codes(evaluator, application) == [(DECLARED, "Delta Avionique")]
    assert conflict_pairs([application, alone], [evaluator.pk]) == {(evaluator.pk, application.pk)}
    assert AuditEntry.objects.filter(action="conflict.declared", actor=evaluator).count() == 1


def test_an_open_introduction_in_partnering_is_a_conflict_either_way_a_closed_one_is_not(cluster, org_a, org_b):
    call, application, alone, org_d = cluster
    org_e, org_f = make_organisation("Echo Aéro"), make_organisation("Foxtrot Tech")
    of_e, of_f = make_member(org_e, "eval@echo.test"), make_member(org_f, "eval@foxtrot.test")
    introduce(org_e, org_d, of_e)                                          # E asked to meet D: open
    introduce(org_a, org_f, of_f, status=IntroductionStatus.ACCEPTED)     # A works with F
    introduce(org_f, org_b, of_f, status=IntroductionStatus.DECLINED)      # B said no to F: no relation

    assert codes(of_e, application) == [(PARTNERING, "Delta Avionique")]
    assert codes(of_f, application) == [(PARTNERING, "Alpha Usinage")]
    assert codes(of_f, alone) == []


def test_an_assignment_in_conflict_is_refused_with_the_reason_and_changes_nothing(staff, cluster, org_a):
    call, application, alone, org_d = cluster
    conflicted = make_evaluator("ext@eval.test")
    evaluation.declare_conflict(actor=conflicted, organisation=org_a)

    with pytest.raises(ValidationError) as refusal:
        evaluation.assign_evaluator(actor=staff, application=application, evaluator=conflicted)
    assert refusal.value.code == "conflict_of_interest"
    assert "Alpha Usinage" in refusal.value.messages[0]
    assert not EvaluatorAssignment.objects.exists()

    evaluation.assign_evaluator(actor=staff, application=alone, evaluator=conflicted)
    alone.refresh_from_db()
    assert alone.status == ApplicationStatus.UNDER_REVIEW
    assert sorted(AuditEntry.objects.values_list("action", flat=True)) == [
        "application.assigned", "application.status", "conflict.declared"]


def test_a_whole_call_gets_two_conflict_free_evaluators_per_application_the_load_balanced(staff, cluster, org_a):
    call, application, alone, org_d = cluster
    others = [make_application(call, make_organisation(f"Org {n}"), staff, status=ApplicationStatus.ELIGIBLE)
              for n in range(4)]
    evaluators = [make_evaluator(f"e{n}@eval.test") for n in range(4)]
    evaluation.declare_conflict(actor=evaluators[0], organisation=org_a)
    of_a = make_member(org_a, "eval@alpha.test")
    of_a.role = Role.EVALUATOR
    of_a.save()

    result = evaluation.assign_call(actor=staff, call=call, evaluators=[*evaluators, of_a])

    assert result.feasible and result.balanced
    pairs = set(EvaluatorAssignment.objects.values_list("evaluator_id", "application_id"))
    assert len(pairs) == 2 * 6
    assert not pairs & conflict_pairs([application, alone, *others], [e.pk for e in [*evaluators, of_a]])
    assert AuditEntry.objects.filter(action="application.assigned").count() == 12
    assert set(call.applications.values_list("status", flat=True)) == {ApplicationStatus.UNDER_REVIEW}
