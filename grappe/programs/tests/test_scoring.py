"""An evaluator scores only an application they are assigned to and have no conflict with, each criterion from 0
to its maximum with a comment, and a recommendation; a draft is saved as often as they like, the scores are
submitted once and never change after; they never see another evaluator's scores."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from grappe.conftest import make_organisation, run_together
from grappe.core.models import AuditEntry, Notification
from grappe.core.tests.test_concurrency import overlapping_transactions  # noqa: F401 — a fixture
from grappe.members.models import Role, User
from grappe.programs import selectors
from grappe.programs.models import (
    ApplicationStatus,
    ConsortiumMember,
    Criterion,
    EvaluatorAssignment,
    Recommendation,
    Score,
)
from grappe.programs.services import evaluation, scoring
from grappe.programs.services.scoring import Entry
from grappe.programs.views.staff import shortfall_messages
from matching.assignment import Evaluator, assign

from .factories import make_application, make_call, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(staff, org_a, org_user):
    """A's application under review, as a consortium with D, on a call with two criteria; two evaluators."""
    call = make_call(make_program(staff))
    innovation = Criterion.objects.create(call=call, name_fr="Innovation", name_en="Innovation", max_score=10,
                                          position=0)
    team = Criterion.objects.create(call=call, name_fr="Équipe", name_en="Team", max_score=5, position=1)
    application = make_application(call, org_a, org_user, status=ApplicationStatus.ELIGIBLE,
                                   summary="Résumé-confidentiel")
    org_d = make_organisation("Delta Avionique")
    for organisation in (org_a, org_d):
        ConsortiumMember.objects.create(application=application, organisation=organisation,
                                        share_of_work=Decimal(50), share_of_budget=Decimal(50))
    first, second = (User.objects.create_user(email, "x", role=Role.EVALUATOR)
                     for email in ("one@eval.test", "two@eval.test"))
    for evaluator in (first, second):
        evaluation.assign_evaluator(actor=staff, application=application, evaluator=evaluator)
    application.refresh_from_db()
    return application, innovation, team, org_d, first, second


def full_sheet(innovation, team, value=Decimal("7.50")):
    return {innovation.pk: Entry(value, "Procédé nouveau"), team.pk: Entry(Decimal("4"), "Équipe solide")}


def assignment_of(application, evaluator):
    return EvaluatorAssignment.objects.get(application=application, evaluator=evaluator)


def test_a_draft_then_a_submission_keep_the_scores_and_audit_each_step(review):
    application, innovation, team, org_d, first, second = review
    assignment = assignment_of(application, first)

    scoring.save_draft(actor=first, assignment=assignment, sheet={innovation.pk: Entry(Decimal("6"), "À préciser"),
                                                                  team.pk: Entry(None)})
    scoring.submit(actor=first, assignment=assignment, sheet=full_sheet(innovation, team),
                   recommendation=Recommendation.FUND)

    assignment.refresh_from_db()
    assert assignment.submitted_at is not None and assignment.recommendation == Recommendation.FUND
    assert {(s.criterion_id, s.value, s.comment) for s in assignment.scores.all()} == {
        (innovation.pk, Decimal("7.50"), "Procédé nouveau"), (team.pk, Decimal("4.00"), "Équipe solide")}
    saved, scored = AuditEntry.objects.filter(actor=first).order_by("pk")
    assert (saved.action, scored.action) == ("assignment.saved", "assignment.scored")
    assert saved.before["scores"] == {} and saved.after["scores"][str(innovation.pk)]["value"] == "6.00"
    assert scored.before["scores"][str(innovation.pk)]["value"] == "6.00"
    assert scored.after["scores"][str(innovation.pk)]["value"] == "7.50" and scored.after["submitted_at"]


def test_submitted_scores_can_no_longer_be_changed(review):
    application, innovation, team, org_d, first, second = review
    assignment = assignment_of(application, first)
    scoring.submit(actor=first, assignment=assignment, sheet=full_sheet(innovation, team),
                   recommendation=Recommendation.FUND)
    entries = AuditEntry.objects.count()

    for write in (scoring.save_draft, scoring.submit):
        with pytest.raises(ValidationError) as refusal:
            write(actor=first, assignment=assignment, sheet=full_sheet(innovation, team, Decimal("1")),
                  recommendation=Recommendation.DO_NOT_FUND)
        assert refusal.value.code == "already_submitted"
    assert set(assignment.scores.values_list("value", flat=True)) == {Decimal("7.50"), Decimal("4.00")}
    assert AuditEntry.objects.count() == entries


def test_a_score_above_the_criterions_maximum_is_refused_with_the_criterion_and_its_maximum(review):
    application, innovation, team, org_d, first, second = review
    assignment = assignment_of(application, first)

    with pytest.raises(ValidationError) as refusal:
        scoring.save_draft(actor=first, assignment=assignment,
                           sheet={innovation.pk: Entry(Decimal("7")), team.pk: Entry(Decimal("6"))})

    [error] = refusal.value.error_list
    assert error.code == "score_out_of_range" and error.params["criterion_id"] == team.pk
    assert "Équipe" in error.message % error.params and "5" in error.message % error.params
    assert not Score.objects.exists() and not AuditEntry.objects.filter(actor=first).exists()


