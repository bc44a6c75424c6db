"""Who may use each governance page and endpoint (see grappe/core/tests/permission_matrix.py)."""

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

pytestmark = pytest.mark.django_db

MEMBERS_AND_STAFF = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 403}


class TestBodyList(PermissionMatrix):
    url = "governance:body-list"
    expect = MEMBERS_AND_STAFF


class TestBodyListApi(PermissionMatrix):
    url = "api:governance-bodies"
    expect = {**MEMBERS_AND_STAFF, ANONYMOUS: 401}


# The minutes (views/minutes.py), on the objects of tests/minutes_objects.py: the committee's CO_CHAIR and
# BODY_MEMBER beside the matrix's actors. A draft or circulated version is the body's: to members who do not sit on
# it, it does not exist; approved minutes are every member's; the observer reads none.
import uuid  # noqa: E402

from grappe.core.tests.permission_matrix import ACTORS  # noqa: E402
from grappe.governance.models import Minutes, MinutesComment  # noqa: E402

from .minutes_objects import BODY_MEMBER, CO_CHAIR, minutes_objects  # noqa: E402

MINUTES_ACTORS = (*ACTORS, CO_CHAIR, BODY_MEMBER)
MEMBERS_READ = {**MEMBERS_AND_STAFF, CO_CHAIR: 200, BODY_MEMBER: 200}
BODY_READS = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, STAFF: 200, OBSERVER: 403,
              CO_CHAIR: 200, BODY_MEMBER: 200}
# A co-chair's write: the co-chair and the staff do it; a member of the body may not; the others do not see it.
CHAIRS_WRITE = {**BODY_READS, STAFF: 302, CO_CHAIR: 302, BODY_MEMBER: 403}


@pytest.fixture
def minutes_matrix(matrix):
    return minutes_objects(matrix)


class MinutesMatrix(PermissionMatrix):
    actors = MINUTES_ACTORS

    @pytest.mark.parametrize("actor", MINUTES_ACTORS)
    def test_access(self, actor, minutes_matrix, client):
        self.check_access(actor, minutes_matrix, client)


def _status(minutes):
    return lambda ctx, *args: Minutes.objects.get(pk=getattr(minutes_objects(ctx), minutes).pk).status


class TestMeetingMinutes(MinutesMatrix):
    url = "governance:meeting-minutes"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).approved_meeting.pk])
    expect = MEMBERS_READ


class TestApprovedMinutes(MinutesMatrix):
    url = "governance:minutes-detail"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).approved_minutes.pk])
    expect = MEMBERS_READ


class TestApprovedMinutesInTheOtherLanguage(MinutesMatrix):
    url = "governance:minutes-detail"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).approved_minutes.pk])
    query = "lang=en"
    expect = MEMBERS_READ


class TestApprovedMinutesPdf(MinutesMatrix):
    url = "governance:minutes-pdf"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).approved_minutes.pk])
    expect = MEMBERS_READ


class TestDraftMinutes(MinutesMatrix):
    url = "governance:minutes-detail"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).draft_minutes.pk])
    expect = BODY_READS


class TestCirculatedMinutesPdf(MinutesMatrix):
    url = "governance:minutes-pdf"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).circulated_minutes.pk])
    expect = BODY_READS


class TestGenerateMinutes(MinutesMatrix):
    url = "governance:minutes-generate"
    method = "post"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).unminuted_meeting.pk])
    # Every member sees the meeting (its body is the cluster's): generating is refused, not hidden.
    expect = {**CHAIRS_WRITE, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 403}
    audit_action = "minutes.generated"


class TestCirculateMinutes(MinutesMatrix):
    url = "governance:minutes-circulate"
    method = "post"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).draft_minutes.pk])
    expect = CHAIRS_WRITE
    audit_action = "minutes.circulated"
    effect = staticmethod(_status("draft_minutes"))


class TestApproveMinutes(MinutesMatrix):
    url = "governance:minutes-approve"
    method = "post"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).circulated_minutes.pk])
    expect = CHAIRS_WRITE
    audit_action = "minutes.approved"
    effect = staticmethod(_status("circulated_minutes"))


class TestCommentMinutes(MinutesMatrix):
    """The body's members comment (its co-chairs sit on it); the staff read the comments, but a staff member who
    does not sit on the body does not comment."""

    url = "governance:minutes-comment"
    method = "post"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).circulated_minutes.pk])
    data = staticmethod(lambda ctx: {"text": "Au point 2, lire « 30 jours ».", "form_token": str(uuid.uuid4())})
    expect = {**BODY_READS, STAFF: 403, CO_CHAIR: 302, BODY_MEMBER: 302}
    audit_action = "minutes.commented"
    effect = staticmethod(lambda ctx, pk: MinutesComment.objects.filter(minutes=pk).count())


class TestDecisions(MinutesMatrix):
    url = "governance:decisions"
    expect = MEMBERS_READ
