"""The staff set up a program and its calls: the envelope never drops below what is committed, a call's window
is typed in the call's own time zone, a call is published only when it can be evaluated and answered, and once
published its rules and grid no longer change."""

import datetime
import uuid
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from grappe.conftest import make_organisation, run_together
from grappe.core.amounts import format_amount
from grappe.core.errors import Conflict
from grappe.core.models import AuditEntry
from grappe.members.models import CertificationType
from grappe.programs.models import ApplicationStatus, Call, CallStatus, Commitment, Criterion, Program
from grappe.programs.services import budget, calls, programs

from .factories import make_application, make_call, make_funded, make_program

pytestmark = pytest.mark.django_db

VANCOUVER = zoneinfo.ZoneInfo("America/Vancouver")


def token():
    return str(uuid.uuid4())


def call_data(**fields):
    data = {"title_fr": "Appel vert", "title_en": "Green call", "text_fr": "", "text_en": "",
            "time_zone": "America/Montreal", "opens_at": "2027-01-10T09:00", "closes_at": "2027-03-01T17:00",
            "eligible_kinds": ["sme"], "eligible_size_bands": [], "eligible_regions": [],
            "requires_good_standing": "on", "max_amount": "250 000 $", "max_share_of_cost": "50",
            "required_documents": ["business_plan", "budget"], "passing_score": "65",
            "criteria-TOTAL_FORMS": "2", "criteria-INITIAL_FORMS": "0", "criteria-MIN_NUM_FORMS": "0",
            "criteria-MAX_NUM_FORMS": "1000",
            "criteria-0-name_fr": "Innovation", "criteria-0-name_en": "Innovation", "criteria-0-weight": "3",
            "criteria-0-max_score": "10", "criteria-1-name_fr": "", "criteria-1-name_en": "",
            "criteria-1-weight": "1", "criteria-1-max_score": "10", "form_token": token()}
    return {**data, **fields}


def committed_program(staff, org_user, org_a, envelope="100000.00", amount="40000.00") -> Program:
    program = make_program(staff, envelope=envelope)
    application = make_funded(make_call(program), org_a, org_user, amount="50000.00")
    budget.commit_funds(actor=staff, application=application, amount=Decimal(amount))
    program.refresh_from_db()
    return program


def test_the_staff_create_a_program_with_its_envelope_typed_in_french(client, staff):
    client.force_login(staff)
    response = client.post(reverse("programs:program-create"), {
        "funder": "MEIE", "name_fr": "Virage vert", "name_en": "Green shift", "envelope": "2 500 000,00 $",
        "rules_fr": "", "rules_en": "", "form_token": token()})

    program = Program.objects.get()
    assert response.url == program.get_absolute_url()
    assert (program.envelope, program.created_by) == (Decimal("2500000.00"), staff)
    assert AuditEntry.objects.get(action="program.created").after["envelope"] == "2500000.00"


def test_a_double_clicked_new_program_makes_one(client, staff):
    client.force_login(staff)
    data = {"funder": "MEIE", "name_fr": "Virage vert", "name_en": "Green shift", "envelope": "1000",
            "form_token": token()}
    client.post(reverse("programs:program-create"), data)
    client.post(reverse("programs:program-create"), data)
    assert Program.objects.count() == 1


def test_an_envelope_below_what_is_committed_is_refused_with_both_figures(staff, org_user, org_a):
    program = committed_program(staff, org_user, org_a)

    with pytest.raises(ValidationError) as refusal:
        programs.update_program(actor=staff, program=program, data={"envelope": Decimal("39999.99")})

    message = " ".join(refusal.value.messages)
    assert format_amount(Decimal("40000.00")) in message and format_amount(Decimal("39999.99")) in message
    program.refresh_from_db()
    assert program.envelope == Decimal("100000.00")
    assert not AuditEntry.objects.filter(action="program.changed").exists()
    programs.update_program(actor=staff, program=program, data={"envelope": Decimal("40000.00")})
    entry = AuditEntry.objects.get(action="program.changed")
    assert (entry.before["envelope"], entry.after["envelope"]) == ("100000.00", "40000.00")


def test_the_program_page_keeps_what_was_typed_when_the_envelope_is_refused(client, staff, org_user, org_a):
    program = committed_program(staff, org_user, org_a)
    client.force_login(staff)

    response = client.post(reverse("programs:program-edit", args=[program.pk]), {
        "funder": "Nouveau bailleur", "name_fr": "Virage vert", "name_en": "Green shift", "envelope": "10 000",
        "form_token": token()})

    page = response.content.decode()
    assert response.status_code == 200
    assert format_amount(Decimal("40000.00")) in page and 'value="Nouveau bailleur"' in page
    assert Program.objects.get(pk=program.pk).funder == "Ministère de l'Économie"


