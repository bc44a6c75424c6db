"""Daily and weekly digests: one email per person who chose one, in their language, with the bulletins kept for
it and their organisation's news since their last digest.

Each day `queue_daily_tasks` starts the daily run, and the weekly one on settings.GRAPPE_DIGEST_WEEKDAY (Monday by
default). A run (DigestJob, with progress) takes the people of that frequency whose last digest is older than
today (daily) or than six days (weekly), so that a run started twice the same day mails nobody twice; for each:

- the deliveries awaiting a digest (channel digest, not mailed yet), less the categories the person left since;
- unless they left the topic "updates", their organisation's feed (bulletins.feed) newer than their last digest,
  without its bulletins: a bulletin reaches a person through their own deliveries only, which honour their
  consent and unsubscriptions;
- nothing for a person who withdrew consent for communications: digests carry no notice to members (those are
  always mailed at once, services/sending.py), so they would carry nothing but what the person refused.

A person who switches to each bulletin as it is sent gets what they kept for their digest at once, as one last
digest (`mail_pending`, in the transaction that saves their preferences). Deliveries of a category the person left,
or kept while they withdrew consent, are never mailed: they stay with mailed_at empty (reached the organisation,
not mailed to the person), and a digest skips them as long as the category is left or the consent withdrawn.

A person with nothing new gets no email. The deliveries listed are marked mailed and the person's last digest
dated, in the batch's transaction that queues the mail.

The one-click unsubscribe of a digest (List-Unsubscribe, and its footer's link) stops what the email is: the
digests (topic "digest"). A person who chose a digest gets optional bulletins only through it, so from then on no
optional bulletin is mailed to them (their deliveries stay unmailed; notices to members are still mailed at once),
until they choose each bulletin as it is sent, or come back to the digests signed in. Each item of a digest carries
the link to leave its own category (a bulletin) or the organisation's news (the topic "updates").

Fast for 5,000 organisations and 50,000 people: each bulletin is rendered once per language, each feed item once
per (organisation, language), the email's frame once per language; a person's email is those pieces joined with
their own links (mail.Markers), and the mail is written in batches (bulk_create).
"""

import datetime
import html
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from grappe.core import jobs, outbox
from grappe.core.links import absolute_url
from grappe.core.models import BouncedAddress, OutgoingMail
from grappe.core.permissions import require
from grappe.members.models import MembershipStatus, Organisation, Person

from .. import feed, links, streams
from ..mail import ONE_CLICK, Markers, linked_page, text_of
from ..models import (
    Bulletin,
    BulletinStatus,
    Channel,
    Delivery,
    DigestJob,
    Frequency,
    MailPreference,
    Topic,
    Unsubscription,
)

DIGEST_TASK = "grappe.bulletins.tasks.build_digests_task"
BATCH = 1000
PERIOD = {Frequency.DAILY: datetime.timedelta(days=1), Frequency.WEEKLY: datetime.timedelta(days=7)}

log = logging.getLogger(__name__)


def start(*, actor, frequency: str) -> DigestJob:
    """Start a digest run of `frequency` (one unfinished run per frequency: a second start finds it)."""
    if actor is not None:
        require(actor, "bulletins.manage_bulletins")
    return jobs.start_once(DigestJob, actor=actor, action="digest.started", task=DIGEST_TASK, frequency=frequency)


def start_due() -> list[DigestJob]:
    """Today's runs: the daily one, and the weekly one on its weekday (queue_daily_tasks)."""
    frequencies = [Frequency.DAILY]
    if timezone.localdate().weekday() == settings.GRAPPE_DIGEST_WEEKDAY:
        frequencies.append(Frequency.WEEKLY)
    return [start(actor=None, frequency=frequency) for frequency in frequencies]


def due_before(frequency: str, now: datetime.datetime) -> datetime.datetime:
    """A person whose last digest is older than this is due: the start of today (daily), of six days ago
    (weekly)."""
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - (PERIOD[frequency] - datetime.timedelta(days=1))


