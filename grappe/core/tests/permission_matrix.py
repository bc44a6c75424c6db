"""The permission matrix: every page and endpoint declares who may use it, and a test checks each actor.

An app's `tests/test_permissions.py` declares one class per URL name:

    class TestOrganisationEdit(PermissionMatrix):
        url = "members:organisation-edit"
        args = staticmethod(lambda ctx: [ctx.org_a.slug])
        expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 403, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 404}

`ctx` is the small cluster built by the `matrix` fixture: organisation A (the actors' "own"), organisation B
(the other member's), and one object of each kind belonging to A. Every actor must be listed, so a new
policy is a decision, not a default. `test_every_url_has_a_policy` fails when a URL has no declared policy.
"""

from types import SimpleNamespace

import pytest

ANONYMOUS = "anonymous"
OTHER_MEMBER = "other_member"  # a member user of organisation B
OWN_USER = "own_user"          # a plain member user of organisation A
OWN_ADMIN = "own_admin"        # the administrator of organisation A
STAFF = "staff"                # cluster staff (administrator)
OBSERVER = "observer"          # a government observer
ACTORS = (ANONYMOUS, OTHER_MEMBER, OWN_USER, OWN_ADMIN, STAFF, OBSERVER)

PUBLIC = dict.fromkeys(ACTORS, 200)
SIGNED_IN = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 200}
STAFF_ONLY = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 403, STAFF: 200, OBSERVER: 403}

REGISTRY: list[type["PermissionMatrix"]] = []


class PermissionMatrix:
    """Base of a declared policy; subclasses named Test… are collected by pytest."""

    url: str = ""
    method: str = "get"
    args = staticmethod(lambda ctx: [])
    data = staticmethod(lambda ctx: {})
    query: str = ""
    content_type: str = ""  # e.g. "application/json" for an API body; the client's default otherwise
    expect: dict[str, int] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.url:
            REGISTRY.append(cls)

    @pytest.mark.parametrize("actor", ACTORS)
    def test_access(self, actor, matrix, client):
        from django.urls import reverse

        assert set(self.expect) == set(ACTORS), f"{self.url}: declare a status for every actor {ACTORS}"
        user = getattr(matrix, actor)
        if user is not None:
            client.force_login(user)
        path = reverse(self.url, args=self.args(matrix)) + (f"?{self.query}" if self.query else "")
        extra = {"content_type": self.content_type} if self.content_type else {}
        response = getattr(client, self.method)(path, self.data(matrix), **extra)
        assert response.status_code == self.expect[actor], (
            f"{self.method.upper()} {path} as {actor}: got {response.status_code}, expected {self.expect[actor]}")


@pytest.fixture
def matrix(db, settings):
    """A small cluster with one user of each kind and one object of each kind owned by organisation A."""
    from allauth.mfa.models import Authenticator  # noqa: F401 — make_staff needs allauth's models loaded

    from grappe.conftest import make_member, make_organisation, make_staff
    from grappe.members.models import (
        Capability,
        Certification,
        CertificationType,
        ImportJob,
        OrganisationCapability,
        OrgRole,
        Person,
        Role,
        User,
    )

    org_a = make_organisation("Alpha Usinage", neq="1111111111")
    org_b = make_organisation("Bravo Composites", neq="2222222222")
    org_hidden = make_organisation("Charlie Discret", neq="3333333333", listed_in_directory=False)
    domain = Capability.objects.create(code="m", label_fr="Usinage", label_en="Machining")
    capability = Capability.objects.create(parent=domain, code="m5", label_fr="Usinage 5 axes",
                                           label_en="5-axis machining")
    staff = make_staff()
    ctx = SimpleNamespace(
        org_a=org_a, org_b=org_b, org_hidden=org_hidden, domain=domain, capability=capability, anonymous=None,
        other_member=make_member(org_b, "member@bravo.test"),
        own_user=make_member(org_a, "user@alpha.test"),
        own_admin=make_member(org_a, "admin@alpha.test", OrgRole.ADMIN),
        staff=staff,
        observer=User.objects.create_user("observer@gouv.test", "x", role=Role.OBSERVER),
    )
    ctx.person = Person.objects.create(organisation=org_a, first_name="Léa", last_name="Roy", email="lea@alpha.test")
    ctx.org_capability = OrganisationCapability.objects.create(organisation=org_a, capability=capability)
    ctx.certification = Certification.objects.create(
        organisation=org_a, certification_type=CertificationType.objects.get(code="as9100"))
    ctx.import_job = ImportJob.objects.create(kind="organisations", original_name="x.csv", owner=staff, status="done")
    return ctx
