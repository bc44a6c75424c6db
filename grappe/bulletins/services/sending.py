"""Scheduling and sending a bulletin.

The staff schedule a bulletin (or send it now); at its time a SendJob (grappe.core.jobs) freezes its audience,
resolves the people it reaches (targeting.recipients) and writes one Delivery per person, in batches, with the
mail of those who want each bulletin at once queued in the outbox inside the batch's transaction. The others'
deliveries wait for their digest (services/digests.py). A notice to members (a required category) is always mailed
at once: a general assembly's convocation does not wait for a weekly digest.

Each person is mailed once, however many times a bulletin is sent: a double click finds the bulletin sending and
its job under way (the bulletin's row is locked, and one unfinished job per bulletin is a constraint); a job run
twice is claimed once (jobs.start); a job resumed after a failure skips the people who already have a delivery,
read under the bulletin's row lock in each batch; the unique (bulletin, person) constraint is the backstop.

A scheduled bulletin is sent by a task queued for its time when the task backend can wait (the database backend in
production), and by `manage.py queue_daily_tasks`, which sends the scheduled bulletins whose time has passed.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from grappe.core import audit, feed_versions, jobs, notify, outbox
from grappe.core.errors import Conflict
from grappe.core.models import UNFINISHED, OutgoingMail
from grappe.core.permissions import require
from grappe.members.models import Organisation, Person

from .. import streams, targeting
from ..mail import BulletinMail
from ..models import Audience, Bulletin, BulletinStatus, Channel, Delivery, Frequency, SendJob

SEND_TASK = "grappe.bulletins.tasks.send_bulletin_task"
SCHEDULED_TASK = "grappe.bulletins.tasks.send_scheduled_bulletin_task"
BATCH = 1000
SENDABLE = (BulletinStatus.DRAFT, BulletinStatus.SCHEDULED)

log = logging.getLogger(__name__)


def _locked(bulletin: Bulletin) -> Bulletin:
    return Bulletin.objects.select_for_update().get(pk=bulletin.pk)


def check_reach(bulletin: Bulletin) -> None:
    """Refuse a bulletin that would reach nobody, naming the criterion that left no organisation."""
    target = targeting.Target.of(bulletin)
    emptied = targeting.first_emptying(target)
    if emptied is not None:
        raise ValidationError(_("This bulletin would reach nobody: no member organisation is left once this "
                                "criterion is applied: %(criterion)s.") % {"criterion": emptied})
    organisations = targeting.organisations(target)
    if not targeting.recipients(bulletin.category, organisations).exists():
        raise ValidationError(_("This bulletin would reach nobody: none of the people of its organisations would "
                                "receive it (no consent to communications, unsubscribed from this category, or "
                                "an address refused by the mail server)."))


def _refuse_unless_sendable(bulletin: Bulletin) -> None:
    if bulletin.status not in SENDABLE:
        raise Conflict(_("Only a draft or a scheduled bulletin can be scheduled or sent; this one is “%(status)s”.")
                       % {"status": bulletin.get_status_display()})


def schedule(*, actor, bulletin: Bulletin, when) -> Bulletin:
    """Send the bulletin at `when` (a time to come); it stays editable as a scheduled draft until then."""
    require(actor, "bulletins.manage_bulletins")
    if when is None or when <= timezone.now():
        raise ValidationError({"when": _("A schedule in the past is refused: choose a time to come.")})
    with transaction.atomic():
        bulletin = _locked(bulletin)
        _refuse_unless_sendable(bulletin)
        check_reach(bulletin)
        before = {"status": bulletin.status, "scheduled_for": _iso(bulletin.scheduled_for)}
        bulletin.status, bulletin.scheduled_for = BulletinStatus.SCHEDULED, when
        bulletin.save(update_fields=["status", "scheduled_for", "updated_at"])
        audit.record(actor, "bulletin.scheduled", bulletin, before=before,
                     after={"status": bulletin.status, "scheduled_for": _iso(when)})
        transaction.on_commit(lambda: _send_at(bulletin.pk, when))
    return bulletin


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _send_at(bulletin_id: int, when) -> None:
    """Queue the sending for its time when the task backend can wait; otherwise the daily tasks send it."""
    task = import_string(SCHEDULED_TASK)
    if task.get_backend().supports_defer:
        task.using(run_after=when).enqueue(bulletin_id)


def unschedule(*, actor, bulletin: Bulletin) -> Bulletin:
    """Back to draft: the task queued for its time will find it so and do nothing."""
    require(actor, "bulletins.manage_bulletins")
    with transaction.atomic():
        bulletin = _locked(bulletin)
        if bulletin.status != BulletinStatus.SCHEDULED:
            raise Conflict(_("This bulletin is not scheduled."))
        before = {"status": bulletin.status, "scheduled_for": _iso(bulletin.scheduled_for)}
        bulletin.status, bulletin.scheduled_for = BulletinStatus.DRAFT, None
        bulletin.save(update_fields=["status", "scheduled_for", "updated_at"])
        audit.record(actor, "bulletin.unscheduled", bulletin, before=before, after={"status": bulletin.status})
    return bulletin


def cancel(*, actor, bulletin: Bulletin) -> Bulletin:
    """Cancel a draft, a scheduled bulletin, or one being sent (its job stops at its next batch: those mailed
    already keep their mail)."""
    require(actor, "bulletins.manage_bulletins")
    with transaction.atomic():
        bulletin = _locked(bulletin)
        if bulletin.status not in (*SENDABLE, BulletinStatus.SENDING):
            raise Conflict(_("This bulletin is “%(status)s”: it can no longer be cancelled.")
                           % {"status": bulletin.get_status_display()})
        before = {"status": bulletin.status}
        bulletin.status = BulletinStatus.CANCELLED
        bulletin.save(update_fields=["status", "updated_at"])
        audit.record(actor, "bulletin.cancelled", bulletin, before=before, after={"status": bulletin.status})
    return bulletin


def send_now(*, actor, bulletin: Bulletin) -> SendJob:
    """Start sending the bulletin; a second click while it is sent finds the job under way. A bulletin whose
    sending failed half-way is resumed: those it reached are not mailed again."""
    require(actor, "bulletins.manage_bulletins")
    with transaction.atomic():
        bulletin = _locked(bulletin)
        if bulletin.status == BulletinStatus.SENDING:
            ongoing = bulletin.send_jobs.filter(status__in=UNFINISHED).first()
            if ongoing is not None:
                return ongoing
        else:
            _refuse_unless_sendable(bulletin)
            check_reach(bulletin)
        return _start(actor, bulletin)


def _start(actor, bulletin: Bulletin) -> SendJob:
    """Under the bulletin's lock: mark it sending and start its job (one audit entry, on the bulletin)."""
    bulletin.status = BulletinStatus.SENDING
    bulletin.save(update_fields=["status", "updated_at"])
    return jobs.start_once(SendJob, actor=actor, action="bulletin.sending_started", task=SEND_TASK,
                           target=bulletin, bulletin=bulletin)


