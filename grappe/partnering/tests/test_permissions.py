"""Who may use each partnering page. Organisation A is the signed-in actors' own; B is the other member's.

Partnering is for members and the staff: observers see aggregates elsewhere, never an opportunity. An
opportunity of A is seen by A's people and the staff (and every member once published); only A's people and
the staff change or analyse it. An introduction is seen by both sides and the staff; the partner's
administrators and the staff answer it.
"""

import uuid

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

from ..models import DeclaredNeed, Introduction, Opportunity, OpportunityNeed
from .api_permissions import *  # noqa: F403 — the partnering API's policies, declared next to its tests
from .permission_objects import (
    introduction_a_to_b,
    introduction_a_to_hidden,
    opportunity_of_a,
    published_opportunity_of_a,
)

MEMBERS_AND_STAFF = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 403}
OWN_OPPORTUNITY = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 404}
PUBLISHED_OPPORTUNITY_PAGE = {**OWN_OPPORTUNITY, OTHER_MEMBER: 200}
PUBLISHED_OPPORTUNITY_ACTION = {**OWN_OPPORTUNITY, OTHER_MEMBER: 403}


def of_a(ctx):
    return [opportunity_of_a(ctx).pk]


def published_of_a(ctx):
    return [published_opportunity_of_a(ctx).pk]


class TestOpportunityList(PermissionMatrix):
    url = "partnering:opportunity-list"
    expect = MEMBERS_AND_STAFF


class TestOpportunityCreate(PermissionMatrix):
    url = "partnering:opportunity-create"
    expect = MEMBERS_AND_STAFF


class TestOpportunityCreatePost(PermissionMatrix):
    """Members describe one for their own organisation; the staff name it (A)."""

    url = "partnering:opportunity-create"
    method = "post"
    data = staticmethod(lambda ctx: {"kind": "project", "title": "Supports", "initiator": ctx.org_a.slug,
                                     "description": "Usinage 5 axes de supports", "form_token": uuid.uuid4()})
    expect = {**MEMBERS_AND_STAFF, OTHER_MEMBER: 302, OWN_USER: 302, OWN_ADMIN: 302, STAFF: 302}
    audit_action = "opportunity.created"


class TestOpportunityDetail(PermissionMatrix):
    url = "partnering:opportunity-detail"
    args = staticmethod(of_a)
    expect = OWN_OPPORTUNITY


class TestPublishedOpportunityDetail(PermissionMatrix):
    url = "partnering:opportunity-detail"
    args = staticmethod(published_of_a)
    expect = PUBLISHED_OPPORTUNITY_PAGE


class TestOpportunityClose(PermissionMatrix):
    """The detail page's buttons: another member who sees a published opportunity may not close it."""

    url = "partnering:opportunity-detail"
    method = "post"
    args = staticmethod(published_of_a)
    data = staticmethod(lambda ctx: {"action": "close"})
    expect = {**PUBLISHED_OPPORTUNITY_ACTION, OWN_USER: 302, OWN_ADMIN: 302, STAFF: 302}
    audit_action = "opportunity.closed"
    effect = staticmethod(lambda ctx, pk: Opportunity.objects.get(pk=pk).status)


class TestOpportunityCompetencies(PermissionMatrix):
    url = "partnering:opportunity-competencies"
    args = staticmethod(of_a)
    expect = OWN_OPPORTUNITY


class TestOpportunityCompetenciesPost(PermissionMatrix):
    url = "partnering:opportunity-competencies"
    method = "post"
    args = staticmethod(of_a)
    data = staticmethod(lambda ctx: {f"need_{ctx.capability.pk}": "nice"})
    expect = {**OWN_OPPORTUNITY, OWN_USER: 302, OWN_ADMIN: 302, STAFF: 302}
    audit_action = "opportunity.needs_confirmed"
    effect = staticmethod(lambda ctx, pk: list(OpportunityNeed.objects.filter(opportunity=pk)
                                               .values_list("must_have", flat=True)))


class TestPublishedOpportunityCompetencies(PermissionMatrix):
    url = "partnering:opportunity-competencies"
    args = staticmethod(published_of_a)
    expect = PUBLISHED_OPPORTUNITY_ACTION


class TestOpportunityAnalysis(PermissionMatrix):
    url = "partnering:opportunity-analysis"
    args = staticmethod(of_a)
    expect = OWN_OPPORTUNITY


class TestOpportunityRules(PermissionMatrix):
    """The consortium rules posted to the analysis are remembered on the opportunity."""

    url = "partnering:opportunity-analysis"
    method = "post"
    args = staticmethod(of_a)
    data = staticmethod(lambda ctx: {"max_size": 2, "at_least_one_sme": "on"})
    expect = OWN_OPPORTUNITY
    audit_action = "opportunity.rules_changed"
    effect = staticmethod(lambda ctx, pk: Opportunity.objects.get(pk=pk).consortium_rules)


class TestPublishedOpportunityAnalysis(PermissionMatrix):
    url = "partnering:opportunity-analysis"
    args = staticmethod(published_of_a)
    expect = PUBLISHED_OPPORTUNITY_ACTION


