"""An application's life: started once, submitted before the deadline (the server's clock, the call's deadline
shown in the reader's time zone), frozen once submitted, reopened by the staff with its earlier version kept,
its consortium's shares adding up to 100 % and confirmed, its eligibility computed with reasons."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from grappe.conftest import committed, make_member, make_organisation
from grappe.core.models import AuditEntry, Notification
from grappe.members.models import CertificationType, OrganisationKind
from grappe.programs import selectors
from grappe.programs.models import Application, ApplicationStatus, ApplicationVersion
from grappe.programs.services import applications

from .factories import make_application, make_call, make_program

pytestmark = pytest.mark.django_db

DATA = {"title": "Aile composite", "summary": "…", "amount_requested": Decimal("50000.00"),
        "total_cost": Decimal("200000.00")}


@pytest.fixture
def call(staff):
    return make_call(make_program(staff))


def actions():
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


def test_starting_twice_makes_one_application(call, org_user, org_admin, org_a):
    first = applications.start_application(actor=org_user, call=call, data=DATA)
    second = applications.start_application(actor=org_admin, call=call, data=DATA)
    assert first == second and Application.objects.filter(call=call, lead=org_a).count() == 1
    assert actions() == ["application.created"]


def test_a_late_submission_is_refused_with_the_deadline_in_the_readers_time_zone(call, org_user, org_a):
    application = make_application(call, org_a, org_user)
    call.opens_at = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    call.closes_at = datetime.datetime(2026, 2, 1, 22, 0, tzinfo=datetime.UTC)  # 17:00 in Montréal
    call.save()

    with translation.override("en"), timezone.override("America/Vancouver"), pytest.raises(ValidationError) as late:
        applications.submit(actor=org_user, application=application)
    assert late.value.code == "deadline_passed"
    assert late.value.messages == [
        "The deadline of this call has passed: it was February 1, 2026, 14:00 (America/Vancouver)."]
    with pytest.raises(ValidationError, match="1 février 2026, 17:00 \\(America/Montreal\\)"):
        applications.submit(actor=org_user, application=application)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT


def test_a_submitted_application_cannot_be_changed_by_the_applicant(call, org_user, org_a, other_member):
    application = make_application(call, org_a, org_user)
    with pytest.raises(PermissionDenied):
        applications.submit(actor=other_member, application=application)
    with committed():
        applications.submit(actor=org_user, application=application)
        applications.submit(actor=org_user, application=application)  # a double click submits once

    with pytest.raises(ValidationError) as refusal:
        applications.update_application(actor=org_user, application=application, data={"title": "Autre"})
    assert refusal.value.code == "submitted"
    assert Application.objects.get(pk=application.pk).title == application.title
    assert actions() == ["application.submitted"]
    assert Notification.objects.filter(user=org_user, kind="programs.application_submitted").count() == 1


def test_a_reopened_application_keeps_its_submitted_version_readable(call, staff, org_user, org_a):
    application = make_application(call, org_a, org_user, title="Première version")
    applications.submit(actor=org_user, application=application)
    with pytest.raises(ValidationError):
        applications.reopen(actor=staff, application=application, reason=" ")

    applications.reopen(actor=staff, application=application, reason="Budget incomplet")
    applications.update_application(actor=org_user, application=application, data={"title": "Deuxième version"})
    applications.submit(actor=org_user, application=application)

    application.refresh_from_db()
    version = ApplicationVersion.objects.get(application=application)
    assert (version.number, version.content["title"], version.reason) == (1, "Première version", "Budget incomplet")
    assert (application.version, application.title, application.status) == (2, "Deuxième version", "submitted")
    assert actions() == ["application.submitted", "application.reopened", "application.changed",
                         "application.submitted"]


def test_reopening_is_refused_once_the_call_takes_no_more_applications_until_its_deadline_is_extended(
        call, staff, org_user, org_a):
    application = make_application(call, org_a, org_user)
    applications.submit(actor=org_user, application=application)
    call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    call.save()

    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        applications.reopen(actor=staff, application=application, reason="Budget incomplet")
    assert refusal.value.code == "call_not_open"
    assert "Extend the call's deadline first" in refusal.value.messages[0]
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED
    assert not ApplicationVersion.objects.exists() and actions() == ["application.submitted"]

    call.closes_at = timezone.now() + datetime.timedelta(days=7)  # the staff extend the deadline
    call.save()
    applications.reopen(actor=staff, application=application, reason="Budget incomplet")
    applications.submit(actor=org_user, application=application)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED


def test_consortium_shares_must_add_up_to_100_and_be_confirmed_by_each_partner(call, org_user, org_a):
    org_d = make_organisation("Delta Avionique")
    partner = make_member(org_d, "p@delta.test")
    application = make_application(call, org_a, org_user)

    with pytest.raises(ValidationError) as refusal:
        applications.set_consortium(actor=org_user, application=application, shares={
            org_a: (Decimal(60), Decimal(50)), org_d: (Decimal(30), Decimal(50))})
    assert refusal.value.code == "shares"
    assert "le travail fait 90 %" in refusal.value.messages[0]

    members = applications.set_consortium(actor=org_user, application=application, shares={
        org_a: (Decimal(60), Decimal(50)), org_d: (Decimal(40), Decimal(50))})
    with pytest.raises(ValidationError, match="Delta Avionique"):
        applications.submit(actor=org_user, application=application)
    with pytest.raises(PermissionDenied):
        applications.confirm_share(actor=make_member(make_organisation("Autre"), "x@autre.test"), member=members[1])
    applications.confirm_share(actor=partner, member=[m for m in members if m.organisation == org_d][0])
    applications.submit(actor=org_user, application=application)

    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED
    assert actions() == ["application.consortium", "consortium.confirmed", "application.submitted"]


def test_amounts_above_the_calls_limits_are_refused(call, org_user, org_a):
    call.max_amount, call.max_share_of_cost = Decimal("40000.00"), Decimal("20")
    call.save()
    application = make_application(call, org_a, org_user, amount="50000.00", cost="200000.00")
    with pytest.raises(ValidationError) as refusal:
        applications.submit(actor=org_user, application=application)
    assert "au plus 40\u00a0000,00\u00a0$" in refusal.value.messages[0]
    application.amount_requested, application.total_cost = Decimal("40000.00"), Decimal("150000.00")
    application.save()
    with pytest.raises(ValidationError) as refusal:
        applications.submit(actor=org_user, application=application)
    assert refusal.value.code == "above_max_share"
    assert "au plus 20 % du coût d’un projet; 26,67 % sont demandés" in refusal.value.messages[0]


def test_eligibility_comes_from_the_calls_rules_with_reasons_and_a_manual_decision_needs_one(
        call, staff, org_user, org_a):
    call.eligible_kinds = [OrganisationKind.UNIVERSITY, OrganisationKind.RESEARCH_CENTRE]
    call.save()
    call.required_certifications.add(CertificationType.objects.get(code="as9100"))
    application = make_application(call, org_a, org_user)
    applications.submit(actor=org_user, application=application)
    application.refresh_from_db()
    assert [r["code"] for r in application.eligibility_reasons] == ["kind", "certification"]

    applications.screen(actor=staff, application=application)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.INELIGIBLE
    with pytest.raises(ValidationError):
        applications.override_eligibility(actor=staff, application=application, eligible=True, reason="")
    applications.override_eligibility(actor=staff, application=application, eligible=True,
                                      reason="Partenariat avec l'Université Laval")
    application.refresh_from_db()
    assert (application.status, application.eligibility_override_reason) == (
        ApplicationStatus.ELIGIBLE, "Partenariat avec l'Université Laval")
    entries = AuditEntry.objects.filter(action="application.eligibility").order_by("pk")
    assert [(e.before["status"], e.after["status"]) for e in entries] == [
        ("submitted", "ineligible"), ("ineligible", "eligible")]


def test_a_member_sees_the_open_calls_it_is_eligible_for_first_and_why_not_for_the_others(staff, org_a):
    program = make_program(staff)
    open_to_all = make_call(program, title_fr="Pour tous", title_en="For all")
    make_call(program, title_fr="Universités", title_en="Universities", eligible_kinds=["university"],
              closes_at=timezone.now() + datetime.timedelta(days=1))
    make_call(program, title_fr="Fermé", title_en="Closed", closes_at=timezone.now() - datetime.timedelta(days=1))

    with translation.override("en"):
        rows = selectors.open_calls_for(org_a)
        assert [(row.call.title, row.eligible, [r.text for r in row.reasons]) for row in rows] == [
            ("For all", True, []), ("Universities", False, ["Reserved for universities."])]
    assert rows[0].call == open_to_all


def test_the_api_lists_the_open_calls_with_the_callers_eligibility(client, staff, org_user):
    program = make_program(staff)
    make_call(program, title_fr="Universités", title_en="Universities", eligible_kinds=["university"])
    client.force_login(org_user)

    answer = client.get("/api/programs/calls", HTTP_ACCEPT_LANGUAGE="en").json()

    assert [(call["title_en"], call["eligible"], [r["code"] for r in call["reasons"]]) for call in answer] == [
        ("Universities", False, ["kind"])]
    assert answer[0]["reasons"][0]["text"] == "Reserved for universities."


def test_the_applicant_reads_the_earlier_version_of_a_reopened_application(client, call, staff, org_user, org_a):
    application = make_application(call, org_a, org_user, title="Première version")
    applications.submit(actor=org_user, application=application)
    applications.reopen(actor=staff, application=application, reason="Budget incomplet")
    client.force_login(org_user)

    page = client.get(application.get_absolute_url()).content.decode()

    earlier = page[page.index('id="versions"'):]
    assert "Version 1, soumise le" in earlier and "Première version" in earlier
    assert "50\u00a0000,00\u00a0$" in earlier  # the whole version: its amounts, summary, shares and documents
    assert "Budget incomplet" in page and "Soumettre la demande" in page