def test_a_new_call_reads_its_window_in_its_own_time_zone(client, staff):
    program = make_program(staff)
    certification = CertificationType.objects.get(code="as9100")
    client.force_login(staff)

    client.post(reverse("programs:call-create", args=[program.pk]), call_data(
        time_zone="America/Vancouver", certifications=[certification.pk]))

    call = Call.objects.get()
    assert call.closes_at == datetime.datetime(2027, 3, 1, 17, 0, tzinfo=VANCOUVER)
    assert call.closes_at == datetime.datetime(2027, 3, 2, 1, 0, tzinfo=datetime.UTC)
    assert call.opens_at == datetime.datetime(2027, 1, 10, 9, 0, tzinfo=VANCOUVER)
    assert (call.status, call.eligible_kinds, call.required_documents) == (
        CallStatus.DRAFT, ["sme"], ["business_plan", "budget"])
    assert (call.max_amount, call.max_share_of_cost, call.passing_score) == (
        Decimal("250000.00"), Decimal("50.00"), Decimal("65.00"))
    assert list(call.required_certifications.all()) == [certification]
    assert list(call.criteria.values_list("name_fr", "weight", "max_score")) == [("Innovation", Decimal("3.00"), 10)]
    assert AuditEntry.objects.get(action="call.created").after["criteria"] == [
        ["Innovation", "Innovation", "3.00", 10]]
    # Shown again in the call's zone, whatever the reader's.
    page = client.get(reverse("programs:call-edit", args=[call.pk])).content.decode()
    assert 'value="2027-03-01T17:00"' in page and "America/Vancouver" in page


def test_the_grid_refuses_a_weight_that_is_not_positive_and_keeps_what_was_typed(client, staff):
    program = make_program(staff)
    client.force_login(staff)

    response = client.post(reverse("programs:call-create", args=[program.pk]),
                           call_data(**{"criteria-0-weight": "0", "title_fr": "Appel gardé"}))

    assert response.status_code == 200 and not Call.objects.exists()
    assert 'value="Appel gardé"' in response.content.decode()


def test_a_deadline_before_the_opening_is_refused(staff):
    program = make_program(staff)
    now = timezone.now()
    with pytest.raises(ValidationError) as refusal:
        calls.create_call(actor=staff, program=program, data={
            "title_fr": "A", "title_en": "A", "opens_at": now, "closes_at": now - datetime.timedelta(hours=1)})
    assert "closes_at" in refusal.value.error_dict


def draft_call(staff, criteria=True, **fields):
    now = timezone.now()
    rows = [{"name_fr": "Innovation", "name_en": "Innovation", "weight": Decimal("2"), "max_score": 10}]
    return calls.create_call(actor=staff, program=make_program(staff), criteria=rows if criteria else [], data={
        "title_fr": "Appel", "title_en": "Call", "opens_at": now, "closes_at": now + datetime.timedelta(days=30),
        "eligible_kinds": ["sme"], **fields})