class TestIntroductionRequest(PermissionMatrix):
    url = "partnering:introduction-request"
    method = "post"
    args = staticmethod(of_a)
    data = staticmethod(lambda ctx: {"partner": ctx.org_b.pk})
    expect = {**OWN_OPPORTUNITY, OWN_USER: 302, OWN_ADMIN: 302, STAFF: 302}
    audit_action = "introduction.requested"


class TestIntroductionRequestForPublishedOpportunity(PermissionMatrix):
    url = "partnering:introduction-request"
    method = "post"
    args = staticmethod(published_of_a)
    data = staticmethod(lambda ctx: {"partner": ctx.org_b.pk})
    expect = {**PUBLISHED_OPPORTUNITY_ACTION, OWN_USER: 302, OWN_ADMIN: 302, STAFF: 302}
    audit_action = "introduction.requested"


class TestIntroductionList(PermissionMatrix):
    url = "partnering:introduction-list"
    expect = MEMBERS_AND_STAFF


class TestIntroductionDetail(PermissionMatrix):
    """Both sides (A asked B) and the staff."""

    url = "partnering:introduction-detail"
    args = staticmethod(lambda ctx: [introduction_a_to_b(ctx).pk])
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 404}


class TestIntroductionMessage(PermissionMatrix):
    """Both sides and the staff write in the thread."""

    url = "partnering:introduction-detail"
    method = "post"
    args = staticmethod(lambda ctx: [introduction_a_to_b(ctx).pk])
    data = staticmethod(lambda ctx: {"text": "Quand pouvons-nous visiter ?", "form_token": uuid.uuid4()})
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 302, OWN_USER: 302, OWN_ADMIN: 302, STAFF: 302, OBSERVER: 404}
    audit_action = "introduction.message"


class TestIntroductionDetailOfOthers(PermissionMatrix):
    """A member who is neither side does not learn the introduction exists."""

    url = "partnering:introduction-detail"
    args = staticmethod(lambda ctx: [introduction_a_to_hidden(ctx).pk])
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 404}


class TestIntroductionAnswer(PermissionMatrix):
    """The partner's administrators and the staff answer; B's plain user and the asking side may only read."""

    url = "partnering:introduction-answer"
    method = "post"
    args = staticmethod(lambda ctx: [introduction_a_to_b(ctx).pk])
    data = staticmethod(lambda ctx: {"answer": "accept"})
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 403, STAFF: 302, OBSERVER: 404}
    audit_action = "introduction.accepted"
    effect = staticmethod(lambda ctx, pk: Introduction.objects.get(pk=pk).status)


# Declared needs, succession and the staff's pages: their policies follow.
# Both pages are about one's own organisation; the staff, who have none, name one in the query.
NAMING_A = "organisation=alpha-usinage"


def declared_need_of_a(ctx):
    need = DeclaredNeed.objects.create(organisation=ctx.org_a, kind="equipment", description="Tomographe",
                                       created_by=ctx.own_admin)
    return [need.pk]


def new_equipment_need(ctx):
    return {"kind": "equipment", "description": "Four", "form_token": uuid.uuid4()}


class TestDeclaredNeeds(PermissionMatrix):
    """One's own organisation's needs; the staff, who have none, are sent to the pooling page."""

    url = "partnering:declared-needs"
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 302, OBSERVER: 404}


class TestDeclaredNeedsOfA(PermissionMatrix):
    url = "partnering:declared-needs"
    query = NAMING_A
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 404}


class TestDeclareNeedForA(PermissionMatrix):
    url = "partnering:declared-needs"
    method = "post"
    query = NAMING_A
    data = staticmethod(new_equipment_need)
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 403, OWN_ADMIN: 302, STAFF: 302, OBSERVER: 404}
    audit_action = "need.declared"


class TestDeclaredNeedRemove(PermissionMatrix):
    url = "partnering:declared-need-remove"
    method = "post"
    args = staticmethod(declared_need_of_a)
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 403, OWN_ADMIN: 302, STAFF: 302, OBSERVER: 404}
    audit_action = "need.withdrawn"
    effect = staticmethod(lambda ctx, pk: DeclaredNeed.objects.get(pk=pk).is_active)


class TestSuccession(PermissionMatrix):
    """Confidential: only the organisation's administrators (and the staff, sent to their own page)."""

    url = "partnering:succession"
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 200, STAFF: 302, OBSERVER: 404}


class TestSuccessionOfA(PermissionMatrix):
    url = "partnering:succession"
    query = NAMING_A
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 403, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 404}


class TestRaiseSuccessionFlagForA(PermissionMatrix):
    url = "partnering:succession"
    method = "post"
    query = NAMING_A
    data = staticmethod(lambda ctx: {"kind": "sell", "horizon": "", "note": ""})
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 403, OWN_ADMIN: 302, STAFF: 302, OBSERVER: 404}
    audit_action = "succession.raised"


class TestStaffOverview(PermissionMatrix):
    url = "partnering:staff-overview"
    expect = STAFF_ONLY


class TestStaffPooling(PermissionMatrix):
    url = "partnering:staff-pooling"
    expect = STAFF_ONLY


class TestStaffSuccession(PermissionMatrix):
    url = "partnering:staff-succession"
    expect = STAFF_ONLY


class TestStaffConsolidation(PermissionMatrix):
    url = "partnering:staff-consolidation"
    expect = STAFF_ONLY
