"""The programs officer's pages between submission and money, as the officer uses them: screening a call,
eligibility decided by hand, the ranked list, decisions in bulk (all or nothing, once), the decision summary
(page and PDF) and an application's history."""

import re
import uuid
import zlib
from decimal import Decimal

import pytest
from django.utils import timezone

from grappe.conftest import committed, make_member, make_organisation
from grappe.core.models import AuditEntry, Notification
from grappe.members.models import Role, User
from grappe.programs.models import (
    Application,
    ApplicationStatus,
    Criterion,
    Decision,
    EvaluatorAssignment,
    Outcome,
    Recommendation,
    Score,
)
from grappe.programs.services import budget, decisions, milestones

from .factories import make_application, make_call, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(staff):
    call = make_call(make_program(staff, envelope="200000.00"), passing_score=Decimal("65.00"))
    for position, (name_fr, name_en, weight) in enumerate((("Innovation", "Innovation", 2), ("Équipe", "Team", 1))):
        Criterion.objects.create(call=call, name_fr=name_fr, name_en=name_en, weight=Decimal(weight), max_score=10,
                                 position=position)
    return call


@pytest.fixture
def evaluators(db):
    return [User.objects.create_user(f"eval{i}@grappe.test", "x", role=Role.EVALUATOR, full_name=f"Éval {i}")
            for i in (1, 2)]


def evaluated(call, lead, staff, evaluators, marks, amount="50000.00", title=None):
    """An application under review, each evaluator's (innovation, team, recommendation) submitted."""
    person = make_member(lead, f"someone{lead.pk}@{lead.pk}.test")
    application = make_application(call, lead, person, amount=amount, status=ApplicationStatus.UNDER_REVIEW,
                                   title=title or f"Projet {lead.display_name}")
    criteria = list(call.criteria.all())
    for evaluator, (innovation, team, recommendation) in zip(evaluators, marks):
        assignment = EvaluatorAssignment.objects.create(application=application, evaluator=evaluator,
                                                        assigned_by=staff, recommendation=recommendation,
                                                        submitted_at=timezone.now())
        for criterion, value in zip(criteria, (innovation, team)):
            Score.objects.create(assignment=assignment, criterion=criterion, value=Decimal(value))
    return application


FUND, NO = Recommendation.FUND, Recommendation.DO_NOT_FUND


@pytest.fixture
def two_evaluated(call, staff, evaluators):
    """Strong, agreed (90 and 80 out of 100) and weak, disputed (90 and 40: a large spread)."""
    strong = evaluated(call, make_organisation("Solide Aéro", neq="5555555555"), staff, evaluators,
                       [(9, 9, FUND), (8, 8, FUND)], amount="60000.00", title="Aile solide")
    weak = evaluated(call, make_organisation("Fragile Inc", neq="6666666666"), staff, evaluators,
                     [(9, 9, FUND), (4, 4, NO)], amount="30000.00", title="Train fragile")
    return strong, weak


def test_the_staff_screen_the_submitted_applications_of_a_call_from_its_rules(client, staff, call, org_a,
                                                                              org_user):
    ok = make_application(call, org_a, org_user, status=ApplicationStatus.SUBMITTED)
    other = make_organisation("Hors Région", neq="7777777777")
    refused = make_application(call, other, make_member(other, "m@hors.test"), status=ApplicationStatus.SUBMITTED,
                               eligibility_reasons=[{"code": "good_standing", "params": {}}])
    client.force_login(staff)

    page = client.get(f"/fr/programs/staff/calls/{call.pk}/").content.decode()
    assert "Réservé aux membres en règle." in page
    client.post(f"/fr/programs/staff/calls/{call.pk}/screen/")

    assert Application.objects.get(pk=ok.pk).status == ApplicationStatus.ELIGIBLE
    assert Application.objects.get(pk=refused.pk).status == ApplicationStatus.INELIGIBLE
    assert AuditEntry.objects.filter(action="application.eligibility", actor=staff).count() == 2


