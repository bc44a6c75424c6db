"""The share page as its readers see it: an organisation's administrator, the staff; what the preview says, to
whom an item goes, what never travels, and the switch's effect."""

import pytest
from django.urls import reverse

from grappe.conftest import make_member
from grappe.core.models import AuditEntry
from grappe.federation.models import ItemKind, OutgoingActivity, PartnerStatus, SharedItem
from grappe.members.models import OrgRole
from grappe.partnering.models import Visibility

from .item_factories import (
    give_secrets,
    make_declared_need,
    make_opportunity,
    make_partner,
    make_public_event,
    make_shared_availability,
)


@pytest.fixture
def alpha(org_a, capability):
    give_secrets(org_a)
    admin = make_member(org_a, "admin@alpha.test", OrgRole.ADMIN)
    return {"organisation": org_a, "admin": admin, "capability": capability,
            "opportunity": make_opportunity(org_a, admin, capability),
            "private": make_opportunity(org_a, admin, capability, title="Projet discret",
                                        visibility=Visibility.PRIVATE),
            "need": make_declared_need(org_a, admin, capability),
            "availability": make_shared_availability(org_a, admin, capability)}


def share_page(client, user, language="fr"):
    client.force_login(user)
    response = client.get(reverse("federation:share").replace("/fr/", f"/{language}/"))
    assert response.status_code == 200
    return response.content.decode()


def test_an_administrator_sees_its_items_each_off_with_its_preview(client, alpha, staff):
    make_partner("Grappe logistique", approved_by=staff, kinds=[ItemKind.OPPORTUNITY])
    page = share_page(client, alpha["admin"], "en")
    for title in ("Supports en titane", "Projet discret", "Deux machinistes CNC", "Alpha Usinage"):
        assert title in page
    assert "checked" not in page  # off by default
    assert "What will be sent" in page and "5-axis machining" in page
    assert "Goes to: Grappe logistique." in page  # the opportunity
    assert "No partner cluster yet takes this kind of item" in page  # the need, the availability, the profile
    assert "Never sent: your contacts and people, the budget" in page
    assert "Only an opportunity published to members may travel" in page  # the private one, without a switch
    assert "marie.tremblay@alpha.test" not in page and "514 555-0199" not in page and "987654" not in page


def test_the_page_is_in_french_by_default(client, alpha):
    page = share_page(client, alpha["admin"])
    assert "Partager avec les grappes partenaires" in page
    assert "Ce qui sera envoyé" in page


def test_a_suspended_partner_is_not_named_among_the_recipients(client, alpha, staff):
    make_partner("Grappe suspendue", approved_by=staff, status=PartnerStatus.SUSPENDED)
    assert "Grappe suspendue" not in share_page(client, alpha["admin"], "en")


def test_switching_on_shares_and_switching_off_withdraws(client, alpha, staff):
    make_partner(approved_by=staff)
    client.force_login(alpha["admin"])
    url = reverse("federation:share-item", args=[ItemKind.OPPORTUNITY, alpha["opportunity"].pk])
    response = client.post(url, {"shared": "on"})
    assert response.status_code == 302 and response.url.endswith(f"#opportunity-{alpha['opportunity'].pk}")
    assert SharedItem.objects.filter(kind=ItemKind.OPPORTUNITY, object_id=alpha["opportunity"].pk).exists()
    assert "checked" in share_page(client, alpha["admin"])
    client.post(url, {})
    assert not SharedItem.objects.exists()
    assert list(OutgoingActivity.objects.order_by("pk").values_list("activity_type", flat=True)) == [
        "Create", "Delete"]
    assert list(AuditEntry.objects.filter(action__startswith="item.").order_by("pk").values_list(
        "action", flat=True)) == ["item.shared", "item.unshared"]


def test_a_private_opportunity_is_refused_with_the_reason(client, alpha):
    client.force_login(alpha["admin"])
    url = reverse("federation:share-item", args=[ItemKind.OPPORTUNITY, alpha["private"].pk])
    response = client.post(url.replace("/fr/", "/en/"), {"shared": "on"}, follow=True)
    assert "Only an opportunity published to members may travel" in response.content.decode()
    assert not SharedItem.objects.exists() and not AuditEntry.objects.filter(action="item.shared").exists()


def test_the_staff_see_the_clusters_events_and_no_members_item(client, alpha, staff):
    make_public_event(staff, title="Journée B2B aéro")
    make_public_event(staff, title="Réunion des membres", audience="members")
    page = share_page(client, staff, "en")
    assert "Journée B2B aéro" in page and "Réunion des membres" in page
    assert "Only an event open to guests may travel" in page
    assert "Supports en titane" not in page


def test_an_unknown_kind_is_not_found(client, alpha):
    client.force_login(alpha["admin"])
    response = client.post(reverse("federation:share-item", args=["spaceship", 1]), {"shared": "on"})
    assert response.status_code == 404


def test_a_colleague_reads_what_is_shared_without_a_switch(client, alpha, staff):
    make_partner(approved_by=staff)
    client.force_login(alpha["admin"])
    client.post(reverse("federation:share-item", args=[ItemKind.OPPORTUNITY, alpha["opportunity"].pk]),
                {"shared": "on"})
    colleague = make_member(alpha["organisation"], "user@alpha.test")
    page = share_page(client, colleague, "en")
    assert "The administrators of Alpha Usinage choose which of its items" in page
    assert "Supports en titane" in page and "Shared" in page and "What will be sent" in page
    assert 'role="switch"' not in page and "/share/opportunity/" not in page


def test_the_menu_leads_members_and_staff_to_the_share_page(client, alpha, staff):
    for user in (alpha["admin"], staff):
        client.force_login(user)
        page = client.get(reverse("labour:board")).content.decode()
        assert reverse("federation:share") in page
