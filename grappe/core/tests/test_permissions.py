from grappe.core import aggregates
from grappe.core.models import ApiToken
from grappe.core.services import create_api_token

from .permission_matrix import (
    ANONYMOUS,
    OBSERVER,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    SIGNED_IN,
    STAFF,
    STAFF_ONLY,
    PermissionMatrix,
)


class TestAuditLog(PermissionMatrix):
    url = "core:audit-log"
    expect = STAFF_ONLY


class TestAnonymityThreshold(PermissionMatrix):
    url = "core:anonymity-threshold"
    expect = STAFF_ONLY


class TestAnonymityThresholdChange(PermissionMatrix):
    url = "core:anonymity-threshold"
    method = "post"
    data = staticmethod(lambda ctx: {"k": 7})
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "anonymity.threshold_changed"
    effect = staticmethod(lambda ctx: aggregates.current_k())


class TestNotifications(PermissionMatrix):
    url = "core:notifications"
    expect = SIGNED_IN


class TestApiTokens(PermissionMatrix):
    url = "core:api-tokens"
    expect = SIGNED_IN


class TestApiTokenRevoke(PermissionMatrix):
    """Only the key's owner may revoke it (here the administrator of A); nobody else learns it exists."""

    url = "core:api-token-revoke"
    method = "post"
    args = staticmethod(lambda ctx: [create_api_token(actor=ctx.own_admin, name="CRM")[0].pk])
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 302, STAFF: 404, OBSERVER: 404}
    audit_action = "api_token.revoked"
    effect = staticmethod(lambda ctx, pk: ApiToken.objects.get(pk=pk).revoked_at is not None)