def test_eligibility_decided_by_hand_needs_a_reason_and_keeps_what_was_typed(client, staff, call, org_a,
                                                                             org_user):
    application = make_application(call, org_a, org_user, status=ApplicationStatus.INELIGIBLE,
                                   eligibility_reasons=[{"code": "good_standing", "params": {}}])
    client.force_login(staff)
    url = f"/fr/programs/staff/applications/{application.pk}/eligibility/"

    response = client.post(url, {"eligible": "yes", "reason": "  "})
    assert response.status_code == 200 and Application.objects.get(pk=application.pk).status == "ineligible"
    assert re.search(r'value="yes"[^>]*checked', response.content.decode())

    client.post(url, {"eligible": "yes", "reason": "Cotisation payée le 3 décembre"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBLE
    assert application.eligibility_override_reason == "Cotisation payée le 3 décembre"


def test_the_call_page_shows_the_progress_of_the_evaluation(client, staff, call, evaluators, org_a, org_user):
    application = evaluated(call, org_a, staff, evaluators[:1], [(7, 7, FUND)])
    EvaluatorAssignment.objects.create(application=application, evaluator=evaluators[1], assigned_by=staff)
    client.force_login(staff)

    page = client.get(f"/en/programs/staff/calls/{call.pk}/").content.decode()

    assert "1 of 2 evaluations submitted." in page and "1 / 2" in page


def test_the_ranking_puts_the_best_mean_first_and_flags_a_large_spread(client, staff, call, two_evaluated):
    strong, weak = two_evaluated
    client.force_login(staff)

    page = client.get(f"/en/programs/staff/calls/{call.pk}/ranking/").content.decode()

    assert page.index("Aile solide") < page.index("Train fragile")
    assert "85.00" in page and "65.00" in page  # the means: (90 + 80) / 2 and (90 + 40) / 2
    assert "50.00" in page and "large" in page  # the weak one's spread
    assert "Disagree" in page and "All agree" in page
    # Cumulative asked down the ranking: 60,000 then 90,000, within the 200,000 left.
    assert "$90,000.00" in page


def bulk(first, second, *, strong, weak):
    """The bulk form's data: (outcome, amount, reason) for each of the two applications; None: not selected."""
    data = {"form_token": str(uuid.uuid4()), "common_reason": ""}
    for application, (outcome, amount, reason) in zip((first, second), (strong, weak)):
        if outcome:
            data.update({f"select_{application.pk}": "on", f"outcome_{application.pk}": outcome,
                         f"amount_{application.pk}": amount, f"reason_{application.pk}": reason})
    return data


def test_the_committee_decides_several_applications_in_one_submit_and_each_applicant_is_told(
        client, staff, call, two_evaluated):
    strong, weak = two_evaluated
    client.force_login(staff)

    with committed():
        response = client.post(f"/fr/programs/staff/calls/{call.pk}/ranking/", bulk(
            strong, weak, strong=("funded", "55 000", ""), weak=("declined", "", "Note sous le seuil")))

    assert response.status_code == 302
    assert Decision.objects.get(application=strong).amount == Decimal("55000.00")
    assert Decision.objects.get(application=weak).reason == "Note sous le seuil"
    assert [a.status for a in Application.objects.filter(pk__in=[strong.pk, weak.pk]).order_by("pk")] == [
        ApplicationStatus.FUNDED, ApplicationStatus.DECLINED]
    assert Notification.objects.filter(kind="programs.decided").count() == 2


def test_an_amount_left_empty_grants_the_amount_asked(client, staff, call, two_evaluated):
    strong, weak = two_evaluated
    client.force_login(staff)

    response = client.post(f"/fr/programs/staff/calls/{call.pk}/ranking/",
                           bulk(strong, weak, strong=("funded", "", ""), weak=(None, None, None)))
    assert response.status_code == 302

    assert Decision.objects.get(application=strong).amount == Decimal("60000.00")
    assert not Decision.objects.filter(application=weak).exists()


def test_one_refused_row_records_nothing_and_says_which_row_and_why(client, staff, call, two_evaluated):
    strong, weak = two_evaluated
    client.force_login(staff)

    response = client.post(f"/fr/programs/staff/calls/{call.pk}/ranking/", bulk(
        strong, weak, strong=("funded", "55 000", ""), weak=("funded", "45 000", "")))

    page = response.content.decode()
    assert response.status_code == 200
    assert "1 demande n’a pu être décidée; rien n’a été enregistré." in page
    assert re.search(r'<tr class="table-danger">.*?Train fragile.*?Le montant accordé dépasse le montant demandé',
                     page, re.S)
    assert not Decision.objects.exists()
    assert Application.objects.get(pk=strong.pk).status == ApplicationStatus.UNDER_REVIEW
    assert 'value="55 000"' in page  # what was typed is kept


def test_a_decline_without_a_reason_is_refused_on_its_row(client, staff, call, two_evaluated):
    strong, weak = two_evaluated
    client.force_login(staff)

    response = client.post(f"/en/programs/staff/calls/{call.pk}/ranking/", bulk(
        strong, weak, strong=("funded", "", ""), weak=("declined", "", "")))

    assert "Say why the application is declined." in response.content.decode()
    assert not Decision.objects.exists()


def test_a_double_submit_decides_once(client, staff, call, two_evaluated):
    strong, weak = two_evaluated
    client.force_login(staff)
    data = bulk(strong, weak, strong=("funded", "", ""), weak=("declined", "", "Trop faible"))

    first = client.post(f"/fr/programs/staff/calls/{call.pk}/ranking/", data)
    second = client.post(f"/fr/programs/staff/calls/{call.pk}/ranking/", data)

    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert Decision.objects.count() == 2
    assert AuditEntry.objects.filter(action="application.decided").count() == 2


def test_funding_past_what_the_envelope_has_left_is_refused(client, staff, call, two_evaluated):
    strong, weak = two_evaluated
    call.program.envelope = Decimal("80000.00")
    call.program.save()
    client.force_login(staff)

    response = client.post(f"/fr/programs/staff/calls/{call.pk}/ranking/", bulk(
        strong, weak, strong=("funded", "", ""), weak=("funded", "", "")))

    assert "l’enveloppe" in response.content.decode()
    assert not Decision.objects.exists()


def test_the_decision_summary_shows_each_evaluators_scores_and_recommendation_to_the_staff(
        client, staff, call, two_evaluated, evaluators):
    client.force_login(staff)

    page = client.get(f"/fr/programs/staff/calls/{call.pk}/summary/").content.decode()

    assert "Éval 1" in page and "Éval 2" in page
    assert "Ne pas financer" in page and "Les évaluateurs sont en désaccord" in page
    assert "Tous les évaluateurs sont d’accord" in page
    assert "90\u00a0000,00" in page  # asked by the two applications still to decide


def test_an_evaluator_never_sees_the_others_scores_through_the_summary(client, call, two_evaluated, evaluators):
    client.force_login(evaluators[0])

    assert client.get(f"/fr/programs/staff/calls/{call.pk}/summary/").status_code == 403
    assert client.get(f"/fr/programs/staff/calls/{call.pk}/summary.pdf").status_code == 403
    assert client.get(f"/fr/programs/staff/calls/{call.pk}/ranking/").status_code == 403


def inflated(content: bytes) -> bytes:
    """The PDF with its compressed streams inflated (WeasyPrint keeps its objects in compressed streams)."""
    parts = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def bookmarks(raw: bytes) -> list[str]:
    """The titles of the PDF's outline (its headings): literal strings, or UTF-16 in hex."""
    titles = []
    for literal, hexa in re.findall(rb"/Title ?(?:\(((?:[^()\\]|\\.)*)\)|<([0-9A-Fa-f]+)>)", raw):
        titles.append(bytes.fromhex(hexa.decode()).decode("utf-16") if hexa else literal.decode("latin-1"))
    return titles


def test_the_decision_summary_pdf_is_a_tagged_pdf_holding_the_applications_titles(client, staff, call,
                                                                                   two_evaluated):
    client.force_login(staff)

    response = client.get(f"/fr/programs/staff/calls/{call.pk}/summary.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert f"sommaire-d%C3%A9cisionnel-appel-{call.pk}-" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    raw = inflated(response.content)
    assert b"/StructTreeRoot" in raw and b"/Lang (fr)" in raw  # tagged, in the reader's language
    titles = bookmarks(raw)
    assert "1. Aile solide" in titles and "2. Train fragile" in titles


def test_an_applications_history_says_in_words_what_happened_to_it_and_its_rows(client, staff, call, org_a,
                                                                                 org_user, evaluators):
    application = evaluated(call, org_a, staff, evaluators, [(9, 9, FUND), (8, 8, FUND)])
    decisions.decide(actor=staff, application=application, outcome=Outcome.FUNDED, amount=Decimal("40000.00"))
    commitment = budget.commit_funds(actor=staff, application=application, amount=Decimal("40000.00"))
    [milestone] = milestones.set_milestones(actor=staff, commitment=commitment, rows=[
        {"id": None, "name": "Jalon 1", "due_on": timezone.localdate(), "amount": Decimal("10000.00")}])
    budget.pay_milestone(actor=staff, milestone=milestone, amount=Decimal("10000.00"), paid_on=timezone.localdate())
    other = make_application(call, make_organisation("Autre", neq="8888888888"), org_user)
    AuditEntry.objects.create(actor_label="x", action="application.changed", target_type="programs.application",
                              target_id=str(other.pk))  # another application's: not in this one's history
    AuditEntry.objects.create(actor=staff, actor_label=staff.email, action="application.unassigned",
                              target_type="programs.evaluatorassignment", target_id="99999",
                              before={"application": application.pk})  # an assignment removed since
    client.force_login(staff)

    page = client.get(f"/fr/programs/staff/applications/{application.pk}/history/").content.decode()

    for words in ("Décision rendue sur la demande", "Fonds engagés", "Versement enregistré", "Jalon 1",
                  "Évaluateur retiré (conflit d’intérêts)"):
        assert words in page
    assert (page.index("Décision rendue sur la demande") < page.index("Fonds engagés")
            < page.index("Versement enregistré"))
    assert "Demande modifiée" not in page
    detail = client.get(f"/fr/programs/applications/{application.pk}/").content.decode()
    assert f'href="/fr/programs/staff/applications/{application.pk}/history/"' in detail


def test_a_staff_evaluator_does_not_see_the_others_scores_before_submitting_their_own(client, staff, call,
                                                                                    two_evaluated):
    strong, weak = two_evaluated
    EvaluatorAssignment.objects.create(application=weak, evaluator=staff, assigned_by=staff)
    client.force_login(staff)

    for page in (client.get(f"/en/programs/staff/calls/{call.pk}/ranking/").content.decode(),
                 client.get(f"/en/programs/staff/calls/{call.pk}/summary/").content.decode()):
        assert "Aile solide" in page and "have not submitted your evaluation yet" in page
        assert "40.00" not in page and "$90,000.00" not in page  # the weak one's score and amount are out
    history = client.get(f"/en/programs/staff/applications/{weak.pk}/history/").content.decode()
    assert "have not submitted your evaluation yet" in history


def test_assigning_evaluators_from_the_calls_page_returns_to_it_and_never_to_another_site(client, staff, call):
    client.force_login(staff)
    page = f"/fr/programs/staff/calls/{call.pk}/"

    assert client.post(f"/fr/programs/staff/calls/{call.pk}/assign/", {"next": page}).url == page
    away = client.post(f"/fr/programs/staff/calls/{call.pk}/assign/", {"next": "https://ailleurs.test/"})
    assert away.url == call.program.get_absolute_url()


def test_a_staff_evaluator_reads_the_others_comments_in_the_audit_log_and_the_pdf_only_once_theirs_are_in(
        client, staff, call, evaluators):
    from django.urls import reverse

    from grappe.programs.services import scoring

    application = make_application(call, make_organisation("Fragile Inc", neq="6666666666"), staff,
                                   status=ApplicationStatus.UNDER_REVIEW, title="Train fragile")
    criteria = list(call.criteria.all())

    def sheet(comment):
        return {c.pk: scoring.Entry(Decimal("7"), comment) for c in criteria}
    other = EvaluatorAssignment.objects.create(application=application, evaluator=evaluators[0], assigned_by=staff)
    scoring.submit(actor=evaluators[0], assignment=other, sheet=sheet("SecretComment"), recommendation=FUND)
    own = EvaluatorAssignment.objects.create(application=application, evaluator=staff, assigned_by=staff)
    client.force_login(staff)
    admin_list = reverse("admin:core_auditentry_changelist")
    entry = AuditEntry.objects.get(action="assignment.scored", target_id=str(other.pk))

    assert "SecretComment" not in client.get("/en/audit/").content.decode()
    assert "Train fragile" not in bookmarks(inflated(client.get(f"/en/programs/staff/calls/{call.pk}/summary.pdf")
                                                     .content))
    assert f"/{entry.pk}/change/" not in client.get(admin_list).content.decode()
    assert client.get(reverse("admin:core_auditentry_change", args=[entry.pk])).status_code == 302  # not found

    scoring.submit(actor=staff, assignment=own, sheet=sheet("Mine"), recommendation=FUND)

    assert "SecretComment" in client.get("/en/audit/").content.decode()
    assert "1. Train fragile" in bookmarks(inflated(client.get(f"/en/programs/staff/calls/{call.pk}/summary.pdf")
                                                    .content))
    assert f"/{entry.pk}/change/" in client.get(admin_list).content.decode()


def test_the_ranking_sets_aside_the_scores_of_an_evaluator_now_in_conflict(client, staff, call, two_evaluated,
                                                                           evaluators):
    from grappe.programs.models import ConflictDeclaration

    strong, weak = two_evaluated
    ConflictDeclaration.objects.create(evaluator=evaluators[1], organisation=weak.lead)  # declared after scoring
    client.force_login(staff)

    page = client.get(f"/en/programs/staff/calls/{call.pk}/ranking/").content.decode()

    assert "Éval 2: set aside (conflict of interest declared after the assignment)" in page
    assert "Éval 2: 40.00" not in page  # not counted: the weak one's mean is Éval 1's 90 alone
    french = client.get(f"/fr/programs/staff/calls/{call.pk}/ranking/").content.decode()
    assert "écartée (conflit d’intérêts" in french
