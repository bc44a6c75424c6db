"""What the members services promise: who may write what, one audit entry per change, invariants kept."""

import datetime
import re
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from grappe.conftest import make_staff
from grappe.core.models import AuditEntry, MailStatus, OutgoingMail
from grappe.core.tests.mail_backends import refusing_mail  # noqa: F401
from grappe.members.models import (
    MembershipStatus,
    Organisation,
    OrganisationCapability,
    OrganisationKind,
    Person,
    Role,
    User,
)
from grappe.members.services import accounts, fields, organisations, people


def audit_entries(action: str, target) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, target_type=target._meta.label_lower,
                                          target_id=str(target.pk)))


def new_person(organisation, email: str, **fields) -> Person:
    return Person.objects.create(organisation=organisation, email=email, first_name=email.split("@")[0],
                                 last_name="Test", **fields)


# Organisations ----------------------------------------------------------------------------------

def test_creating_an_organisation_writes_one_audit_entry_with_its_values(staff):
    organisation = organisations.create_organisation(
        actor=staff, data={"legal_name": "Delta Avionique inc.", "kind": OrganisationKind.SME, "neq": ""})

    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.actor) == ("organisation.created", staff)
    assert entry.target_id == str(organisation.pk)
    assert entry.before is None
    assert entry.after["legal_name"] == "Delta Avionique inc."
    assert organisation.neq is None, "an empty business number is stored as NULL so that many may lack one"


def test_updating_an_organisation_records_before_and_after(staff, org_a):
    organisations.update_organisation(actor=staff, organisation=org_a, data={"city": "Mirabel"})

    [entry] = audit_entries("organisation.changed", org_a)
    assert entry.before["city"] == "Montréal"
    assert entry.after["city"] == "Mirabel"
    assert ("city", "Montréal", "Mirabel") in entry.changed_fields()


def test_saving_an_organisation_unchanged_writes_no_audit_entry(staff, org_a):
    organisations.update_organisation(actor=staff, organisation=org_a, data={"city": org_a.city})

    assert audit_entries("organisation.changed", org_a) == []


def test_a_member_admin_edits_its_profile_but_not_its_membership(org_admin, org_a):
    org_a.member_since = datetime.date(2020, 1, 1)
    org_a.save()

    organisations.update_organisation(actor=org_admin, organisation=org_a, data={
        "description_fr": "Usinage de pièces de moteur.",
        "membership_status": MembershipStatus.FORMER,
        "member_since": datetime.date(1990, 1, 1),
        "membership_ends": datetime.date(2030, 1, 1),
    })

    org_a.refresh_from_db()
    assert org_a.description_fr == "Usinage de pièces de moteur."
    assert org_a.membership_status == MembershipStatus.ACTIVE
    assert org_a.member_since == datetime.date(2020, 1, 1)
    assert org_a.membership_ends is None


def test_staff_change_the_membership(staff, org_a):
    organisations.update_organisation(actor=staff, organisation=org_a,
                                 data={"membership_status": MembershipStatus.SUSPENDED})

    org_a.refresh_from_db()
    assert org_a.membership_status == MembershipStatus.SUSPENDED


@pytest.mark.parametrize("who", ["org_user", "other_member", "observer"])
def test_others_cannot_edit_an_organisation(who, request, org_a):
    actor = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        organisations.update_organisation(actor=actor, organisation=org_a, data={"city": "Laval"})

    org_a.refresh_from_db()
    assert org_a.city == "Montréal"
    assert not AuditEntry.objects.exists()


def test_only_staff_add_organisations(org_admin):
    with pytest.raises(PermissionDenied):
        organisations.create_organisation(actor=org_admin, data={"legal_name": "X", "kind": OrganisationKind.SME})
    assert Organisation.objects.count() == 1


# Capabilities ----------------------------------------------------------------------------------

def test_declaring_a_capability_twice_keeps_one_row(org_admin, org_a, capability):
    organisations.set_capability(actor=org_admin, organisation=org_a, capability=capability, level="core")
    organisations.set_capability(actor=org_admin, organisation=org_a, capability=capability, level="secondary",
                            evidence="Pièces de train d'atterrissage")

    item = OrganisationCapability.objects.get(organisation=org_a, capability=capability)
    assert (item.level, item.evidence) == ("secondary", "Pièces de train d'atterrissage")
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["capability.added", "capability.changed"]
    changed = AuditEntry.objects.get(action="capability.changed")
    assert (changed.before["level"], changed.after["level"]) == ("core", "secondary")