def test_a_submission_needs_every_score_every_comment_and_a_recommendation(review):
    application, innovation, team, org_d, first, second = review
    with pytest.raises(ValidationError) as refusal:
        scoring.submit(actor=first, assignment=assignment_of(application, first),
                       sheet={innovation.pk: Entry(Decimal("8"), "")}, recommendation="")
    assert sorted(e.code for e in refusal.value.error_list) == [
        "comment_missing", "comment_missing", "recommendation", "score_missing"]
    assert not Score.objects.exists()


def test_an_evaluator_in_conflict_since_the_assignment_is_refused_with_the_reason(review):
    application, innovation, team, org_d, first, second = review
    assignment = assignment_of(application, first)
    scoring.save_draft(actor=first, assignment=assignment, sheet={innovation.pk: Entry(Decimal("6"))})

    declared = evaluation.declare_conflict(actor=first, organisation=org_d, reason="Ancien employeur")

    assert declared.kept == (application,) and declared.released == ()  # scores saved: kept, the staff decide
    with pytest.raises(ValidationError) as refusal:
        scoring.submit(actor=first, assignment=assignment, sheet=full_sheet(innovation, team),
                       recommendation=Recommendation.FUND)
    assert refusal.value.code == "conflict_of_interest" and "Delta Avionique" in refusal.value.messages[0]
    assert assignment.scores.get().value == Decimal("6.00")


def test_declaring_a_conflict_removes_the_assignments_without_scores(review):
    application, innovation, team, org_d, first, second = review

    declared = evaluation.declare_conflict(actor=second, organisation=org_d)

    assert declared.released == (application,) and declared.kept == ()
    assert not EvaluatorAssignment.objects.filter(evaluator=second).exists()
    assert AuditEntry.objects.filter(action="application.unassigned", actor=second).count() == 1


def test_nobody_scores_anothers_assignment_nor_an_application_no_longer_under_evaluation(review):
    application, innovation, team, org_d, first, second = review
    with pytest.raises(PermissionDenied):
        scoring.save_draft(actor=second, assignment=assignment_of(application, first), sheet={})
    application.status = ApplicationStatus.DECLINED
    application.save()
    with pytest.raises(ValidationError) as refusal:
        scoring.save_draft(actor=first, assignment=assignment_of(application, first), sheet={})
    assert refusal.value.code == "not_under_evaluation"


def test_the_staff_who_assigned_hear_when_every_evaluation_is_in(review, staff, django_capture_on_commit_callbacks):
    application, innovation, team, org_d, first, second = review
    scoring.submit(actor=first, assignment=assignment_of(application, first), sheet=full_sheet(innovation, team),
                   recommendation=Recommendation.FUND)
    assert not Notification.objects.filter(kind="programs.evaluations_complete").exists()
    with django_capture_on_commit_callbacks(execute=True):
        scoring.submit(actor=second, assignment=assignment_of(application, second),
                       sheet=full_sheet(innovation, team), recommendation=Recommendation.DO_NOT_FUND)
    assert list(Notification.objects.filter(kind="programs.evaluations_complete").values_list("user", flat=True)) == [
        staff.pk]


def page(application, evaluator):
    return reverse("programs:evaluation-score", args=[assignment_of(application, evaluator).pk])


def test_an_unassigned_evaluator_gets_404_and_one_in_conflict_sees_the_reason_not_the_application(
        review, client):
    application, innovation, team, org_d, first, second = review
    outsider = User.objects.create_user("three@eval.test", "x", role=Role.EVALUATOR)
    client.force_login(outsider)
    assert client.get(page(application, first)).status_code == 404

    scoring.save_draft(actor=first, assignment=assignment_of(application, first),
                       sheet={innovation.pk: Entry(Decimal("6"))})
    evaluation.declare_conflict(actor=first, organisation=org_d)
    client.force_login(first)
    response = client.get(page(application, first))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Delta Avionique" in html and "<form method=\"post\" novalidate>" not in html
    assert "Résumé-confidentiel" not in html


