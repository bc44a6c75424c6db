"""Daily digests of a 5,000-organisation, 50,000-person cluster, built by their background job (PostgreSQL).

Every person who may receive a digest (active, consenting, of a member organisation) chooses the daily one, and
three bulletins are sent through the sending job (grappe/bulletins/services/sending.py) to every member, to the SMEs
and tier 3 suppliers of two regions, and to the machining shops certified AS9100: their deliveries wait for the
digest. The organisations' feeds hold a year of news (bench/home_feed.py's rows: bulletins, calls, an event,
committees' minutes, surveys, votes), of which three votes and a survey opened since the last digest: every
reader's digest carries its organisation's news. One more bulletin, to the SMEs and tier 3 suppliers, is sent to
people who want each bulletin at once, before the preferences are set, to time the immediate mail. Then the daily run (DigestJob) is started as
`queue_daily_tasks` starts it and its work run in this process, as a worker runs it, while a second thread reads its
progress from the database every few seconds, as the staff's progress bar does.

Timed: the sending jobs, and the digest run from its start to its end — each reader's email built in their language
(bulletins rendered once per language, the organisation's feed read once per organisation and language), the mail
written to the outbox in batches, the deliveries marked mailed. Target: all digests built in < 60 s. Everything the
benchmark wrote is removed afterwards.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe_bench .venv/bin/python bench/bulletin_digests.py
"""

import datetime
import os
import threading
import time

from common import figure, load_average, setup_django
from home_feed import make_feed_rows, remove

TARGET_S = 60


def write_bulletin(stamp: str, label: str, **fields):
    from grappe.bulletins.models import Bulletin, BulletinStatus, Category

    body = ('<p>Transports Canada publie une mise à jour des exigences de navigabilité. '
            '<a href="https://tc.canada.ca/fr/aviation">Lire l’avis</a> et '
            '<a href="https://www.iaqg.org/">les normes de l’IAQG</a>.</p><ul><li>Ce qui change</li>'
            '<li>Pour qui</li><li>Quand</li></ul>')
    bulletin = Bulletin.objects.create(
        title_fr=f"Banc {stamp} — {label}", title_en=f"Bench {stamp} — {label}", category=Category.REGULATORY,
        summary_fr="Ce que la mise à jour change pour les ateliers.", summary_en="What the update changes.",
        body_fr=body, body_en=body.replace("Lire l’avis", "Read the notice"), status=BulletinStatus.SENDING,
        **{name: value for name, value in fields.items() if name not in ("capabilities", "certification_types")})
    if "capabilities" in fields:
        bulletin.capabilities.set(fields["capabilities"])
        bulletin.certification_types.set(fields["certification_types"])
    return bulletin


def send(bulletin) -> tuple[float, int]:
    """Run the bulletin's sending job in this process, as a worker does: (seconds, people reached)."""
    from grappe.bulletins.models import SendJob
    from grappe.bulletins.services import sending

    job = SendJob.objects.create(bulletin=bulletin)
    started = time.perf_counter()
    job = sending.run(job.pk)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != "done":
        raise SystemExit(f"the sending job failed: {job.error}")
    return seconds, job.total


def choose_daily_digests() -> int:
    """Every person who may receive a digest chooses the daily one; their last digest was yesterday."""
    from django.utils import timezone

    from grappe.bulletins.models import Frequency, MailPreference
    from grappe.members.models import Person

    yesterday = timezone.now() - datetime.timedelta(days=1, hours=1)
    people = Person.objects.filter(is_active=True, consent_communications=True,
                                   organisation__membership_status="active").values_list("pk", flat=True)
    MailPreference.objects.bulk_create([MailPreference(person_id=pk, frequency=Frequency.DAILY,
                                                       last_digest_at=yesterday) for pk in people],
                                       batch_size=5000, update_conflicts=True, unique_fields=["person"],
                                       update_fields=["frequency", "last_digest_at"])
    return len(people)


def run_digests() -> tuple[float, float, object, list[str]]:
    """Start the daily run and work it, reading its progress from another connection meanwhile: (seconds, this
    process's CPU seconds, the job, the progress read)."""
    from django.db import connections

    from grappe.bulletins.models import DigestJob, Frequency
    from grappe.bulletins.services import digests

    started, cpu = time.perf_counter(), time.process_time()
    job = digests.start(actor=None, frequency=Frequency.DAILY)
    seen, done = [], threading.Event()

    def watch():
        try:
            while not done.wait(3):
                row = DigestJob.objects.filter(pk=job.pk).values("processed", "total").first()
                seen.append(f"{time.perf_counter() - started:.0f} s: {row['processed']:,}/{row['total']:,}")
        finally:
            connections.close_all()

    watcher = threading.Thread(target=watch)
    watcher.start()
    job = digests.run(job.pk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    done.set()
    watcher.join()
    job.refresh_from_db()
    return seconds, cpu, job, seen


def main() -> None:
    # Tasks are queued nowhere: this process does the work a worker would, and no mail leaves.
    os.environ["GRAPPE_TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    setup_django()
    from django.db.models import Avg
    from django.db.models.functions import Length

    from grappe.bulletins.models import Bulletin, DigestJob, MailPreference
    from grappe.core.models import OutgoingMail
    from grappe.members.models import Capability, CertificationType

    stamp = time.strftime("%Y%m%d%H%M%S")
    last_mail = OutgoingMail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    had_preferences = set(MailPreference.objects.values_list("pk", flat=True))
    made, news = [], None
    try:
        immediate = write_bulletin(stamp, "immédiat", kinds=["sme", "tier3"], regions=["06", "13"])
        made.append(immediate)
        seconds, people = send(immediate)
        print(f"  immediate mail: {people:,} emails built and queued by the sending job in {seconds:.1f} s "
              f"({1000 * seconds / max(people, 1):.2f} ms each)", flush=True)
        news = make_feed_rows()  # a busy day's news: every member has an open vote and a survey since yesterday
        readers = choose_daily_digests()
        for label, fields in (("tous", {}), ("PME", {"kinds": ["sme", "tier3"], "regions": ["06", "13"]}),
                              ("usinage", {"capabilities": [Capability.objects.get(code="machining")],
                                           "certification_types": [CertificationType.objects.get(code="as9100")]})):
            bulletin = write_bulletin(stamp, label, **fields)
            made.append(bulletin)
            seconds, people = send(bulletin)
            print(f"  kept for digests: {people:,} deliveries written by the sending job in {seconds:.1f} s",
                  flush=True)
        seconds, cpu, job, seen = run_digests()
        mail = OutgoingMail.objects.filter(pk__gt=last_mail, headers__has_key="List-Unsubscribe-Post")
        size = mail.aggregate(html=Avg(Length("html_body")), text=Avg(Length("body")))
        print(f"  progress read meanwhile: {'; '.join(seen) or 'done before the first reading'}", flush=True)
        figure(f"bulletins: daily digests of {readers:,} readers built by their background job", seconds, "s",
               TARGET_S, f"{job.message} ({job.status}); {cpu:.0f} s of this process's CPU (the database's "
                         f"besides); HTML {size['html'] or 0:.0f} and text {size['text'] or 0:.0f} characters on "
                         f"average; {load_average()}")
    finally:
        if news is not None:
            remove(news)
        OutgoingMail.objects.filter(pk__gt=last_mail).delete()
        Bulletin.objects.filter(pk__in=[bulletin.pk for bulletin in made]).delete()
        MailPreference.objects.exclude(pk__in=had_preferences).delete()
        DigestJob.objects.filter(created_at__gte=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1),
                                 owner__isnull=True).delete()


if __name__ == "__main__":
    main()
