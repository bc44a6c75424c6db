"""Who may open the share page of cooperation between clusters (grappe/core/tests/permission_matrix.py).

The share page (views/sharing.py): besides the core matrix's actors, OTHER_ADMIN is the administrator of
organisation B, who shares B's items and none of A's. In `share_matrix`, A has an open, published opportunity
(not shared), an already shared declared need, and the cluster has a public event; a partner takes every kind.
"""

import pytest

from grappe.conftest import make_member
from grappe.core.tests.permission_matrix import (
    ACTORS,
    ANONYMOUS,
    OBSERVER,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    STAFF,
    PermissionMatrix,
)
from grappe.federation.models import ItemKind, SharedItem
from grappe.members.models import OrgRole

from .item_factories import make_declared_need, make_opportunity, make_partner, make_public_event

OTHER_ADMIN = "other_admin"
SHARE_ACTORS = (*ACTORS, OTHER_ADMIN)


@pytest.fixture
def share_matrix(matrix):
    ctx = matrix
    ctx.other_admin = make_member(ctx.org_b, "admin@bravo.test", OrgRole.ADMIN)
    ctx.partner = make_partner(approved_by=ctx.staff)
    ctx.opportunity = make_opportunity(ctx.org_a, ctx.own_admin, ctx.capability)
    ctx.need = make_declared_need(ctx.org_a, ctx.own_admin, ctx.capability)
    ctx.shared_need = SharedItem.objects.create(kind=ItemKind.DECLARED_NEED, object_id=ctx.need.pk,
                                                organisation=ctx.org_a, shared_by=ctx.own_admin)
    ctx.event = make_public_event(ctx.staff)
    return ctx


class ShareMatrix(PermissionMatrix):
    actors = SHARE_ACTORS

    @pytest.mark.parametrize("actor", SHARE_ACTORS)
    def test_access(self, actor, share_matrix, client):
        self.check_access(actor, share_matrix, client)


# Every member reads what its organisation shares; its administrators switch it (TestShare…); the staff, events.
class TestSharePage(ShareMatrix):
    url = "federation:share"
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, OTHER_ADMIN: 200, STAFF: 200,
              OBSERVER: 403}


class TestShareOpportunity(ShareMatrix):
    url = "federation:share-item"
    method = "post"
    args = staticmethod(lambda ctx: [ItemKind.OPPORTUNITY, ctx.opportunity.pk])
    data = staticmethod(lambda ctx: {"shared": "on"})
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 403, OWN_ADMIN: 302, OTHER_ADMIN: 404, STAFF: 403,
              OBSERVER: 403}
    audit_action = "item.shared"


class TestUnshareNeed(ShareMatrix):
    url = "federation:share-item"
    method = "post"
    args = staticmethod(lambda ctx: [ItemKind.DECLARED_NEED, ctx.need.pk])
    data = staticmethod(lambda ctx: {})
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 403, OWN_ADMIN: 302, OTHER_ADMIN: 404, STAFF: 403,
              OBSERVER: 403}
    audit_action = "item.unshared"


class TestShareEvent(ShareMatrix):
    url = "federation:share-item"
    method = "post"
    args = staticmethod(lambda ctx: [ItemKind.EVENT, ctx.event.pk])
    data = staticmethod(lambda ctx: {"shared": "on"})
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, OTHER_ADMIN: 404, STAFF: 302,
              OBSERVER: 403}
    audit_action = "item.shared"
