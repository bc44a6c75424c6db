"""Who may use each page and endpoint of cooperation between clusters (grappe/core/tests/permission_matrix.py)."""

from grappe.core.tests.permission_matrix import ACTORS, PUBLIC, PermissionMatrix
from grappe.federation import protocol

# --- what partner instances speak to: public documents, and an inbox that hears signed requests only ---------


class TestActor(PermissionMatrix):
    url = "federation-protocol:actor"
    expect = PUBLIC


class TestOutbox(PermissionMatrix):
    url = "federation-protocol:outbox"
    expect = PUBLIC


class TestInbox(PermissionMatrix):
    """A session is no credential here: without a partner's signature, everyone is refused and nothing is stored."""

    url = "federation-protocol:inbox"
    method = "post"
    content_type = protocol.MEDIA_TYPE
    data = staticmethod(lambda ctx: {"id": "https://logistique.example/federation/activities/1", "type": "Follow",
                                     "actor": "https://logistique.example/federation/actor"})
    expect = dict.fromkeys(ACTORS, 401)
    audit_action = None


class TestStatistics(PermissionMatrix):
    """Our aggregated figures, for an active partner's signed request only: a session is no credential."""

    url = "federation-protocol:statistics"
    expect = dict.fromkeys(ACTORS, 401)
