"""The staff's partnership pages: adding a partner cluster against a real HTTP server (pytest-django's live_server
stands for the other instance, tests/other_instance_urls.py), suspending, resuming and revoking, trying failed
deliveries again, choosing what travels; the figures a partner cluster sees; the API. Who may do each is the
matrix's (test_permissions.py); here, what each does."""

import datetime
import re
import socket

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from grappe.conftest import make_organisation, make_staff
from grappe.core.models import AuditEntry
from grappe.federation import keys, overview, protocol
from grappe.federation.models import DeliveryStatus, ItemKind, OutgoingActivity, Partner, PartnerStatus, SharedItem
from grappe.federation.services import partnerships
from grappe.federation.statistics import public_figures
from grappe.members.models import MembershipStatus, OrganisationKind

from .other_instance_urls import OTHER
from .partner_factories import give_up, make_partner, other_instance, remote_item

ADD = "federation:partner-add"
APPROVE = "federation:partner-approve"


def detail(partner) -> str:
    return reverse("federation:partner-detail", args=[partner.pk])


def action(partner, name: str) -> str:
    return reverse(f"federation:partner-{name}", args=[partner.pk])


def entries(action_name: str) -> list:
    return list(AuditEntry.objects.filter(action=action_name).values_list("actor__email", "target_id"))


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


# --- adding a partner cluster, against a real server --------------------------------------------------------

@pytest.fixture
def other_key():
    """The other instance's key pair: its public half is in its actor document."""
    OTHER["key"] = keys.public_pem(Ed25519PrivateKey.generate().public_key())
    yield OTHER
    OTHER["key"] = None


def closed_port() -> int:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return free.getsockname()[1]


@pytest.mark.urls("grappe.federation.tests.other_instance_urls")
def test_the_staff_compare_fingerprints_then_approve_the_cluster_found_at_the_address(
        live_server, transactional_db, client, other_key):
    staff = make_staff()
    client.force_login(staff)
    address = f"{live_server.url}/other"

    found = client.post(reverse(ADD), {"address": address})

    theirs = keys.fingerprint(other_key["key"])
    ours = keys.fingerprint(keys.instance_key().public_key)
    page = found.content.decode()
    assert found.status_code == 200
    assert "Grappe logistique" in page
    assert theirs in page and ours in page and theirs != ours
    assert 'data-testid="compare-by-phone"' in page
    assert not Partner.objects.exists()  # finding it approves nothing

    form = found.context["form"]
    approved = client.post(reverse(APPROVE), {
        "form_token": form["form_token"].value(), "address": form["address"].value(),
        "fingerprint": form["fingerprint"].value(), "kinds": [ItemKind.EVENT, ItemKind.OPPORTUNITY]})

    partner = Partner.objects.get()
    assert approved.status_code == 302 and approved["Location"] == detail(partner)
    assert (partner.name, partner.actor_url, partner.inbox_url, partner.fingerprint, partner.status) == (
        "Grappe logistique", f"{address}/federation/actor", f"{address}/federation/inbox", theirs,
        PartnerStatus.WAITING)
    assert partner.kinds == [ItemKind.OPPORTUNITY, ItemKind.EVENT]  # in the kinds' own order
    assert partner.approved_by == staff
    assert entries("partner.approved") == [(staff.email, str(partner.pk))]
    assert list(partner.outbox.values_list("activity_type", flat=True)) == ["Follow"]


@pytest.mark.urls("grappe.federation.tests.other_instance_urls")
def test_a_key_changed_between_comparing_and_approving_is_shown_again_and_not_approved(
        live_server, transactional_db, client, other_key):
    client.force_login(make_staff())
    found = client.post(reverse(ADD), {"address": f"{live_server.url}/other"})
    form = found.context["form"]
    other_key["key"] = keys.public_pem(Ed25519PrivateKey.generate().public_key())  # someone stands between

    again = client.post(reverse(APPROVE), {
        "form_token": form["form_token"].value(), "address": form["address"].value(),
        "fingerprint": form["fingerprint"].value(), "kinds": [ItemKind.OPPORTUNITY]})

    assert again.status_code == 200
    assert again.context["form"].non_field_errors()
    assert keys.fingerprint(other_key["key"]) in again.content.decode()  # the new one, to compare by phone
    assert not Partner.objects.exists()
    assert not entries("partner.approved")


