"""Who may use each endpoint of the partnering API (imported by test_permissions.py, see permission_matrix.py).

As on the pages: partnering is for members and the staff (observers get 403), an opportunity one may not see
is 404, one one may see but not analyse is 403; a caller without credentials gets 401.
"""

import json

from grappe.core.tests.permission_matrix import (
    ANONYMOUS,
    OBSERVER,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    STAFF,
    PermissionMatrix,
)

from .permission_objects import opportunity_of_a, published_opportunity_of_a

PARTNERING_API = {ANONYMOUS: 401, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 403}
OWN_OPPORTUNITY_API = {ANONYMOUS: 401, OTHER_MEMBER: 404, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 404}


class TestApiAnalyseForOrganisationA(PermissionMatrix):
    """Analysing for organisation A: its people and the staff; another member acts for its own only."""

    url = "api:partnering-analyse"
    method = "post"
    content_type = "application/json"
    data = staticmethod(lambda ctx: json.dumps({"text": "Usinage 5 axes de supports", "initiator": ctx.org_a.slug}))
    expect = {**PARTNERING_API, OTHER_MEMBER: 403}
    audit_action = None  # an analysis saves nothing


class TestApiOpportunityList(PermissionMatrix):
    url = "api:partnering-opportunity-list"
    expect = PARTNERING_API


class TestApiOpportunityAnalysis(PermissionMatrix):
    url = "api:partnering-opportunity-analysis"
    args = staticmethod(lambda ctx: [opportunity_of_a(ctx).pk])
    expect = OWN_OPPORTUNITY_API


class TestApiPublishedOpportunityAnalysis(PermissionMatrix):
    """Another member sees a published opportunity but may not analyse it: the analysis is the initiator's."""

    url = "api:partnering-opportunity-analysis"
    args = staticmethod(lambda ctx: [published_opportunity_of_a(ctx).pk])
    expect = {**OWN_OPPORTUNITY_API, OTHER_MEMBER: 403}
