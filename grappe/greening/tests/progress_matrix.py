"""The objects the progress, report and initiative policies read (test_permissions.py, "# Progress, report and
initiatives"), on the core matrix's cluster:
- `ctx.initiative`: a shared initiative of organisation B, published to members; A has not joined it;
- `ctx.joined_initiative`: another of B's, published, which A has joined (for leaving it);
- `ctx.private_initiative`: one of B's kept private (only B and the staff see it);
- a reported baseline of A and B in 2025 (the dashboard and the report have a year to show).
"""

import pytest

from grappe.greening.models import InitiativeParticipant, InitiativeTheme
from grappe.greening.services.initiatives import start_initiative
from grappe.members.models import OrgRole
from grappe.partnering.models import Visibility

from .factories import baseline


def add_progress(ctx):
    from grappe.conftest import make_member

    ctx.admin_b = make_member(ctx.org_b, "admin@bravo.test", OrgRole.ADMIN)

    def started(title, visibility=Visibility.MEMBERS):
        return start_initiative(actor=ctx.admin_b, organisation=ctx.org_b, title=title,
                                description="Achat groupé de panneaux solaires en Montérégie.",
                                theme=InitiativeTheme.ENERGY, visibility=visibility)

    ctx.initiative = started("Achat solaire groupé")
    ctx.joined_initiative = started("Filière de recyclage")
    InitiativeParticipant.objects.create(initiative=ctx.joined_initiative, organisation=ctx.org_a)
    ctx.private_initiative = started("Projet discret", Visibility.PRIVATE)
    baseline(ctx.org_a, 2025, 1000, 500, employees=10)
    baseline(ctx.org_b, 2025, 2000, 100, employees=20)
    return ctx


@pytest.fixture
def progress_matrix(matrix):
    """The core matrix's cluster with the objects above."""
    return add_progress(matrix)


class ProgressMatrix:
    """Mixed into a PermissionMatrix: its policy is checked on `progress_matrix`."""

    from grappe.core.tests.permission_matrix import ACTORS

    @pytest.mark.parametrize("actor", ACTORS)
    def test_access(self, actor, progress_matrix, client):
        self.check_access(actor, progress_matrix, client)