@pytest.mark.urls("grappe.federation.tests.other_instance_urls")
@pytest.mark.parametrize("path", [
    "/bakery",      # a web page, not a cluster's description
    "/nothing",     # nothing there (404)
    "/impostor",    # a document speaking for another site
    None,           # nobody listens
])
def test_an_address_that_is_not_a_grappe_instance_is_refused_with_what_was_typed_kept(
        live_server, transactional_db, client, path):
    client.force_login(make_staff())
    address = f"{live_server.url}{path}" if path else f"http://127.0.0.1:{closed_port()}/"

    with pytest.raises(ValidationError):
        partnerships.discover(address)
    page = client.post(reverse(ADD), {"address": address})

    assert page.status_code == 200
    assert page.context["form"].errors["address"]
    assert f'value="{address}"' in page.content.decode()
    assert not Partner.objects.exists()


def test_an_address_typed_without_its_scheme_is_fetched_over_https(staff_client, monkeypatch):
    asked = []
    monkeypatch.setattr(partnerships, "discover", lambda address: asked.append(address) or other_instance(
        "Grappe logistique", "https://logistique.example.org"))

    staff_client.post(reverse(ADD), {"address": "logistique.example.org"})

    assert asked == ["https://logistique.example.org"]


def test_approving_a_cluster_already_partner_is_refused_on_the_page(staff_client, staff, monkeypatch):
    partner = make_partner(staff)
    same = partnerships.Discovered(partner.actor_url, partner.inbox_url, partner.name, partner.public_key,
                                   partner.fingerprint)
    monkeypatch.setattr(partnerships, "discover", lambda address: same)

    page = staff_client.post(reverse(APPROVE), {
        "form_token": "0b5e1d7c-2f3a-4c6b-8d9e-1a2b3c4d5e6f", "address": "https://logistique.example.org",
        "fingerprint": partner.fingerprint, "kinds": [ItemKind.OPPORTUNITY]})

    assert page.status_code == 200
    assert page.context["form"].non_field_errors()
    assert Partner.objects.count() == 1 and not entries("partner.approved")


# --- the list and a partner's page ------------------------------------------------------------------------------

def delivered(partner, when):
    row = give_up(partner)
    OutgoingActivity.objects.filter(pk=row.pk).update(status=DeliveryStatus.DELIVERED, delivered_at=when,
                                                      last_error="")


def test_the_list_gives_each_partners_deliveries_and_what_our_members_see_of_it(staff_client, staff):
    active = make_partner(staff)
    last = timezone.now() - datetime.timedelta(hours=2)
    delivered(active, last - datetime.timedelta(days=1))
    delivered(active, last)
    give_up(active)
    OutgoingActivity.objects.filter(pk=give_up(active).pk).update(status=DeliveryStatus.PENDING)
    remote_item(active)
    remote_item(active, "Quai de transbordement")
    remote_item(active, "Retiré", withdrawn_at=timezone.now())
    suspended = make_partner(staff, "Grappe IA", "https://ia.example.org", status=PartnerStatus.SUSPENDED)
    remote_item(suspended)

    page = staff_client.get(reverse("federation:partner-list"))
    figures = {p.name: (p.pending, p.delivered, p.failed, p.last_delivery, p.items_received, p.items_visible)
               for p in page.context["partners"]}

    assert figures == {"Grappe logistique": (1, 2, 1, last, 3, 2), "Grappe IA": (0, 0, 0, None, 1, 0)}
    assert page.content.decode().count('data-testid="partner-row"') == 2
    assert 'data-status="suspended"' in page.content.decode()
    assert re.search(r"depuis le \d", page.content.decode())  # active since both sides approved


