"""The members API shows and changes what the pages do, to whom the pages allow it.

Who may call each endpoint at all is declared in api_permissions.py (the permission matrix); here: what each
caller gets to see, that a write is one audited service call, that bad input is refused clearly, and how
callers authenticate.
"""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from grappe.conftest import make_organisation
from grappe.core.models import AuditEntry
from grappe.core.services import create_api_token, revoke_api_token
from grappe.members.models import (
    Capability,
    Certification,
    CertificationType,
    MembershipStatus,
    Organisation,
    OrganisationCapability,
    Person,
)
from grappe.members.search import refresh_search_text

pytestmark = pytest.mark.django_db

ALPHA = "/api/organisations/alpha-usinage"
PUBLIC_ONLY_ABSENT = {"member_details", "private"}


@pytest.fixture
def certified_org_a(org_a, capability):
    """Organisation A with a contact, a public capability and a certification (member-only)."""
    org_a.email, org_a.phone = "info@alpha.test", "514-555-0101"
    org_a.save()
    OrganisationCapability.objects.create(organisation=org_a, capability=capability,
                                          evidence="Airbus A220 parts")
    as9100 = CertificationType.objects.get(code="as9100")
    Certification.objects.create(organisation=org_a, certification_type=as9100,
                                 expires_on=datetime.date(2030, 1, 1))
    Person.objects.create(organisation=org_a, first_name="Léa", last_name="Roy", email="lea@alpha.test",
                          consent_directory=True)
    Person.objects.create(organisation=org_a, first_name="Jean", last_name="Discret", email="jean@alpha.test")
    refresh_search_text(org_a)
    return org_a


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def patch(client, path, data, **headers):
    return client.patch(path, data, content_type="application/json", **headers)


# What each caller sees ------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["anonymous", "observer"])
def test_the_public_sees_no_contact_certification_or_membership_detail(who, client, certified_org_a,
                                                                       observer):
    as_user(client, observer if who == "observer" else None)
    listing = client.get("/api/organisations").json()["items"][0]
    detail = client.get(ALPHA).json()
    for data in (listing, detail):
        assert PUBLIC_ONLY_ABSENT.isdisjoint(data)
        for secret in ("info@alpha.test", "as9100", "1111111111", "lea@alpha.test"):
            assert secret not in str(data)
    assert listing["legal_name"] == "Alpha Usinage" and listing["core_capabilities"] == ["machining-5-axis"]
    assert detail["capabilities"][0]["evidence"] == "Airbus A220 parts"


def test_another_member_sees_contacts_and_certifications_but_not_the_private_side(client, certified_org_a,
                                                                                   other_member):
    detail = as_user(client, other_member).get(ALPHA).json()
    assert "private" not in detail
    details = detail["member_details"]
    assert details["email"] == "info@alpha.test"
    assert [c["code"] for c in details["certifications"]] == ["as9100"]
    assert [c["email"] for c in details["contacts"]] == ["lea@alpha.test"], "only consenting contacts"
    listing = client.get("/api/organisations").json()["items"]
    alpha = next(o for o in listing if o["slug"] == "alpha-usinage")
    assert alpha["member_details"]["phone"] == "514-555-0101"


@pytest.mark.parametrize("who", ["org_user", "org_admin", "staff"])
def test_its_own_people_and_staff_see_the_private_side_and_every_contact(who, request, client,
                                                                        certified_org_a):
    detail = as_user(client, request.getfixturevalue(who)).get(ALPHA).json()
    assert detail["private"]["neq"] == "1111111111"
    assert detail["private"]["membership_status"] == "active"
    assert "jean@alpha.test" in {c["email"] for c in detail["member_details"]["contacts"]}


def test_an_organisation_that_is_not_listed_is_seen_only_by_its_own_people_and_staff(client, org_user, staff,
                                                                                     other_member, org_a):
    Organisation.objects.filter(pk=org_a.pk).update(listed_in_directory=False)
    assert client.get(ALPHA).status_code == 404
    assert client.get(f"{ALPHA}/capabilities").status_code == 404
    assert as_user(Client(), other_member).get(ALPHA).status_code == 404
    assert as_user(Client(), org_user).get(ALPHA).status_code == 200
    assert as_user(Client(), staff).get(ALPHA).status_code == 200
    assert [o["slug"] for o in client.get("/api/organisations").json()["items"]] == ["bravo-composites"]
    staff_view = as_user(Client(), staff).get("/api/organisations").json()["items"]
    assert [o["slug"] for o in staff_view] == ["alpha-usinage", "bravo-composites"]


def test_an_unknown_organisation_is_404(client):
    assert client.get("/api/organisations/nobody").status_code == 404