def run(job_id: int) -> DigestJob:
    """The digest run's work (tasks.build_digests_task), claimed once; a failure marks the run failed (those
    mailed stay mailed: a new run takes the others)."""
    job = DigestJob.objects.get(pk=job_id)
    if not jobs.start(job):
        return job
    try:
        _build(job)
    except jobs.JobLost:
        log.warning("digest run %s was failed as stale while it worked", job.pk)
    except Exception as error:
        log.exception("digest run %s failed", job.pk)
        jobs.fail(job, str(error))
    return job


@dataclass(frozen=True)
class Reader:
    person_id: int
    email: str
    language: str
    organisation_id: int
    organisation: str
    since: datetime.datetime


def readers(frequency: str, now: datetime.datetime) -> list[Reader]:
    """The people due for a digest of `frequency`: active, consenting, of a member organisation, with an
    address the mail server takes."""
    preferences = (MailPreference.objects.filter(
        frequency=frequency, person__is_active=True, person__consent_communications=True,
        person__organisation__membership_status=MembershipStatus.ACTIVE)
        .exclude(last_digest_at__gte=due_before(frequency, now))
        .exclude(person__unsubscriptions__topic=Topic.DIGEST).order_by("person"))
    bounced = {email.lower() for email in BouncedAddress.objects.values_list("email", flat=True)}
    fallback = now - PERIOD[frequency]
    return [Reader(pk, email, language, organisation_id, trade_name or legal_name, last or fallback)
            for pk, email, language, organisation_id, trade_name, legal_name, last in preferences.values_list(
                "person", "person__email", "person__language", "person__organisation",
                "person__organisation__trade_name", "person__organisation__legal_name", "last_digest_at")
            if email.lower() not in bounced]


def _build(job: DigestJob) -> None:
    now = timezone.now()
    people = readers(job.frequency, now)
    total = len(people)
    jobs.beat(job, 0, total)
    pieces = Pieces(job.frequency)
    mailed = 0
    for start_at in range(0, total, BATCH):
        batch = people[start_at:start_at + BATCH]
        with transaction.atomic():
            mailed += _build_batch(batch, pieces, now)
            jobs.beat(job, start_at + len(batch), total)
    jobs.finish(job, report={"mailed": mailed, "due": total})


def _build_batch(batch: list[Reader], pieces: "Pieces", now: datetime.datetime) -> int:
    person_ids = [reader.person_id for reader in batch]
    left = defaultdict(set)
    for person_id, topic in Unsubscription.objects.filter(person__in=person_ids).values_list("person", "topic"):
        left[person_id].add(topic)
    waiting = defaultdict(list)
    for delivery_id, person_id, bulletin_id, category in (
            Delivery.objects.filter(person__in=person_ids, channel=Channel.DIGEST, mailed_at__isnull=True,
                                    bulletin__status=BulletinStatus.SENT)
            .order_by("-bulletin__sent_at", "pk").values_list("pk", "person", "bulletin", "bulletin__category")):
        if category not in left[person_id]:
            waiting[person_id].append((delivery_id, bulletin_id))
    pieces.load_bulletins({bulletin_id for rows in waiting.values() for _d, bulletin_id in rows})
    news_readers = [reader for reader in batch if Topic.UPDATES not in left[reader.person_id]]
    pieces.load_organisations({reader.organisation_id for reader in news_readers})
    pieces.load_news(news_readers)
    messages, delivered = [], []
    for reader in batch:
        news = [] if Topic.UPDATES in left[reader.person_id] else pieces.news(reader)
        if not waiting[reader.person_id] and not news:
            continue
        messages.append(pieces.email(reader, waiting[reader.person_id], news))
        delivered += [delivery_id for delivery_id, _bulletin in waiting[reader.person_id]]
    outbox.queue_many(messages)
    Delivery.objects.filter(pk__in=delivered, mailed_at__isnull=True).update(mailed_at=now)
    MailPreference.objects.filter(person__in=person_ids).update(last_digest_at=now)
    return len(messages)