def send_if_due(bulletin_id: int) -> SendJob | None:
    """Start sending a scheduled bulletin whose time has come (the task queued for its time; idempotent)."""
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().filter(pk=bulletin_id).first()
        if (bulletin is None or bulletin.status != BulletinStatus.SCHEDULED
                or bulletin.scheduled_for > timezone.now()):
            return None
        # Checked again at its time, as "send now" does: people left or unsubscribed since it was scheduled.
        reasons = {}
        for language in ("fr", "en"):
            with translation.override(language):
                try:
                    check_reach(bulletin)
                except ValidationError as refused:
                    reasons[language] = " ".join(refused.messages)
        if reasons:
            _back_to_draft(bulletin, reasons)
            return None
        return _start(None, bulletin)


def _back_to_draft(bulletin: Bulletin, reasons: dict[str, str]) -> None:
    """A scheduled bulletin that reaches nobody at its time: back to draft, and its author told why."""
    before = {"status": bulletin.status, "scheduled_for": _iso(bulletin.scheduled_for)}
    bulletin.status, bulletin.scheduled_for = BulletinStatus.DRAFT, None
    bulletin.save(update_fields=["status", "scheduled_for", "updated_at"])
    audit.record(None, "bulletin.unscheduled", bulletin, before=before,
                 after={"status": bulletin.status, "reason": reasons.get("en", "")})
    if bulletin.created_by_id is not None:
        notify.on_commit(notify.send, [bulletin.created_by], "bulletins.not_sent",
                         {"title_fr": bulletin.title_fr, "title_en": bulletin.title_en,
                          "reason_fr": reasons.get("fr", ""), "reason_en": reasons.get("en", "")},
                         url=reverse("bulletins:staff-detail", args=[bulletin.pk]))


def send_due() -> int:
    """Start every scheduled bulletin whose time has passed (queue_daily_tasks); how many were started."""
    due = Bulletin.objects.filter(status=BulletinStatus.SCHEDULED, scheduled_for__lte=timezone.now())
    return sum(1 for pk in due.values_list("pk", flat=True) if send_if_due(pk) is not None)


# The job ----------------------------------------------------------------------------------------------------

def run(job_id: int) -> SendJob:
    """The sending job's work (tasks.send_bulletin_task): claimed once; a failure marks the job failed and leaves
    the bulletin sending, to be resumed by "send now"."""
    job = SendJob.objects.select_related("bulletin", "bulletin__created_by").get(pk=job_id)
    if not jobs.start(job):
        return job
    try:
        _deliver(job)
    except jobs.JobLost:
        log.warning("sending job %s was failed as stale while it worked; the next run resumes it", job.pk)
    except Exception as error:
        log.exception("sending job %s failed", job.pk)
        jobs.fail(job, str(error))
    return job


