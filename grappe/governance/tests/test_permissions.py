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
