"""Fixtures every test can use: a small cluster with one user of each kind."""

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from grappe.members.models import (
    Capability,
    Organisation,
    OrganisationKind,
    OrgRole,
    Person,
    Role,
    User,
)

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing is slow by design; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_caches():
    """Each test starts with empty caches, as its database starts afresh: a directory listing cached by an
    earlier test would otherwise match this test's directory version (members.directory_cache)."""
    for backend in caches.all():
        backend.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language, whatever an earlier test or request activated in this
    thread (a fixture that switches language, such as `in_english`, runs inside this one and wins)."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def make_organisation(name: str, **fields) -> Organisation:
    from grappe.members.search import refresh_search_text

    defaults = {"legal_name": name, "slug": name.lower().replace(" ", "-"), "kind": OrganisationKind.SME,
                "city": "Montréal", "region": "06"}
    defaults.update(fields)
    organisation = Organisation.objects.create(**defaults)
    refresh_search_text(organisation)
    return organisation


def make_member(organisation: Organisation, email: str, org_role: str = OrgRole.MEMBER, **person) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0])
    Person.objects.create(organisation=organisation, user=user, email=email, first_name=email.split("@")[0],
                          last_name="Test", org_role=org_role, **person)
    return user


def make_staff(email: str = "staff@grappe.test", role: str = Role.STAFF_ADMIN) -> User:
    user = User.objects.create_user(email, PASSWORD, role=role, full_name="Staff")
    # Staff must have a second factor; tests sign in with force_login, so an authenticator row is enough.
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    return user


@pytest.fixture
def reference_data(transactional_db):
    """The rows migrations seed (certification types), which a transactional test's flush removed."""
    from importlib import import_module

    seeding = import_module("grappe.members.migrations.0002_search_index_and_certification_types")
    from grappe.members.models import CertificationType

    for code, family, fr, en in seeding.CERTIFICATION_TYPES:
        CertificationType.objects.get_or_create(code=code, defaults={"family": family, "label_fr": fr, "label_en": en})


@pytest.fixture
def org_a(db):
    return make_organisation("Alpha Usinage", neq="1111111111")


@pytest.fixture
def org_b(db):
    return make_organisation("Bravo Composites", neq="2222222222")


@pytest.fixture
def org_admin(org_a):
    """The administrator of organisation A."""
    return make_member(org_a, "admin@alpha.test", OrgRole.ADMIN, consent_directory=True)


@pytest.fixture
def org_user(org_a):
    """A plain member user of organisation A."""
    return make_member(org_a, "user@alpha.test")


@pytest.fixture
def other_member(org_b):
    """A member user of another organisation (B)."""
    return make_member(org_b, "admin@bravo.test", OrgRole.ADMIN)


@pytest.fixture
def staff(db):
    return make_staff()


@pytest.fixture
def observer(db):
    return User.objects.create_user("observer@gouv.test", PASSWORD, role=Role.OBSERVER)


@pytest.fixture
def capability(db):
    domain = Capability.objects.create(code="machining", label_fr="Usinage", label_en="Machining")
    return Capability.objects.create(
        parent=domain, code="machining-5-axis", label_fr="Usinage 5 axes", label_en="5-axis machining",
        synonyms_fr="usinage cinq axes\nfraisage 5 axes", synonyms_en="five-axis machining")


def api_key(user: User) -> str:
    """A new API key of `user`. It is written directly: how a person obtains one (and the second factor the
    staff need for it) is tested with the API-keys page."""
    import secrets

    from grappe.core.models import ApiToken

    key = "grp_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name="test", key_prefix=key[:8], key_hash=ApiToken.hash_key(key))
    return key


def api_key_headers(user: User) -> dict:
    """Test-client arguments that call the API with a new key of `user`."""
    return {"HTTP_AUTHORIZATION": f"Bearer {api_key(user)}"}


from grappe.core.tests.permission_matrix import matrix  # noqa: E402,F401 — the permission matrix's fixture
