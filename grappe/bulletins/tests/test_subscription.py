"""What a person controls of their mail: leaving a topic from an email (one-click or the page's button, never a
GET), their preferences from a signed link or their account, stopping all optional communications; and the
counting links of an email (open pixel, followed links)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from grappe.bulletins import links, targeting
from grappe.bulletins.models import Category, Delivery, LinkClick, MailPreference, Topic, Unsubscription
from grappe.bulletins.services import preferences
from grappe.core.models import AuditEntry
from grappe.members.models import Organisation, Person
from grappe.members.services.people import set_communications_consent


@pytest.fixture
def ctx(subscription_matrix):
    return subscription_matrix


def unsubscribe_path(ctx, topic=Topic.ECONOMIC):
    return reverse("bulletins:unsubscribe", args=[links.sign(links.UNSUBSCRIBE, [ctx.reader.pk, topic.value])])


def left(ctx) -> set[str]:
    return set(Unsubscription.objects.filter(person=ctx.reader).values_list("topic", flat=True))


def test_a_mail_client_unsubscribes_in_one_click_without_a_session_or_csrf_token(ctx):
    """RFC 8058: the provider POSTs "List-Unsubscribe=One-Click" to the header's address, with no cookie."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(unsubscribe_path(ctx), "List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert left(ctx) == {"economic"}
    entry = AuditEntry.objects.get(action="mail.unsubscribed")
    assert entry.actor is None and entry.target_id == str(ctx.reader.pk)


def test_the_page_shows_whose_address_and_which_topic_and_its_button_unsubscribes(ctx):
    client = Client(enforce_csrf_checks=True)
    page = client.get(unsubscribe_path(ctx)).content.decode()
    assert "r•••••••••n@alpha.test" in page and "remi.gagnon@alpha.test" not in page
    assert "Veille économique" in page or "Economic watch" in page
    assert left(ctx) == set(), "a GET never unsubscribes: mail scanners follow links"
    done = client.post(unsubscribe_path(ctx)).content.decode()
    assert left(ctx) == {"economic"}
    # The page links to the reader's own preferences (a signed token holds the second it was signed: read it back).
    prefix = reverse("bulletins:preferences-signed", args=["TOKEN"]).split("TOKEN")[0]
    token = re.search(re.escape(prefix) + r'([^"/]+)/', done).group(1)
    assert links.read(links.PREFERENCES, token) == ctx.reader.pk


def test_unsubscribing_twice_leaves_one_row_and_one_audit_entry(ctx, client):
    client.post(unsubscribe_path(ctx))
    client.post(unsubscribe_path(ctx))
    assert Unsubscription.objects.filter(person=ctx.reader).count() == 1
    assert AuditEntry.objects.filter(action="mail.unsubscribed").count() == 1


@pytest.mark.parametrize("token", [
    "forged",
    # signed for another purpose: a preferences token is no unsubscribe token
    links.sign(links.PREFERENCES, 10**9),  # (nobody: person 1 exists in a fresh database)
], ids=["forged", "signed-for-preferences"])  # a signed token holds the time: workers must name it alike
def test_a_forged_or_altered_token_is_refused_and_changes_nothing(ctx, client, token):
    for path in (reverse("bulletins:unsubscribe", args=[token]),
                 reverse("bulletins:preferences-signed", args=[token])):
        response = client.post(path, {"frequency": "weekly"})
        assert response.status_code == 404
        assert "bulletins/bad_link.html" in [template.name for template in response.templates], "it says why"
    assert not Unsubscription.objects.exists() and not MailPreference.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_altered_token_naming_someone_else_is_refused(ctx, client):
    token = links.sign(links.UNSUBSCRIBE, [ctx.reader.pk, "economic"])
    value, signature = token.rsplit(":", 1)
    altered = value[:-1] + ("A" if value[-1] != "A" else "B") + ":" + signature
    assert client.post(reverse("bulletins:unsubscribe", args=[altered])).status_code == 404
    assert not Unsubscription.objects.exists()


