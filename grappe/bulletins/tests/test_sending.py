"""Scheduling and sending a bulletin: refused when it cannot go (a time in the past, a target that reaches nobody),
each person mailed once however many times it is sent, in their language, honouring their consent, their
unsubscriptions, their digest preference and the addresses the mail server refused."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from grappe.bulletins.models import (
    Audience,
    BulletinStatus,
    Category,
    Channel,
    Delivery,
    Frequency,
    MailPreference,
    SendJob,
    Unsubscription,
)
from grappe.bulletins.services import sending
from grappe.conftest import committed, make_member, make_organisation, make_staff
from grappe.core.models import AuditEntry, BouncedAddress, JobStatus, Notification, OutgoingMail
from grappe.members.models import MembershipStatus, OrgRole, Person, Role

from .factories import make_bulletin

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate_tasks_in_english(settings):
    """Tasks run at once; refusals read in English (each email is in its reader's language whatever this is)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.GRAPPE_BASE_URL = "https://grappe.test"
    with translation.override("en"):
        yield


@pytest.fixture
def writer(db):
    return make_staff("comms@grappe.test", role=Role.STAFF_COMMUNICATIONS)


def person(organisation, email, *, language="fr", consent=True, **fields):
    return Person.objects.create(organisation=organisation, email=email, first_name=email.split("@")[0],
                                 last_name="Test", language=language, consent_communications=consent, **fields)


@pytest.fixture
def cluster(db):
    alpha = make_organisation("Alpha Usinage", region="06")
    bravo = make_organisation("Bravo Composites", region="16")
    make_organisation("Former Aero", membership_status=MembershipStatus.FORMER)
    people = {
        "lea": person(alpha, "lea@alpha.test"),
        "john": person(alpha, "john@alpha.test", language="en"),
        "refuses": person(alpha, "refuses@alpha.test", consent=False),
        "marc": person(bravo, "marc@bravo.test"),
        "gone": person(bravo, "gone@bravo.test", is_active=False),
    }
    return alpha, bravo, people


def send(writer, bulletin):
    with committed():
        job = sending.send_now(actor=writer, bulletin=bulletin)
    job.refresh_from_db()
    bulletin.refresh_from_db()
    return job


def mailed_to() -> list[str]:
    return sorted(OutgoingMail.objects.values_list("to", flat=True))


def email_to(address: str):
    """The message as it left for `address` (the test mail backend's outbox): (text, HTML, headers, subject)."""
    [message] = [m for m in mail.outbox if m.to == [address]]
    return message.body, message.alternatives[0][0], message.extra_headers, message.subject


# Scheduling ---------------------------------------------------------------------------------------------------

def test_a_schedule_in_the_past_is_refused(writer, cluster):
    bulletin = make_bulletin(created_by=writer)
    with pytest.raises(ValidationError) as refused:
        sending.schedule(actor=writer, bulletin=bulletin, when=timezone.now() - datetime.timedelta(minutes=1))
    assert "A schedule in the past is refused" in str(refused.value)
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.DRAFT and not AuditEntry.objects.exists()


def test_a_target_that_reaches_nobody_is_refused_naming_the_criterion(writer, cluster):
    bulletin = make_bulletin(created_by=writer, regions=["16"], kinds=["prime"])  # Bravo is in 16, but an SME
    with pytest.raises(ValidationError) as refused:
        sending.schedule(actor=writer, bulletin=bulletin, when=timezone.now() + datetime.timedelta(days=1))
    assert "the types" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        sending.send_now(actor=writer, bulletin=bulletin)
    assert "the types" in str(refused.value)
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.DRAFT and not SendJob.objects.exists()


def test_organisations_whose_people_would_all_be_left_out_are_refused_too(writer, cluster):
    alpha, bravo, people = cluster
    Person.objects.update(consent_communications=False)
    with pytest.raises(ValidationError) as refused:
        sending.send_now(actor=writer, bulletin=make_bulletin(created_by=writer))
    assert "none of the people" in str(refused.value)


def test_scheduling_then_unscheduling_leaves_an_entry_each_and_a_draft(writer, cluster):
    bulletin = make_bulletin(created_by=writer)
    when = timezone.now() + datetime.timedelta(days=2)
    sending.schedule(actor=writer, bulletin=bulletin, when=when)
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.SCHEDULED and bulletin.scheduled_for == when
    sending.unschedule(actor=writer, bulletin=bulletin)
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.DRAFT and bulletin.scheduled_for is None
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "bulletin.scheduled", "bulletin.unscheduled"]


