"""An organisation's admin reaches only its own people's member accounts; only the cluster staff make an
existing account someone's person.

The attack (issue 9, §1), as the admin of a member organisation: add a person with the address of an
account that has no person (a staff member, an observer), invite, change the person's address to one the
attacker reads, invite again: the staff account's set-password link arrives in the attacker's mailbox, and
"no longer works there" would deactivate it. Each way in is tried: the form, the services, the page, the
API, the back office, and an account that takes someone's address by itself.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from grappe.conftest import PASSWORD, make_staff
from grappe.core.models import AuditEntry, OutgoingMail
from grappe.members.forms.people import PersonForm
from grappe.members.models import Person, Role, User
from grappe.members.services import people

ATTACKER_MAILBOX = "attacker@evil.test"


@pytest.fixture
def staff_account(db):
    """A staff account with no person, as the cluster's staff have."""
    return make_staff("programs@grappe.test", role=Role.STAFF_PROGRAMS)


@pytest.fixture(params=["staff", "observer"])
def account_without_person(request, staff_account, observer):
    return {"staff": staff_account, "observer": observer}[request.param]


def person_data(email: str, **fields) -> dict:
    return {"first_name": "Jean", "last_name": "Piège", "email": email, "language": "fr", "org_role": "member",
            "is_active": True, **fields}


def form_for(actor, data, person=None) -> PersonForm:
    return PersonForm({**data, "form_token": "5f1c1f4b-47a4-4ba4-9e43-6c1f7d0e2c55"}, instance=person,
                      actor=actor)


def invite(actor, person):
    return people.invite_person(actor=actor, person=person)


def mailed() -> list[str]:
    """The recipients of the mail Grappe wrote (the outbox, sent after the commit)."""
    return list(OutgoingMail.objects.order_by("pk").values_list("to", flat=True))


def account_unchanged(account: User) -> bool:
    stored = User.objects.get(pk=account.pk)
    return (stored.email, stored.is_active, Person.objects.filter(user=account).exists()) == (
        account.email, True, False)


# The form -----------------------------------------------------------------------------------------

def test_an_org_admin_cannot_give_a_person_the_address_of_an_account(org_admin, account_without_person):
    form = form_for(org_admin, person_data(account_without_person.email.upper()))
    assert not form.is_valid()
    assert "email" in form.errors


def test_staff_may_give_a_person_the_address_of_an_account_that_has_no_person(staff, account_without_person):
    assert form_for(staff, person_data(account_without_person.email)).is_valid()


def test_nobody_gives_a_person_with_an_account_the_address_of_another_account(staff, org_admin, observer):
    member = org_admin.person
    form = form_for(staff, person_data(observer.email, first_name=member.first_name), person=member)
    assert not form.is_valid() and "email" in form.errors


def test_an_org_admin_still_readdresses_its_own_people(org_admin, org_user):
    person = org_user.person
    assert form_for(org_admin, person_data("new-address@alpha.test"), person=person).is_valid()


# The services -------------------------------------------------------------------------------------

def test_the_takeover_through_the_services_fails_at_the_first_step(
        org_admin, org_a, account_without_person):
    with pytest.raises(ValidationError):
        people.save_person(actor=org_admin, organisation=org_a, data=person_data(account_without_person.email))
    assert not Person.objects.filter(email=account_without_person.email).exists()
    assert account_unchanged(account_without_person)
    assert not AuditEntry.objects.filter(action="person.added").exists()


def test_an_org_admin_cannot_link_an_account_through_a_person_someone_else_added(
        org_admin, org_a, staff_account):
    """A person with a staff member's address that came by the import (or the staff): inviting it must not
    hand the staff account to the organisation's admin, nor can its address be moved to the attacker's."""
    person = Person.objects.create(organisation=org_a, email=staff_account.email, first_name="Jean",
                                   last_name="Piège")
    with pytest.raises(ValidationError):
        invite(org_admin, person)
    people.save_person(actor=org_admin, organisation=org_a, person=person,
                         data=person_data(ATTACKER_MAILBOX, is_active=False))
    invite(org_admin, Person.objects.get(pk=person.pk))

    assert account_unchanged(staff_account)
    assert mailed() == [ATTACKER_MAILBOX], "only a new account's link was sent"
    assert Person.objects.get(pk=person.pk).user.email == ATTACKER_MAILBOX


