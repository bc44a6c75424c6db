"""The demo's partnership (`manage.py demo_partnership --peer URL`, which scripts/demo.sh --with-partner runs on
both instances): two instances on loopback end up partners on both sides, each member seeing the other's shared
items marked with its cluster's name; running it again changes nothing; without staff or a reachable peer it
says why."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from grappe.core.models import AuditEntry
from grappe.federation.models import Partner, PartnerStatus, RemoteItem
from grappe.federation.tests.instances import SECOND_NAME
from grappe.members.models import OrgRole

from grappe.conftest import make_member, make_organisation

pytestmark = pytest.mark.two_instances

# In the logistics instance (B): its staff, and an organisation that shared its capability profile.
LOGISTICS = """
from grappe.federation.services import sharing
from grappe.members.models import Organisation, OrgRole, Person, Role, User
User.objects.create_user("staff@logistique.test", None, role=Role.STAFF_ADMIN, full_name="Luc Tremblay")
org = Organisation.objects.create(legal_name="Transports Nordiques inc.", slug="transports-nordiques", kind="sme",
                                  membership_status="active")
admin = User.objects.create_user("anne@nordiques.test", None, full_name="Anne Gagnon")
Person.objects.create(organisation=org, user=admin, first_name="Anne", last_name="Gagnon", email=admin.email,
                      org_role=OrgRole.ADMIN)
sharing.share(admin, "profile", org)
"""
COMMAND = """
import io
from django.core.management import call_command
out = io.StringIO()
call_command("demo_partnership", peer=peer, wait=wait, stdout=out)
result = out.getvalue()
"""
PARTNER = """
from grappe.federation.models import Partner
result = list(Partner.objects.values_list("actor_url", "status"))
"""


def test_both_instances_become_partners_and_a_member_sees_the_other_clusters_items(second, staff, live_server,
                                                                                    client):
    second.run(LOGISTICS)

    call_command("demo_partnership", peer=second.url)  # first: its Follow is refused, B does not know us yet
    said = second.run(COMMAND, peer=live_server.url, wait=30)
    call_command("demo_partnership", peer=second.url, wait=30)

    assert "Active" in said or "Actif" in said
    partner = Partner.objects.get()
    assert (partner.actor_url, partner.name, partner.status) == (second.actor_url, SECOND_NAME,
                                                                  PartnerStatus.ACTIVE)
    assert second.run(PARTNER) == [[f"{live_server.url}/federation/actor", PartnerStatus.ACTIVE]]
    assert list(RemoteItem.objects.values_list("title", flat=True)) == ["Transports Nordiques inc."]
    member = make_member(make_organisation("Alpha Usinage", neq="1111111111"), "user@alpha.test", OrgRole.ADMIN)
    client.force_login(member)
    page = client.get(reverse("federation:remote-list")).content.decode()
    assert "Transports Nordiques inc." in page and SECOND_NAME in page

    approvals = AuditEntry.objects.filter(action="partner.approved").count()
    call_command("demo_partnership", peer=second.url, wait=5)  # again: nothing changes
    assert AuditEntry.objects.filter(action="partner.approved").count() == approvals == 1
    assert Partner.objects.get().status == PartnerStatus.ACTIVE


def test_it_needs_a_staff_administrator_and_a_reachable_peer(second, db):
    with pytest.raises(CommandError, match="generate_demo"):
        call_command("demo_partnership", peer=second.url)


def test_an_unreachable_peer_is_said(staff, db):
    with pytest.raises(CommandError, match="127.0.0.1:9/federation/actor"):
        call_command("demo_partnership", peer="http://127.0.0.1:9")
