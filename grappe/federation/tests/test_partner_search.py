"""Partnering across clusters: the capability profiles a partner cluster shared with us are proposed in an
opportunity's analysis beside our members, ranked by the same scores, marked with their cluster's name and
linked to their page here; a suspended partnership takes them out at once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from grappe.federation.models import PartnerStatus
from grappe.federation.services import partnerships, received
from grappe.federation.tests.item_factories import make_partner
from grappe.partnering import engine
from grappe.partnering.selectors import analysis
from grappe.partnering.tests.conftest import (  # noqa: F401 — fixtures
    build_cluster,
    cluster,
    fresh_engine,
    landing_gear,
    taxonomy,
)
from matching.consortia import Rules

LOGISTICS = "Grappe logistique"


def share_profile(partner, name: str, capabilities, *, kind="research", region="03", size_band="10-49",
                  certifications=(), number: int = 1):
    """A profile as the partner's inbox keeps it (services/received.py), from the object its instance sends."""
    host = partner.actor_url.removesuffix("/federation/actor")
    obj = {"id": f"{host}/federation/items/profile/{number}", "type": "Page", "grappe:kind": "profile",
           "name": name, "attributedTo": name, "published": timezone.now().isoformat(),
           "updated": timezone.now().isoformat(),
           "grappe:organisationKind": {"code": kind, "label_fr": kind, "label_en": kind},
           "grappe:sizeBand": {"code": size_band, "label_fr": size_band, "label_en": size_band},
           "grappe:region": {"code": region, "label_fr": region, "label_en": region},
           "grappe:capabilities": [{"code": code, "label_fr": code, "label_en": code, "level": level}
                                   for code, level in capabilities],
           "grappe:certifications": [{"code": code, "label_fr": code, "label_en": code} for code in certifications]}
    received.on_create(partner, {"type": "Create", "object": obj})
    return partner.items.get(object_url=obj["id"])


@pytest.fixture
def logistics(db, staff):
    return make_partner(name=LOGISTICS, approved_by=staff)


@pytest.fixture
def twin(logistics, cluster):
    """Delta Recherche's twin in the logistics cluster: the same capabilities, kind and region."""
    return share_profile(logistics, "Delta Logistique", [("ndt-penetrant", "core"),
                                                        ("heat-treatment-vacuum", "secondary")])


def analyse(user, opportunity, rules=Rules()):
    return analysis.analyse_opportunity(user=user, opportunity=opportunity, rules=rules)


def card_of(result, name):
    return next(card for card in result.partners if card.organisation.display_name == name)


def test_a_remote_profile_ranks_by_the_same_score_as_a_member_with_the_same_capabilities(landing_gear, cluster,
                                                                                       twin):
    result = analyse(cluster.alpha_admin, landing_gear)

    local, remote = card_of(result, "Delta Recherche"), card_of(result, "Delta Logistique")
    assert remote.score == local.score
    assert [b.capability.code for b in remote.brings] == [b.capability.code for b in local.brings]
    assert remote.organisation.is_outside and remote.organisation.origin == LOGISTICS
    assert remote.organisation.get_absolute_url() == reverse("federation:remote-detail", args=[twin.pk])
    assert remote.introduction is None
    assert not getattr(local.organisation, "is_outside", False)


def test_a_suspended_partners_profiles_leave_the_ranking(landing_gear, cluster, twin, logistics, staff):
    assert "Delta Logistique" in {c.organisation.display_name for c in analyse(cluster.alpha_admin, landing_gear)
                                  .partners}

    partnerships.suspend(staff, logistics)

    logistics.refresh_from_db()
    assert logistics.status == PartnerStatus.SUSPENDED
    names = {c.organisation.display_name for c in analyse(cluster.alpha_admin, landing_gear).partners}
    assert "Delta Logistique" not in names
    assert "Delta Recherche" in names


def test_a_withdrawn_profile_leaves_the_ranking(landing_gear, cluster, twin, logistics):
    received.on_delete(logistics, {"type": "Delete", "object": {
        "id": twin.object_url, "deleted": (timezone.now() + datetime.timedelta(seconds=1)).isoformat()}})

    names = {c.organisation.display_name for c in analyse(cluster.alpha_admin, landing_gear).partners}
    assert "Delta Logistique" not in names