def audience(bulletin: Bulletin) -> list[int]:
    """The organisations the bulletin is sent to, frozen at its first sending (a resumed one keeps them)."""
    frozen = list(Audience.objects.filter(bulletin=bulletin).values_list("organisation", flat=True))
    if frozen:
        return frozen
    organisations = list(targeting.organisations(targeting.Target.of(bulletin)).values_list("pk", flat=True))
    Audience.objects.bulk_create([Audience(bulletin=bulletin, organisation_id=pk) for pk in organisations],
                                 batch_size=BATCH, ignore_conflicts=True)
    return organisations


def _people(bulletin: Bulletin, organisations: QuerySet) -> list[tuple]:
    """The people of `organisations` (a query: a subquery is twice as fast as a list of thousands of ids) to reach
    who have no delivery yet: (id, email, language, organisation's names, frequency)."""
    already = Delivery.objects.filter(bulletin=bulletin).values("person")
    return list(targeting.recipients(bulletin.category, organisations)
                .exclude(pk__in=already).order_by("pk")
                .values_list("pk", "email", "language", "organisation__trade_name", "organisation__legal_name",
                             "mail_preference__frequency"))


def _deliver(job: SendJob) -> None:
    bulletin = job.bulletin
    audience(bulletin)
    people = _people(bulletin, Organisation.objects.filter(
        pk__in=Audience.objects.filter(bulletin=bulletin).values("organisation")))
    total = len(people)
    jobs.beat(job, 0, total)  # the page says what it does, in its reader's language
    mails: dict[str, BulletinMail] = {}
    for start in range(0, total, BATCH):
        with transaction.atomic():
            if _locked(bulletin).status == BulletinStatus.CANCELLED:
                jobs.finish(job, report={"outcome": "cancelled"})
                return
            _deliver_batch(bulletin, people[start:start + BATCH], mails)
            jobs.beat(job, start + len(people[start:start + BATCH]), total)
    with transaction.atomic():
        locked = _locked(bulletin)
        if locked.status == BulletinStatus.CANCELLED:
            jobs.finish(job, report={"outcome": "cancelled"})
            return
        reached = Delivery.objects.filter(bulletin=bulletin).count()
        locked.status, locked.sent_at = BulletinStatus.SENT, timezone.now()
        locked.save(update_fields=["status", "sent_at", "updated_at"])
        feed_versions.bump_cluster()  # in the feed of every organisation of its audience
        jobs.finish(job, report={"outcome": "sent", "people": reached})
        notify.on_commit(_tell_author, locked, reached)


def _channel(bulletin: Bulletin, frequency: str | None) -> str:
    if bulletin.is_required or frequency in (None, Frequency.IMMEDIATE):
        return Channel.IMMEDIATE
    return Channel.DIGEST


def _deliver_batch(bulletin: Bulletin, batch: list[tuple], mails: dict[str, BulletinMail]) -> None:
    """One delivery for each person of the batch who has none yet (read under the bulletin's lock), and the
    immediate ones' mail."""
    ids = [row[0] for row in batch]
    done = set(Delivery.objects.filter(bulletin=bulletin, person__in=ids).values_list("person", flat=True))
    if not bulletin.is_required:
        # Read again for each batch: a person who withdrew consent or left the category since the job listed
        # its recipients (a big bulletin takes a while) gets nothing.
        done |= set(Person.objects.filter(pk__in=ids).filter(
            Q(consent_communications=False) | Q(unsubscriptions__topic=bulletin.category))
            .values_list("pk", flat=True))
    now = timezone.now()
    rows = [row for row in batch if row[0] not in done]
    deliveries = Delivery.objects.bulk_create([
        Delivery(bulletin=bulletin, person_id=row[0], channel=(channel := _channel(bulletin, row[5])),
                 mailed_at=now if channel == Channel.IMMEDIATE else None) for row in rows])
    messages = []
    for delivery, (person_id, email, language, trade_name, legal_name, _frequency) in zip(deliveries, rows,
                                                                                          strict=True):
        if delivery.channel != Channel.IMMEDIATE:
            continue
        mail = mails.get(language) or mails.setdefault(language, BulletinMail(bulletin, language))
        message = mail.for_person(to=email, person_id=person_id, delivery_id=delivery.pk,
                                  organisation=trade_name or legal_name)
        messages.append(OutgoingMail(**outbox.message_fields(
            message.to, message.subject, message.text, html_body=message.html, headers=message.headers,
            stream=streams.STREAM, context=streams.context_of(person_id, bulletin.category))))
    outbox.queue_many(messages)


def _tell_author(bulletin: Bulletin, reached: int) -> None:
    if bulletin.created_by is None:
        return
    notify.send([bulletin.created_by], "bulletins.sent",
                {"title": bulletin.title, "title_fr": bulletin.title_fr, "title_en": bulletin.title_en,
                 "people": reached},
                url=reverse("bulletins:staff-detail", args=[bulletin.pk]))
