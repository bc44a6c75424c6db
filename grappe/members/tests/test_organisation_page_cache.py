"""An organisation's page, its shared part kept ready (members.directory_cache.organisation_profile) and the
details other members see (member_details): never stale after a change, never holding what one visitor may see
and another may not, always in the visitor's language.

Each test visits the page first, so that what can be kept is kept, then expects the next visitor to see what
they should. Changes go through the services, with the transaction committed, as the site makes them.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grappe.conftest import committed, make_organisation
from grappe.members.models import CapabilityLevel, Certification, CertificationType, Person, User
from grappe.members.services import certifications, organisations, people


@pytest.fixture
def alpha(org_a, capability, staff):
    """A listed organisation with a capability, contact details, a consenting contact and a certification."""
    with committed():
        organisations.update_organisation(actor=staff, organisation=org_a, data={
            "description_fr": "Pièces de trains usinées", "email": "contact@alpha.test",
            "phone": "514 555 0101"})
        organisations.set_capability(actor=staff, organisation=org_a, capability=capability,
                                     level=CapabilityLevel.CORE)
    org_a.refresh_from_db()
    Certification.objects.create(organisation=org_a, certification_type=CertificationType.objects.create(
        code="as9100-test", family="quality", label_fr="AS9100 (essai)", label_en="AS9100 (test)"))
    return org_a


def page(client, organisation, language="fr") -> str:
    response = client.get(f"/{language}/members/o/{organisation.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_an_edit_at_once(client, alpha, staff):
    assert "Pièces de trains usinées" in page(client, alpha)

    with committed():
        organisations.update_organisation(actor=staff, organisation=alpha,
                                          data={"description_fr": "Usinage de trains complets"})

    html = page(client, alpha)
    assert "Usinage de trains complets" in html and "Pièces de train" not in html


def test_the_page_shows_a_capability_removed_at_once(client, alpha, staff):
    assert "Usinage 5 axes" in page(client, alpha)

    with committed():
        organisations.remove_capability(actor=staff, item=alpha.capabilities.get())

    html = page(client, alpha)
    assert "Usinage 5 axes" not in html and "Aucune compétence déclarée" in html


def test_an_anonymous_visitor_after_a_member_sees_no_contact_detail(client, alpha, org_admin, other_member):
    client.force_login(other_member)
    member_html = page(client, alpha)  # a member fills what is kept
    assert "contact@alpha.test" in member_html and "admin@alpha.test" in member_html
    assert "AS9100 (essai)" in member_html and "514 555 0101" in member_html
    client.logout()

    html = page(client, alpha)

    for confidential in ("contact@alpha.test", "514 555 0101", "admin@alpha.test", "AS9100 (essai)",
                         other_member.email):
        assert confidential not in html
    assert "Usinage 5 axes" in html  # the public part is the same
    assert "Se connecter" in html  # the signed-out menu


def test_a_member_after_an_anonymous_visitor_sees_their_own_frame_and_the_contacts(client, alpha, org_admin,
                                                                                    other_member):
    page(client, alpha)  # an anonymous visitor fills what is kept
    client.force_login(other_member)

    html = page(client, alpha)

    assert other_member.email in html and "Se déconnecter" in html
    assert "admin@alpha.test" in html and "AS9100 (essai)" in html
    assert "Modifier le profil" not in html  # not theirs to edit


def test_the_organisation_admin_after_another_member_gets_the_edit_buttons(client, alpha, org_admin,
                                                                            other_member):
    client.force_login(other_member)
    page(client, alpha)
    client.force_login(org_admin)

    html = page(client, alpha)

    assert "Modifier le profil" in html and org_admin.email in html and other_member.email not in html


def test_the_kept_part_is_in_the_visitor_language(client, alpha):
    assert "Usinage 5 axes" in page(client, alpha, "fr")

    html = page(client, alpha, "en")

    assert "5-axis machining" in html and "Usinage 5 axes" not in html and ">Capabilities<" in html
    assert "Usinage 5 axes" in page(client, alpha, "fr")


def test_a_member_page_asks_no_django_model_permission_and_loads_the_account_once(client, alpha, other_member):
    client.force_login(other_member)
    page(client, alpha)

    with CaptureQueriesContext(connection) as queries:
        page(client, alpha)

    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "auth_permission" not in tables
    # Session, account (with its person and organisation), versions, organisation, notifications; the
    # contacts and certifications another member sees are kept (directory_cache.member_details).
    assert len(queries.captured_queries) <= 5


def test_a_superuser_keeps_django_model_permissions(db):
    superuser = User.objects.create_superuser("root@grappe.test", "a-long-password-1")
    member = User.objects.create_user("someone@grappe.test", "a-long-password-1")

    assert superuser.has_perm("core.view_notification")
    assert not member.has_perm("core.view_notification")


def test_an_organisation_off_the_directory_stays_hidden_after_its_page_was_kept(client, staff):
    hidden = make_organisation("Hidden Works", listed_in_directory=False)
    client.force_login(staff)
    assert page(client, hidden)
    client.logout()

    assert client.get(f"/fr/members/o/{hidden.slug}/").status_code == 404


def contact_data(person: Person, **changes) -> dict:
    data = {name: getattr(person, name) for name in people.PERSON_FIELDS}
    return {**data, **changes}


def test_a_contact_who_withdraws_consent_is_gone_from_the_next_page(client, alpha, org_admin, other_member):
    client.force_login(other_member)
    assert "admin@alpha.test" in page(client, alpha)  # kept for other members
    person = Person.objects.get(user=org_admin)

    with committed():
        people.save_person(actor=org_admin, organisation=alpha, person=person,
                           data=contact_data(person, consent_directory=False))

    html = page(client, alpha)
    assert "admin@alpha.test" not in html and "Aucun contact n'a accepté" in html


def test_an_edit_of_a_contact_shows_on_the_next_page(client, alpha, org_admin, other_member):
    client.force_login(other_member)
    assert "admin@alpha.test" in page(client, alpha)
    person = Person.objects.get(user=org_admin)

    with committed():
        people.save_person(actor=org_admin, organisation=alpha, person=person,
                           data=contact_data(person, title="Directrice des achats", phone="514 555 0199"))

    html = page(client, alpha)
    assert "Directrice des achats" in html and "514 555 0199" in html


def test_a_certification_change_shows_on_the_next_page(client, alpha, staff, other_member):
    client.force_login(other_member)
    assert "AS9100 (essai)" in page(client, alpha)
    certification = alpha.certifications.get()

    with committed():
        certifications.save_certification(actor=staff, organisation=alpha, certification=certification,
                                          data={"expires_on": datetime.date(2031, 3, 14)})
    assert "2031" in page(client, alpha)

    with committed():
        certifications.remove_certification(actor=staff, certification=certification)
    html = page(client, alpha)
    assert "AS9100 (essai)" not in html and "Aucune déclarée" in html


def test_a_certification_read_as_valid_yesterday_reads_expired_today(client, alpha, other_member, monkeypatch):
    alpha.certifications.update(expires_on=datetime.date(2026, 6, 1))
    client.force_login(other_member)
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2026, 6, 1))
    assert "valide jusqu" in page(client, alpha)

    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2026, 6, 2))

    assert "expirée le" in page(client, alpha)


def test_the_organisation_own_people_see_every_contact_after_another_member_and_not_the_reverse(
        client, alpha, org_admin, org_user, other_member):
    """Another member sees consenting contacts only; the organisation's own people see all of them."""
    client.force_login(other_member)
    assert "user@alpha.test" not in page(client, alpha)  # user@ did not consent
    client.force_login(org_user)
    assert "user@alpha.test" in page(client, alpha)
    client.force_login(other_member)
    assert "user@alpha.test" not in page(client, alpha)


