"""What of an item travels to partner clusters (grappe.federation.items): exactly the public fields, never a
contact, a person's name, an email, a phone number, a budget or a certificate's number; and when an item may
travel at all."""

import datetime
import json

import pytest
from django.utils import formats, timezone, translation

from grappe.conftest import make_member, make_staff
from grappe.events.models import Audience, Phase
from grappe.federation import items, protocol
from grappe.federation.models import ItemKind
from grappe.labour.models import PostStatus
from grappe.members.models import MembershipStatus, OrgRole, Person
from grappe.partnering.models import OpportunityStatus, Visibility

from .item_factories import (
    SECRETS,
    give_secrets,
    make_declared_need,
    make_opportunity,
    make_profile,
    make_public_event,
    make_shared_availability,
)


@pytest.fixture
def alpha(org_a, capability):
    give_secrets(org_a)
    admin = make_member(org_a, "admin@alpha.test", OrgRole.ADMIN, phone="514 555-7777")
    return {"organisation": org_a, "admin": admin, "capability": capability}


@pytest.fixture
def every_kind(alpha):
    org, admin, capability = alpha["organisation"], alpha["admin"], alpha["capability"]
    return {
        ItemKind.OPPORTUNITY: make_opportunity(org, admin, capability),
        ItemKind.DECLARED_NEED: make_declared_need(org, admin, capability),
        ItemKind.AVAILABILITY: make_shared_availability(org, admin, capability),
        ItemKind.EVENT: make_public_event(make_staff()),
        ItemKind.PROFILE: make_profile(org, capability),
    }


@pytest.mark.parametrize("kind", ItemKind.values)
def test_what_travels_holds_no_contact_name_budget_or_private_number(every_kind, kind):
    obj = items.to_object(kind, items.load(kind, every_kind[kind].pk))
    sent = json.dumps(obj, ensure_ascii=False)
    leaked = [secret for secret in SECRETS if secret.lower() in sent.lower()]
    assert not leaked, f"{kind} would send {leaked}: {sent}"
    assert "admin@alpha.test" not in sent and "514 555-7777" not in sent  # the person who posted it
    for field in ("email", "phone", "budget", "contact", "created_by", "street_address", "neq", "evidence"):
        assert field not in obj


@pytest.mark.parametrize("kind", ItemKind.values)
def test_an_object_says_what_and_whose_it_is(every_kind, kind):
    item = every_kind[kind]
    obj = items.to_object(kind, items.load(kind, item.pk))
    assert obj["id"] == protocol.object_url(kind, item.pk)
    assert obj["type"] == ("Event" if kind == ItemKind.EVENT else "Page")
    assert obj["grappe:kind"] == kind
    assert obj["name"] and obj["published"] and obj["updated"]
    expected_author = items.cluster_name() if kind == ItemKind.EVENT else "Alpha Usinage"
    assert obj["attributedTo"] == expected_author
    assert "[…]" in obj["content"]  # the email and the phone number typed in the text are taken out


def test_an_opportunity_travels_with_its_competencies_in_both_languages(every_kind):
    obj = items.to_object(ItemKind.OPPORTUNITY, every_kind[ItemKind.OPPORTUNITY])
    assert obj["grappe:capabilities"] == [{"code": "machining-5-axis", "label_fr": "Usinage 5 axes",
                                           "label_en": "5-axis machining", "mustHave": True}]
    assert obj["grappe:region"]["code"] == "06"
    assert obj["grappe:opportunityKind"]["label_fr"] == "Projet"
    assert obj["grappe:opportunityKind"]["label_en"] == "Project"
    assert "Usinage 5 axes de supports en titane" in obj["content"]