def test_an_org_admin_cannot_reach_a_staff_account_even_when_staff_made_it_their_person(
        org_admin, org_a, staff, staff_account):
    person = people.save_person(actor=staff, organisation=org_a, data=person_data(staff_account.email))
    invite(staff, person)
    assert Person.objects.get(pk=person.pk).user == staff_account
    assert mailed() == [staff_account.email]

    with pytest.raises(PermissionDenied):
        people.save_person(actor=org_admin, organisation=org_a, person=person,
                             data=person_data(ATTACKER_MAILBOX, is_active=False))
    with pytest.raises(PermissionDenied):
        invite(org_admin, person)
    stored = User.objects.get(pk=staff_account.pk)
    assert (stored.email, stored.is_active) == (staff_account.email, True)
    assert mailed() == [staff_account.email], "nothing more"


def test_staff_link_an_existing_account_and_its_link_goes_to_its_own_address(
        staff, org_a, observer):
    person = people.save_person(actor=staff, organisation=org_a, data=person_data(observer.email))
    assert invite(staff, person) == observer
    assert mailed() == [observer.email]


def test_an_org_admin_still_manages_its_own_peoples_accounts(
        org_admin, org_a, org_user):
    person = org_user.person
    people.save_person(actor=org_admin, organisation=org_a, person=person,
                         data=person_data("moved@alpha.test", is_active=False))
    stored = User.objects.get(pk=org_user.pk)
    assert (stored.email, stored.is_active) == ("moved@alpha.test", False)


# The pages and the back office ----------------------------------------------------------------------

def test_the_takeover_through_the_pages_fails(client, org_admin, org_a, staff_account):
    client.force_login(org_admin)
    response = client.post(reverse("members:person-create", args=[org_a.slug]),
                           {**person_data(staff_account.email), "form_token": "7a1c1f4b-47a4-4ba4-9e43-6c1f7d0e2c55"})
    assert response.status_code == 200, "the form is shown again with its error"
    assert not Person.objects.filter(email=staff_account.email).exists()
    assert account_unchanged(staff_account) and mailed() == []


def test_the_invite_button_refuses_with_a_message(client, org_admin, org_a, staff_account):
    person = Person.objects.create(organisation=org_a, email=staff_account.email, first_name="J", last_name="P")
    client.force_login(org_admin)
    response = client.post(reverse("members:person-invite", args=[org_a.slug, person.pk]), follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert account_unchanged(staff_account) and mailed() == []


def test_the_back_office_refuses_an_address_of_another_account_for_a_person_with_one(
        client, staff, org_a, org_user, observer):
    person = org_user.person
    client.force_login(staff)
    response = client.post(reverse("admin:members_person_change", args=[person.pk]), {
        "organisation": org_a.pk, **person_data(observer.email), "first_name": person.first_name})
    assert response.status_code == 200 and response.context["adminform"].form.errors.get("email")
    assert User.objects.get(pk=org_user.pk).email == org_user.email


# The API ------------------------------------------------------------------------------------------

def test_the_api_gives_no_way_to_write_people_or_accounts(client, org_admin, staff_account):
    """Every write of a person or account goes through the services above; the API only lists people."""
    from grappe.api import api

    writes = {(path, method) for path, operations in api.get_openapi_schema()["paths"].items()
              for method in operations if method in {"post", "put", "patch", "delete"}
              and any(word in path for word in ("people", "person", "user", "account"))}
    assert writes == set()
    client.force_login(org_admin)
    response = client.post("/api/people", {**person_data(staff_account.email), "organisation": "alpha-usinage"},
                           content_type="application/json")
    assert response.status_code == 405
    assert account_unchanged(staff_account)


# An account that takes an address by itself ----------------------------------------------------------

def test_a_member_cannot_make_someone_elses_address_its_own(client, org_user, org_b):
    """allauth's page let a user make an address it had only typed (unverified) its account's; inviting the
    person of that address, in any organisation, would then have linked the impostor."""
    Person.objects.create(organisation=org_b, email="ceo@bravo.test", first_name="C", last_name="EO",
                          org_role="admin")
    client.force_login(org_user)
    client.post(reverse("account_email"), {"action_add": "", "email": "ceo@bravo.test"})
    client.post(reverse("account_email"), {"action_primary": "", "email": "ceo@bravo.test"})
    assert User.objects.get(pk=org_user.pk).email == "user@alpha.test"
    assert "user@alpha.test" in client.get(reverse("account_email")).content.decode()
    assert client.login(email="user@alpha.test", password=PASSWORD)