def test_a_score_out_of_range_keeps_what_was_typed_and_says_why_beside_the_field(review, client):
    application, innovation, team, org_d, first, second = review
    client.force_login(first)
    data = {"form_token": str(uuid.uuid4()), f"value_{innovation.pk}": "7,5", f"comment_{innovation.pk}": "Bien",
            f"value_{team.pk}": "12", f"comment_{team.pk}": "Trop haut", "recommendation": "fund", "submit": "1"}

    response = client.post(page(application, first), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="7,5"' in html and "Trop haut" in html and f'id="id_value_{team.pk}_error"' in html
    assert not Score.objects.exists()


def test_a_double_clicked_submit_submits_once(review, client):
    application, innovation, team, org_d, first, second = review
    client.force_login(first)
    data = {"form_token": str(uuid.uuid4()), f"value_{innovation.pk}": "7,5", f"comment_{innovation.pk}": "Bien",
            f"value_{team.pk}": "4", f"comment_{team.pk}": "Solide", "recommendation": "fund", "submit": "1"}

    first_click, second_click = (client.post(page(application, first), data) for _ in range(2))

    assert first_click.status_code == second_click.status_code == 302
    assert AuditEntry.objects.filter(action="assignment.scored").count() == 1
    assert Score.objects.filter(assignment__evaluator=first).count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("overlapping_transactions")
def test_two_submissions_at_once_make_one(review):
    application, innovation, team, org_d, first, second = review
    assignment = assignment_of(application, first)

    outcomes = run_together(*[lambda: scoring.submit(actor=first, assignment=assignment,
                                                     sheet=full_sheet(innovation, team),
                                                     recommendation=Recommendation.FUND)] * 2)

    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert [getattr(r, "code", r) for r in refused] == ["already_submitted"]
    assert AuditEntry.objects.filter(action="assignment.scored").count() == 1


def test_an_evaluator_never_sees_another_evaluators_scores(review, client, staff):
    application, innovation, team, org_d, first, second = review
    scoring.submit(actor=second, assignment=assignment_of(application, second),
                   sheet={innovation.pk: Entry(Decimal("3.25"), "Commentaire-du-second"),
                          team.pk: Entry(Decimal("1"), "Faible")}, recommendation=Recommendation.DO_NOT_FUND)
    client.force_login(first)
    for url in (page(application, first), application.get_absolute_url(), reverse("programs:my-evaluations")):
        html = client.get(url).content.decode()
        assert "Commentaire-du-second" not in html and "3,25" not in html and "3.25" not in html
    # Nor after submitting their own: the comparison is the committee's.
    scoring.submit(actor=first, assignment=assignment_of(application, first), sheet=full_sheet(innovation, team),
                   recommendation=Recommendation.FUND)
    html = client.get(page(application, first)).content.decode()
    assert "Procédé nouveau" in html and "Commentaire-du-second" not in html
    assert not first.has_perm("programs.view_scores", application)


def test_a_member_of_the_staff_evaluating_sees_the_scores_only_once_theirs_are_in(review, staff):
    application, innovation, team, org_d, first, second = review
    other_staff = User.objects.create_user("officer@grappe.test", "x", role=Role.STAFF_PROGRAMS)
    evaluation.assign_evaluator(actor=staff, application=application, evaluator=staff)
    assert other_staff.has_perm("programs.view_scores", application)
    assert not staff.has_perm("programs.view_scores", application)
    scoring.submit(actor=staff, assignment=assignment_of(application, staff), sheet=full_sheet(innovation, team),
                   recommendation=Recommendation.FUND)
    assert staff.has_perm("programs.view_scores", application)


def test_my_evaluations_say_what_is_to_do_a_draft_or_submitted(review, staff):
    application, innovation, team, org_d, first, second = review
    other = make_application(application.call, make_organisation("Écho Aéro"), staff,
                             status=ApplicationStatus.ELIGIBLE)
    evaluation.assign_evaluator(actor=staff, application=other, evaluator=first)
    scoring.save_draft(actor=first, assignment=assignment_of(other, first), sheet={innovation.pk: Entry(Decimal(5))})
    assert [(row.assignment.application, row.state) for row in selectors.evaluations_of(first)] == [
        (application, selectors.TO_DO), (other, selectors.DRAFT)]
    scoring.submit(actor=first, assignment=assignment_of(application, first), sheet=full_sheet(innovation, team),
                   recommendation=Recommendation.FUND)
    assert [row.state for row in selectors.evaluations_of(first)] == [selectors.DRAFT, selectors.SUBMITTED]


def test_the_staff_are_told_when_there_are_fewer_evaluators_than_each_application_needs():
    result = assign(["a1", "a2"], [Evaluator("e0")], set(), per_application=2)
    [text] = shortfall_messages(result)
    assert "1" in text and "2" in text


def test_a_declared_conflict_is_listed_and_the_page_says_which_assignments_it_removed(review, client):
    application, innovation, team, org_d, first, second = review
    client.force_login(second)
    url = reverse("programs:evaluation-conflicts")

    response = client.post(url, {"organisation": org_d.pk, "reason": "Ancien employeur"}, follow=True)

    html = response.content.decode()
    assert "Delta Avionique" in html and "Ancien employeur" in html and application.title in html
    assert not EvaluatorAssignment.objects.filter(evaluator=second).exists()


def test_an_evaluators_home_and_menu_lead_to_the_evaluations_to_do(review, client):
    application, innovation, team, org_d, first, second = review
    client.force_login(first)
    html = client.get(reverse("home:home")).content.decode()
    assert reverse("programs:my-evaluations") in html and page(application, first) in html
    assert application.title in html
