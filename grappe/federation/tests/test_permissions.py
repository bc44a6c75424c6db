"""Who may open each page of cooperation between clusters (grappe/core/tests/permission_matrix.py)."""

import pytest

from grappe.core.tests.permission_matrix import (
    ANONYMOUS,
    OBSERVER,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    STAFF,
    PermissionMatrix,
)
from grappe.federation.models import OutgoingActivity, Partner

from .partner_factories import PARTNER_ACTORS, STAFF_PROGRAMS, partners_matrix  # noqa: F401 — a fixture

# The staff's partnerships (views/partners.py, views/statistics.py, api/): partners_matrix (partner_factories.py)
# adds STAFF_PROGRAMS, a staff member who is not an administrator: every staff member runs the partnerships. The
# members, whatever their role in their organisation, and the observer are refused; anonymous callers are sent to
# sign in (the API answers 401).
TOKEN = "6a0c1f52-8d3e-4b7a-9c21-5e4f3a2b1c0d"
STAFF_PAGE = {**dict.fromkeys(PARTNER_ACTORS, 403), ANONYMOUS: 302, STAFF: 200, STAFF_PROGRAMS: 200}
STAFF_WRITE = {**STAFF_PAGE, STAFF: 302, STAFF_PROGRAMS: 302}


class PartnersMatrix(PermissionMatrix):
    actors = PARTNER_ACTORS

    @pytest.mark.parametrize("actor", PARTNER_ACTORS)
    def test_access(self, actor, partners_matrix, client):  # noqa: F811 — the fixture imported above
        self.check_access(actor, partners_matrix, client)


def partner_of(name: str):
    return staticmethod(lambda ctx: [getattr(ctx, name).pk])


class TestPartnerList(PartnersMatrix):
    url = "federation:partner-list"
    expect = STAFF_PAGE


class TestPartnerAddPage(PartnersMatrix):
    url = "federation:partner-add"
    expect = STAFF_PAGE


class TestPartnerDiscover(PartnersMatrix):
    """Finding an instance reads it and writes nothing: the confirmation page follows."""
    url = "federation:partner-add"
    method = "post"
    data = staticmethod(lambda ctx: {"address": ctx.other_address})
    expect = STAFF_PAGE
    audit_action = None


class TestPartnerApprove(PartnersMatrix):
    url = "federation:partner-approve"
    method = "post"
    data = staticmethod(lambda ctx: {"form_token": TOKEN, "address": ctx.other_address,
                                     "fingerprint": ctx.other.fingerprint, "kinds": ["opportunity", "event"]})
    expect = STAFF_WRITE
    audit_action = "partner.approved"


class TestPartnerDetail(PartnersMatrix):
    url = "federation:partner-detail"
    args = partner_of("partner")
    expect = STAFF_PAGE


class TestPartnerKinds(PartnersMatrix):
    url = "federation:partner-kinds"
    method = "post"
    args = partner_of("partner")
    data = staticmethod(lambda ctx: {"kinds": ["opportunity", "need", "availability"]})
    expect = STAFF_WRITE
    audit_action = "partner.kinds_changed"
    effect = staticmethod(lambda ctx, pk: Partner.objects.get(pk=pk).kinds)


def status_of(ctx, pk):
    return Partner.objects.get(pk=pk).status


class TestPartnerSuspend(PartnersMatrix):
    url = "federation:partner-suspend"
    method = "post"
    args = partner_of("partner")
    expect = STAFF_WRITE
    audit_action = "partner.suspended"
    effect = staticmethod(status_of)


class TestPartnerResume(PartnersMatrix):
    url = "federation:partner-resume"
    method = "post"
    args = partner_of("suspended")
    expect = STAFF_WRITE
    audit_action = "partner.resumed"
    effect = staticmethod(status_of)


class TestPartnerRevoke(PartnersMatrix):
    url = "federation:partner-revoke"
    method = "post"
    args = partner_of("partner")
    expect = STAFF_WRITE
    audit_action = "partner.revoked"
    effect = staticmethod(status_of)


class TestPartnerRetry(PartnersMatrix):
    url = "federation:partner-retry"
    method = "post"
    args = partner_of("partner")
    expect = STAFF_WRITE
    audit_action = "partner.delivery_retried"
    effect = staticmethod(lambda ctx, pk: sorted(OutgoingActivity.objects.filter(partner_id=pk)
                                                 .values_list("status", flat=True)))


class TestPartnerStatistics(PartnersMatrix):
    url = "federation:partner-statistics"
    expect = STAFF_PAGE


class TestPartnerFigures(PartnersMatrix):
    """An active partner's figures, read from its instance: for the staff (here the partner is not reachable, and
    the page says so)."""
    url = "federation:partner-figures"
    args = partner_of("partner")
    expect = STAFF_PAGE


class TestPartnersApi(PartnersMatrix):
    url = "api:federation-partners"
    expect = {**STAFF_PAGE, ANONYMOUS: 401}


class TestRemoteItemsApi(PartnersMatrix):
    """What partner clusters shared is for every member and the staff, not for the observer."""
    url = "api:federation-items"
    expect = {**dict.fromkeys(PARTNER_ACTORS, 200), ANONYMOUS: 401, OBSERVER: 403}


assert {OTHER_MEMBER, OWN_USER, OWN_ADMIN} <= set(PARTNER_ACTORS)
