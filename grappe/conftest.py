"""Fixtures every test can use: a small cluster with one user of each kind.

Signing in: `client.force_login(user)` stands for the real sign-in, second factor included. A staff session
counts only once it has passed its second factor (grappe.core.second_factor), so for a user who has an
authenticator (every `make_staff` user) force_login also writes the record allauth keeps after a code was
typed (`force_login_passes_the_second_factor`). A test of a password-only session signs in with
`client.login(...)` or through the sign-in page instead.
"""

import threading
import time

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.test import RequestFactory, TestCase
from django.test.client import ClientMixin
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
def lexical_themes(settings):
    """Themes from words alone unless a test asks for the sentence encoder (installed with Grappe, but a
    second or so per text on a loaded machine): the flows are the same, the tests fast and deterministic."""
    settings.GRAPPE_THEME_ENCODER = "none"


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


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(monkeypatch):
    """force_login of a user with an authenticator leaves the session as allauth's code page does: with an
    "mfa" authentication record, dated now (so it also counts as a recent check, as right after sign-in)."""
    from grappe.core.second_factor import SECOND_FACTORS

    force_login = ClientMixin.force_login

    def force_login_with_second_factor(client, user, backend=None):
        force_login(client, user, backend)
        authenticator = Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).first()
        if authenticator is not None:
            request = RequestFactory().get("/")
            request.session = client.session
            record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
            request.session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login_with_second_factor)


def committed():
    """Run, when the block ends, what the code under test queued for after its commit (grappe.core.jobs.enqueue,
    notify.on_commit), as the commit of a real request would: a test runs inside a transaction that never
    commits. What a rolled-back block queued is dropped, as it would be."""
    return TestCase.captureOnCommitCallbacks(execute=True)


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
    user = User.objects.create_user(email, PASSWORD, role=role, full_name="Nadia Bouchard")
    # Staff must have a second factor; force_login records that the session passed it (see above).
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    return user


def current_totp_code(user) -> str:
    """The code the user's authenticator app shows now, computed with allauth's own HOTP function."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 2:
        time.sleep(2)  # too close to the end of a period: the code could expire before the server checks it
    return format_hotp_value(hotp_value(decrypt(authenticator.data["secret"]), int(time.time()) // period))


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


def run_together(*actions):
    """Run the actions in threads started at the same instant; return their results or raised exceptions."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = action()
        except Exception as error:  # noqa: BLE001 — the test inspects what each thread raised
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock?)"
    return outcomes


from grappe.core.tests.permission_matrix import matrix  # noqa: E402,F401 — the permission matrix's fixture


class FakeEncoder:
    """Four numbers per text, counted: enough to follow who encodes and when, without the model's seconds."""

    name = "fake-encoder"
    dim = 4

    def __init__(self):
        self.calls = 0
        self.broken = False

    def _vector(self, text):
        if self.broken:
            raise RuntimeError("the encoder is gone")
        self.calls += 1
        return [1.0, len(text) % 3, len(text) % 5, 1.0]

    def encode_text(self, text):
        return self._vector(text)

    def encode_names(self, names):
        return [self._vector(name) for name in names]


@pytest.fixture
def fake_encoder_in_use(settings, monkeypatch):
    """The sentence encoder in use is a FakeEncoder (grappe.core.vectors); background tasks run as configured."""
    from grappe.core import vectors

    settings.GRAPPE_THEME_ENCODER = "auto"
    encoder = FakeEncoder()
    monkeypatch.setitem(vectors._ENCODERS, "fake", encoder)
    monkeypatch.setattr(vectors, "encoder_name", lambda: "fake")
    return encoder


@pytest.fixture
def fake_encoder(fake_encoder_in_use, settings):
    """The sentence encoder in use is a FakeEncoder, and background tasks run at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return fake_encoder_in_use
