"""Sharing items with partner clusters (services/sharing.py): what lands in the outbox, for whom, and the audit
trail; changes and withdrawals at the origin reaching partners once the change commits."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from grappe.conftest import committed, make_member, make_staff
from grappe.core.models import AuditEntry
from grappe.events.models import Audience, Phase
from grappe.federation import items, protocol
from grappe.federation.models import ItemKind, OutgoingActivity, PartnerStatus, SharedItem
from grappe.federation.services import sharing
from grappe.labour.models import PostStatus
from grappe.labour.services import posts as labour_posts
from grappe.members.models import OrgRole
from grappe.partnering.models import OpportunityStatus, Visibility
from grappe.partnering.services import needs as partnering_needs
from grappe.partnering.services import opportunities as partnering_opportunities

from .item_factories import (
    make_declared_need,
    make_opportunity,
    make_partner,
    make_profile,
    make_public_event,
    make_shared_availability,
)


@pytest.fixture
def cluster(org_a, org_b, capability):
    """Alpha (its admin and a plain member), Bravo's admin, the staff, and three partners: one taking every kind,
    one taking events only, one suspended."""
    staff = make_staff()
    return {
        "org": org_a, "capability": capability, "staff": staff,
        "admin": make_member(org_a, "admin@alpha.test", OrgRole.ADMIN),
        "user": make_member(org_a, "user@alpha.test"),
        "other_admin": make_member(org_b, "admin@bravo.test", OrgRole.ADMIN),
        "logistics": make_partner("Grappe logistique", "logistique.example", approved_by=staff),
        "ai": make_partner("Grappe IA", "ia.example", kinds=[ItemKind.EVENT], approved_by=staff),
        "suspended": make_partner("Grappe suspendue", "suspendue.example", status=PartnerStatus.SUSPENDED,
                                  approved_by=staff),
    }


def outbox(activity_type=None):
    rows = OutgoingActivity.objects.select_related("partner").order_by("pk")
    if activity_type:
        rows = rows.filter(activity_type=activity_type)
    return [(row.activity_type, row.partner.name, row.payload["object"]["id"]) for row in rows]


def opportunity_of(cluster, **fields):
    return make_opportunity(cluster["org"], cluster["admin"], cluster["capability"], **fields)


def test_sharing_an_opportunity_sends_a_create_to_the_active_partners_taking_opportunities(cluster):
    opportunity = opportunity_of(cluster)
    shared = sharing.share(cluster["admin"], ItemKind.OPPORTUNITY, opportunity)
    url = protocol.object_url(ItemKind.OPPORTUNITY, opportunity.pk)
    assert outbox() == [("Create", "Grappe logistique", url)]
    row = OutgoingActivity.objects.get()
    assert row.payload["object"]["name"] == "Supports en titane"
    assert row.payload["to"] == ["https://logistique.example/federation/actor"]
    assert (shared.kind, shared.object_id, shared.organisation, shared.shared_by) == (
        ItemKind.OPPORTUNITY, opportunity.pk, cluster["org"], cluster["admin"])
    entry = AuditEntry.objects.get(action="item.shared")
    assert entry.actor == cluster["admin"] and entry.after["partners"] == ["Grappe logistique"]


def test_a_double_click_shares_once(cluster):
    opportunity = opportunity_of(cluster)
    first = sharing.share(cluster["admin"], ItemKind.OPPORTUNITY, opportunity)
    second = sharing.share(cluster["admin"], ItemKind.OPPORTUNITY, opportunity)
    assert first.pk == second.pk and SharedItem.objects.count() == 1
    assert len(outbox("Create")) == 1
    assert AuditEntry.objects.filter(action="item.shared").count() == 1


def test_an_item_that_may_not_travel_is_refused_with_the_reason(cluster):
    opportunity = opportunity_of(cluster, visibility=Visibility.PRIVATE)
    with pytest.raises(ValidationError) as refused:
        sharing.share(cluster["admin"], ItemKind.OPPORTUNITY, opportunity)
    assert refused.value.messages == [items.is_shareable(ItemKind.OPPORTUNITY, opportunity).reason]
    assert not SharedItem.objects.exists() and not OutgoingActivity.objects.exists()
    assert not AuditEntry.objects.filter(action="item.shared").exists()


@pytest.mark.parametrize("who", ["user", "other_admin", "staff"])
def test_only_the_organisations_administrator_shares_its_items(cluster, who):
    opportunity = opportunity_of(cluster)
    with pytest.raises(PermissionDenied):
        sharing.share(cluster[who], ItemKind.OPPORTUNITY, opportunity)
    assert not SharedItem.objects.exists() and not OutgoingActivity.objects.exists()


def test_the_staff_share_a_public_event_and_a_member_may_not(cluster):
    event = make_public_event(cluster["staff"])
    with pytest.raises(PermissionDenied):
        sharing.share(cluster["admin"], ItemKind.EVENT, event)
    shared = sharing.share(cluster["staff"], ItemKind.EVENT, event)
    assert shared.organisation is None
    assert sorted(name for _t, name, _id in outbox("Create")) == ["Grappe IA", "Grappe logistique"]


def test_unsharing_sends_a_delete_with_a_tombstone(cluster):
    opportunity = opportunity_of(cluster)
    shared = sharing.share(cluster["admin"], ItemKind.OPPORTUNITY, opportunity)
    sharing.unshare(cluster["admin"], shared)
    sharing.unshare(cluster["admin"], shared)  # a double click
    assert not SharedItem.objects.exists()
    delete = OutgoingActivity.objects.get(activity_type="Delete")
    assert delete.payload["object"]["type"] == "Tombstone"
    assert delete.payload["object"]["id"] == protocol.object_url(ItemKind.OPPORTUNITY, opportunity.pk)
    assert set(delete.payload["object"]) == {"id", "type", "grappe:kind", "deleted"}
    entry = AuditEntry.objects.get(action="item.unshared")
    assert entry.actor == cluster["admin"] and entry.after["reason"] == "unshared"


def test_another_organisations_admin_cannot_unshare(cluster):
    shared = sharing.share(cluster["admin"], ItemKind.OPPORTUNITY, opportunity_of(cluster))
    with pytest.raises(PermissionDenied):
        sharing.unshare(cluster["other_admin"], shared)
    assert SharedItem.objects.filter(pk=shared.pk).exists()


def test_a_partner_taking_a_kind_receives_every_shared_item_of_it(cluster):
    opportunity = opportunity_of(cluster)
    sharing.share(cluster["admin"], ItemKind.OPPORTUNITY, opportunity)
    # Shared, then closed without its change reaching us (no commit): it no longer travels.
    closed = opportunity_of(cluster, title="Ancien projet", status=OpportunityStatus.CLOSED)
    SharedItem.objects.create(kind=ItemKind.OPPORTUNITY, object_id=closed.pk, organisation=cluster["org"],
                              shared_by=cluster["admin"])
    OutgoingActivity.objects.all().delete()
    assert sharing.send_shared_items(cluster["ai"], [ItemKind.OPPORTUNITY]) == 0  # it does not take them
    assert sharing.send_shared_items(cluster["logistics"], [ItemKind.OPPORTUNITY]) == 1
    assert outbox() == [("Create", "Grappe logistique", protocol.object_url(ItemKind.OPPORTUNITY, opportunity.pk))]


# Changes at the origin ------------------------------------------------------------------------------------------

def test_a_change_of_a_shared_opportunity_sends_one_update_once_committed(cluster):
    opportunity = opportunity_of(cluster)
    sharing.share(cluster["admin"], ItemKind.OPPORTUNITY, opportunity)
    with committed():
        with transaction.atomic():
            partnering_opportunities.set_opportunity_needs(actor=cluster["admin"], opportunity=opportunity,
                                                           must_haves=[cluster["capability"]],
                                                           nice_to_haves=[cluster["capability"].parent])
            opportunity.title = "Supports en titane, deuxième lot"
            opportunity.save()
        assert outbox("Update") == []  # not before the commit
    updates = OutgoingActivity.objects.filter(activity_type="Update")
    assert [row.partner.name for row in updates] == ["Grappe logistique"]
    obj = updates.get().payload["object"]
    assert obj["name"] == "Supports en titane, deuxième lot"
    assert [c["mustHave"] for c in obj["grappe:capabilities"]] == [True, False]


def test_a_change_of_an_item_nobody_shared_sends_nothing(cluster):
    opportunity = opportunity_of(cluster)
    with committed():
        opportunity.title = "Autre titre"
        opportunity.save()
    assert not OutgoingActivity.objects.exists()


def test_a_shared_availability_changed_through_its_service_sends_one_update(cluster):
    availability = make_shared_availability(cluster["org"], cluster["admin"], cluster["capability"])
    sharing.share(cluster["admin"], ItemKind.AVAILABILITY, availability)
    with committed():
        labour_posts.update_availability(cluster["admin"], availability, people=3,
                                         skills=[cluster["capability"], cluster["capability"].parent])
    update = OutgoingActivity.objects.get(activity_type="Update")
    assert update.payload["object"]["grappe:people"] == 3
    assert len(update.payload["object"]["grappe:skills"]) == 2


def test_a_closed_opportunity_is_withdrawn_at_the_partners(cluster):
    opportunity = opportunity_of(cluster)
    sharing.share(cluster["admin"], ItemKind.OPPORTUNITY, opportunity)
    with committed():
        partnering_opportunities.close_opportunity(actor=cluster["admin"], opportunity=opportunity)
    assert outbox("Update") == []
    assert outbox("Delete") == [("Delete", "Grappe logistique",
                                 protocol.object_url(ItemKind.OPPORTUNITY, opportunity.pk))]
    assert not SharedItem.objects.exists()
    entry = AuditEntry.objects.get(action="item.unshared")
    assert entry.actor is None and entry.after["reason"] == "withdrawn"


def test_an_opportunity_made_private_is_withdrawn_at_the_partners(cluster):
    opportunity = opportunity_of(cluster)
    sharing.share(cluster["admin"], ItemKind.OPPORTUNITY, opportunity)
    with committed():
        partnering_opportunities.set_visibility(actor=cluster["admin"], opportunity=opportunity,
                                                visibility=Visibility.PRIVATE)
    assert [t for t, _n, _i in outbox()] == ["Create", "Delete"]


def test_a_withdrawn_need_and_availability_are_withdrawn_at_the_partners(cluster):
    need = make_declared_need(cluster["org"], cluster["admin"], cluster["capability"])
    availability = make_shared_availability(cluster["org"], cluster["admin"], cluster["capability"])
    sharing.share(cluster["admin"], ItemKind.DECLARED_NEED, need)
    sharing.share(cluster["admin"], ItemKind.AVAILABILITY, availability)
    with committed():
        partnering_needs.withdraw_need(actor=cluster["admin"], need=need)
        labour_posts.withdraw_availability(cluster["admin"], availability)
    assert sorted(outbox("Delete")) == sorted([
        ("Delete", "Grappe logistique", protocol.object_url(ItemKind.DECLARED_NEED, need.pk)),
        ("Delete", "Grappe logistique", protocol.object_url(ItemKind.AVAILABILITY, availability.pk))])
    assert not SharedItem.objects.exists()
    availability.refresh_from_db()
    assert availability.status == PostStatus.WITHDRAWN


def test_a_deleted_event_is_withdrawn_and_a_finished_one_too(cluster):
    deleted, finished = make_public_event(cluster["staff"]), make_public_event(cluster["staff"], title="Autre")
    for event in (deleted, finished):
        sharing.share(cluster["staff"], ItemKind.EVENT, event)
    with committed():
        deleted_pk = deleted.pk
        deleted.delete()
        finished.phase = Phase.FINISHED
        finished.save()
    deletes = {payload_id for _t, _n, payload_id in outbox("Delete")}
    assert deletes == {protocol.object_url(ItemKind.EVENT, pk) for pk in (deleted_pk, finished.pk)}
    assert len(outbox("Delete")) == 4  # to both partners taking events


def test_an_event_made_for_members_only_is_withdrawn(cluster):
    event = make_public_event(cluster["staff"])
    sharing.share(cluster["staff"], ItemKind.EVENT, event)
    with committed():
        event.audience = Audience.MEMBERS
        event.save()
    assert len(outbox("Delete")) == 2 and not SharedItem.objects.exists()


def test_a_profile_follows_its_capabilities_and_its_organisations_name(cluster):
    organisation = make_profile(cluster["org"], cluster["capability"])
    sharing.share(cluster["admin"], ItemKind.PROFILE, organisation)
    opportunity = opportunity_of(cluster)
    sharing.share(cluster["admin"], ItemKind.OPPORTUNITY, opportunity)
    with committed():
        organisation.capabilities.all().delete()
    update = OutgoingActivity.objects.get(activity_type="Update")
    assert update.payload["object"]["grappe:capabilities"] == []
    with committed():
        organisation.trade_name = "Alpha Aéro"
        organisation.save()
    updates = OutgoingActivity.objects.filter(activity_type="Update").order_by("pk")
    renamed = [row.payload["object"] for row in updates[1:]]
    assert sorted(obj["grappe:kind"] for obj in renamed) == ["opportunity", "profile"]
    assert {obj["attributedTo"] for obj in renamed} == {"Alpha Aéro"}


def test_a_rolled_back_change_sends_nothing_and_does_not_stop_the_next(cluster):
    opportunity = opportunity_of(cluster)
    sharing.share(cluster["admin"], ItemKind.OPPORTUNITY, opportunity)
    with committed():
        try:
            with transaction.atomic():
                opportunity.title = "Jamais"
                opportunity.save()
                raise RuntimeError
        except RuntimeError:
            pass
    assert outbox("Update") == []
    with committed():
        opportunity.title = "Supports, enfin"
        opportunity.save()
    assert [row.payload["object"]["name"] for row in OutgoingActivity.objects.filter(activity_type="Update")] == [
        "Supports, enfin"]


def test_a_deleted_organisations_profile_is_withdrawn(cluster, org_b):
    SharedItem.objects.create(kind=ItemKind.PROFILE, object_id=org_b.pk, organisation=org_b,
                              shared_by=cluster["admin"])
    org_b.people.all().delete()
    org_b_pk = org_b.pk
    with committed():
        org_b.delete()
    assert outbox("Delete") == [("Delete", "Grappe logistique", protocol.object_url(ItemKind.PROFILE, org_b_pk))]
    assert not SharedItem.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_share_once(org_a, capability, settings):
    from grappe.conftest import run_together

    # The commits are real here: delivery is queued, not run (its own tests try it against a partner).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    admin = make_member(org_a, "admin@alpha.test", OrgRole.ADMIN)
    make_partner(approved_by=admin)
    opportunity = make_opportunity(org_a, admin, capability)
    outcomes = run_together(*[lambda: sharing.share(admin, ItemKind.OPPORTUNITY, opportunity)] * 2)
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert SharedItem.objects.count() == 1 and OutgoingActivity.objects.count() == 1
    assert AuditEntry.objects.filter(action="item.shared").count() == 1


def test_a_partner_that_was_not_active_is_sent_the_withdrawals_it_missed_and_no_other(cluster):
    """What it holds and may no longer show (withdrawn while it was suspended, or of a kind it no longer takes) is
    withdrawn there; what it may still show, or was already told of, is not sent again."""
    logistics = cluster["logistics"]
    kept, closed, unshared = (opportunity_of(cluster, title=title) for title in ("Gardé", "Fermé", "Retiré"))
    for opportunity in (kept, closed, unshared):
        sharing.share(cluster["admin"], ItemKind.OPPORTUNITY, opportunity)
    told = opportunity_of(cluster, title="Déjà dit")
    shared = sharing.share(cluster["admin"], ItemKind.OPPORTUNITY, told)
    sharing.unshare(cluster["admin"], shared)  # its Delete left while the partner was active
    need = make_declared_need(cluster["org"], cluster["admin"], cluster["capability"])
    sharing.share(cluster["admin"], ItemKind.DECLARED_NEED, need)
    logistics.status = PartnerStatus.SUSPENDED
    logistics.save()
    with committed():
        closed.status = OpportunityStatus.CLOSED
        closed.save()
    sharing.unshare(cluster["admin"], SharedItem.objects.get(kind=ItemKind.OPPORTUNITY, object_id=unshared.pk))
    logistics.status, logistics.kinds = PartnerStatus.ACTIVE, [ItemKind.OPPORTUNITY]
    logistics.save()
    OutgoingActivity.objects.exclude(partner=logistics).delete()
    before = OutgoingActivity.objects.count()

    assert sharing.send_withdrawals(logistics) == 3

    assert outbox("Delete")[-3:] == [("Delete", "Grappe logistique", protocol.object_url(kind, pk)) for kind, pk in (
        (ItemKind.OPPORTUNITY, closed.pk), (ItemKind.OPPORTUNITY, unshared.pk), (ItemKind.DECLARED_NEED, need.pk))]
    assert OutgoingActivity.objects.count() == before + 3
    assert sharing.send_withdrawals(cluster["ai"]) == 0  # never sent anything
