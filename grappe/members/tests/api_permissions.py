"""Who may use each endpoint of the members API (imported by test_permissions.py, see permission_matrix.py).

The API answers like the pages, except that a caller without credentials gets 401 instead of a redirect to
the sign-in page: an organisation one may not see is 404, one one may see but not change is 403.
"""

import json

from grappe.core.tests.permission_matrix import (
    ANONYMOUS,
    OBSERVER,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    PUBLIC,
    STAFF,
    PermissionMatrix,
)
from grappe.members.models import Organisation

ORG_ADMIN_WRITE = {ANONYMOUS: 401, OTHER_MEMBER: 404, OWN_USER: 403, OWN_ADMIN: 200, STAFF: 200,
                   OBSERVER: 404}
SIGNED_IN_API = {ANONYMOUS: 401, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 200}


def org_a(ctx):
    return [ctx.org_a.slug]


class TestApiRoot(PermissionMatrix):
    """ninja's root path only anchors the other URLs; it answers 404 to everyone."""

    url = "api:api-root"
    expect = dict.fromkeys(PUBLIC, 404)


class TestApiOrganisationList(PermissionMatrix):
    url = "api:organisation-list"
    expect = PUBLIC


class TestApiOrganisationDetail(PermissionMatrix):
    url = "api:organisation-detail"
    args = staticmethod(org_a)
    expect = PUBLIC


class TestApiUnlistedOrganisationDetail(PermissionMatrix):
    url = "api:organisation-detail"
    args = staticmethod(lambda ctx: [ctx.org_hidden.slug])
    expect = {ANONYMOUS: 404, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, STAFF: 200, OBSERVER: 404}


class TestApiOrganisationUpdate(PermissionMatrix):
    url = "api:organisation-update"
    method = "patch"
    args = staticmethod(org_a)
    data = staticmethod(lambda ctx: json.dumps({"city": "Laval"}))
    expect = ORG_ADMIN_WRITE
    audit_action = "organisation.changed"
    effect = staticmethod(lambda ctx, slug: Organisation.objects.get(slug=slug).city)


class TestApiOrganisationCapabilityList(PermissionMatrix):
    url = "api:organisation-capability-list"
    args = staticmethod(org_a)
    expect = PUBLIC


class TestApiOrganisationCapabilitySet(PermissionMatrix):
    url = "api:organisation-capability-set"
    method = "put"
    args = staticmethod(lambda ctx: [ctx.org_a.slug, ctx.capability.code])
    data = staticmethod(lambda ctx: json.dumps({"level": "secondary"}))
    expect = ORG_ADMIN_WRITE
    audit_action = "capability.changed"  # organisation A already holds it (core)
    effect = staticmethod(lambda ctx, slug, code: ctx.org_a.capabilities.get(capability__code=code).level)


class TestApiOrganisationCapabilityRemove(PermissionMatrix):
    url = "api:organisation-capability-remove"
    method = "delete"
    args = staticmethod(lambda ctx: [ctx.org_a.slug, ctx.capability.code])
    expect = {**ORG_ADMIN_WRITE, OWN_ADMIN: 204, STAFF: 204}
    audit_action = "capability.removed"


class TestApiPersonList(PermissionMatrix):
    url = "api:person-list"
    expect = SIGNED_IN_API


class TestApiCapabilityList(PermissionMatrix):
    url = "api:capability-list"
    expect = PUBLIC


class TestApiCertificationTypeList(PermissionMatrix):
    url = "api:certification-type-list"
    expect = PUBLIC
