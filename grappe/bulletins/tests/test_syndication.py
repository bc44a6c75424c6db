"""The public news as Atom and RSS feeds: only public bulletins once sent, in the language of the address, with
absolute links; the news list announces them."""

import xml.etree.ElementTree as ET

import pytest

from grappe.bulletins.models import BulletinStatus, Category

from .factories import make_bulletin

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def news(bulletins_matrix, settings):
    settings.GRAPPE_CLUSTER_NAME = "Aéro Montréal"
    ctx = bulletins_matrix
    ctx.french_only = make_bulletin(title="Programme des marchandises contrôlées", title_en="",
                                    category=Category.REGULATORY, status=BulletinStatus.SENT, is_public=True)
    ctx.scheduled_public = make_bulletin(title="Pas encore", status=BulletinStatus.SCHEDULED, is_public=True)
    return ctx


def test_the_atom_feed_holds_the_public_sent_bulletins_in_french(news, client):
    response = client.get("/fr/news/atom.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    entries = root.findall(f"{ATOM}entry")
    assert {e.findtext(f"{ATOM}title") for e in entries} == {"Salon du Bourget",
                                                             "Programme des marchandises contrôlées"}
    for entry in entries:
        link = entry.find(f"{ATOM}link").get("href")
        assert link.startswith("http://testserver/fr/news/")
        assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Aéro Montréal"
        assert entry.findtext(f"{ATOM}updated")
        assert entry.find(f"{ATOM}category").get("term") in Category.values
    assert "Tarifs douaniers" not in response.content.decode()  # sent to A only
    assert "Brouillon" not in response.content.decode() and "Pas encore" not in response.content.decode()


def test_the_rss_feed_in_english_shows_each_bulletin_in_the_language_it_has(news, client):
    response = client.get("/en/news/rss.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("language") == "en"
    items = channel.findall("item")
    assert {item.findtext("title") for item in items} == {"Salon du Bourget (EN)",
                                                          "Programme des marchandises contrôlées"}
    assert all(item.findtext("link").startswith("http://testserver/en/news/") for item in items)
    assert all(item.findtext("pubDate") for item in items)
    assert "Tarifs douaniers" not in response.content.decode()


def test_the_news_list_announces_both_feeds(news, client):
    page = client.get("/en/news/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in page and "/en/news/atom.xml" in page
    assert '<link rel="alternate" type="application/rss+xml"' in page and "/en/news/rss.xml" in page


def test_the_feeds_give_the_images_grappe_serves_absolute_addresses(news, client):
    type(news.french_only).objects.filter(pk=news.french_only.pk).update(
        body_fr='<p>Voir</p><img src="/media/bulletins/images/abc.png" alt="Carte">')
    for path in ("/fr/news/atom.xml", "/fr/news/rss.xml"):
        content = client.get(path).content.decode()
        assert "http://testserver/media/bulletins/images/abc.png" in content
        assert 'src="/media/' not in content and "src=&quot;/media/" not in content