def test_a_capability_code_our_taxonomy_does_not_know_is_ignored(landing_gear, cluster, logistics):
    share_profile(logistics, "Entrepôts Froids", [("cold-chain-warehousing", "core")], number=2)
    both = share_profile(logistics, "Ressuage Express", [("cold-chain-warehousing", "core"),
                                                         ("ndt-penetrant", "core")], number=3)

    candidates = {c.name: c for c in engine.partner_index().candidates}
    assert set(candidates["Ressuage Express"].holdings) >= {"ndt-penetrant"}
    assert "cold-chain-warehousing" not in candidates["Ressuage Express"].holdings
    assert not candidates["Entrepôts Froids"].holdings
    names = {c.organisation.display_name for c in analyse(cluster.alpha_admin, landing_gear).partners}
    assert "Entrepôts Froids" not in names, "it brings nothing we know of"
    assert both.title in names


def test_a_consortium_may_include_a_remote_member(landing_gear, cluster, logistics):
    """Only the logistics cluster's member holds both missing must-haves at core level: the best team is it."""
    share_profile(logistics, "Traitements Nordiques", [("ndt-penetrant", "core"),
                                                       ("heat-treatment-vacuum", "core")], kind="sme", number=4)

    result = analyse(cluster.alpha_admin, landing_gear, Rules(max_size=1))

    teams = [[m.organisation for m in team.members] for team in result.consortia.teams]
    assert teams, result.consortia.explanation
    assert [o.display_name for o in teams[0]] == ["Traitements Nordiques"]
    assert teams[0][0].origin == LOGISTICS


def test_the_index_follows_a_profile_received_after_it_was_built(landing_gear, cluster, logistics):
    before = analyse(cluster.alpha_admin, landing_gear)
    assert not any(getattr(c.organisation, "is_outside", False) for c in before.partners)

    share_profile(logistics, "Delta Logistique", [("ndt-penetrant", "core")], number=5)

    after = analyse(cluster.alpha_admin, landing_gear)
    assert "Delta Logistique" in {c.organisation.display_name for c in after.partners}


@pytest.mark.parametrize("language, marker, link", [
    ("fr", f"de {LOGISTICS}", "Manifester son intérêt sur sa page"),
    ("en", f"from {LOGISTICS}", "Express interest on its page"),
])
def test_the_analysis_page_marks_remote_partners_and_links_to_their_page(client, landing_gear, cluster, logistics,
                                                                        language, marker, link):
    share_profile(logistics, "Traitements Nordiques", [("ndt-penetrant", "core"),
                                                       ("heat-treatment-vacuum", "core")], kind="sme", number=6)
    item = logistics.items.get()
    client.force_login(cluster.alpha_admin)
    with translation.override(language):
        url = reverse("partnering:opportunity-analysis", args=[landing_gear.pk])
        detail = reverse("federation:remote-detail", args=[item.pk])

    page = client.get(url).content.decode()

    assert 'data-testid="outside-origin"' in page
    assert marker in page
    assert link in page
    assert f'href="{detail}"' in page
    assert page.count('data-testid="outside-introduction"') == 1, "no local introduction to a remote partner"
    assert 'data-testid="team"' in page


def test_the_rules_form_leaves_remote_partners_out_of_its_choices_and_still_solves(client, landing_gear, cluster,
                                                                                  twin):
    client.force_login(cluster.alpha_admin)
    response = client.post(reverse("partnering:opportunity-analysis", args=[landing_gear.pk]),
                           {"excluded": [cluster.bravo.pk]}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'data-testid="team"' in response.content.decode()


def test_the_api_names_the_cluster_of_a_remote_partner(client, landing_gear, cluster, twin):
    client.force_login(cluster.alpha_admin)
    response = client.get(f"/api/partnering/opportunities/{landing_gear.pk}/analysis")

    assert response.status_code == 200
    partners = {p["organisation"]["name"]: p["organisation"] for p in response.json()["partners"]}
    assert partners["Delta Logistique"]["cluster"] == LOGISTICS
    assert partners["Delta Recherche"]["cluster"] is None