def test_an_administrator_edit_links_never_reach_another_member(client, alpha, org_admin, other_member):
    client.force_login(org_admin)
    assert "Ajouter une certification" in page(client, alpha)
    client.force_login(other_member)

    html = page(client, alpha)

    assert "Ajouter une certification" not in html and f"/{alpha.slug}/certifications/" not in html


def test_names_and_contacts_are_escaped(client, other_member, staff):
    tricky = make_organisation('Usinage <b>"Côté"</b> & Fils', slug="usinage-cote")
    organisations.update_organisation(actor=staff, organisation=tricky,
                                      data={"description_fr": "<script>alert('x')</script> & co"})
    Person.objects.create(organisation=tricky, email="o'neil@cote.test", first_name="<i>Jean</i>",
                          last_name="O'Neil & \"fils\"", consent_directory=True)
    client.force_login(other_member)

    html = page(client, tricky)
    html = page(client, tricky)  # from what was kept

    assert "<b>" not in html and "<script>" not in html and "<i>Jean" not in html
    assert "Usinage &lt;b&gt;&quot;Côté&quot;&lt;/b&gt; &amp; Fils" in html
    assert "&lt;i&gt;Jean&lt;/i&gt; O&#x27;Neil &amp; &quot;fils&quot;" in html
    assert "mailto:o&#x27;neil@cote.test" in html
