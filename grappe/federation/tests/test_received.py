"""A partner's shared items reaching our inbox (services/received.py, called directly, as the inbox calls them
once it has checked the signature): kept, updated, withdrawn; an older update ignored; a bad object refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grappe.federation.models import ItemKind, ReceivedActivity, RemoteItem
from grappe.federation.services import inbox, received

from .item_factories import make_partner

OBJECT_ID = "https://logistique.example/federation/items/opportunity/42"


@pytest.fixture
def partner(staff):
    return make_partner(approved_by=staff)


def moment(minutes: int) -> str:
    return (timezone.now() + datetime.timedelta(minutes=minutes)).isoformat()


def obj(**fields) -> dict:
    return {"id": OBJECT_ID, "type": "Page", "grappe:kind": "opportunity", "name": "Entrepôt partagé",
            "summary": "Un entrepôt à partager", "content": "Un entrepôt à partager à Laval.",
            "published": moment(-60), "updated": moment(-10), "attributedTo": "Transports Nord",
            "grappe:region": {"code": "13", "label_fr": "Laval", "label_en": "Laval"}, **fields}


def activity(activity_type: str, body, n: int = 1) -> dict:
    return {"id": f"https://logistique.example/federation/activities/{activity_type}-{n}", "type": activity_type,
            "actor": "https://logistique.example/federation/actor", "object": body}


def test_a_create_keeps_the_item_as_received(partner):
    received.on_create(partner, activity("Create", obj()))
    item = RemoteItem.objects.get()
    assert (item.partner, item.object_url, item.kind, item.title) == (partner, OBJECT_ID, ItemKind.OPPORTUNITY,
                                                                      "Entrepôt partagé")
    assert item.organisation_name == "Transports Nord" and item.summary == "Un entrepôt à partager"
    assert item.data["grappe:region"]["code"] == "13" and item.withdrawn_at is None


def test_an_update_replaces_the_item_and_an_older_one_is_ignored(partner):
    received.on_create(partner, activity("Create", obj()))
    received.on_update(partner, activity("Update", obj(name="Entrepôt partagé, 2 000 m²", updated=moment(-5))))
    received.on_update(partner, activity("Update", obj(name="Version périmée", updated=moment(-8)), 2))
    item = RemoteItem.objects.get()
    assert item.title == "Entrepôt partagé, 2 000 m²"


def test_an_update_of_an_item_we_missed_keeps_it(partner):
    received.on_update(partner, activity("Update", obj()))
    assert RemoteItem.objects.get().title == "Entrepôt partagé"


def test_a_delete_hides_the_item_and_a_later_create_shows_it_again(partner):
    received.on_create(partner, activity("Create", obj()))
    tombstone = {"id": OBJECT_ID, "type": "Tombstone", "grappe:kind": "opportunity", "deleted": moment(-4)}
    received.on_delete(partner, activity("Delete", tombstone))
    assert RemoteItem.objects.get().withdrawn_at is not None
    received.on_update(partner, activity("Update", obj(updated=moment(-6))))  # delayed, older than the withdrawal
    assert RemoteItem.objects.get().withdrawn_at is not None
    received.on_create(partner, activity("Create", obj(updated=moment(-1)), 2))
    assert RemoteItem.objects.get().withdrawn_at is None


def test_a_delete_of_an_item_we_never_had_does_nothing(partner):
    received.on_delete(partner, activity("Delete", OBJECT_ID))
    assert not RemoteItem.objects.exists()


def test_html_is_stripped_from_every_text(partner):
    received.on_create(partner, activity("Create", obj(
        name="<b>Entrepôt</b> <script>alert(1)</script>partagé", content="<p>Texte &amp; <a href='x'>lien</a></p>",
        url="javascript:alert(1)")))
    item = RemoteItem.objects.get()
    assert item.title == "Entrepôt partagé"
    assert item.data["content"] == "Texte & lien"
    assert "url" not in item.data


@pytest.mark.parametrize("bad", [
    "not an object",
    {"grappe:kind": "opportunity", "name": "x"},                                    # no id
    obj(**{"grappe:kind": "spaceship"}),                                            # unknown kind
    obj(name="   "),                                                                # no name
    obj(name="x" * 301),                                                            # name too long
    obj(content="x" * 20_001),                                                      # text too long
    obj(**{"grappe:capabilities": [{"code": str(i)} for i in range(201)]}),         # list too long
    obj(**{"grappe:deep": {"a": {"b": {"c": {"d": {"e": "f"}}}}}}),                 # nested too deeply
    obj(id="https://someone-else.example/federation/items/opportunity/42"),       # another instance's item
])
def test_a_bad_object_is_refused_and_nothing_kept(partner, bad):
    with pytest.raises(ValidationError):
        received.on_create(partner, activity("Create", bad))
    assert not RemoteItem.objects.exists()


def test_a_partner_cannot_withdraw_another_instances_item(partner, staff):
    other = make_partner("Grappe IA", "ia.example", approved_by=staff)
    received.on_create(other, activity("Create", obj(id="https://ia.example/federation/items/opportunity/1")))
    with pytest.raises(ValidationError):
        received.on_delete(partner, activity("Delete", "https://ia.example/federation/items/opportunity/1"))
    assert RemoteItem.objects.get().withdrawn_at is None


def test_the_inbox_dispatches_our_handlers_once_per_activity(partner):
    assert inbox.HANDLERS["Create"] is received.on_create
    assert inbox.HANDLERS["Update"] is received.on_update
    assert inbox.HANDLERS["Delete"] is received.on_delete
    create = activity("Create", obj())
    assert inbox.receive(partner, create) is True
    assert inbox.receive(partner, {**create, "object": obj(name="Rejoué")}) is False
    assert RemoteItem.objects.get().title == "Entrepôt partagé"
    assert ReceivedActivity.objects.count() == 1


def test_the_longest_object_we_send_is_kept_by_a_partner(partner, org_a, capability, staff):
    from grappe.federation import items

    from .item_factories import make_opportunity

    opportunity = make_opportunity(org_a, staff, capability, description="Soudure d'aluminium, été. " * 3000)
    sent = items.to_object(ItemKind.OPPORTUNITY, opportunity)
    sent["id"] = OBJECT_ID  # as it reaches the partner: from our address, theirs here
    received.on_create(partner, activity("Create", sent))
    assert RemoteItem.objects.get().data["content"] == sent["content"]
