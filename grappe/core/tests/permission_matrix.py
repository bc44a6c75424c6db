"""The permission matrix: every page and endpoint declares who may use it, and a test checks each actor.

An app's `tests/test_permissions.py` declares one class per URL name:

    class TestOrganisationEdit(PermissionMatrix):
        url = "members:organisation-edit"
        args = staticmethod(lambda ctx: [ctx.org_a.slug])
        expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 403, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 404}

`ctx` is the small cluster built by the `matrix` fixture: organisation A (the actors' "own"), organisation B
(the other member's), and one object of each kind belonging to A. Every actor must be listed, so a new
policy is a decision, not a default. `test_every_url_has_a_policy` fails when a URL has no declared policy.

An app whose pages have actors of their own (programs: a consortium partner, evaluators) declares a base
class with `actors` (ACTORS and its own), a fixture that adds those users to the cluster, and a `test_access`
parametrized over them that calls `check_access` with that fixture (grappe/programs/tests/test_permissions.py).

A status code alone proves little: a form that redirects both when it saved and when it refused passes
either way. So a write (any method but GET) also declares what it does, and the matrix checks the effect:

    class TestSegmentDelete(PermissionMatrix):
        url = "members:segment-delete"
        method = "post"
        ...
        audit_action = "segment.deleted"

- `audit_action`: the action the write records. Each *writer* — by default every signed-in actor answered a
  2xx or 3xx — must leave exactly one audit entry of that action, signed with its name, and change the data:
  the declared `effect` or, without one, the number of rows of some table of ours. A dict {actor: action}
  names the writers when they record different actions. `None` declares a request that writes nothing
  audited (a language switch, an analysis): then no actor may leave an entry or add a row.
- `writers`: the actors that write, when the default guesses wrong (a redirect that is not a save).
- `effect(ctx, *args)`: a value the write must change (a status, a name): an update adds no row.
Every other actor must leave no audit entry, the same row counts and the same `effect`: a refusal changes
nothing. `test_every_write_declares_its_audit_action` fails when a write declares no action.
"""

import functools
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
UNDECLARED = "undeclared"  # the default of `audit_action`: a write must replace it with a decision


class PermissionMatrix:
    """Base of a declared policy; subclasses named Test… are collected by pytest."""

    url: str = ""
    method: str = "get"
    args = staticmethod(lambda ctx: [])
    data = staticmethod(lambda ctx: {})
    query: str = ""
    content_type: str = ""  # e.g. "application/json" for an API body; the client's default otherwise
    expect: dict[str, int] = {}
    audit_action: str | dict[str, str] | None = UNDECLARED
    writers: set[str] | None = None
    effect = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.url:
            REGISTRY.append(cls)

    @classmethod
    def writes(cls) -> bool:
        return cls.method != "get"

    @classmethod
    def expected_action(cls, actor: str) -> str | None:
        """The audit action this actor's request records, None when it must change nothing."""
        if isinstance(cls.audit_action, dict):
            return cls.audit_action.get(actor)
        if cls.audit_action is None:
            return None
        writers = cls.writers if cls.writers is not None else {
            other for other, status in cls.expect.items() if other != ANONYMOUS and 200 <= status < 400}
        return cls.audit_action if actor in writers else None

    actors: tuple[str, ...] = ACTORS

    @pytest.mark.parametrize("actor", ACTORS)
    def test_access(self, actor, matrix, client):
        self.check_access(actor, matrix, client)

    def check_access(self, actor, matrix, client):
        """Request the URL as `actor` (a user of `matrix`) and check its status, and a write's effect."""
        from django.urls import reverse

        assert set(self.expect) == set(self.actors), f"{self.url}: declare a status for every actor {self.actors}"
        user = getattr(matrix, actor)
        if user is not None:
            client.force_login(user)
        args = self.args(matrix)
        path = reverse(self.url, args=args) + (f"?{self.query}" if self.query else "")
        data = self.data(matrix)
        extra = {"content_type": self.content_type} if self.content_type else {}
        before = self.state(matrix, args) if self.writes() else None
        response = getattr(client, self.method)(path, data, **extra)
        request = f"{self.method.upper()} {path} as {actor}"
        assert response.status_code == self.expect[actor], (
            f"{request}: got {response.status_code}, expected {self.expect[actor]}")
        if self.writes():
            self.check_effect(request, self.expected_action(actor), user, before, self.state(matrix, args))

    def state(self, ctx, args) -> SimpleNamespace:
        from grappe.core.models import AuditEntry

        last_entry = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        return SimpleNamespace(last_entry=last_entry, rows=row_counts(),
                               effect=self.effect(ctx, *args) if self.effect else None)

    def check_effect(self, request, action, user, before, after):
        from grappe.core.models import AuditEntry

        assert self.audit_action != UNDECLARED, f"{self.url}: declare the audit_action of its {self.method}"
        entries = list(AuditEntry.objects.filter(pk__gt=before.last_entry).values_list("action", "actor"))
        changed = {table: (count, after.rows[table]) for table, count in before.rows.items()
                   if after.rows[table] != count}
        if action is None:
            assert not entries, f"{request} changed nothing, yet recorded {entries}"
            assert not changed, f"{request} changed nothing, yet changed the row counts {changed}"
            assert after.effect == before.effect, (
                f"{request} changed nothing, yet its effect went from {before.effect!r} to {after.effect!r}")
            return
        signed = [(action, user.pk if user is not None else None)]
        assert [entry for entry in entries if entry[0] == action] == signed, (
            f"{request} must record one {action!r} by its actor; recorded {entries}")
        if self.effect:
            assert after.effect != before.effect, f"{request} left its effect at {before.effect!r}"
        else:
            assert changed, f"{request} added or removed no row: declare the effect(ctx, *args) it has"


def row_counts() -> dict[str, int]:
    """The number of rows of each table of ours but the audit trail, in one query."""
    from django.db import connection

    tables = _counted_tables()
    select = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


@functools.cache
def _counted_tables() -> list[str]:
    from django.apps import apps

    from grappe.core.models import AuditEntry

    return sorted({model._meta.db_table for model in apps.get_models(include_auto_created=True)
                   if model.__module__.startswith("grappe.") and model._meta.managed and not model._meta.proxy
                   and model is not AuditEntry})


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
