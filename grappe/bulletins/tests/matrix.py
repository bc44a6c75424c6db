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
def subscription_matrix(bulletins_matrix):
    """The matrix with what a person controls of their mail: a consenting reader of organisation A who received
    the bulletin sent to A, the signed links of that email, and an address the mail server refused."""
    from grappe.bulletins import links
    from grappe.bulletins.models import Channel, Delivery, Topic
    from grappe.core.models import BouncedAddress
    from grappe.members.models import Person

    ctx = bulletins_matrix
    ctx.reader = Person.objects.create(organisation=ctx.org_a, first_name="Rémi", last_name="Gagnon",
                                       email="remi.gagnon@alpha.test", consent_communications=True)
    ctx.delivery = Delivery.objects.create(bulletin=ctx.bulletin_to_a, person=ctx.reader, channel=Channel.IMMEDIATE)
    ctx.unsubscribe_token = links.sign(links.UNSUBSCRIBE, [ctx.reader.pk, Topic.ECONOMIC.value])
    ctx.preferences_token = links.sign(links.PREFERENCES, ctx.reader.pk)
    ctx.open_token = links.sign(links.OPENED, ctx.delivery.pk)
    ctx.click_token = links.sign(links.CLICKED, [ctx.delivery.pk, "https://www.quebec.ca/tarifs"])
    ctx.bounce = BouncedAddress.objects.create(email="lea@alpha.test", reason="550 5.1.1 user unknown")
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