def mail_pending(person_id: int, frequency: str) -> int:
    """Mail now, as one last digest of `frequency`, what a person kept for their digest: called, inside its
    transaction, by services.preferences.set_preferences when the person switches to each bulletin as it is sent
    (no digest run would ever take them again). What the digest run would skip is skipped the same way: nothing
    for a person without consent, of an organisation no longer a member, or whose address was refused; nothing of
    a category they left. Those deliveries stay unmailed (mailed_at empty): the bulletin reached the person's
    organisation but was never mailed to them, which is what the statistics should say. How many emails (0 or 1)."""
    now = timezone.now()
    row = (Person.objects.filter(pk=person_id, is_active=True, consent_communications=True,
                                 organisation__membership_status=MembershipStatus.ACTIVE)
           .values_list("email", "language", "organisation", "organisation__trade_name",
                        "organisation__legal_name", "mail_preference__last_digest_at").first())
    if row is None or Unsubscription.objects.filter(person_id=person_id, topic=Topic.DIGEST).exists():
        return 0
    email, language, organisation_id, trade_name, legal_name, last = row
    if BouncedAddress.objects.filter(email__iexact=email).exists():
        return 0
    reader = Reader(person_id, email, language, organisation_id, trade_name or legal_name,
                    last or now - PERIOD[frequency])
    return _build_batch([reader], Pieces(frequency), now)


@dataclass(frozen=True)
class Piece:
    """A part of a digest, rendered once: HTML and text, with markers for the reader's own link."""

    when: datetime.datetime
    html: str
    text: str
    url: str = ""  # a bulletin's page, to which the reader's tracked link leads


