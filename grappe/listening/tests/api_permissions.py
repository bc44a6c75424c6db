"""Who may use each endpoint of the listening API (imported by test_permissions.py, see permission_matrix.py).

As on the pages: a member submits and reads its own organisation's needs and answers the surveys it is invited
to (another organisation's survey is 404); the staff read everything; observers get 403 or 404, never a need
or an answer; a caller without credentials gets 401.
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

from .permission_objects import brief, closed_survey, sent_survey, survey

MEMBERS_AND_STAFF_API = {ANONYMOUS: 401, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200,
                         OBSERVER: 403}
INVITED_A_API = {ANONYMOUS: 401, OTHER_MEMBER: 404, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 403, OBSERVER: 404}


class TestApiNeedSubmit(PermissionMatrix):
    """Every member user submits for its own organisation; the staff and observers have none to submit for."""

    url = "api:listening-need-submit"
    method = "post"
    content_type = "application/json"
    data = staticmethod(lambda ctx: json.dumps({"category": "financing", "text": "Fonds de roulement",
                                                "visibility": "staff"}))
    expect = {ANONYMOUS: 401, OTHER_MEMBER: 201, OWN_USER: 201, OWN_ADMIN: 201, STAFF: 403, OBSERVER: 403}
    audit_action = "need.submitted"


class TestApiNeedList(PermissionMatrix):
    url = "api:listening-need-list"
    expect = MEMBERS_AND_STAFF_API


class TestApiSurveyList(PermissionMatrix):
    url = "api:listening-survey-list"
    expect = MEMBERS_AND_STAFF_API


class TestApiSurveyDetail(PermissionMatrix):
    url = "api:listening-survey-detail"
    args = staticmethod(lambda ctx: [survey(ctx).pk])
    expect = {**INVITED_A_API, STAFF: 200}


class TestApiOwnResponse(PermissionMatrix):
    """The staff see the survey but have no organisation's response to read or write (403)."""

    url = "api:listening-response"
    args = staticmethod(lambda ctx: [survey(ctx).pk])
    expect = INVITED_A_API


def _answer(ctx):
    return json.dumps({"answers": {str(sent_survey(ctx).likert.pk): "4"}, "submit": False})


class TestApiSaveResponse(PermissionMatrix):
    url = "api:listening-response-save"
    method = "put"
    content_type = "application/json"
    args = staticmethod(lambda ctx: [sent_survey(ctx).pk])
    data = staticmethod(_answer)
    expect = INVITED_A_API
    audit_action = "survey.response_saved"


class TestApiSurveyResponses(PermissionMatrix):
    url = "api:listening-survey-responses"
    args = staticmethod(lambda ctx: [survey(ctx).pk])
    expect = {ANONYMOUS: 401, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 403, STAFF: 200, OBSERVER: 403}


# Aggregated figures and briefs: the staff and government observers.

AGGREGATES_API = {ANONYMOUS: 401, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 403, STAFF: 200, OBSERVER: 200}


class TestApiDashboard(PermissionMatrix):
    url = "api:listening-dashboard"
    expect = AGGREGATES_API


class TestApiDashboardSurvey(PermissionMatrix):
    url = "api:listening-dashboard-survey"
    args = staticmethod(lambda ctx: [closed_survey(ctx).pk])
    expect = AGGREGATES_API


class TestApiDashboardOpenSurvey(PermissionMatrix):
    """Its figures move with every answer: the staff's, not observers' (they see closed surveys)."""

    url = "api:listening-dashboard-survey"
    args = staticmethod(lambda ctx: [survey(ctx).pk])
    expect = {**AGGREGATES_API, OBSERVER: 404}


class TestApiBriefList(PermissionMatrix):
    url = "api:listening-brief-list"
    expect = AGGREGATES_API


class TestApiDraftBrief(PermissionMatrix):
    url = "api:listening-brief-detail"
    args = staticmethod(lambda ctx: [brief(ctx).pk])
    expect = {**AGGREGATES_API, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, OBSERVER: 404}


class TestApiPublishedBrief(PermissionMatrix):
    url = "api:listening-brief-detail"
    args = staticmethod(lambda ctx: [brief(ctx, published=True).pk])
    expect = {**AGGREGATES_API, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404}
