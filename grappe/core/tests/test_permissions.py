from .permission_matrix import (
    ANONYMOUS,
    OBSERVER,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    PUBLIC,
    SIGNED_IN,
    STAFF,
    STAFF_ONLY,
    PermissionMatrix,
)


class TestHome(PermissionMatrix):
    url = "core:home"
    expect = PUBLIC


class TestAuditLog(PermissionMatrix):
    url = "core:audit-log"
    expect = STAFF_ONLY


class TestNotifications(PermissionMatrix):
    url = "core:notifications"
    expect = SIGNED_IN


class TestSetLanguage(PermissionMatrix):
    """Anyone may switch the language; it redirects back."""

    url = "set_language"
    method = "post"
    data = staticmethod(lambda ctx: {"language": "en", "next": "/fr/"})
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 302, OWN_USER: 302, OWN_ADMIN: 302, STAFF: 302, OBSERVER: 302}