def test_an_availability_travels_with_its_period_people_rate_and_mode(every_kind):
    availability = every_kind[ItemKind.AVAILABILITY]
    obj = items.to_object(ItemKind.AVAILABILITY, availability)
    assert obj["grappe:people"] == 2
    assert obj["grappe:period"] == {"start": availability.start.isoformat(), "end": availability.end.isoformat()}
    assert obj["grappe:rate"]["amount"] == "62.50"
    assert obj["grappe:mode"]["code"] == "on_site"
    assert [skill["code"] for skill in obj["grappe:skills"]] == ["machining-5-axis"]


def test_an_event_travels_with_its_dates_venue_and_public_page(every_kind):
    event = every_kind[ItemKind.EVENT]
    obj = items.to_object(ItemKind.EVENT, items.load(ItemKind.EVENT, event.pk))
    assert obj["location"] == {"type": "Place", "name": "Palais des congrès"}
    assert obj["startTime"].startswith(event.sessions.first().date.isoformat())
    assert obj["url"].endswith(f"/events/{event.pk}/") or str(event.pk) in obj["url"]


def test_a_profile_travels_with_capabilities_and_certifications_in_force_only(every_kind):
    obj = items.to_object(ItemKind.PROFILE, items.load(ItemKind.PROFILE, every_kind[ItemKind.PROFILE].pk))
    assert obj["name"] == "Alpha Usinage"
    assert obj["grappe:sizeBand"]["code"] == "10-49"
    assert [c["code"] for c in obj["grappe:capabilities"]] == ["machining-5-axis"]
    assert [c["code"] for c in obj["grappe:certifications"]] == ["as9100"]
    assert set(obj["contentMap"]) == {"fr", "en"}
    assert obj["url"].endswith("/o/alpha-usinage/")


def test_an_expired_certification_does_not_travel(every_kind):
    organisation = every_kind[ItemKind.PROFILE]
    organisation.certifications.update(issued_on=timezone.localdate() - datetime.timedelta(days=900),
                                       expires_on=timezone.localdate() - datetime.timedelta(days=1))
    obj = items.to_object(ItemKind.PROFILE, items.load(ItemKind.PROFILE, organisation.pk))
    assert "grappe:certifications" not in obj or obj["grappe:certifications"] == []


# When an item may travel --------------------------------------------------------------------------------------

def test_every_kind_in_its_open_public_state_may_travel(every_kind):
    for kind, item in every_kind.items():
        assert items.is_shareable(kind, item), kind
        assert not items.is_withdrawn(kind, item)


@pytest.mark.parametrize("change, reason", [
    ({"visibility": Visibility.PRIVATE}, "Only an opportunity published to members"),
    ({"status": OpportunityStatus.CLOSED}, "This opportunity is closed."),
])
def test_a_private_or_closed_opportunity_may_not_travel(alpha, change, reason):
    opportunity = make_opportunity(alpha["organisation"], alpha["admin"], alpha["capability"], **change)
    with translation.override("en"):
        shareable = items.is_shareable(ItemKind.OPPORTUNITY, opportunity)
    assert not shareable and shareable.reason.startswith(reason)
    assert items.is_withdrawn(ItemKind.OPPORTUNITY, opportunity)


def test_a_withdrawn_need_or_availability_may_not_travel(alpha):
    need = make_declared_need(alpha["organisation"], alpha["admin"], alpha["capability"], is_active=False)
    availability = make_shared_availability(alpha["organisation"], alpha["admin"], alpha["capability"],
                                            status=PostStatus.WITHDRAWN)
    assert not items.is_shareable(ItemKind.DECLARED_NEED, need)
    assert not items.is_shareable(ItemKind.AVAILABILITY, availability)


@pytest.mark.parametrize("fields", [
    {"audience": Audience.MEMBERS}, {"phase": Phase.DRAFT}, {"phase": Phase.FINISHED}])
def test_a_members_only_draft_or_finished_event_may_not_travel(db, fields):
    event = make_public_event(make_staff(), **fields)
    shareable = items.is_shareable(ItemKind.EVENT, event)
    assert not shareable and shareable.reason