# The directory's filters ---------------------------------------------------------------------------

def test_the_directory_filters_are_those_of_the_page(client, certified_org_a, org_b):
    make_organisation("Charlie Recherche", kind="research", region="03")

    def slugs(query):
        response = client.get(f"/api/organisations?{query}")
        assert response.status_code == 200, response.content
        return [o["slug"] for o in response.json()["items"]]

    assert slugs("q=usinage 5 axes") == ["alpha-usinage"]
    assert slugs("q=five-axis machining") == ["alpha-usinage"]
    assert slugs("capability=machining-5-axis") == ["alpha-usinage"]
    assert slugs("capability=machining") == ["alpha-usinage"], "a domain finds its capabilities' holders"
    assert slugs("certification=as9100") == ["alpha-usinage"]
    assert slugs("kind=research") == ["charlie-recherche"]
    assert slugs("region=03") == ["charlie-recherche"]
    assert len(slugs("")) == 3


def test_the_directory_is_paginated(client, db):
    for i in range(5):
        make_organisation(f"Org {i}")
    page = client.get("/api/organisations?limit=2&offset=2").json()
    assert page["count"] == 5 and [o["slug"] for o in page["items"]] == ["org-2", "org-3"]


def test_a_page_of_the_directory_costs_the_same_queries_whatever_its_size(staff, capability):
    """Staff get every layer of every organisation: that must not cost queries per organisation."""
    def queries_for(count: int) -> int:
        for i in range(count):
            organisation = make_organisation(f"Batch {count} {i}")
            OrganisationCapability.objects.create(organisation=organisation, capability=capability)
        client = as_user(Client(), staff)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/organisations?q=batch {count}").json()["count"] == count
        return len(captured)

    assert queries_for(2) == queries_for(8)


@pytest.mark.parametrize("query", ["capability=nope", "certification=nope", "kind=spaceship", "region=42",
                                   "limit=0"])
def test_a_bad_filter_is_refused_with_422(client, capability, query):
    response = client.get(f"/api/organisations?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"]


# Changing a profile ------------------------------------------------------------------------------

def test_an_org_admin_patches_its_profile_with_one_audit_entry(client, org_admin, org_a):
    before = AuditEntry.objects.count()
    response = patch(as_user(client, org_admin), ALPHA,
                     {"city": "Laval", "size_band": "10-49", "website": "alpha.test"})
    assert response.status_code == 200, response.content
    assert response.json()["city"] == "Laval"
    org_a.refresh_from_db()
    assert (org_a.city, org_a.size_band, org_a.website, org_a.legal_name) == (
        "Laval", "10-49", "https://alpha.test", "Alpha Usinage")
    entries = AuditEntry.objects.all()[: AuditEntry.objects.count() - before]
    assert [(e.action, e.actor_id, e.before["city"], e.after["city"]) for e in entries] == [
        ("organisation.changed", org_admin.pk, "Montréal", "Laval")]


def test_the_profile_search_follows_a_patch(client, org_admin, org_a):
    patch(as_user(client, org_admin), ALPHA, {"description_en": "Titanium forging"})
    found = Client().get("/api/organisations?q=titanium").json()["items"]
    assert [o["slug"] for o in found] == ["alpha-usinage"]


