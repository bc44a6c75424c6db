"""Who may use each governance page and endpoint (see grappe/core/tests/permission_matrix.py)."""

import datetime

import pytest
from django.utils import timezone

from grappe.core.tests.permission_matrix import (
    ANONYMOUS,
    OBSERVER,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    STAFF,
    PermissionMatrix,
)
from grappe.governance.models import Proxy, Resolution
from grappe.governance.services import resolutions as resolution_services

from .factories import make_resolution, option
from .matrix import BODY_MEMBER, CO_CHAIR, GOVERNANCE_ACTORS, GovernanceMatrix

pytestmark = pytest.mark.django_db

MEMBERS_AND_STAFF = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 403}


class TestBodyList(PermissionMatrix):
    url = "governance:body-list"
    expect = MEMBERS_AND_STAFF


class TestBodyListApi(PermissionMatrix):
    url = "api:governance-bodies"
    expect = {**MEMBERS_AND_STAFF, ANONYMOUS: 401}


# Resolutions and votes ----------------------------------------------------------------------------------------
# The committee's electors are organisation A (its co-chair sits for it) and D (BODY_MEMBER). A's administrator
# and the co-chair cast A's vote; BODY_MEMBER casts D's; A's plain user (not on the committee), B's member, the
# staff (staff seats do not vote) and the observer cast nothing. A draft is seen by those who may publish it.

@pytest.fixture
def votes_matrix(governance_matrix):
    """The governance matrix with the committee's resolutions: one open, one draft, one open where A gave its
    proxy to D, one closed and counted."""
    ctx = governance_matrix
    ctx.resolution = make_resolution(ctx.committee)
    ctx.draft = make_resolution(ctx.committee, published=False, title_en="Draft")
    ctx.proxied = make_resolution(ctx.committee, title_en="Proxied")
    Proxy.objects.create(resolution=ctx.proxied, grantor=ctx.org_a, holder=ctx.org_d)
    ctx.closed = make_resolution(ctx.committee, title_en="Closed")
    Resolution.objects.filter(pk=ctx.closed.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=3), closes_at=timezone.now() - datetime.timedelta(days=1))
    resolution_services.count(ctx.closed)
    return ctx


class VotesMatrix(GovernanceMatrix):
    @pytest.mark.parametrize("actor", GOVERNANCE_ACTORS)
    def test_access(self, actor, votes_matrix, client):
        self.check_access(actor, votes_matrix, client)


VOTES_READERS = {**MEMBERS_AND_STAFF, CO_CHAIR: 200, BODY_MEMBER: 200}
VOTERS_ONLY = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 302, STAFF: 403, OBSERVER: 403,
               CO_CHAIR: 302, BODY_MEMBER: 302}


def _draft_data(ctx):
    now = timezone.localtime()
    return {"form_token": "8f5c0a7e-3c1f-4a55-9f0e-5d7a8c1b2e40", "body": ctx.committee.pk, "title_fr": "Feuille",
            "title_en": "Roadmap", "options": "Pour / For\nContre / Against",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"), "quorum_percent": "50",
            "majority": "simple", "max_proxies": "1"}


class TestResolutionList(VotesMatrix):
    url = "governance:resolution-list"
    expect = VOTES_READERS


class TestResolutionNew(VotesMatrix):
    url = "governance:resolution-new"
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 403, STAFF: 200, OBSERVER: 403,
              CO_CHAIR: 200, BODY_MEMBER: 403}


class TestResolutionDraft(VotesMatrix):
    url = "governance:resolution-new"
    method = "post"
    data = staticmethod(_draft_data)
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 403, STAFF: 302, OBSERVER: 403,
              CO_CHAIR: 302, BODY_MEMBER: 403}
    audit_action = "resolution.drafted"


class TestResolutionDetail(VotesMatrix):
    url = "governance:resolution-detail"
    args = staticmethod(lambda ctx: [ctx.resolution.pk])
    expect = VOTES_READERS


class TestResolutionPublish(VotesMatrix):
    url = "governance:resolution-publish"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.draft.pk])
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, STAFF: 302, OBSERVER: 403,
              CO_CHAIR: 302, BODY_MEMBER: 404}
    audit_action = "resolution.published"


class TestResolutionVote(VotesMatrix):
    url = "governance:resolution-vote"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.resolution.pk])
    data = staticmethod(lambda ctx: {"option": option(ctx.resolution, "For").pk})
    expect = VOTERS_ONLY
    audit_action = "vote.cast"


class TestProxyGive(VotesMatrix):
    url = "governance:resolution-proxy"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.resolution.pk])
    data = staticmethod(lambda ctx: {"holder": ctx.org_d.pk})
    # D's person would give D's proxy to D itself: refused, the form shown again with the reason.
    expect = {**VOTERS_ONLY, BODY_MEMBER: 200}
    writers = {OWN_ADMIN, CO_CHAIR}
    audit_action = "proxy.given"


class TestProxyWithdraw(VotesMatrix):
    url = "governance:resolution-proxy-withdraw"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.proxied.pk])
    expect = VOTERS_ONLY
    writers = {OWN_ADMIN, CO_CHAIR}  # D gave no proxy: told so, nothing changes
    audit_action = "proxy.withdrawn"


class TestResolutionResults(VotesMatrix):
    url = "governance:resolution-results"
    args = staticmethod(lambda ctx: [ctx.closed.pk])
    expect = VOTES_READERS


class TestResolutionListApi(VotesMatrix):
    url = "api:governance-resolutions"
    expect = {**VOTES_READERS, ANONYMOUS: 401}


class TestResolutionVoteApi(VotesMatrix):
    url = "api:governance-resolution-vote"
    method = "post"
    content_type = "application/json"
    args = staticmethod(lambda ctx: [ctx.resolution.pk])
    data = staticmethod(lambda ctx: {"option": option(ctx.resolution, "Against").pk})
    expect = {ANONYMOUS: 401, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 200, STAFF: 403, OBSERVER: 404,
              CO_CHAIR: 200, BODY_MEMBER: 200}
    audit_action = "vote.cast"
