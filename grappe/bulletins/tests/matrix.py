"""The bulletins' permission-matrix fixture: the core matrix (organisations A and B and their users, the staff,
an observer) and three bulletins — a public one sent to everyone, one sent to organisation A only, a draft."""

import pytest

from grappe.bulletins.models import BulletinStatus, Category
from grappe.conftest import make_staff
from grappe.members.models import Role

from .factories import make_bulletin


@pytest.fixture
def bulletins_matrix(matrix):
    ctx = matrix
    ctx.public_bulletin = make_bulletin(title="Salon du Bourget", category=Category.EVENTS,
                                        status=BulletinStatus.SENT, is_public=True,
                                        audience=[ctx.org_a, ctx.org_b])
    ctx.bulletin_to_a = make_bulletin(title="Tarifs douaniers : ce qui vous concerne", category=Category.ECONOMIC,
                                      status=BulletinStatus.SENT, audience=[ctx.org_a])
    ctx.draft = make_bulletin(title="Brouillon", created_by=ctx.staff)
    # A programs officer is staff but does not write bulletins.
    ctx.programs_officer = make_staff("programs@grappe.test", role=Role.STAFF_PROGRAMS)
    return ctx