@pytest.mark.parametrize("payload, field, message", [
    ({"neq": "123"}, "neq", "10 digits"),
    ({"neq": "2222222222"}, "neq", "already exists"),
    ({"kind": "spaceship"}, "kind", "prime"),
    ({"legal_name": None}, "legal_name", ""),
    ({"email": "not-an-email"}, "email", ""),
    ({"slug": "new-address"}, "slug", "Extra inputs are not permitted"),
])
def test_a_bad_patch_is_refused_with_422_naming_the_field_and_changes_nothing(client, org_admin, org_a, org_b,
                                                                              payload, field, message):
    before = AuditEntry.objects.count()
    response = patch(as_user(client, org_admin), ALPHA, payload,
                     HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422, response.content
    errors = response.json()["detail"]
    assert [e["loc"][-1] for e in errors] == [field]
    assert message in errors[0]["msg"] and errors[0]["msg"]
    org_a.refresh_from_db()
    assert (org_a.neq, org_a.kind, org_a.legal_name) == ("1111111111", "sme", "Alpha Usinage")
    assert AuditEntry.objects.count() == before


def test_membership_is_the_staffs_business(client, org_admin, staff, org_a):
    response = patch(as_user(client, org_admin), ALPHA, {"membership_status": "former"})
    assert response.status_code == 403
    response = patch(as_user(Client(), staff), ALPHA,
                     {"membership_status": "suspended", "member_since": "2020-01-31"})
    assert response.status_code == 200, response.content
    org_a.refresh_from_db()
    assert org_a.membership_status == MembershipStatus.SUSPENDED
    assert org_a.member_since == datetime.date(2020, 1, 31)


def test_a_patch_of_dates_in_the_wrong_order_is_refused(client, staff, org_a):
    response = patch(as_user(client, staff), ALPHA,
                     {"member_since": "2024-01-01", "membership_ends": "2023-01-01"})
    assert response.status_code == 422


# An organisation's capabilities -------------------------------------------------------------------

def test_an_org_admin_declares_changes_and_removes_a_capability(client, org_admin, org_a, capability):
    as_user(client, org_admin)
    path = f"{ALPHA}/capabilities/{capability.code}"
    response = client.put(path, {"level": "secondary", "evidence": "DMG Mori"},
                          content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "code": capability.code, "label_fr": "Usinage 5 axes", "label_en": "5-axis machining",
        "domain": "machining", "level": "secondary", "evidence": "DMG Mori"}
    client.put(path, {"level": "core"}, content_type="application/json")
    assert [c["level"] for c in client.get(f"{ALPHA}/capabilities").json()] == ["core"]
    assert client.delete(path).status_code == 204
    assert client.delete(path).status_code == 404
    assert not org_a.capabilities.exists()
    actions = list(AuditEntry.objects.filter(target_type="members.organisationcapability")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["capability.added", "capability.changed", "capability.removed"]


@pytest.mark.parametrize("code, status", [("machining", 422), ("nope", 404), ("retired", 422)])
def test_only_a_capability_in_use_can_be_declared(client, org_admin, capability, code, status):
    Capability.objects.create(parent=capability.parent, code="retired", label_fr="Vieux", label_en="Old",
                              is_active=False)
    response = as_user(client, org_admin).put(f"{ALPHA}/capabilities/{code}",
                                              {"level": "core"}, content_type="application/json")
    assert response.status_code == status
    assert not OrganisationCapability.objects.exists()


def test_a_bad_level_is_refused(client, org_admin, capability):
    response = as_user(client, org_admin).put(f"{ALPHA}/capabilities/{capability.code}",
                                              {"level": "expert"}, content_type="application/json")
    assert response.status_code == 422
    assert not OrganisationCapability.objects.exists() and not AuditEntry.objects.exists()


# People ------------------------------------------------------------------------------------------

def test_a_member_sees_the_people_of_its_own_organisation_only(client, certified_org_a, org_user,
                                                               other_member):
    emails = {p["email"] for p in as_user(client, org_user).get("/api/people").json()["items"]}
    assert emails == {"user@alpha.test", "lea@alpha.test", "jean@alpha.test"}
    others = as_user(Client(), other_member).get("/api/people?organisation=alpha-usinage").json()
    assert others == {"items": [], "count": 0}


def test_staff_see_everyone_and_filter_by_organisation(client, certified_org_a, other_member, staff):
    as_user(client, staff)
    assert client.get("/api/people").json()["count"] == 3
    bravo = client.get("/api/people?organisation=bravo-composites").json()["items"]
    assert [(p["email"], p["organisation"], p["org_role"]) for p in bravo] == [
        ("admin@bravo.test", "bravo-composites", "admin")]


def test_someone_without_an_organisation_sees_nobody(client, observer, certified_org_a):
    assert as_user(client, observer).get("/api/people").json()["count"] == 0


# Reference data ----------------------------------------------------------------------------------

def test_the_taxonomy_lists_each_domain_before_its_capabilities_with_synonyms(client, capability):
    items = client.get("/api/capabilities").json()["items"]
    assert [(c["code"], c["parent"]) for c in items] == [
        ("machining", None), ("machining-5-axis", "machining")]
    assert items[1]["synonyms_fr"] == ["usinage cinq axes", "fraisage 5 axes"]
    assert items[1]["synonyms_en"] == ["five-axis machining"]


def test_the_shipped_taxonomy_is_served_in_order(client, db):
    from grappe.members.services.taxonomy import load_taxonomy
    from grappe.members.taxonomy_file import read_taxonomy

    count = load_taxonomy(read_taxonomy())
    items = [item for offset in range(0, count, 200)
             for item in client.get(f"/api/capabilities?limit=200&offset={offset}").json()["items"]]
    assert len({item["code"] for item in items}) == count
    seen_domains = set()
    for item in items:
        if item["parent"] is None:
            seen_domains.add(item["code"])
        else:
            assert item["parent"] in seen_domains, f"{item['code']} comes before its domain"


def test_certification_types_are_public(client, db):
    codes = {c["code"] for c in client.get("/api/certification-types").json()["items"]}
    assert {"as9100", "iso-14001"} <= codes


# Authentication ----------------------------------------------------------------------------------

def test_an_api_key_acts_as_its_user_without_csrf(org_admin, org_a):
    _token, key = create_api_token(actor=org_admin, name="CRM")
    client = Client(enforce_csrf_checks=True)
    response = patch(client, ALPHA, {"city": "Laval"}, **bearer(key))
    assert response.status_code == 200, response.content
    assert AuditEntry.objects.filter(action="organisation.changed").get().actor == org_admin
    assert "private" in client.get(ALPHA, **bearer(key)).json()


@pytest.mark.parametrize("credentials", ["Bearer grp_wrong", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc"])
def test_a_wrong_key_is_refused_even_on_public_endpoints(client, org_a, credentials):
    assert client.get("/api/organisations", HTTP_AUTHORIZATION=credentials).status_code == 401


def test_a_revoked_key_is_refused(org_admin, org_a):
    token, key = create_api_token(actor=org_admin, name="CRM")
    revoke_api_token(actor=org_admin, token=token)
    client = Client()
    assert client.get("/api/people", **bearer(key)).status_code == 401
    assert patch(client, ALPHA, {"city": "X"}, **bearer(key)).status_code == 401


def test_a_wrong_key_is_refused_even_with_a_session(client, org_admin, org_a):
    response = patch(as_user(client, org_admin), ALPHA, {"city": "X"},
                     **bearer("grp_wrong"))
    assert response.status_code == 401


def test_a_deactivated_users_key_stops_working(org_admin):
    _token, key = create_api_token(actor=org_admin, name="CRM")
    org_admin.is_active = False
    org_admin.save()
    assert Client().get("/api/people", **bearer(key)).status_code == 401


def test_a_session_write_needs_the_csrf_token(org_admin, org_a):
    client = as_user(Client(enforce_csrf_checks=True), org_admin)
    response = patch(client, ALPHA, {"city": "Laval"})
    assert response.status_code == 403
    org_a.refresh_from_db()
    assert org_a.city == "Montréal"
    client.get("/api/docs")  # the docs page sets the CSRF cookie, as a browser would get it
    response = patch(client, ALPHA, {"city": "Laval"},
                     HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert response.status_code == 200


def test_a_session_read_needs_no_csrf_token(org_user, org_a):
    client = as_user(Client(enforce_csrf_checks=True), org_user)
    assert client.get("/api/people").status_code == 200


def test_using_a_key_records_when_it_was_last_used(org_admin):
    token, key = create_api_token(actor=org_admin, name="CRM")
    assert token.last_used_at is None
    Client().get("/api/people", **bearer(key))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_keys_of_a_member_of_another_organisation_do_not_open_ours(other_member, org_a):
    _token, key = create_api_token(actor=other_member, name="CRM")
    response = patch(Client(), ALPHA, {"city": "X"}, **bearer(key))
    assert response.status_code == 404


# The OpenAPI description -------------------------------------------------------------------------

def test_the_openapi_schema_lists_every_members_endpoint_and_both_ways_to_authenticate(client, db):
    schema = client.get("/api/openapi.json").json()
    operations = {(method.upper(), path) for path, item in schema["paths"].items() for method in item}
    other_apps = ("/api/partnering/", "/api/listening/", "/api/events", "/api/programs/", "/api/governance/",
                  "/api/bulletins", "/api/feed", "/api/federation/")
    members_operations = {op for op in operations if not op[1].startswith(other_apps)}
    assert members_operations == {
        ("GET", "/api/organisations"),
        ("GET", "/api/organisations/{slug}"), ("PATCH", "/api/organisations/{slug}"),
        ("GET", "/api/organisations/{slug}/capabilities"),
        ("PUT", "/api/organisations/{slug}/capabilities/{code}"),
        ("DELETE", "/api/organisations/{slug}/capabilities/{code}"),
        ("GET", "/api/people"), ("GET", "/api/capabilities"), ("GET", "/api/certification-types"),
    }
    assert set(schema["components"]["securitySchemes"]) == {"ApiKeyAuth", "BrowserSessionAuth"}
    assert {} in schema["paths"]["/api/organisations"]["get"]["security"], "public: credentials optional"
    assert {} not in schema["paths"]["/api/people"]["get"]["security"]


def test_the_docs_page_loads_only_our_own_scripts(client, db):
    """Our Content Security Policy forbids inline and third-party scripts: the docs must not need them."""
    html = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
