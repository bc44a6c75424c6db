"""The pages as people use them: amounts typed in their language, refusals told on the page they return to."""

import datetime
import uuid
from decimal import Decimal

import pytest

from grappe.programs.models import Application, ApplicationStatus, Program
from grappe.programs.services import milestones

from .factories import make_application, make_call, make_program

pytestmark = pytest.mark.django_db


def test_the_staff_decide_commit_and_pay_from_the_applications_page(client, staff, org_user, org_a):
    program = make_program(staff, envelope="50000.00")
    application = make_application(make_call(program), org_a, org_user, amount="40000.00",
                                   status=ApplicationStatus.UNDER_REVIEW)
    client.force_login(staff)

    client.post(f"/fr/programs/applications/{application.pk}/decide/",
                {"outcome": "funded", "amount": "40 000 $", "reason": ""})
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Engager les fonds" in page and 'value="40\u00a0000,00\u00a0$"' in page
    client.post(f"/fr/programs/applications/{application.pk}/commit/", {"amount": "40 000,00 $"})
    page = client.get(application.get_absolute_url()).content.decode()
    assert "fixez d’abord ses jalons" in page and "Verser à un jalon" not in page
    [milestone] = milestones.set_milestones(actor=staff, commitment=application.commitment, rows=[
        {"id": None, "name": "Jalon 1", "due_on": datetime.date(2027, 3, 1), "amount": Decimal("20000.00")}])
    response = client.post(f"/fr/programs/applications/{application.pk}/disburse/",
                           {"milestone": milestone.pk, "amount": "25 000", "paid_on": "2027-03-01"}, follow=True)

    assert "dépasse ce qui reste de ce jalon" in response.content.decode()
    client.post(f"/fr/programs/applications/{application.pk}/disburse/",
                {"milestone": milestone.pk, "amount": "15 000,50", "paid_on": "2027-03-01"})
    program.refresh_from_db()
    milestone.refresh_from_db()
    assert (program.committed, program.disbursed, milestone.paid) == (
        Decimal("40000.00"), Decimal("15000.50"), Decimal("15000.50"))
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.FUNDED


def test_an_amount_typed_the_english_way_on_a_french_page_is_refused_with_a_clear_message(
        client, staff, org_user, org_a):
    call = make_call(make_program(staff))
    client.force_login(org_user)

    response = client.post(f"/fr/programs/calls/{call.pk}/apply/", {
        "title": "Aile", "amount_requested": "12,500", "total_cost": "100 000", "form_token": str(uuid.uuid4())})

    assert response.status_code == 200
    assert "« 12,500 » pourrait vouloir dire 12,50\u00a0$ ou 12\u00a0500,00\u00a0$" in response.content.decode()
    assert not Application.objects.exists() and Program.objects.count() == 1


def test_a_refused_staff_form_comes_back_with_what_was_typed_and_why(client, staff, org_user, org_a):
    program = make_program(staff, envelope="50000.00")
    application = make_application(make_call(program), org_a, org_user, amount="40000.00",
                                   status=ApplicationStatus.UNDER_REVIEW)
    client.force_login(staff)

    response = client.post(f"/fr/programs/applications/{application.pk}/decide/",
                           {"outcome": "funded", "amount": "60 000 $", "reason": "Projet structurant"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Projet structurant</textarea>" in page and 'value="60 000 $"' in page and "alert-danger" in page
    assert not hasattr(Application.objects.get(pk=application.pk), "decision")


def test_a_payment_with_an_unreadable_date_is_refused_and_kept(client, staff, org_user, org_a):
    program = make_program(staff, envelope="50000.00")
    application = make_application(make_call(program), org_a, org_user, amount="40000.00",
                                   status=ApplicationStatus.UNDER_REVIEW)
    client.force_login(staff)
    client.post(f"/fr/programs/applications/{application.pk}/decide/",
                {"outcome": "funded", "amount": "40 000 $", "reason": ""})
    client.post(f"/fr/programs/applications/{application.pk}/commit/", {"amount": "40 000,00 $"})
    [milestone] = milestones.set_milestones(actor=staff, commitment=application.commitment, rows=[
        {"id": None, "name": "Jalon 1", "due_on": datetime.date(2027, 3, 1), "amount": Decimal("20000.00")}])

    response = client.post(f"/fr/programs/applications/{application.pk}/disburse/",
                           {"milestone": milestone.pk, "amount": "12 345", "paid_on": "31/31/2027"})

    page = response.content.decode()
    assert response.status_code == 200 and 'value="12 345"' in page and 'value="31/31/2027"' in page
    program.refresh_from_db()
    assert program.disbursed == 0