def test_nothing_of_a_former_member_travels(alpha):
    opportunity = make_opportunity(alpha["organisation"], alpha["admin"], alpha["capability"])
    alpha["organisation"].membership_status = MembershipStatus.FORMER
    alpha["organisation"].save()
    opportunity.refresh_from_db()
    assert not items.is_shareable(ItemKind.OPPORTUNITY, opportunity)
    assert not items.is_shareable(ItemKind.PROFILE, alpha["organisation"])


def test_load_answers_none_for_an_unknown_item_or_kind(db):
    assert items.load(ItemKind.OPPORTUNITY, 999_999) is None
    assert items.load("spaceship", 1) is None


def test_load_finds_an_item_by_the_id_a_partner_names_it_by(every_kind):
    opportunity = every_kind[ItemKind.OPPORTUNITY]
    url = protocol.object_url(ItemKind.OPPORTUNITY, opportunity.pk)
    assert items.parse_object_url(url) == (ItemKind.OPPORTUNITY, opportunity.pk)
    assert items.load(ItemKind.OPPORTUNITY, url) == opportunity
    assert items.load(ItemKind.DECLARED_NEED, url) is None  # not that kind
    assert items.parse_object_url("https://elsewhere.example/federation/items/opportunity/1") is None
    assert items.parse_object_url(url + "x") is None


# What a reader sees ---------------------------------------------------------------------------------------------

def test_the_preview_reads_the_object_in_the_readers_language(every_kind):
    obj = items.to_object(ItemKind.AVAILABILITY, every_kind[ItemKind.AVAILABILITY])
    with translation.override("fr"):
        french = dict(items.fields_for_display(ItemKind.AVAILABILITY, obj))
    with translation.override("en"):
        english = dict(items.fields_for_display(ItemKind.AVAILABILITY, obj))
    assert french["Compétences"] == "Usinage 5 axes"
    assert english["Skills"] == "5-axis machining"
    assert english["Number of people"] == "2"
    assert english["Organisation"] == "Alpha Usinage"
    assert english["Rate"] == "$62.50 an hour, at cost"
    assert french["Taux"] == "62,50\u00a0$ l’heure, au prix coûtant"  # a non-breaking space before the $
    availability = every_kind[ItemKind.AVAILABILITY]
    with translation.override("en"):
        assert english["Period"] == f"from {formats.date_format(availability.start)} to {formats.date_format(availability.end)}"


def test_the_display_of_a_partners_odd_object_shows_what_it_can(db):
    lines = items.fields_for_display(ItemKind.OPPORTUNITY, {"name": "Projet", "grappe:region": ["x", 3, None],
                                                            "grappe:capabilities": {"code": "z"}, "content": 7})
    assert ("Titre", "Projet") in lines or ("Title", "Projet") in lines


def test_a_last_name_goes_but_the_same_common_word_stays(alpha):
    Person.objects.create(organisation=alpha["organisation"], first_name="Luc", last_name="Petit",
                          email="luc.petit@alpha.test")
    opportunity = make_opportunity(alpha["organisation"], alpha["admin"], alpha["capability"],
                                   description="Un petit lot de pièces; demandez à M. Petit ou à LUC PETIT.")
    content = items.to_object(ItemKind.OPPORTUNITY, opportunity)["content"]
    assert content == "Un petit lot de pièces; demandez à M. […] ou à […]."


def test_a_long_description_is_cut_to_what_a_partner_keeps(alpha):
    opportunity = make_opportunity(alpha["organisation"], alpha["admin"], alpha["capability"],
                                   description="Usinage de précision. " * 2000)
    obj = items.to_object(ItemKind.OPPORTUNITY, opportunity)
    assert len(obj["content"]) <= items.CONTENT_LENGTH and obj["content"].endswith("…")
    assert len(obj["summary"]) <= items.SUMMARY_LENGTH