def test_a_partners_page_shows_what_failed_and_why_its_history_and_our_address_to_give(staff_client, staff):
    partner = make_partner(staff)
    give_up(partner, error="HTTP 503 Service Unavailable")
    partnerships.set_kinds(staff, partner, [ItemKind.OPPORTUNITY, ItemKind.EVENT])

    page = staff_client.get(detail(partner))
    text = page.content.decode()

    assert "HTTP 503 Service Unavailable" in text
    assert "Un élément partagé" in text  # a Create, said in words
    assert text.count('data-testid="history-entry"') == 1
    assert keys.fingerprint(keys.instance_key().public_key) in text
    assert 'data-testid="our-address"' in text and protocol.base_url() in text
    assert partner.fingerprint in text


# --- suspend, resume, revoke --------------------------------------------------------------------------------------

def items_seen(client) -> list[str]:
    return [item["title"] for item in client.get("/api/federation/items").json()["items"]]


def test_suspending_stops_exchange_at_once_and_hides_what_the_partner_shared(staff_client, staff):
    partner = make_partner(staff)
    remote_item(partner)
    assert items_seen(staff_client) == ["Entreposage frigorifique partagé"]

    response = staff_client.post(action(partner, "suspend"))

    partner.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == detail(partner)
    assert (partner.status, partner.changed_by) == (PartnerStatus.SUSPENDED, staff)
    entry = AuditEntry.objects.get(action="partner.suspended")
    assert (entry.before["status"], entry.after["status"]) == ("active", "suspended")
    assert list(partner.outbox.values_list("activity_type", "payload__object")) == [("Block", partner.actor_url)]
    assert items_seen(staff_client) == []
    assert overview.partners_with_figures().get(pk=partner.pk).items_visible == 0
    assert "partner.suspended" in [row.entry.action for row in staff_client.get(detail(partner)).context["history"]]


def test_resuming_makes_it_active_again_when_they_had_approved_else_it_waits_for_them(staff_client, staff):
    approved_both = make_partner(staff, status=PartnerStatus.SUSPENDED)
    only_us = make_partner(staff, "Grappe IA", "https://ia.example.org", status=PartnerStatus.SUSPENDED,
                           they_approved_at=None)

    staff_client.post(action(approved_both, "resume"))
    staff_client.post(action(only_us, "resume"))

    assert Partner.objects.get(pk=approved_both.pk).status == PartnerStatus.ACTIVE
    assert Partner.objects.get(pk=only_us.pk).status == PartnerStatus.WAITING
    assert len(entries("partner.resumed")) == 2
    assert list(approved_both.outbox.values_list("activity_type", flat=True)) == ["Undo"]


def test_a_revoked_partnership_cannot_be_resumed(staff_client, staff):
    partner = make_partner(staff)
    staff_client.post(action(partner, "revoke"))

    refused = staff_client.post(action(partner, "resume"), follow=True)

    assert Partner.objects.get(pk=partner.pk).status == PartnerStatus.REVOKED
    assert len(entries("partner.revoked")) == 1 and not entries("partner.resumed")
    assert [str(m) for m in refused.context["messages"]]
    assert refused.context["may_resume"] is False and refused.context["may_revoke"] is False


def test_suspending_twice_changes_nothing_the_second_time(staff_client, staff):
    partner = make_partner(staff)
    staff_client.post(action(partner, "suspend"))
    staff_client.post(action(partner, "suspend"))

    assert len(entries("partner.suspended")) == 1
    assert partner.outbox.count() == 1


# --- deliveries given up, tried again -----------------------------------------------------------------------------