def test_only_the_communications_staff_schedule_and_send(cluster):
    programs = make_staff("programs@grappe.test", role=Role.STAFF_PROGRAMS)
    member = make_member(cluster[0], "admin@alpha.test", org_role=OrgRole.ADMIN)
    bulletin = make_bulletin()
    for actor in (programs, member):
        with pytest.raises(PermissionDenied):
            sending.send_now(actor=actor, bulletin=bulletin)
        with pytest.raises(PermissionDenied):
            sending.schedule(actor=actor, bulletin=bulletin, when=timezone.now() + datetime.timedelta(days=1))
    assert not SendJob.objects.exists() and not AuditEntry.objects.exists()


def test_a_scheduled_bulletin_is_sent_once_its_time_has_come(writer, cluster):
    bulletin = make_bulletin(created_by=writer)
    sending.schedule(actor=writer, bulletin=bulletin, when=timezone.now() + datetime.timedelta(hours=1))
    assert sending.send_due() == 0  # not yet

    Delivery.objects.all().delete()
    type(bulletin).objects.filter(pk=bulletin.pk).update(scheduled_for=timezone.now() - datetime.timedelta(minutes=1))
    with committed():
        assert sending.send_due() == 1
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.SENT
    assert mailed_to() == ["john@alpha.test", "lea@alpha.test", "marc@bravo.test"]
    with committed():
        assert sending.send_due() == 0 and sending.send_if_due(bulletin.pk) is None  # the deferred task, late
    assert OutgoingMail.objects.count() == 3


