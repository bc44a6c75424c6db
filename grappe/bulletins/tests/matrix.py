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


@pytest.fixture
def sending_matrix(bulletins_matrix):
    """For scheduling and sending: a notice to members (it reaches every active person of a member organisation,
    whatever their consent), a scheduled one, and a finished sending of the public bulletin."""
    from grappe.bulletins.models import SendJob

    ctx = bulletins_matrix
    ctx.sendable = make_bulletin(title="Convocation à l’assemblée", category=Category.NOTICE, created_by=ctx.staff)
    ctx.scheduled = make_bulletin(title="Programmé", category=Category.NOTICE, status=BulletinStatus.SCHEDULED,
                                  created_by=ctx.staff)
    ctx.send_job = SendJob.objects.create(bulletin=ctx.public_bulletin, owner=ctx.staff, status="done", total=2,
                                          processed=2)
    return ctx