def test_the_signed_preferences_page_sets_frequency_and_narrows_topics_but_gives_no_topic_back(ctx, client):
    """A signed link may be in a forwarded email: it only narrows what the person receives."""
    Unsubscription.objects.create(person=ctx.reader, topic="events")
    path = reverse("bulletins:preferences-signed", args=[ctx.preferences_token])
    page = client.get(path).content.decode()
    assert 'value="notice"' not in page, "notices to members are never offered as a topic"
    assert 'value="events"' not in page, "a topic left is not offered back from a link"
    assert reverse("account_login") in page, "the page says how to come back: signed in"
    kept = [t for t in Topic.values if t not in ("regulatory", "political", "events")]
    response = client.post(path, {"form_token": "0d6f1c2e-1111-4a8e-9d2b-0b8f3c1a2e11", "frequency": "daily",
                                  "topics": kept})
    assert MailPreference.objects.get(person=ctx.reader).frequency == "daily"
    assert left(ctx) == {"regulatory", "political", "events"}, "events stays left, the unticked two are left"
    ctx.reader.refresh_from_db()
    assert ctx.reader.consent_communications, "stop all was not ticked"
    assert response.status_code == 302


def test_a_signed_link_cannot_give_back_a_topic_or_a_consent_but_the_person_signed_in_can(ctx, client):
    from django.core.exceptions import PermissionDenied

    Unsubscription.objects.create(person=ctx.reader, topic="events")
    set_communications_consent(person=ctx.reader, consent=False, actor=None, by_link=True)
    with pytest.raises(PermissionDenied):
        preferences.set_preferences(ctx.reader, "immediate", Topic.values, by_link=True)
    with pytest.raises(PermissionDenied):
        preferences.set_preferences(ctx.reader, "immediate", [t for t in Topic.values if t != "events"],
                                    communications=True, by_link=True)
    ctx.reader.refresh_from_db()
    assert left(ctx) == {"events"} and not ctx.reader.consent_communications

    # The page: the "stop all" box stays ticked whatever is posted.
    path = reverse("bulletins:preferences-signed", args=[ctx.preferences_token])
    client.post(path, {"form_token": "0d6f1c2e-5555-4a8e-9d2b-0b8f3c1a2e11", "frequency": "immediate",
                       "topics": Topic.values})
    ctx.reader.refresh_from_db()
    assert left(ctx) == {"events"} and not ctx.reader.consent_communications

    # Signed in, the person gives both back.
    own = Person.objects.get(user=ctx.own_user)
    Unsubscription.objects.create(person=own, topic="events")
    set_communications_consent(person=own, consent=False, actor=None, by_link=True)
    client.force_login(ctx.own_user)
    client.post(reverse("bulletins:preferences"), {"form_token": "0d6f1c2e-6666-4a8e-9d2b-0b8f3c1a2e11",
                                                   "frequency": "immediate", "topics": Topic.values})
    own.refresh_from_db()
    assert own.consent_communications and not Unsubscription.objects.filter(person=own).exists()


def test_saving_unchanged_preferences_writes_no_audit_entry(ctx):
    current = preferences.preferences_of(ctx.reader)
    preferences.set_preferences(ctx.reader, current["frequency"], current["topics"], communications=True,
                                by_link=True)
    assert not AuditEntry.objects.filter(action="mail.preferences_changed").exists()


def test_a_member_sets_their_own_preferences_signed_in(ctx, client):
    client.force_login(ctx.own_user)
    person = Person.objects.get(user=ctx.own_user)
    client.post(reverse("bulletins:preferences"), {"form_token": "0d6f1c2e-2222-4a8e-9d2b-0b8f3c1a2e11",
                                                   "frequency": "weekly", "topics": ["calls"]})
    assert MailPreference.objects.get(person=person).frequency == "weekly"
    assert set(Unsubscription.objects.filter(person=person).values_list("topic", flat=True)) == (
        set(Topic.values) - {"calls"})
    assert not Unsubscription.objects.filter(person=ctx.reader).exists()


def test_staff_without_a_person_have_no_preferences(ctx, client):
    client.force_login(ctx.staff)
    assert client.get(reverse("bulletins:preferences")).status_code == 404