class Pieces:
    """The rendered parts of a run's digests, each rendered once and shared by every reader."""

    def __init__(self, frequency: str):
        self.frequency, self.marker = frequency, Markers()
        self.bulletins: dict[int, Bulletin] = {}
        self.rendered: dict[tuple, Piece] = {}
        self.feeds: dict[tuple[int, str], list[Piece]] = {}
        self.frames: dict[str, dict[str, str]] = {}
        self.organisations: dict[int, Organisation] = {}

    def load_bulletins(self, ids: set[int]) -> None:
        missing = ids - self.bulletins.keys()
        if missing:
            self.bulletins.update(Bulletin.objects.in_bulk(missing))

    def load_organisations(self, ids: set[int]) -> None:
        missing = ids - self.organisations.keys()
        if missing:
            self.organisations.update(Organisation.objects.in_bulk(missing))

    def bulletin(self, bulletin_id: int, language: str) -> Piece:
        key = ("bulletin", bulletin_id, language)
        if key not in self.rendered:
            bulletin = self.bulletins[bulletin_id]
            with translation.override(language):
                context = {"title": bulletin.title, "summary": bulletin.summary or text_of(bulletin.body)[:300],
                           "category": bulletin.get_category_display(), "url": self.marker("link"),
                           "text_url": absolute_url(reverse("bulletins:detail", args=[bulletin.pk])),
                           "leave_url": self.marker("leave"),
                           "leave_label": _("Stop receiving “%(category)s”") % {
                               "category": bulletin.get_category_display()}}
                button = linked_page(bulletin)
                context["button"] = button and {"label": button[0], "url": button[1]}
                self.rendered[key] = Piece(bulletin.sent_at,
                                           render_to_string("bulletins/email/_digest_item.html", context),
                                           render_to_string("bulletins/email/_digest_item.txt", context),
                                           context["text_url"])
        return self.rendered[key]

    def load_news(self, readers: list[Reader]) -> None:
        """The feeds of the readers' organisations, in each reader's language, over the period the run covers:
        each organisation's read once per language, those of a batch together (feed.feeds_for)."""
        since = timezone.now() - PERIOD_READ[self.frequency]
        # The feed's sources but its bulletins: a reader's bulletins are their deliveries.
        sources = tuple(source for source in feed.SOURCES if source is not feed.bulletins)
        for language in {reader.language for reader in readers}:
            missing = {reader.organisation_id for reader in readers
                       if reader.language == language and (reader.organisation_id, language) not in self.feeds}
            if not missing:
                continue
            with translation.override(language):
                found = feed.feeds_for([self.organisations[pk] for pk in missing], since=since, sources=sources)
                for organisation_id, items in found.items():
                    self.feeds[(organisation_id, language)] = [self._news_piece(item) for item in items]

    def news(self, reader: Reader) -> list[Piece]:
        """The organisation's feed items newer than the reader's last digest (`load_news` read them)."""
        return [piece for piece in self.feeds[(reader.organisation_id, reader.language)]
                if piece.when > reader.since]

    def _news_piece(self, item) -> Piece:
        context = {"title": item.title, "summary": item.summary, "category": item.kind_label,
                   "url": absolute_url(item.url), "text_url": absolute_url(item.url),
                   "leave_url": self.marker("leave"), "leave_label": _("Stop your organisation's news in digests")}
        return Piece(item.when, render_to_string("bulletins/email/_digest_item.html", context),
                     render_to_string("bulletins/email/_digest_item.txt", context))

    def frame(self, language: str) -> dict[str, str]:
        """The email around its items in `language`: its subject, HTML and text, and its sections' headings."""
        if language not in self.frames:
            with translation.override(language):
                m = self.marker
                context = {"language": language, "frequency": self.frequency, "sections": m("sections"),
                           "organisation": m("organisation"), "preferences_url": m("preferences"),
                           "unsubscribe_url": m("unsubscribe"), "required": False}
                headings = {"bulletins": _("Bulletins"), "news": _("News of your organisation")}
                self.frames[language] = {
                    "subject": (_("Your daily digest of the cluster's news") if self.frequency == Frequency.DAILY
                                else _("Your weekly digest of the cluster's news")),
                    "html": render_to_string("bulletins/email/digest.html", context),
                    "text": render_to_string("bulletins/email/digest.txt", context),
                    **{f"{name}_html": format_html(HEADING, heading) for name, heading in headings.items()},
                    **{f"{name}_text": f"{heading}\n{'=' * len(heading)}\n" for name, heading in headings.items()},
                }
        return self.frames[language]

    def email(self, reader: Reader, waiting: list[tuple[int, int]], news: list[Piece]) -> OutgoingMail:
        frame = self.frame(reader.language)
        with translation.override(reader.language):
            preferences = links.preferences_url(reader.person_id)
            unsubscribe = links.unsubscribe_url(reader.person_id, Topic.DIGEST)
            leave_updates = links.unsubscribe_url(reader.person_id, Topic.UPDATES)
            bulletins_html, bulletins_text = [], []
            for delivery_id, bulletin_id in waiting:
                piece = self.bulletin(bulletin_id, reader.language)
                leave = links.unsubscribe_url(reader.person_id, self.bulletins[bulletin_id].category)
                bulletins_html.append(self.marker.fill(piece.html, {"link": html.escape(
                    links.click_url(delivery_id, piece.url)), "leave": html.escape(leave)}))
                bulletins_text.append(self.marker.fill(piece.text, {"leave": leave}))
        sections_html = sections_text = ""
        if waiting:
            sections_html += frame["bulletins_html"] + "".join(bulletins_html)
            sections_text += frame["bulletins_text"] + "\n".join(bulletins_text) + "\n"
        if news:
            sections_html += frame["news_html"] + "".join(
                self.marker.fill(piece.html, {"leave": html.escape(leave_updates)}) for piece in news)
            sections_text += frame["news_text"] + "\n".join(
                self.marker.fill(piece.text, {"leave": leave_updates}) for piece in news) + "\n"
        values = {"sections": sections_html, "organisation": html.escape(reader.organisation),
                  "preferences": html.escape(preferences), "unsubscribe": html.escape(unsubscribe)}
        text_values = {"sections": sections_text, "organisation": reader.organisation,
                       "preferences": preferences, "unsubscribe": unsubscribe}
        return OutgoingMail(**outbox.message_fields(
            reader.email, frame["subject"], self.marker.fill(frame["text"], text_values),
            html_body=self.marker.fill(frame["html"], values),
            headers={"List-Unsubscribe": f"<{unsubscribe}>", **ONE_CLICK},
            stream=streams.STREAM, context=streams.context_of(reader.person_id, streams.DIGEST)))


HEADING = '<h2 style="margin:24px 0 8px;font-size:18px;border-bottom:1px solid #e5e7eb;padding-bottom:4px;">{}</h2>'


# How far back a run reads each organisation's feed: a little more than the period, for the readers whose last
# digest is a little older (a run a day late); a reader's own `since` then selects their items.
PERIOD_READ = {frequency: period * 2 for frequency, period in PERIOD.items()}
