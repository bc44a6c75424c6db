"""The governance permission matrix's actors and cluster, shared by every governance test module.

Beside the matrix's actors (grappe/core/tests/permission_matrix.py), governance has two of its own:
- CO_CHAIR: a member user of organisation A, the industry co-chair of `ctx.committee` (the staff co-chair is
  `ctx.staff`); OWN_USER and OWN_ADMIN, of the same organisation, do not sit on it;
- BODY_MEMBER: a member user of another organisation D, an active member of `ctx.committee`, no seat.
`ctx.axis` is the strategic axis `ctx.committee` sits under (nobody is a member of it). The committee is not open
to members (a member asks to join; a co-chair or the staff accept).

A test module declares its policies on `GovernanceMatrix`; `add_governance(ctx)` builds the same objects on any
matrix ctx (the browser sweep calls it on its own cluster).
"""

import pytest

from grappe.conftest import make_member, make_organisation
from grappe.core.tests.permission_matrix import ACTORS, PermissionMatrix
from grappe.governance.models import BodyKind

from .factories import co_chaired, make_body, seat

CO_CHAIR = "co_chair"
BODY_MEMBER = "body_member"
GOVERNANCE_ACTORS = (*ACTORS, CO_CHAIR, BODY_MEMBER)


def add_governance(ctx):
    """Add the axis, its committee (co-chaired by ctx.staff and ctx.co_chair) and the committee's member of
    organisation D (ctx.body_member) to the matrix's cluster."""
    ctx.axis = make_body(BodyKind.AXIS, "Environnement", name_en="Environment",
                         mandate_fr="Réduire l’empreinte environnementale de la filière.",
                         mandate_en="Reduce the industry’s environmental footprint.")
    ctx.committee = make_body(BodyKind.COMMITTEE, "Comité environnement", name_en="Environment committee",
                              parent=ctx.axis, mandate_fr="Piloter les chantiers environnementaux.",
                              mandate_en="Steer the environmental work streams.")
    ctx.org_d = make_organisation("Delta Gouvernance", neq="4545454545")
    ctx.co_chair = make_member(ctx.org_a, "cochair@alpha.test")
    ctx.body_member = make_member(ctx.org_d, "member@delta-gouvernance.test")
    co_chaired(ctx.committee, ctx.staff, ctx.co_chair)
    seat(ctx.committee, ctx.body_member)
    return ctx


@pytest.fixture
def governance_matrix(matrix):
    """The matrix's cluster with the governance objects and actors above."""
    return add_governance(matrix)


class GovernanceMatrix(PermissionMatrix):
    """A governance policy: every actor of GOVERNANCE_ACTORS declared, checked on `governance_matrix`."""

    actors = GOVERNANCE_ACTORS

    @pytest.mark.parametrize("actor", GOVERNANCE_ACTORS)
    def test_access(self, actor, governance_matrix, client):
        self.check_access(actor, governance_matrix, client)
