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
