"""Digests: one email per person who chose one, in their language, with the bulletins kept for it and their
organisation's news since their last digest; nothing twice, nothing to whom withdrew consent, nothing of a topic
left."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from grappe.bulletins import feed
from grappe.bulletins.models import (
    BulletinStatus,
    Category,
    Channel,
    Delivery,
    DigestJob,
    Frequency,
    MailPreference,
    Topic,
    Unsubscription,
)
from grappe.bulletins.services import digests
from grappe.conftest import committed, make_organisation, make_staff
from grappe.core.models import AuditEntry, JobStatus, OutgoingMail
from grappe.members.models import Person, Role

from .factories import make_bulletin

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.GRAPPE_BASE_URL = "https://grappe.test"


@pytest.fixture
def alpha(db):
    return make_organisation("Alpha Usinage")


def reader(organisation, email, frequency=Frequency.DAILY, *, language="fr", consent=True, last=None):
    person = Person.objects.create(organisation=organisation, email=email, first_name="P", last_name="T",
                                   language=language, consent_communications=consent)
    MailPreference.objects.create(person=person, frequency=frequency, last_digest_at=last)
    return person


def kept_for_digest(person, bulletin):
    return Delivery.objects.create(bulletin=bulletin, person=person, channel=Channel.DIGEST)


def sent_bulletin(title, category=Category.REGULATORY, **fields):
    return make_bulletin(title=title, title_en=fields.pop("title_en", f"{title} (EN)"), category=category,
                         status=BulletinStatus.SENT, summary_fr=f"Résumé de {title}",
                         summary_en=f"Summary of {title}", **fields)


def run(frequency=Frequency.DAILY) -> DigestJob:
    with committed():
        job = digests.start(actor=None, frequency=frequency)
    job.refresh_from_db()
    return job


def email_to(address):
    [message] = [m for m in mail.outbox if m.to == [address]]
    return message


def test_a_daily_digest_lists_the_bulletins_kept_in_the_readers_language_and_marks_them_mailed(alpha):
    lea = reader(alpha, "lea@alpha.test")
    john = reader(alpha, "john@alpha.test", language="en")
    first, second = sent_bulletin("Normes"), sent_bulletin("Tarifs", category=Category.ECONOMIC)
    deliveries = [kept_for_digest(p, b) for p in (lea, john) for b in (first, second)]

    job = run()

    assert job.status == JobStatus.DONE and job.processed == job.total == 2
    french, english = email_to("lea@alpha.test"), email_to("john@alpha.test")
    assert "daily" in english.subject and french.subject != english.subject and "Normes" in french.body
    assert "Résumé de Tarifs" in french.body and "Summary of Tarifs" in english.body
    assert "Normes (EN)" in english.alternatives[0][0]
    assert english.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert english.extra_headers["List-Unsubscribe"].startswith("<https://grappe.test/en/news/mail/unsubscribe/")
    assert "/en/news/mail/clicked/" in english.alternatives[0][0]
    assert not Delivery.objects.filter(pk__in=[d.pk for d in deliveries], mailed_at__isnull=True).exists()
    assert not MailPreference.objects.filter(last_digest_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="digest.started").count() == 1


def test_a_second_run_the_same_day_mails_nobody_twice(alpha):
    lea = reader(alpha, "lea@alpha.test")
    kept_for_digest(lea, sent_bulletin("Normes"))
    run()
    kept_for_digest(lea, sent_bulletin("Tarifs"))  # arrives after today's digest
    run()
    assert OutgoingMail.objects.count() == 1
    assert Delivery.objects.filter(mailed_at__isnull=True).count() == 1  # kept for tomorrow's


def test_a_weekly_reader_is_left_out_of_the_daily_run_and_a_recent_one_out_of_the_weekly(alpha):
    weekly = reader(alpha, "weekly@alpha.test", Frequency.WEEKLY)
    recent = reader(alpha, "recent@alpha.test", Frequency.WEEKLY, last=timezone.now() - datetime.timedelta(days=2))
    bulletin = sent_bulletin("Normes")
    kept_for_digest(weekly, bulletin)
    kept_for_digest(recent, bulletin)
    run(Frequency.DAILY)
    assert OutgoingMail.objects.count() == 0
    run(Frequency.WEEKLY)
    assert list(OutgoingMail.objects.values_list("to", flat=True)) == ["weekly@alpha.test"]


def test_the_weekly_run_starts_on_its_weekday_only(settings, alpha):
    today = timezone.localdate().weekday()
    settings.GRAPPE_DIGEST_WEEKDAY = (today + 1) % 7
    with committed():
        assert [job.frequency for job in digests.start_due()] == [Frequency.DAILY]
    settings.GRAPPE_DIGEST_WEEKDAY = today
    with committed():
        assert sorted(job.frequency for job in digests.start_due()) == [Frequency.DAILY, Frequency.WEEKLY]


def test_who_withdrew_consent_gets_no_digest(alpha):
    refuses = reader(alpha, "refuses@alpha.test", consent=False)
    kept_for_digest(refuses, sent_bulletin("Normes"))
    run()
    assert not OutgoingMail.objects.exists()


def test_a_category_left_after_sending_is_not_in_the_digest(alpha):
    lea = reader(alpha, "lea@alpha.test")
    kept_for_digest(lea, sent_bulletin("Normes"))
    kept_for_digest(lea, sent_bulletin("Tarifs", category=Category.ECONOMIC))
    Unsubscription.objects.create(person=lea, topic=Category.ECONOMIC)
    run()
    message = email_to("lea@alpha.test")
    assert "Normes" in message.body and "Tarifs" not in message.body


def test_the_organisations_news_come_unless_the_reader_left_them(alpha, monkeypatch):
    lea = reader(alpha, "lea@alpha.test")
    paul = reader(alpha, "paul@alpha.test")
    Unsubscription.objects.create(person=paul, topic=Topic.UPDATES)
    now = timezone.now()

    def events(organisations, since, limit=0):
        items = [feed.FeedItem("event", "Événement", now - datetime.timedelta(hours=2), "Journée B2B",
                               "/fr/events/1/"),
                 feed.FeedItem("event", "Événement", now - datetime.timedelta(days=5), "Vieille journée",
                               "/fr/events/2/")]
        return {organisation.pk: [item for item in items if since is None or item.when > since]
                for organisation in organisations}

    monkeypatch.setattr(feed, "SOURCES", (*feed.SOURCES, events))
    run()
    message = email_to("lea@alpha.test")
    assert "Journée B2B" in message.body and "https://grappe.test/fr/events/1/" in message.body
    assert "Vieille journée" not in message.body  # older than a day: in an earlier digest
    assert not [m for m in mail.outbox if m.to == ["paul@alpha.test"]]  # left the news, nothing else to say


def test_a_bulletin_reaches_a_digest_through_the_readers_deliveries_only(alpha, monkeypatch):
    """The feed lists the bulletins sent to the organisation; a digest lists those kept for the person."""
    lea = reader(alpha, "lea@alpha.test")
    other = sent_bulletin("Pas pour Léa", audience=[alpha])
    kept_for_digest(lea, sent_bulletin("Pour Léa", audience=[alpha]))
    run()
    message = email_to("lea@alpha.test")
    assert "Pour Léa" in message.body and "Pas pour Léa" not in message.body
    assert other.pk


def test_the_staff_may_start_a_run_and_two_starts_make_one(alpha):
    writer = make_staff("comms@grappe.test", role=Role.STAFF_COMMUNICATIONS)
    kept_for_digest(reader(alpha, "lea@alpha.test"), sent_bulletin("Normes"))
    with committed():
        first = digests.start(actor=writer, frequency=Frequency.DAILY)
        second = digests.start(actor=writer, frequency=Frequency.DAILY)
    assert first == second and DigestJob.objects.count() == 1 and OutgoingMail.objects.count() == 1
    assert list(AuditEntry.objects.values_list("action", "actor")) == [("digest.started", writer.pk)]


def test_a_bulletin_linked_to_an_event_carries_its_button_in_a_digest_and_on_its_page(alpha, client):
    from django.urls import reverse

    from grappe.events.tests.factories import make_event

    staff = make_staff("comms@grappe.test", role=Role.STAFF_COMMUNICATIONS)
    event = make_event(staff)
    lea = reader(alpha, "lea@alpha.test")
    bulletin = sent_bulletin("Salon aéro", event=event)
    kept_for_digest(lea, bulletin)
    run()

    message = email_to("lea@alpha.test")
    page_of_the_event = f"https://grappe.test/fr/events/{event.pk}/"
    assert page_of_the_event in message.body and page_of_the_event in message.alternatives[0][0]
    assert "Voir l’événement" in message.body or "See the event" in message.body

    client.force_login(staff)
    page = client.get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()
    assert f"/events/{event.pk}/" in page


def test_switching_to_each_bulletin_mails_what_was_kept_for_the_digest_as_one_last_digest(alpha):
    from grappe.bulletins.services import preferences
    from grappe.bulletins.models import Unsubscription

    lea = reader(alpha, "lea@alpha.test", language="en")
    kept = kept_for_digest(lea, sent_bulletin("Normes"))
    left = kept_for_digest(lea, sent_bulletin("Élections", category=Category.POLITICAL))
    Unsubscription.objects.create(person=lea, topic=Category.POLITICAL)

    with committed():
        preferences.set_preferences(lea, Frequency.IMMEDIATE,
                                    [t for t in preferences.preferences_of(lea)["topics"]], by_link=True)

    message = email_to("lea@alpha.test")
    assert "Normes (EN)" in message.body and "Élections" not in message.body
    kept.refresh_from_db()
    left.refresh_from_db()
    assert kept.mailed_at is not None
    assert left.mailed_at is None, "a category left is never mailed"
    mail.outbox.clear()
    assert run().status == JobStatus.DONE and mail.outbox == []  # no digest run takes them again


def test_withdrawing_consent_while_switching_mails_nothing_kept(alpha):
    from grappe.bulletins.services import preferences

    lea = reader(alpha, "lea@alpha.test")
    kept = kept_for_digest(lea, sent_bulletin("Normes"))
    with committed():
        preferences.set_preferences(lea, Frequency.IMMEDIATE, preferences.preferences_of(lea)["topics"],
                                    communications=False, by_link=True)
    assert mail.outbox == [] and not OutgoingMail.objects.exists()
    kept.refresh_from_db()
    assert kept.mailed_at is None


def test_a_digests_one_click_unsubscribe_stops_the_digests_and_each_item_can_leave_its_category(alpha):
    import re

    from django.test import Client

    from grappe.bulletins.models import Topic, Unsubscription
    from grappe.core import outbox
    from grappe.core.models import MailStatus

    lea = reader(alpha, "lea@alpha.test", language="en")
    kept_for_digest(lea, sent_bulletin("Normes"))
    run()
    message = email_to("lea@alpha.test")
    # Each item links to leaving its own category.
    assert "Stop receiving “Regulatory watch”" in message.alternatives[0][0]
    leave_regulatory = re.search(r"Stop receiving “Regulatory watch”: (\S+)", message.body)[1]
    assert "/mail/unsubscribe/" in leave_regulatory

    # The mail client's one-click POST to the raw List-Unsubscribe header stops the digests.
    from urllib.parse import urlsplit

    header = urlsplit(message.extra_headers["List-Unsubscribe"].strip("<>")).path
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    response = Client(enforce_csrf_checks=True).post(header, "List-Unsubscribe=One-Click",
                                                      content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert set(Unsubscription.objects.filter(person=lea).values_list("topic", flat=True)) == {Topic.DIGEST}

    # No digest any more: neither the next run nor one already waiting in the outbox.
    MailPreference.objects.filter(person=lea).update(last_digest_at=None)
    kept_for_digest(lea, sent_bulletin("Tarifs"))
    mail.outbox.clear()
    run()
    assert mail.outbox == []
    waiting = outbox.queue("lea@alpha.test", "Digest", "…", stream="bulletins",
                           context={"person": lea.pk, "topic": "digest"})
    outbox.send_due()
    waiting.refresh_from_db()
    assert waiting.status == MailStatus.WITHDRAWN and mail.outbox == []