def test_the_staff_reach_a_sent_bulletins_statistics_from_its_page(ctx, client):
    client.force_login(ctx.staff)
    page = client.get(reverse("bulletins:detail", args=[ctx.bulletin_to_a.pk])).content.decode()
    assert reverse("bulletins:statistics", args=[ctx.bulletin_to_a.pk]) in page
    client.force_login(ctx.own_user)
    page = client.get(reverse("bulletins:detail", args=[ctx.bulletin_to_a.pk])).content.decode()
    assert reverse("bulletins:statistics", args=[ctx.bulletin_to_a.pk]) not in page


def test_stopping_all_communications_withdraws_consent_but_notices_still_reach_the_person(ctx, client):
    path = reverse("bulletins:preferences-signed", args=[ctx.preferences_token])
    client.post(path, {"form_token": "0d6f1c2e-3333-4a8e-9d2b-0b8f3c1a2e11", "frequency": "immediate",
                       "topics": Topic.values, "stop_all": "on"})
    ctx.reader.refresh_from_db()
    assert not ctx.reader.consent_communications
    assert AuditEntry.objects.filter(action="person.changed", target_id=str(ctx.reader.pk)).exists()
    organisations = Organisation.objects.filter(pk=ctx.org_a.pk)
    assert ctx.reader not in targeting.recipients(Category.ECONOMIC, organisations)
    assert ctx.reader in targeting.recipients(Category.NOTICE, organisations)
    # Giving it back needs the person signed in (test_a_signed_link_cannot_give_back_a_topic_or_a_consent_…).


def test_an_unsubscribed_topic_stops_that_category_only(ctx):
    preferences.unsubscribe(ctx.reader, Topic.ECONOMIC, by_link=True)
    organisations = Organisation.objects.filter(pk=ctx.org_a.pk)
    assert ctx.reader not in targeting.recipients(Category.ECONOMIC, organisations)
    assert ctx.reader in targeting.recipients(Category.REGULATORY, organisations)


def test_nobody_changes_someone_elses_preferences_without_their_link(ctx):
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        preferences.unsubscribe(ctx.reader, Topic.ECONOMIC, actor=ctx.own_user)
    with pytest.raises(PermissionDenied):
        preferences.set_preferences(ctx.reader, "daily", [], actor=None)
    with pytest.raises(PermissionDenied):  # another organisation's member
        set_communications_consent(person=ctx.reader, consent=False, actor=ctx.other_member)
    assert not Unsubscription.objects.exists()
    ctx.reader.refresh_from_db()
    assert ctx.reader.consent_communications


def test_the_open_pixel_counts_the_first_open_and_is_a_gif_even_for_a_bad_token(ctx, client):
    first = client.get(reverse("bulletins:opened", args=[ctx.open_token]))
    assert first.status_code == 200 and first["Content-Type"] == "image/gif" and first.content[:6] == b"GIF89a"
    opened_at = Delivery.objects.get(pk=ctx.delivery.pk).opened_at
    assert opened_at is not None
    client.get(reverse("bulletins:opened", args=[ctx.open_token]))
    assert Delivery.objects.get(pk=ctx.delivery.pk).opened_at == opened_at, "the first open counts"
    bad = client.get(reverse("bulletins:opened", args=["nothing-of-ours"]))
    assert bad.status_code == 200 and bad["Content-Type"] == "image/gif"


def test_a_followed_link_is_counted_once_and_as_an_open(ctx, client):
    for _ in range(2):
        response = client.get(reverse("bulletins:clicked", args=[ctx.click_token]))
        assert response.status_code == 302 and response["Location"] == "https://www.quebec.ca/tarifs"
    assert LinkClick.objects.filter(delivery=ctx.delivery).count() == 1
    delivery = Delivery.objects.get(pk=ctx.delivery.pk)
    assert delivery.clicked_at is not None and delivery.opened_at is not None


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                 "JavaScript:alert(1)", "//evil.test/x", "ftp://files.test/x"])
def test_a_followed_link_only_leads_to_a_web_page(ctx, client, url):
    token = links.sign(links.CLICKED, [ctx.delivery.pk, url])
    response = client.get(reverse("bulletins:clicked", args=[token]))
    assert response.status_code == 400 and "Location" not in response
    assert not LinkClick.objects.exists()


def test_an_altered_click_token_redirects_nowhere(ctx, client):
    assert client.get(reverse("bulletins:clicked", args=["x" + ctx.click_token])).status_code == 404
