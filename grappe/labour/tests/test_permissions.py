"""Who may open each page of labour sharing (grappe/core/tests/permission_matrix.py)."""

from grappe.core.tests.permission_matrix import (
    ANONYMOUS,
    OBSERVER,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    STAFF,
    PermissionMatrix,
)

MEMBERS_AND_STAFF = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 403}


class TestBoard(PermissionMatrix):
    url = "labour:board"
    expect = MEMBERS_AND_STAFF


# Availabilities and needs (labour_matrix: A's availability and own need, B's need). A post on the board is seen
# by every member and the staff; only its organisation's administrator (OWN_ADMIN for A's) posts, changes and
# withdraws; the staff moderate nothing here; an observer sees none of it.

import uuid  # noqa: E402 — appended with its block, so that merges stay easy

import pytest  # noqa: E402

from grappe.labour.models import Availability, Need  # noqa: E402

from .factories import period  # noqa: E402

ADMIN_ONLY = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 200, STAFF: 403, OBSERVER: 403}
ADMIN_WRITES = {**ADMIN_ONLY, OWN_ADMIN: 302}
MEMBERS_ONLY = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 403, OBSERVER: 403}


class LabourMatrix(PermissionMatrix):
    @pytest.fixture
    def matrix(self, labour_matrix):
        return labour_matrix


def post_data(ctx, **more) -> dict:
    start, end = period()
    return {"form_token": str(uuid.uuid4()), "title": "Trois machinistes", "skills": [ctx.capability.pk],
            "people": "3", "start": start.isoformat(), "end": end.isoformat(), "region": "06", "mode": "on_site",
            "clearance": "none", **more}


def availability_data(ctx) -> dict:
    return post_data(ctx, hourly_rate="60", at_cost_confirmed="on")


class TestAvailabilityCreate(LabourMatrix):
    url = "labour:availability-create"
    expect = ADMIN_ONLY


class TestAvailabilityPost(LabourMatrix):
    url = "labour:availability-create"
    method = "post"
    data = staticmethod(availability_data)
    expect = ADMIN_WRITES
    audit_action = "availability.posted"


class TestAvailabilityDetail(LabourMatrix):
    url = "labour:availability-detail"
    args = staticmethod(lambda ctx: [ctx.availability.pk])
    expect = MEMBERS_AND_STAFF


class TestAvailabilityEdit(LabourMatrix):
    url = "labour:availability-edit"
    args = staticmethod(lambda ctx: [ctx.availability.pk])
    expect = ADMIN_ONLY


class TestAvailabilityChange(LabourMatrix):
    url = "labour:availability-edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.availability.pk])
    data = staticmethod(availability_data)
    expect = ADMIN_WRITES
    audit_action = "availability.changed"
    effect = staticmethod(lambda ctx, pk: Availability.objects.get(pk=pk).people)


class TestAvailabilityWithdraw(LabourMatrix):
    url = "labour:availability-withdraw"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.availability.pk])
    expect = ADMIN_WRITES
    audit_action = "availability.withdrawn"
    effect = staticmethod(lambda ctx, pk: Availability.objects.get(pk=pk).status)


class TestNeedCreate(LabourMatrix):
    url = "labour:need-create"
    expect = ADMIN_ONLY


class TestNeedPost(LabourMatrix):
    url = "labour:need-create"
    method = "post"
    data = staticmethod(post_data)
    expect = ADMIN_WRITES
    audit_action = "need.posted"


class TestNeedDetail(LabourMatrix):
    url = "labour:need-detail"
    args = staticmethod(lambda ctx: [ctx.need.pk])
    expect = MEMBERS_AND_STAFF


class TestOwnNeedDetail(LabourMatrix):
    url = "labour:need-detail"
    args = staticmethod(lambda ctx: [ctx.own_need.pk])
    expect = MEMBERS_AND_STAFF


class TestNeedEdit(LabourMatrix):
    url = "labour:need-edit"
    args = staticmethod(lambda ctx: [ctx.own_need.pk])
    expect = ADMIN_ONLY


class TestNeedChange(LabourMatrix):
    url = "labour:need-edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.own_need.pk])
    data = staticmethod(post_data)
    expect = ADMIN_WRITES
    audit_action = "need.changed"
    effect = staticmethod(lambda ctx, pk: Need.objects.get(pk=pk).people)


class TestNeedWithdraw(LabourMatrix):
    url = "labour:need-withdraw"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.own_need.pk])
    expect = ADMIN_WRITES
    audit_action = "need.withdrawn"
    effect = staticmethod(lambda ctx, pk: Need.objects.get(pk=pk).status)


class TestBNeedIsNotAsChangedByA(LabourMatrix):
    """B's need: nobody of the matrix administers B."""

    url = "labour:need-withdraw"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.need.pk])
    expect = {**ADMIN_ONLY, OWN_ADMIN: 403}
    audit_action = "need.withdrawn"
    effect = staticmethod(lambda ctx, pk: Need.objects.get(pk=pk).status)


class TestMine(LabourMatrix):
    url = "labour:mine"
    expect = MEMBERS_ONLY
