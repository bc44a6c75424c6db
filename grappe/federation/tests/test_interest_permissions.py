"""Who may open each page of partner clusters' items and of interests across clusters
(grappe/core/tests/permission_matrix.py).

The matrix's cluster, plus: an active partner that shared an opportunity (and a suspended one, whose item no
one finds), an availability of organisation A shared with partners, and two interests of the partner's members
in it: one waiting for the staff, one the staff asked A's administrators about. Members and the staff browse;
only a member sends an interest (for its organisation); the staff handle the interests received; A's
administrator (OWN_ADMIN) consents or declines once asked; an observer sees none of it."""

import uuid

import pytest

from grappe.core.tests.permission_matrix import (
    ANONYMOUS,
    OBSERVER,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    STAFF,
    STAFF_ONLY,
    PermissionMatrix,
)
from grappe.federation.models import Interest, InterestStatus, ItemKind, PartnerStatus
from grappe.labour.tests.factories import make_availability

from .interest_factories import (  # noqa: F401 — no_delivery is an autouse fixture
    make_partner,
    make_received,
    make_remote_item,
    no_delivery,
    share,
)

MEMBERS_AND_STAFF = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200,
                     OBSERVER: 403}
MEMBERS_ONLY = {**MEMBERS_AND_STAFF, STAFF: 403}
NOT_FOUND = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, STAFF: 404, OBSERVER: 403}


@pytest.fixture
def interests_matrix(matrix):
    ctx = matrix
    ctx.partner = make_partner(ctx.staff)
    ctx.remote_item = make_remote_item(ctx.partner)
    suspended = make_partner(ctx.staff, name="Grappe IA", actor_url="https://ia.example/federation/actor",
                             status=PartnerStatus.SUSPENDED)
    ctx.hidden_item = make_remote_item(suspended, title="Caché")
    availability = make_availability(ctx.org_a, ctx.own_admin, [ctx.capability])
    ctx.shared = share(ItemKind.AVAILABILITY, availability, ctx.org_a, ctx.own_admin)
    # An item of every other kind, each page showing its kind's fields (the sweep reads them, sweep_data.py).
    for kind in (ItemKind.DECLARED_NEED, ItemKind.AVAILABILITY, ItemKind.EVENT, ItemKind.PROFILE):
        setattr(ctx, f"remote_{kind}", make_remote_item(ctx.partner, kind=kind, title=f"Un élément ({kind})"))
    ctx.waiting = make_received(ctx.partner, ctx.shared)
    ctx.asked = make_received(ctx.partner, ctx.shared, status=InterestStatus.ASKED)
    return ctx


class InterestsMatrix(PermissionMatrix):
    @pytest.fixture
    def matrix(self, interests_matrix):
        return interests_matrix


def status_of(pk) -> str:
    return Interest.objects.get(pk=pk).status


# Partner clusters' items -----------------------------------------------------------------------------------

class TestRemoteList(InterestsMatrix):
    url = "federation:remote-list"
    expect = MEMBERS_AND_STAFF


class TestRemoteDetail(InterestsMatrix):
    url = "federation:remote-detail"
    args = staticmethod(lambda ctx: [ctx.remote_item.pk])
    expect = MEMBERS_AND_STAFF


class TestRemoteNeedDetail(TestRemoteDetail):
    args = staticmethod(lambda ctx: [ctx.remote_need.pk])


class TestRemoteAvailabilityDetail(TestRemoteDetail):
    args = staticmethod(lambda ctx: [ctx.remote_availability.pk])


class TestRemoteEventDetail(TestRemoteDetail):
    args = staticmethod(lambda ctx: [ctx.remote_event.pk])


class TestRemoteProfileDetail(TestRemoteDetail):
    args = staticmethod(lambda ctx: [ctx.remote_profile.pk])


class TestHiddenRemoteDetail(InterestsMatrix):
    url = "federation:remote-detail"
    args = staticmethod(lambda ctx: [ctx.hidden_item.pk])
    expect = NOT_FOUND


class TestRemoteInterest(InterestsMatrix):
    url = "federation:remote-interest"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.remote_item.pk])
    data = staticmethod(lambda ctx: {"form_token": str(uuid.uuid4()), "message": "Intéressés."})
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 302, OWN_USER: 302, OWN_ADMIN: 302, STAFF: 403, OBSERVER: 403}
    audit_action = "interest.sent"


class TestHiddenRemoteInterest(InterestsMatrix):
    url = "federation:remote-interest"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.hidden_item.pk])
    data = staticmethod(lambda ctx: {"form_token": str(uuid.uuid4()), "message": "Intéressés."})
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, STAFF: 403, OBSERVER: 403}
    audit_action = None


class TestSentInterests(InterestsMatrix):
    url = "federation:sent-interests"
    expect = MEMBERS_ONLY


# Interests received from partner clusters ------------------------------------------------------------------

class TestReceivedInterests(InterestsMatrix):
    url = "federation:received-interests"
    expect = STAFF_ONLY


class TestReceivedInterestWaiting(InterestsMatrix):
    url = "federation:received-interest"
    args = staticmethod(lambda ctx: [ctx.waiting.pk])
    expect = {**NOT_FOUND, STAFF: 200}


class TestReceivedInterestAsked(InterestsMatrix):
    url = "federation:received-interest"
    args = staticmethod(lambda ctx: [ctx.asked.pk])
    expect = {**NOT_FOUND, OWN_ADMIN: 200, STAFF: 200}


class TestIntroduce(InterestsMatrix):
    url = "federation:interest-introduce"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.waiting.pk])
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "interest.asked"
    effect = staticmethod(lambda ctx, pk: status_of(pk))


class TestConsent(InterestsMatrix):
    url = "federation:interest-consent"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.asked.pk])
    expect = {**NOT_FOUND, OWN_ADMIN: 302, STAFF: 403}
    audit_action = "interest.introduced"
    effect = staticmethod(lambda ctx, pk: status_of(pk))


class TestConsentBeforeAsked(InterestsMatrix):
    url = "federation:interest-consent"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.waiting.pk])
    expect = {**NOT_FOUND, STAFF: 403}
    audit_action = None
    effect = staticmethod(lambda ctx, pk: status_of(pk))


class TestDecline(InterestsMatrix):
    url = "federation:interest-decline"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.asked.pk])
    data = staticmethod(lambda ctx: {"reason": "Plus disponible."})
    expect = {**NOT_FOUND, OWN_ADMIN: 302, STAFF: 302}
    audit_action = "interest.declined"
    effect = staticmethod(lambda ctx, pk: status_of(pk))


class TestDeclineWaiting(InterestsMatrix):
    url = "federation:interest-decline"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.waiting.pk])
    expect = {**NOT_FOUND, STAFF: 302}
    audit_action = "interest.declined"
    effect = staticmethod(lambda ctx, pk: status_of(pk))
