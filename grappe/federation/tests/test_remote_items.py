"""What partner clusters shared, as our members see it: only from active partnerships, never once withdrawn,
newest first, filtered by kind, cluster and words of the title; and the parts shown in the directory,
Partnering, events and labour sharing."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from grappe.conftest import make_member, make_organisation, make_staff
from grappe.federation import selectors
from grappe.federation.models import ItemKind, PartnerStatus
from grappe.members.models import Role, User

from .interest_factories import make_partner, make_remote_item, no_delivery  # noqa: F401 — an autouse fixture


@pytest.fixture
def partners(db):
    staff = make_staff()
    logistics = make_partner(staff)
    ai = make_partner(staff, name="Grappe IA", actor_url="https://ia.example/federation/actor")
    return staff, logistics, ai


def titles(items) -> list[str]:
    return [item.title for item in items]


def test_items_of_active_partners_newest_first(partners):
    _staff, logistics, ai = partners
    make_remote_item(logistics, title="Ancienne", days_ago=10)
    make_remote_item(ai, title="Récente", days_ago=1)
    make_remote_item(logistics, title="Milieu", days_ago=5)

    assert titles(selectors.visible_remote_items()) == ["Récente", "Milieu", "Ancienne"]


@pytest.mark.parametrize("status", [PartnerStatus.SUSPENDED, PartnerStatus.REVOKED, PartnerStatus.WAITING])
def test_a_partnership_not_active_hides_its_items_at_once(partners, status):
    _staff, logistics, ai = partners
    make_remote_item(logistics, title="De la logistique")
    make_remote_item(ai, title="De l'IA")
    logistics.status = status
    logistics.save()

    assert titles(selectors.visible_remote_items()) == ["De l'IA"]
    assert selectors.counts_by_kind()[ItemKind.OPPORTUNITY] == 1


def test_a_withdrawn_item_is_hidden(partners):
    _staff, logistics, _ai = partners
    make_remote_item(logistics, title="Retirée", withdrawn_at=timezone.now())

    assert not selectors.visible_remote_items().exists()


def test_filters_by_kind_cluster_and_title(partners):
    _staff, logistics, ai = partners
    make_remote_item(logistics, title="Entrepôt frigorifique")
    make_remote_item(logistics, kind=ItemKind.EVENT, title="Salon du transport")
    make_remote_item(ai, title="Vision pour entrepôt")

    assert titles(selectors.visible_remote_items(kind=ItemKind.EVENT)) == ["Salon du transport"]
    assert set(titles(selectors.visible_remote_items(partner=ai))) == {"Vision pour entrepôt"}
    assert set(titles(selectors.visible_remote_items(query="entrepôt"))) == {
        "Entrepôt frigorifique", "Vision pour entrepôt"}
    counts = selectors.counts_by_kind()
    assert (counts[ItemKind.OPPORTUNITY], counts[ItemKind.EVENT], counts[ItemKind.PROFILE]) == (2, 1, 0)


# The members' list ---------------------------------------------------------------------------------------

@pytest.fixture
def member(partners):
    return make_member(make_organisation("Alpha Usinage", neq="1111111111"), "user@alpha.test")


def test_the_list_marks_each_item_with_its_cluster_and_filters(client, partners, member):
    _staff, logistics, ai = partners
    make_remote_item(logistics, title="Entrepôt frigorifique")
    make_remote_item(ai, kind=ItemKind.AVAILABILITY, title="Deux analystes de données")
    client.force_login(member)

    page = client.get(reverse("federation:remote-list")).content.decode()
    assert "Entrepôt frigorifique" in page and "de Grappe logistique" in page
    assert "Deux analystes de données" in page and "de Grappe IA" in page

    page = client.get(reverse("federation:remote-list"), {"partner": ai.pk}).content.decode()
    assert "Deux analystes de données" in page and "Entrepôt frigorifique" not in page
    filters = {"kind": "opportunity", "q": "frigo"}
    page = client.get(reverse("federation:remote-list"), filters).content.decode()
    assert "Entrepôt frigorifique" in page and "Deux analystes" not in page


def test_an_item_of_a_suspended_partnership_is_not_found(client, partners, member):
    _staff, logistics, _ai = partners
    item = make_remote_item(logistics)
    logistics.status = PartnerStatus.SUSPENDED
    logistics.save()
    client.force_login(member)

    assert client.get(reverse("federation:remote-detail", args=[item.pk])).status_code == 404
    assert "Entreposage" not in client.get(reverse("federation:remote-list")).content.decode()


# The parts in lower apps' pages -----------------------------------------------------------------------

SLOT_PAGES = [
    ("members:directory", ItemKind.PROFILE, "1 profil de compétences"),
    ("partnering:opportunity-list", ItemKind.DECLARED_NEED, "1 besoin déclaré"),
    ("events:event-list", ItemKind.EVENT, "1 événement public"),
    ("labour:board", ItemKind.AVAILABILITY, "1 disponibilité de personnel"),
]


@pytest.mark.parametrize(("url", "kind", "said"), SLOT_PAGES)
def test_a_page_shows_what_partner_clusters_shared_of_its_kind(client, partners, member, url, kind, said):
    _staff, logistics, _ai = partners
    item = make_remote_item(logistics, kind=kind, title="Venu d'ailleurs")
    client.force_login(member)

    page = client.get(reverse(url)).content.decode()

    assert 'data-testid="from-partner-clusters"' in page and said in page
    assert reverse("federation:remote-detail", args=[item.pk]) in page and "de Grappe logistique" in page
    assert f'{reverse("federation:remote-list")}?kind={kind}' in page


@pytest.mark.parametrize(("url", "kind", "said"), SLOT_PAGES)
def test_nothing_is_shown_when_there_is_nothing_or_to_whoever_may_not_browse(
        client, partners, member, url, kind, said):
    _staff, logistics, _ai = partners
    unrelated = ItemKind.EVENT if kind == ItemKind.DECLARED_NEED else ItemKind.OPPORTUNITY
    make_remote_item(logistics, kind=unrelated)
    client.force_login(member)
    assert "from-partner-clusters" not in client.get(reverse(url)).content.decode()

    make_remote_item(logistics, kind=kind)
    client.logout()
    if url in {"members:directory", "events:event-list"}:  # pages open to visitors
        assert "from-partner-clusters" not in client.get(reverse(url)).content.decode()
    observer = User.objects.create_user("observer@gouv.test", "x", role=Role.OBSERVER)
    client.force_login(observer)
    assert "from-partner-clusters" not in client.get(reverse(url)).content.decode()


def test_the_menu_leads_members_and_staff_to_other_clusters(client, partners, member):
    staff, _logistics, _ai = partners
    for user in (member, staff):
        client.force_login(user)
        page = client.get(reverse("labour:board")).content.decode()
        assert f'href="{reverse("federation:remote-list")}"' in page and "Autres grappes" in page
    assert f'href="{reverse("federation:received-interests")}"' in page


def test_a_part_lists_the_newest_few_and_counts_them_all_in_one_query(partners, django_assert_num_queries):
    _staff, logistics, ai = partners
    for days in range(1, 6):
        make_remote_item(logistics if days % 2 else ai, kind=ItemKind.AVAILABILITY, title=f"Il y a {days} jours",
                         days_ago=days)
    make_remote_item(logistics, kind=ItemKind.DECLARED_NEED, title="Un besoin")

    with django_assert_num_queries(1):
        found = selectors.newest_by_kind([ItemKind.AVAILABILITY, ItemKind.DECLARED_NEED, ItemKind.EVENT], 3)

    total, newest = found[ItemKind.AVAILABILITY]
    assert total == 5 and titles(newest) == ["Il y a 1 jours", "Il y a 2 jours", "Il y a 3 jours"]
    assert found[ItemKind.DECLARED_NEED][0] == 1 and ItemKind.EVENT not in found


def test_the_list_reads_in_english_too(client, partners, member):
    _staff, logistics, _ai = partners
    make_remote_item(logistics, kind=ItemKind.EVENT, title="Salon du transport")
    client.force_login(member)
    with translation.override("en"):
        page = client.get(reverse("federation:remote-list")).content.decode()

    assert "From partner clusters" in page and "from Grappe logistique" in page and "Public events" in page