def test_the_scheduled_task_is_queued_for_its_time_when_the_backend_can_wait(writer, cluster, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    bulletin = make_bulletin(created_by=writer)
    when = timezone.now() + datetime.timedelta(hours=3)
    with committed():
        sending.schedule(actor=writer, bulletin=bulletin, when=when)
    [queued] = default_task_backend.results
    assert queued.task.name == "send_scheduled_bulletin_task" and queued.task.run_after == when
    assert queued.args == [bulletin.pk]


def test_a_sent_bulletin_cannot_be_scheduled_sent_or_cancelled_again(writer, cluster):
    bulletin = make_bulletin(created_by=writer)
    send(writer, bulletin)
    for action in (lambda: sending.send_now(actor=writer, bulletin=bulletin),
                   lambda: sending.cancel(actor=writer, bulletin=bulletin),
                   lambda: sending.schedule(actor=writer, bulletin=bulletin,
                                            when=timezone.now() + datetime.timedelta(days=1))):
        with pytest.raises(ValidationError):
            action()
    assert OutgoingMail.objects.count() == 3


def test_a_cancelled_bulletin_is_never_sent(writer, cluster):
    bulletin = make_bulletin(created_by=writer)
    sending.schedule(actor=writer, bulletin=bulletin, when=timezone.now() + datetime.timedelta(hours=1))
    sending.cancel(actor=writer, bulletin=bulletin)
    type(bulletin).objects.filter(pk=bulletin.pk).update(scheduled_for=timezone.now())
    with committed():
        assert sending.send_due() == 0
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.CANCELLED and not Delivery.objects.exists()


# Sending ------------------------------------------------------------------------------------------------------

def test_sending_reaches_the_target_once_each_freezes_the_audience_and_tells_the_author(writer, cluster):
    alpha, bravo, people = cluster
    bulletin = make_bulletin(created_by=writer, regions=["06"])
    job = send(writer, bulletin)

    assert job.status == JobStatus.DONE and job.processed == job.total == 2
    assert bulletin.status == BulletinStatus.SENT and bulletin.sent_at is not None
    assert list(Audience.objects.filter(bulletin=bulletin).values_list("organisation", flat=True)) == [alpha.pk]
    assert mailed_to() == ["john@alpha.test", "lea@alpha.test"]  # not the one who refused, not the departed
    assert set(Delivery.objects.values_list("channel", flat=True)) == {Channel.IMMEDIATE}
    assert not Delivery.objects.filter(mailed_at__isnull=True).exists()
    [started] = AuditEntry.objects.filter(action="bulletin.sending_started")
    assert started.actor == writer and started.target_id == str(bulletin.pk)
    [notice] = Notification.objects.filter(user=writer, kind="bulletins.sent")
    assert notice.params["people"] == 2


def test_sending_twice_mails_each_person_once(writer, cluster):
    bulletin = make_bulletin(created_by=writer)
    with committed():
        first = sending.send_now(actor=writer, bulletin=bulletin)
        second = sending.send_now(actor=writer, bulletin=bulletin)  # a double click, before the job ran
    assert first == second and SendJob.objects.count() == 1
    assert AuditEntry.objects.filter(action="bulletin.sending_started").count() == 1

    sending.run(first.pk)  # the task run twice
    assert mailed_to() == ["john@alpha.test", "lea@alpha.test", "marc@bravo.test"]
    assert Delivery.objects.count() == 3


def test_a_sending_resumed_after_a_failure_mails_nobody_twice(writer, cluster, monkeypatch):
    bulletin = make_bulletin(created_by=writer)
    monkeypatch.setattr(sending, "BATCH", 2)
    calls = []
    deliver = sending._deliver_batch

    def fail_on_second_batch(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the worker's connection dropped")
        return deliver(*args)

    monkeypatch.setattr(sending, "_deliver_batch", fail_on_second_batch)
    job = send(writer, bulletin)
    assert job.status == JobStatus.FAILED and bulletin.status == BulletinStatus.SENDING
    assert OutgoingMail.objects.count() == 2

    monkeypatch.setattr(sending, "_deliver_batch", deliver)
    again = send(writer, bulletin)  # "send now" again
    assert again.pk != job.pk and again.status == JobStatus.DONE and bulletin.status == BulletinStatus.SENT
    assert mailed_to() == ["john@alpha.test", "lea@alpha.test", "marc@bravo.test"]


def test_withdrawn_consent_stops_everything_but_notices_to_members(writer, cluster):
    alpha, bravo, people = cluster
    send(writer, make_bulletin(title="Veille", category=Category.REGULATORY, created_by=writer))
    assert "refuses@alpha.test" not in mailed_to()

    OutgoingMail.objects.all().delete()
    send(writer, make_bulletin(title="Assemblée générale", category=Category.NOTICE, created_by=writer))
    assert "refuses@alpha.test" in mailed_to()
    assert len(mailed_to()) == 4  # every active person of the member organisations


def test_a_person_unsubscribed_from_a_category_gets_nothing_of_it(writer, cluster):
    alpha, bravo, people = cluster
    Unsubscription.objects.create(person=people["lea"], topic=Category.ECONOMIC)
    send(writer, make_bulletin(title="Tarifs", category=Category.ECONOMIC, created_by=writer))
    assert "lea@alpha.test" not in mailed_to()
    OutgoingMail.objects.all().delete()
    send(writer, make_bulletin(title="Normes", category=Category.REGULATORY, created_by=writer))
    assert "lea@alpha.test" in mailed_to()


def test_a_bounced_address_is_skipped(writer, cluster):
    BouncedAddress.objects.create(email="LEA@alpha.test", reason="550 no such mailbox")
    send(writer, make_bulletin(created_by=writer))
    assert mailed_to() == ["john@alpha.test", "marc@bravo.test"]


def test_who_chose_a_digest_gets_a_delivery_kept_for_it_and_no_mail_now(writer, cluster):
    alpha, bravo, people = cluster
    MailPreference.objects.create(person=people["lea"], frequency=Frequency.WEEKLY)
    MailPreference.objects.create(person=people["john"], frequency=Frequency.IMMEDIATE)
    send(writer, make_bulletin(created_by=writer))
    assert mailed_to() == ["john@alpha.test", "marc@bravo.test"]
    digest = Delivery.objects.get(person=people["lea"])
    assert digest.channel == Channel.DIGEST and digest.mailed_at is None

    OutgoingMail.objects.all().delete()
    send(writer, make_bulletin(title="Convocation", category=Category.NOTICE, created_by=writer))
    assert "lea@alpha.test" in mailed_to()  # a notice does not wait for a digest


def test_the_mail_is_in_each_persons_language_with_tracked_links_and_one_click_unsubscribe(writer, cluster):
    bulletin = make_bulletin(title="Nouvelles normes", title_en="New standards", created_by=writer,
                             body_fr='<p>Voir <a href="https://example.org/norme?a=1&amp;b=2">la norme</a>.</p>',
                             body_en='<p>See <a href="https://example.org/standard">the standard</a>.</p>')
    send(writer, bulletin)

    text, html, headers, subject = email_to("lea@alpha.test")
    english_text, english_html, english_headers, english_subject = email_to("john@alpha.test")
    assert subject == "Nouvelles normes" and english_subject == "New standards"
    assert "Alpha Usinage" in html and "Voir" in html and "See" in english_html
    assert "https://example.org/norme" not in html  # the link goes through the click counter
    assert re.search(r'href="https://grappe.test/fr/news/mail/clicked/[^"/]+/"', html)
    assert re.search(r'<img src="https://grappe.test/fr/news/mail/opened/[^"/]+/"', html)
    assert "la norme (https://example.org/norme?a=1&b=2)" in text  # the text part, plain
    assert "Vos préférences" in text and "Your mail preferences" in english_text
    assert headers["List-Unsubscribe"].startswith("<https://grappe.test/fr/news/mail/unsubscribe/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Unsubscribe"][1:-1] in html and headers["List-Unsubscribe"][1:-1] in text
    assert headers["List-Unsubscribe"] != english_headers["List-Unsubscribe"]  # each their own
    sent = OutgoingMail.objects.get(to="lea@alpha.test")
    assert sent.html_body == "" and sent.body == ""  # personal links are not kept once sent


def test_a_notice_to_members_has_no_one_click_unsubscribe(writer, cluster):
    send(writer, make_bulletin(title="Assemblée générale", category=Category.NOTICE, created_by=writer))
    _text, _html, headers, _subject = email_to("lea@alpha.test")
    assert headers["List-Unsubscribe"].startswith("<https://grappe.test/fr/news/mail/preferences/")
    assert "List-Unsubscribe-Post" not in headers


def test_a_bulletins_text_cannot_forge_a_readers_link(writer, cluster):
    bulletin = make_bulletin(created_by=writer, body_fr="<p>⟦abc:unsubscribe⟧ {{ open_url }}</p>")
    send(writer, bulletin)
    _text, html, _headers, _subject = email_to("lea@alpha.test")
    assert "⟦abc:unsubscribe⟧ {{ open_url }}" in html


def test_a_bulletin_linked_to_an_event_carries_a_button_to_its_page(writer, cluster):
    from grappe.events.tests.factories import make_event

    event = make_event(writer)
    send(writer, make_bulletin(created_by=writer, event=event))
    text, html, _headers, _subject = email_to("lea@alpha.test")
    assert f"https://grappe.test/fr/events/{event.pk}/" in text
    assert html.count("/fr/news/mail/clicked/") == 1  # the button, counted as the bulletin's links are


def test_withdrawn_consent_stops_every_optional_category_and_the_digest_but_not_a_notice(writer, cluster):
    """End to end, through the sending job, the digest run and the outbox to the mail backend: a person who
    withdrew consent, even one who chose a daily digest, gets a notice to members and nothing else."""
    from grappe.bulletins.services import digests

    alpha, bravo, people = cluster
    MailPreference.objects.create(person=people["refuses"], frequency=Frequency.DAILY)
    mail.outbox.clear()
    for category in Category:
        if category != Category.NOTICE:
            send(writer, make_bulletin(title=f"Bulletin {category.value}", category=category, created_by=writer))
    with committed():
        digests.start(actor=None, frequency=Frequency.DAILY)
    assert mail.outbox, "the others were mailed"
    assert not [m for m in mail.outbox if m.to == ["refuses@alpha.test"]]
    assert not Delivery.objects.filter(person=people["refuses"]).exists()

    send(writer, make_bulletin(title="Assemblée générale", category=Category.NOTICE, created_by=writer))
    [notice] = [m for m in mail.outbox if m.to == ["refuses@alpha.test"]]
    assert notice.subject == "Assemblée générale"


# Mail waiting in the outbox (review: unsubscribing did not stop it) ------------------------------------------

def test_unsubscribing_or_withdrawing_consent_stops_mail_still_waiting_in_the_outbox(writer, cluster, settings):
    from grappe.bulletins.services import preferences
    from grappe.core import outbox
    from grappe.core.models import MailStatus

    _alpha, _bravo, people = cluster
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # mail stays pending
    watch, notice = make_bulletin(created_by=writer), make_bulletin(
        created_by=writer, category=Category.NOTICE, title="Assemblée générale")
    for bulletin in (watch, notice):
        with committed():
            job = sending.send_now(actor=writer, bulletin=bulletin)
        sending.run(job.pk)
    assert OutgoingMail.objects.filter(status=MailStatus.PENDING).count() == 7  # lea, john, marc; and refuses for the notice

    preferences.unsubscribe(people["lea"], Category.REGULATORY, by_link=True)
    Person.objects.filter(pk=people["marc"].pk).update(consent_communications=False)
    outbox.send_due()

    assert sorted(m.to[0] for m in mail.outbox if m.subject in (watch.title_fr, watch.title_en)) == ["john@alpha.test"]
    # The notice to members still leaves: membership requires it.
    assert sorted(m.to[0] for m in mail.outbox if m.subject in (notice.title_fr, notice.title_en)) == [
        "john@alpha.test", "lea@alpha.test", "marc@bravo.test", "refuses@alpha.test"]
    assert sorted(OutgoingMail.objects.filter(status=MailStatus.WITHDRAWN).values_list("to", flat=True)) == [
        "lea@alpha.test", "marc@bravo.test"]


def test_the_sending_job_reads_unsubscriptions_again_for_each_batch(writer, cluster, monkeypatch):
    _alpha, _bravo, people = cluster
    bulletin = make_bulletin(created_by=writer)
    real_batch = sending._deliver_batch

    def lea_leaves_meanwhile(*args):  # between the listing of recipients and their batch
        Unsubscription.objects.get_or_create(person=people["lea"], topic=Category.REGULATORY)
        return real_batch(*args)

    monkeypatch.setattr(sending, "_deliver_batch", lea_leaves_meanwhile)
    send(writer, bulletin)

    assert not Delivery.objects.filter(bulletin=bulletin, person=people["lea"]).exists()
    assert mailed_to() == ["john@alpha.test", "marc@bravo.test"]


def test_a_scheduled_bulletin_that_reaches_nobody_at_its_time_goes_back_to_draft_and_its_author_is_told(
        writer, cluster):
    from grappe.core import notify

    _alpha, _bravo, people = cluster
    bulletin = make_bulletin(created_by=writer)
    sending.schedule(actor=writer, bulletin=bulletin, when=timezone.now() + datetime.timedelta(hours=1))
    Person.objects.filter(pk__in=[people["lea"].pk, people["john"].pk, people["marc"].pk]).update(
        consent_communications=False)  # nobody left to reach
    type(bulletin).objects.filter(pk=bulletin.pk).update(scheduled_for=timezone.now() - datetime.timedelta(minutes=1))
    with committed():
        assert sending.send_due() == 0

    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.DRAFT and bulletin.scheduled_for is None
    assert not SendJob.objects.exists() and not OutgoingMail.objects.exists()
    [told] = Notification.objects.filter(kind="bulletins.not_sent")
    assert told.user == writer
    with translation.override("en"):
        assert "back to draft" in notify.text(told.kind, told.params)
        assert "would reach nobody" in notify.text(told.kind, told.params)
    assert AuditEntry.objects.filter(action="bulletin.unscheduled").count() == 1


# Counts (review: reasons counted twice, addresses compared with their case) ---------------------------------

def test_each_person_left_out_is_counted_once_under_the_first_reason(writer, cluster):
    from grappe.bulletins import targeting

    alpha, _bravo, people = cluster
    Unsubscription.objects.create(person=people["refuses"], topic=Category.REGULATORY)  # no consent first
    Unsubscription.objects.create(person=people["lea"], topic=Category.REGULATORY)
    BouncedAddress.objects.create(email="LEA@alpha.test")  # unsubscribed first
    BouncedAddress.objects.create(email="refuses@alpha.test")
    BouncedAddress.objects.create(email="John@Alpha.test")
    bulletin = make_bulletin(created_by=writer, audience=[alpha])

    reach = targeting.reach(bulletin.category, targeting.Target.of(bulletin))

    assert reach.left_out == {"did not consent to communications": 1, "unsubscribed from this category": 1,
                              "address refused by the mail server": 1}
    assert reach.people + sum(reach.left_out.values()) == reach.contacts


def test_a_refused_address_finds_its_person_whatever_the_case(cluster):
    from grappe.bulletins import selectors

    _alpha, _bravo, people = cluster
    Person.objects.filter(pk=people["lea"].pk).update(email="Lea@Alpha.test")
    bounce = BouncedAddress.objects.create(email="lea@alpha.TEST")

    assert selectors.bounces_with_people([bounce]) == [(bounce, people["lea"])]


# Job results put into words by the page, in its reader's language (review: stored in the worker's) ----------

def test_the_sending_job_keeps_its_figures_and_the_page_says_them_in_the_readers_language(writer, cluster,
                                                                                         client, monkeypatch):
    from django.urls import reverse

    bulletin = make_bulletin(created_by=writer)
    with translation.override("fr"):  # a worker in French
        job = send(writer, bulletin)
    assert job.report == {"outcome": "sent", "people": 3} and job.message == ""

    client.force_login(writer)
    page = client.get(reverse("bulletins:staff-detail", args=[bulletin.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Sent to 3 people." in page.content.decode()

    # A failure shows a sentence, never the raw exception.
    failed = make_bulletin(created_by=writer, title="Autre")
    monkeypatch.setattr(sending, "_deliver", lambda job: (_ for _ in ()).throw(KeyError("person_id")))
    job = send(writer, failed)
    assert job.status == JobStatus.FAILED
    page = client.get(reverse("bulletins:staff-detail", args=[failed.pk])).content.decode()
    assert "KeyError" not in page and "person_id" not in page
    assert "stopped before its end" in page or "arrêté avant la fin" in page or "interrompu" in page


def test_the_authors_notification_counts_in_the_singular_for_one_person(writer, cluster):
    from grappe.core import notify

    notification_text = notify.text("bulletins.sent", {"title_fr": "Normes", "title_en": "Standards",
                                                       "people": 1})
    assert "1 person." in notification_text
