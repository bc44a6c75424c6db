"""A consortium application: the lead's people name partner organisations (by name, or the partners of one of
their opportunities in Partnering) with shares of the work and of the budget adding up to 100 %; each partner's
people are told and confirm their shares; a change of shares asks for a new confirmation; the application is
submitted once every partner has confirmed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from grappe.conftest import committed, make_member, make_organisation
from grappe.core import notify
from grappe.core.models import AuditEntry, Notification
from grappe.partnering.models import Introduction, IntroductionStatus, Opportunity
from grappe.partnering.selectors.relations import opportunity_partners
from grappe.programs.models import Application, ApplicationStatus, ConsortiumMember
from grappe.programs.services import applications

from .factories import make_application, make_call, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_d(db):
    return make_organisation("Delta Avionique", neq="4444444444")


@pytest.fixture
def partner(org_d):
    return make_member(org_d, "member@delta.test")


@pytest.fixture
def application(staff, org_a, org_user):
    return make_application(make_call(make_program(staff)), org_a, org_user)


def consortium_form(lead=("60", "60"), partners=()) -> dict:
    """The consortium page's form as a browser sends it: the lead's shares, then one row per partner."""
    data = {"lead-share_of_work": lead[0], "lead-share_of_budget": lead[1],
            "partners-TOTAL_FORMS": str(len(partners)), "partners-INITIAL_FORMS": "0",
            "partners-MIN_NUM_FORMS": "0", "partners-MAX_NUM_FORMS": "50"}
    for number, (organisation, work, budget) in enumerate(partners):
        data.update({f"partners-{number}-organisation": str(organisation.pk),
                     f"partners-{number}-share_of_work": work, f"partners-{number}-share_of_budget": budget})
    return data


def shares(application) -> dict[str, tuple]:
    return {m.organisation.legal_name: (m.share_of_work, m.share_of_budget, m.confirmed_at is not None)
            for m in application.consortium.select_related("organisation")}


def test_a_member_applies_as_a_consortium_and_the_partner_confirms_its_shares(
        client, application, org_user, partner, org_d):
    client.force_login(org_user)
    with committed():
        response = client.post(reverse("programs:consortium-edit", args=[application.pk]),
                               consortium_form(("60", "55,5"), [(org_d, "40", "44,5 %")]))
    assert response.status_code == 302
    assert shares(application) == {"Alpha Usinage": (Decimal(60), Decimal("55.5"), True),
                                   "Delta Avionique": (Decimal(40), Decimal("44.5"), False)}

    told = Notification.objects.get(user=partner, kind="programs.share_to_confirm")
    assert told.url == reverse("programs:consortium-confirm", args=[application.pk])
    assert notify.readable(told).text == (
        "Alpha Usinage inclut votre organisation dans le consortium de sa demande "
        "«\u00a0Projet de Alpha Usinage\u00a0» à «\u00a0Appel 2027\u00a0»\u00a0: 40\u00a0% du travail, "
        "44,50\u00a0% du budget. Confirmez vos parts.")
    assert not Notification.objects.filter(user=org_user).exists()  # the lead's shares are its own

    client.force_login(partner)
    page = client.get(told.url).content.decode()
    assert "Delta Avionique assume 40\u00a0% du travail et 44,50\u00a0% du budget." in page
    client.post(told.url)
    assert shares(application)["Delta Avionique"][2] is True
    assert notify.readable(told).lapsed  # the request no longer holds once answered

    applications.submit(actor=org_user, application=application)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "application.consortium", "consortium.confirmed", "application.submitted"]


def test_shares_that_do_not_add_up_to_100_are_refused_with_the_sums_and_what_was_typed_is_kept(
        client, application, org_user, org_d):
    client.force_login(org_user)
    response = client.post(reverse("programs:consortium-edit", args=[application.pk]),
                           consortium_form(("60", "50"), [(org_d, "40", "40")]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "le travail fait 100 %, le budget 90 %" in page
    assert 'value="50"' in page and 'value="40"' in page
    assert not ConsortiumMember.objects.exists() and not AuditEntry.objects.exists()


def test_a_change_of_shares_asks_the_partner_to_confirm_again_and_an_unchanged_partner_is_not_asked_again(
        application, org_user, org_a, org_d, partner):
    org_e = make_organisation("Écho Moteurs", neq="5555555555")
    echo = make_member(org_e, "member@echo.test")
    with committed():
        members = applications.set_consortium(actor=org_user, application=application, shares={
            org_a: (Decimal(50), Decimal(50)), org_d: (Decimal(30), Decimal(30)), org_e: (Decimal(20), Decimal(20))})
    for member in members:
        if member.organisation != org_a:
            applications.confirm_share(actor=partner if member.organisation == org_d else echo, member=member)

    with committed():
        applications.set_consortium(actor=org_user, application=application, shares={
            org_a: (Decimal(40), Decimal(50)), org_d: (Decimal(40), Decimal(30)), org_e: (Decimal(20), Decimal(20))})

    assert shares(application) == {"Alpha Usinage": (Decimal(40), Decimal(50), True),
                                   "Delta Avionique": (Decimal(40), Decimal(30), False),
                                   "Écho Moteurs": (Decimal(20), Decimal(20), True)}
    assert Notification.objects.filter(user=partner).count() == 2
    assert Notification.objects.filter(user=echo).count() == 1
    first, second = Notification.objects.filter(user=partner).order_by("pk")
    assert notify.readable(first).lapsed and not notify.readable(second).lapsed
    with pytest.raises(ValidationError, match="Delta Avionique"):
        applications.submit(actor=org_user, application=application)


def test_an_organisation_named_twice_is_refused(client, application, org_user, org_d):
    client.force_login(org_user)
    response = client.post(reverse("programs:consortium-edit", args=[application.pk]),
                           consortium_form(("40", "40"), [(org_d, "30", "30"), (org_d, "30", "30")]))
    assert "Une organisation figure deux fois dans le consortium." in response.content.decode()
    assert not ConsortiumMember.objects.exists()


def test_emptying_the_partners_makes_the_application_the_leads_alone(client, application, org_user, org_a, org_d):
    applications.set_consortium(actor=org_user, application=application, shares={
        org_a: (Decimal(60), Decimal(60)), org_d: (Decimal(40), Decimal(40))})
    client.force_login(org_user)
    client.post(reverse("programs:consortium-edit", args=[application.pk]), consortium_form(("100", "100")))
    assert not ConsortiumMember.objects.exists()


def introduce(initiator, partner, by, status, title="Nacelle composite"):
    opportunity = Opportunity.objects.filter(initiator=initiator, title=title).first() or Opportunity.objects.create(
        initiator=initiator, created_by=by, title=title, description="…")
    return Introduction.objects.create(opportunity=opportunity, partner=partner, requested_by=by, status=status)


def test_the_partners_of_a_partnering_opportunity_fill_the_consortium(client, application, org_user, org_a, org_b,
                                                                       org_d):
    hidden = make_organisation("Foxtrot Discret", neq="6666666666", listed_in_directory=False)
    accepted = introduce(org_a, org_d, org_user, IntroductionStatus.ACCEPTED)
    introduce(org_a, hidden, org_user, IntroductionStatus.ACCEPTED)
    introduce(org_a, org_b, org_user, IntroductionStatus.DECLINED)
    introduce(org_b, org_a, org_user, IntroductionStatus.ACCEPTED, title="B's own project")

    assert opportunity_partners(org_a.pk) == [(accepted.opportunity_id, "Nacelle composite",
                                               sorted([org_d.pk, hidden.pk]))]
    make_organisation("Golf Discret", neq="7777777777", listed_in_directory=False)
    client.force_login(org_user)
    url = reverse("programs:consortium-edit", args=[application.pk])
    offered = client.get(url).content.decode()
    # An unlisted organisation is not revealed by name, unless it is already the lead's partner in Partnering.
    assert "Golf Discret" not in offered and "Foxtrot Discret" in offered

    page = client.get(url, {"opportunity": accepted.opportunity_id})
    rows = [form["organisation"].value() for form in page.context["formset"].forms]
    assert rows[:2] == [org_d.pk, hidden.pk] and "Foxtrot Discret" in page.content.decode()
    assert org_b.pk not in rows


def test_only_the_partner_confirms_its_own_shares(client, application, org_user, org_a, org_d, partner,
                                                  other_member):
    applications.set_consortium(actor=org_user, application=application, shares={
        org_a: (Decimal(60), Decimal(60)), org_d: (Decimal(40), Decimal(40))})
    url = reverse("programs:consortium-confirm", args=[application.pk])
    client.force_login(org_user)
    assert client.post(url).status_code == 403
    client.force_login(other_member)
    assert client.post(url).status_code == 404
    assert shares(application)["Delta Avionique"][2] is False


def test_the_application_page_offers_the_consortium_to_the_lead_and_the_confirmation_to_the_partner(
        client, application, org_user, org_a, org_d, partner):
    client.force_login(org_user)
    page = client.get(application.get_absolute_url()).content.decode()
    assert reverse("programs:consortium-edit", args=[application.pk]) in page
    applications.set_consortium(actor=org_user, application=application, shares={
        org_a: (Decimal(60), Decimal(60)), org_d: (Decimal(40), Decimal(40))})
    client.force_login(partner)
    page = client.get(application.get_absolute_url()).content.decode()
    assert reverse("programs:consortium-confirm", args=[application.pk]) in page
    assert f'href="{reverse("programs:consortium-edit", args=[application.pk])}"' not in page