def test_a_domain_cannot_be_declared_as_a_capability(org_admin, org_a, capability):
    with pytest.raises(ValueError):
        organisations.set_capability(actor=org_admin, organisation=org_a, capability=capability.parent,
                                level="core")
    assert not OrganisationCapability.objects.exists()


def test_a_member_user_cannot_declare_capabilities(org_user, org_a, capability):
    with pytest.raises(PermissionDenied):
        organisations.set_capability(actor=org_user, organisation=org_a, capability=capability, level="core")


# People -----------------------------------------------------------------------------------------

def test_one_primary_contact_per_organisation(org_admin, org_a):
    first = new_person(org_a, "marie@alpha.test", is_primary_contact=True)
    second = new_person(org_a, "paul@alpha.test")

    people.save_person(actor=org_admin, organisation=org_a, person=second,
                         data={"is_primary_contact": True})

    assert list(org_a.people.filter(is_primary_contact=True)) == [second]
    first.refresh_from_db()
    assert not first.is_primary_contact


def test_the_database_refuses_a_second_primary_contact(org_a):
    new_person(org_a, "marie@alpha.test", is_primary_contact=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        new_person(org_a, "paul@alpha.test", is_primary_contact=True)


def test_emails_are_unique_whatever_their_case(org_a, org_b):
    new_person(org_a, "A@x.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        new_person(org_b, "a@x.test")

    User.objects.create(email="B@x.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="b@x.test")


def test_save_person_stores_the_email_in_lower_case(org_admin, org_a):
    person = people.save_person(actor=org_admin, organisation=org_a, data={
        "first_name": "Zoé", "last_name": "Tremblay", "email": "  Zoe.Tremblay@Alpha.TEST "})

    assert person.email == "zoe.tremblay@alpha.test"
    assert [e.action for e in AuditEntry.objects.all()] == ["person.added"]


def test_an_admin_cannot_manage_another_organisations_people(other_member, org_a):
    with pytest.raises(PermissionDenied):
        people.save_person(actor=other_member, organisation=org_a,
                             data={"first_name": "X", "last_name": "Y", "email": "x@y.test"})


def test_a_person_cannot_be_moved_in_through_another_organisation(org_admin, org_a, org_b):
    outsider = new_person(org_b, "someone@bravo.test")
    with pytest.raises(ValueError):
        people.save_person(actor=org_admin, organisation=org_a, person=outsider, data={"title": "CEO"})


# Invitations ------------------------------------------------------------------------------------

def invite(actor, person, capture):
    with capture(execute=True):
        return people.invite_person(actor=actor, person=person)


def link_in(body: str) -> str:
    return re.search(r"(\S*/password/reset/key/\S+)", body).group(1)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_invitation_creates_an_account_and_mails_the_person_in_its_language(
        language, org_admin, org_a, mailoutbox, django_capture_on_commit_callbacks):
    person = new_person(org_a, "julie@alpha.test", language=language)

    user = invite(org_admin, person, django_capture_on_commit_callbacks)

    assert not user.has_usable_password()
    assert (user.email, user.language) == ("julie@alpha.test", language)
    person.refresh_from_db()
    assert person.user == user and person.invited_at is not None
    [mail] = mailoutbox
    assert mail.to == ["julie@alpha.test"]
    with translation.override(language):
        assert mail.subject == translation.gettext("You are invited to Grappe")
    if language == "en":
        assert mail.body.startswith("Hello julie")
    assert f"/{language}/" in link_in(mail.body), "the link opens the site in the person's language"


def test_the_invitation_link_lets_the_person_choose_a_password_and_sign_in(
        org_admin, org_a, mailoutbox, django_capture_on_commit_callbacks, client):
    person = new_person(org_a, "julie@alpha.test", language="en")
    invite(org_admin, person, django_capture_on_commit_callbacks)
    link = link_in(mailoutbox[0].body)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert not form_page.context.get("token_fail"), "the invitation link must be valid"
    [(set_password_url, _status)] = form_page.redirect_chain  # allauth moves the key out of the address
    password = "Un-Nouveau-Mot-2passe"
    done = client.post(set_password_url, {"password1": password, "password2": password})
    assert done.status_code == 302

    client.logout()
    assert client.login(email="julie@alpha.test", password=password)
    assert client.get(link, follow=True).context["token_fail"], "the link works once"


def test_reinviting_sends_a_new_mail_but_keeps_one_account(
        org_admin, org_a, mailoutbox, django_capture_on_commit_callbacks):
    person = new_person(org_a, "julie@alpha.test")

    first = invite(org_admin, person, django_capture_on_commit_callbacks)
    second = invite(org_admin, person, django_capture_on_commit_callbacks)

    assert first == second
    assert User.objects.filter(email__iexact="julie@alpha.test").count() == 1
    assert len(mailoutbox) == 2


def test_an_invitation_the_mail_server_refuses_is_kept_to_be_sent_again(
        org_admin, org_a, refusing_mail, django_capture_on_commit_callbacks):
    person = new_person(org_a, "bounce@example.test")

    user = invite(org_admin, person, django_capture_on_commit_callbacks)

    person.refresh_from_db()
    assert person.user == user and person.invited_at is not None
    waiting = OutgoingMail.objects.get(to="bounce@example.test")
    assert waiting.status == MailStatus.PENDING and waiting.attempts == 1 and link_in(waiting.body)


def test_a_member_user_cannot_invite(org_user, org_a, mailoutbox):
    person = new_person(org_a, "julie@alpha.test")
    with pytest.raises(PermissionDenied):
        people.invite_person(actor=org_user, person=person)
    assert not User.objects.filter(email="julie@alpha.test").exists()


# Roles ------------------------------------------------------------------------------------------

def test_a_staff_admin_sets_a_users_role(staff, org_user):
    accounts.set_user_role(actor=staff, user=org_user, role=Role.EVALUATOR)

    org_user.refresh_from_db()
    assert org_user.role == Role.EVALUATOR
    [entry] = audit_entries("user.role_changed", org_user)
    assert (entry.before, entry.after) == ({"role": Role.MEMBER}, {"role": Role.EVALUATOR})


@pytest.mark.parametrize("who", ["programs_officer", "org_admin"])
def test_only_a_staff_admin_sets_roles(who, request, org_user):
    actor = make_staff("programs@grappe.test", Role.STAFF_PROGRAMS) if who == "programs_officer" \
        else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        accounts.set_user_role(actor=actor, user=org_user, role=Role.STAFF_ADMIN)

    org_user.refresh_from_db()
    assert org_user.role == Role.MEMBER


# Forms through the pages -------------------------------------------------------------------------

def organisation_post_data(organisation: Organisation, **changes) -> dict:
    """What the organisation form posts when nothing is changed, plus `changes`."""
    data = {name: getattr(organisation, name) or "" for name in fields.ORGANISATION_FIELDS}
    data["listed_in_directory"] = "on" if organisation.listed_in_directory else ""
    data["form_token"] = str(uuid.uuid4())
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_form_with_errors_keeps_what_was_typed(client, org_admin, org_a):
    client.force_login(org_admin)
    with translation.override("en"):
        url = reverse("members:organisation-edit", args=[org_a.slug])

    response = client.post(url, organisation_post_data(
        org_a, neq="12345", description_en="Five-axis machining of titanium parts."))

    assert response.status_code == 200
    html = response.content.decode()
    assert "A Quebec business number (NEQ) has exactly 10 digits." in html
    assert "Five-axis machining of titanium parts." in html
    assert 'value="12345"' in html
    org_a.refresh_from_db()
    assert (org_a.neq, org_a.description_en) == ("1111111111", "")


def test_a_double_submitted_add_form_creates_one_organisation(client, staff):
    client.force_login(staff)
    data = {"legal_name": "Echo Aérostructures", "kind": OrganisationKind.TIER2,
            "membership_status": MembershipStatus.ACTIVE, "listed_in_directory": "on",
            "form_token": str(uuid.uuid4())}

    first = client.post(reverse("members:organisation-create"), data)
    second = client.post(reverse("members:organisation-create"), data)

    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Organisation.objects.filter(legal_name="Echo Aérostructures").count() == 1