def test_trying_again_sets_what_failed_pending_with_a_fresh_back_off(staff_client, staff):
    partner = make_partner(staff)
    failed = [give_up(partner), give_up(partner)]
    delivered(partner, timezone.now())
    other = make_partner(staff, "Grappe IA", "https://ia.example.org")
    elsewhere = give_up(other)

    staff_client.post(action(partner, "retry"))

    rows = OutgoingActivity.objects.filter(pk__in=[row.pk for row in failed])
    assert {(row.status, row.attempts) for row in rows} == {(DeliveryStatus.PENDING, 0)}
    assert partner.outbox.filter(status=DeliveryStatus.DELIVERED).count() == 1
    assert OutgoingActivity.objects.get(pk=elsewhere.pk).status == DeliveryStatus.FAILED  # another partner's
    entry = AuditEntry.objects.get(action="partner.delivery_retried")
    assert (entry.actor, entry.target_id, entry.after) == (staff, str(partner.pk), {"activities": 2})

    nothing = staff_client.post(action(partner, "retry"), follow=True)
    assert AuditEntry.objects.filter(action="partner.delivery_retried").count() == 1
    assert [str(m) for m in nothing.context["messages"]]


# --- what travels -------------------------------------------------------------------------------------------------

def test_choosing_what_travels_records_what_travelled_before_and_after(staff_client, staff):
    partner = make_partner(staff, kinds=[ItemKind.OPPORTUNITY])

    staff_client.post(action(partner, "kinds"), {"kinds": [ItemKind.EVENT, ItemKind.DECLARED_NEED]})

    assert Partner.objects.get(pk=partner.pk).kinds == ["need", "event"]
    entry = AuditEntry.objects.get(action="partner.kinds_changed")
    assert (entry.before["kinds"], entry.after["kinds"]) == (["opportunity"], ["need", "event"])


def test_an_unknown_kind_is_refused_on_the_page_and_nothing_changes(staff_client, staff):
    partner = make_partner(staff, kinds=[ItemKind.OPPORTUNITY])

    page = staff_client.post(action(partner, "kinds"), {"kinds": ["contacts"]})

    assert page.status_code == 200 and page.context["kinds_form"].errors["kinds"]
    assert Partner.objects.get(pk=partner.pk).kinds == ["opportunity"]
    assert not entries("partner.kinds_changed")


# --- what partner clusters see ------------------------------------------------------------------------------------

@pytest.fixture
def members(db, staff):
    """Six SMEs in Montréal, five tier 1 suppliers in Estrie, two primes in Laval, one former member: the primes
    are fewer than k = 5."""
    smes = [make_organisation(f"PME {n}", kind=OrganisationKind.SME, region="06") for n in range(6)]
    for n in range(5):
        make_organisation(f"Rang 1 {n}", kind=OrganisationKind.TIER1, region="05")
    primes = [make_organisation(f"Maître d'œuvre {n}", kind=OrganisationKind.PRIME, region="13") for n in range(2)]
    make_organisation("Ancien membre", kind=OrganisationKind.MRO, membership_status=MembershipStatus.FORMER)
    for n, organisation in enumerate(smes):
        SharedItem.objects.create(kind=ItemKind.OPPORTUNITY, object_id=n, organisation=organisation, shared_by=staff)
    SharedItem.objects.create(kind=ItemKind.EVENT, object_id=1, shared_by=staff)
    return smes, primes


def cells(breakdown: dict) -> dict:
    return {cell["key"]: (cell["organisations"], cell.get("items")) for cell in breakdown["groups"]
            if cell["hidden"] or cell["organisations"]}