def test_a_call_is_published_only_with_a_grid_and_a_deadline_to_come(staff):
    without_grid = draft_call(staff, criteria=False)
    with pytest.raises(ValidationError) as refusal:
        calls.publish_call(actor=staff, call=without_grid)
    assert refusal.value.code == "not_publishable"

    past = draft_call(staff)
    Call.objects.filter(pk=past.pk).update(opens_at=timezone.now() - datetime.timedelta(days=9),
                                           closes_at=timezone.now() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        calls.publish_call(actor=staff, call=past)
    assert not AuditEntry.objects.filter(action="call.published").exists()

    ready = draft_call(staff)
    calls.publish_call(actor=staff, call=ready)
    assert Call.objects.get(pk=ready.pk).status == CallStatus.PUBLISHED
    assert AuditEntry.objects.get(action="call.published").after == {"status": "published"}
    with pytest.raises(Conflict):
        calls.publish_call(actor=staff, call=ready)


def test_a_published_call_keeps_its_rules_and_grid_but_its_texts_and_deadline_may_change(staff):
    call = calls.publish_call(actor=staff, call=draft_call(staff))
    later = call.closes_at + datetime.timedelta(days=7)

    for change in ({"data": {"eligible_kinds": ["tier1"]}},
                   {"data": {}, "criteria": [{"name_fr": "Autre", "name_en": "Other", "weight": 1, "max_score": 5}]},
                   {"data": {"max_amount": Decimal("1000.00")}}):
        with pytest.raises(Conflict) as refusal:
            calls.update_call(actor=staff, call=call, **change)
        assert refusal.value.code == "published_rules"
    with pytest.raises(ValidationError) as refusal:
        calls.update_call(actor=staff, call=call, data={"closes_at": call.closes_at - datetime.timedelta(days=1)})
    assert "closes_at" in refusal.value.error_dict

    calls.update_call(actor=staff, call=call, data={"title_fr": "Appel corrigé", "closes_at": later})
    call.refresh_from_db()
    assert (call.title_fr, call.closes_at, call.eligible_kinds) == ("Appel corrigé", later, ["sme"])
    assert Criterion.objects.filter(call=call).count() == 1
    entry = AuditEntry.objects.get(action="call.changed")
    assert (entry.before["title_fr"], entry.after["title_fr"]) == ("Appel", "Appel corrigé")


def test_the_published_calls_page_offers_its_texts_and_deadline_only_and_says_why(client, staff):
    call = calls.publish_call(actor=staff, call=draft_call(staff))
    client.force_login(staff)

    page = client.get(reverse("programs:call-edit", args=[call.pk])).content.decode()

    assert 'name="closes_at"' in page and 'name="title_fr"' in page
    assert 'name="eligible_kinds"' not in page and "criteria-TOTAL_FORMS" not in page
    assert "alert-info" in page


def test_a_published_call_is_closed_and_a_closed_one_no_longer_changes(client, staff):
    call = calls.publish_call(actor=staff, call=draft_call(staff))
    client.force_login(staff)

    client.post(reverse("programs:call-close", args=[call.pk]))

    assert Call.objects.get(pk=call.pk).status == CallStatus.CLOSED
    assert AuditEntry.objects.get(action="call.closed").before == {"status": "published"}
    with pytest.raises(Conflict):
        calls.update_call(actor=staff, call=call, data={"title_fr": "Trop tard"})
    with pytest.raises(Conflict):
        calls.close_call(actor=staff, call=call)


def test_a_draft_calls_grid_is_replaced_from_its_rows(client, staff):
    call = draft_call(staff)
    client.force_login(staff)
    data = call_data(**{"criteria-TOTAL_FORMS": "3", "criteria-INITIAL_FORMS": "1",
                        "criteria-0-name_fr": "Innovation", "criteria-0-name_en": "Innovation",
                        "criteria-0-weight": "2", "criteria-0-max_score": "10", "criteria-0-DELETE": "on",
                        "criteria-1-name_fr": "Retombées", "criteria-1-name_en": "Benefits",
                        "criteria-1-weight": "1,5", "criteria-1-max_score": "5",
                        "criteria-2-name_fr": "", "criteria-2-name_en": "", "criteria-2-weight": "1",
                        "criteria-2-max_score": "10"})

    client.post(reverse("programs:call-edit", args=[call.pk]), data)

    assert list(Criterion.objects.filter(call=call).values_list("name_fr", "weight", "max_score")) == [
        ("Retombées", Decimal("1.50"), 5)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_an_envelope_shrunk_while_funds_are_committed_never_ends_below_them(staff, org_user):
    # Twenty commitments of 1 000 $ race an envelope cut from 100 000 $ to 10 000 $: whichever comes first, the
    # program ends within its envelope, and each refusal is a clear one (no constraint error, no deadlock).
    program = make_program(staff, envelope="100000.00")
    call = make_call(program)
    funded = [make_funded(call, make_organisation(f"Org {n}"), org_user, amount="1000.00") for n in range(20)]

    def commit(application):
        return lambda: budget.commit_funds(actor=staff, application=application, amount=Decimal("1000.00"))

    def shrink():
        return programs.update_program(actor=staff, program=program, data={"envelope": Decimal("10000.00")})

    outcomes = run_together(*[commit(a) for a in funded[:10]], shrink, *[commit(a) for a in funded[10:]])

    assert all(not isinstance(o, Exception) or isinstance(o, ValidationError) for o in outcomes), outcomes
    program.refresh_from_db()
    assert program.committed <= program.envelope
    assert program.committed == Commitment.objects.filter(program=program).aggregate(total=Sum("amount"))["total"]


def test_a_published_call_given_its_own_rules_again_is_no_change(staff):
    call = calls.publish_call(actor=staff, call=draft_call(staff, max_share_of_cost=Decimal("50.00")))

    calls.update_call(actor=staff, call=call, data={"max_share_of_cost": Decimal("50"), "eligible_kinds": ["sme"]},
                      criteria=[{"name_fr": "Innovation", "name_en": "Innovation", "weight": Decimal("2"),
                                 "max_score": 10}])

    assert not AuditEntry.objects.filter(action="call.changed").exists()