def test_partner_clusters_see_counts_of_organisations_with_small_groups_hidden(members):
    figures = public_figures()

    assert figures["k"] == 5
    by_type = cells(figures["members_by_type"])
    assert by_type["sme"] == (6, None)
    assert by_type["prime"] == (None, None)  # two organisations: hidden
    assert by_type["tier1"] == (None, None)  # else the total minus the SMEs and tier 1s would give the primes
    assert "mro" not in by_type  # a former member is not counted
    total = figures["members_by_type"]["total"]["organisations"]
    shown = sum(n for n, _items in by_type.values() if n is not None)
    assert total is None or total - shown == 0 or total - shown >= 5  # the hidden ones are not given away
    assert cells(figures["members_by_region"])["13"] == (None, None)
    assert cells(figures["members_by_region"])["06"] == (6, None)
    assert cells(figures["shared_items_by_kind"]) == {"opportunity": (6, 6)}  # events are not counted


def test_the_staff_read_what_partner_clusters_see(staff_client, members):
    page = staff_client.get(reverse("federation:partner-statistics"))

    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="by-type"' in text and 'data-testid="by-kind"' in text
    assert str(page.context["fewer_than"]) in text
    assert "PME 0" not in text


# --- the API ------------------------------------------------------------------------------------------------------

def test_members_see_through_the_api_only_active_partners_items_not_withdrawn(client, staff, org_user):
    active = make_partner(staff)
    remote_item(active, "Entrepôt à Laval")
    remote_item(active, "Quai de Longueuil", kind=ItemKind.DECLARED_NEED)
    remote_item(active, "Retiré", withdrawn_at=timezone.now())
    waiting = make_partner(staff, "Grappe IA", "https://ia.example.org", status=PartnerStatus.WAITING)
    remote_item(waiting, "En attente")
    revoked = make_partner(staff, "Grappe santé", "https://sante.example.org", status=PartnerStatus.REVOKED)
    remote_item(revoked, "Révoqué")
    client.force_login(org_user)

    answer = client.get("/api/federation/items").json()
    needs = client.get("/api/federation/items?kind=need").json()

    assert sorted(item["title"] for item in answer["items"]) == ["Entrepôt à Laval", "Quai de Longueuil"]
    assert {item["cluster"] for item in answer["items"]} == {"Grappe logistique"}
    assert [item["title"] for item in needs["items"]] == ["Quai de Longueuil"]


def test_the_staff_read_the_partners_and_their_deliveries_through_the_api(staff_client, staff):
    partner = make_partner(staff)
    give_up(partner)

    answer = staff_client.get("/api/federation/partners").json()

    assert answer["count"] == 1
    row = answer["items"][0]
    assert (row["name"], row["status"], row["failed"], row["kinds"]) == (
        "Grappe logistique", "active", 1, ["opportunity"])
    assert "public_key" not in row


# --- the menu -----------------------------------------------------------------------------------------------------

def test_the_staff_menu_leads_to_the_partner_clusters_and_a_members_does_not(client, staff, org_user):
    link = f'href="{reverse("federation:partner-list")}"'
    client.force_login(staff)
    assert link in client.get(reverse("federation:partner-list")).content.decode()
    client.force_login(org_user)
    assert link not in client.get(reverse("labour:board")).content.decode()


def test_the_pages_read_in_french(staff_client, staff):
    partner = make_partner(staff)

    assert "Grappes partenaires" in staff_client.get(reverse("federation:partner-list")).content.decode()
    assert "Suspendre le partenariat" in staff_client.get(detail(partner)).content.decode()


def test_a_partner_that_cannot_be_reached_is_said_so_on_its_figures_page(staff_client, staff):
    partner = make_partner(staff, base="http://127.0.0.1:9")  # nothing listens on the discard port

    page = staff_client.get(reverse("federation:partner-figures", args=[partner.pk]))

    assert page.status_code == 200
    assert partner.name in page.context["error"] and 'role="alert"' in page.content.decode()


def test_a_partner_not_active_has_no_figures_page(staff_client, staff):
    partner = make_partner(staff, status=PartnerStatus.SUSPENDED)

    assert staff_client.get(reverse("federation:partner-figures", args=[partner.pk])).status_code == 404
