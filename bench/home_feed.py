"""The home page with a member's feed, and the feed page, through a real server at 20 concurrent clients, on the
5,000-organisation cluster (bench/prepare.py).

The feed reads six sources for the member's organisation (grappe/bulletins/feed.py). The benchmark gives each a
year's worth of rows: 150 bulletins sent (half to every member, half to a tenth of them: about 400,000 audience
rows), a program of three open calls (one reserved to a kind of organisation), a B2B day taking registrations,
six committees with twelve approved minutes each, two open surveys and three open votes to the whole membership.
Twenty organisations' people (one with an account) sit on the committees and are registered to the event.

gunicorn with the production settings on loopback, driven by bench/directory.py's client runner (`Server`,
`load`). Scenarios:

1. the home page, signed in as a member (the "For your organisation" block: the feed's first 8 items);
2. the feed page (everything, newest first), signed in as a member.

Target: p95 < 150 ms at 20 clients. `--cpu` measures instead, in process and one request at a time, Django's CPU
and the queries of each page (bench/page_cpu.py's `Requester`). The rows are removed afterwards.

    DATABASE_URL=postgres://… .venv/bin/python bench/home_feed.py [--requests 1000] [--concurrency 20] [--cpu]
"""

import argparse
import datetime
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field

from common import figure, load_average, percentile, setup_django
from directory import Server, describe, load
from program_pages import in_process
from page_cpu import production_settings

TARGET_MS = 150
TAG = "bench-home-feed"
MEMBERS = 20


@dataclass
class Made:
    users: list = field(default_factory=list)
    bulletins: list = field(default_factory=list)
    program: object = None
    event: object = None
    bodies: list = field(default_factory=list)
    surveys: list = field(default_factory=list)
    resolutions: list = field(default_factory=list)


def make_feed_rows(seed: int = 2026) -> Made:
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from grappe.bulletins.models import Audience, Bulletin, BulletinStatus, Category
    from grappe.events.models import Event, Phase, Registration, RegistrationStatus
    from grappe.governance.models import (
        Body,
        BodyKind,
        BodyMember,
        Elector,
        Meeting,
        MeetingStatus,
        Minutes,
        MinutesStatus,
        Resolution,
        ResolutionOption,
    )
    from grappe.listening.models import Invitation, Survey, SurveyStatus
    from grappe.members.models import MembershipStatus, Organisation, Person, Role, User
    from grappe.programs.models import Call, CallStatus, Program

    rng = random.Random(seed)
    now = timezone.now()
    made = Made()
    staff = User.objects.filter(role=Role.STAFF_ADMIN, is_active=True).order_by("pk").first()
    organisations = list(Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE)
                         .order_by("pk").values_list("pk", flat=True))
    chosen = rng.sample(organisations, MEMBERS)
    with transaction.atomic():
        for n, organisation in enumerate(chosen):
            email = f"member{n}@{TAG}.bench"
            user = User.objects.create_user(email, None, full_name=f"Bench member {n}")
            Person.objects.create(organisation_id=organisation, user=user, email=email, first_name="Bench",
                                  last_name=f"Member {n}")
            made.users.append(user)
        categories = list(Category.values)
        for n in range(150):
            bulletin = Bulletin.objects.create(
                category=categories[n % len(categories)], title_fr=f"{TAG} veille {n}", title_en=f"{TAG} watch {n}",
                summary_fr="Ce qui change pour les membres.", summary_en="What changes for members.",
                body_fr="<p>Texte.</p>", body_en="<p>Text.</p>", status=BulletinStatus.SENT, is_public=n % 3 == 0,
                sent_at=now - datetime.timedelta(days=365 * n / 150, hours=rng.randint(0, 8)), created_by=staff)
            made.bulletins.append(bulletin)
            audience = organisations if n % 2 == 0 else rng.sample(organisations, len(organisations) // 10)
            Audience.objects.bulk_create([Audience(bulletin=bulletin, organisation_id=pk) for pk in audience],
                                         batch_size=5000)
        made.program = Program.objects.create(funder="MEIE", name_fr=f"{TAG} programme", name_en=f"{TAG} program",
                                              envelope=Decimal("5000000.00"), created_by=staff)
        for n in range(3):
            Call.objects.create(program=made.program, title_fr=f"{TAG} appel {n}", title_en=f"{TAG} call {n}",
                                opens_at=now - datetime.timedelta(days=10 * (n + 1)),
                                closes_at=now + datetime.timedelta(days=30), status=CallStatus.PUBLISHED,
                                created_by=staff, **({"eligible_kinds": ["university"]} if n == 2 else {}))
        made.event = Event.objects.create(title=f"{TAG} B2B day", phase=Phase.REGISTRATION, created_by=staff,
                                          registration_opens=now - datetime.timedelta(days=5),
                                          registration_closes=now + datetime.timedelta(days=20))
        for user in made.users:
            Registration.objects.create(event=made.event, person=user.person, organisation=user.person.organisation,
                                        status=RegistrationStatus.VALIDATED)
        for n in range(6):
            body = Body.objects.create(kind=BodyKind.COMMITTEE, name_fr=f"{TAG} comité {n}",
                                       name_en=f"{TAG} committee {n}")
            made.bodies.append(body)
            BodyMember.objects.bulk_create([BodyMember(body=body, user=user, organisation=user.person.organisation)
                                            for user in made.users])
            for m in range(12):
                starts = now - datetime.timedelta(days=30 * m + n)
                meeting = Meeting.objects.create(body=body, title=f"Réunion {m}", starts_at=starts,
                                                 ends_at=starts + datetime.timedelta(hours=2),
                                                 status=MeetingStatus.HELD)
                Minutes.objects.create(meeting=meeting, version=1, content={}, status=MinutesStatus.APPROVED,
                                       approved_at=starts + datetime.timedelta(days=7))
        for n in range(2):
            survey = Survey.objects.create(title_fr=f"{TAG} sondage {n}", title_en=f"{TAG} survey {n}",
                                           status=SurveyStatus.OPEN, opens_at=now - datetime.timedelta(days=n + 1),
                                           created_by=staff)
            made.surveys.append(survey)
            Invitation.objects.bulk_create([Invitation(survey=survey, organisation_id=pk, sent_at=now)
                                            for pk in organisations], batch_size=5000)
        for n in range(3):
            resolution = Resolution.objects.create(
                title_fr=f"{TAG} résolution {n}", title_en=f"{TAG} resolution {n}",
                opens_at=now - datetime.timedelta(hours=n + 1), closes_at=now + datetime.timedelta(days=3),
                quorum_percent=Decimal("25"), published_at=now - datetime.timedelta(hours=n + 1), created_by=staff)
            made.resolutions.append(resolution)
            for position, (fr, en) in enumerate((("Pour", "For"), ("Contre", "Against"))):
                ResolutionOption.objects.create(resolution=resolution, position=position, label_fr=fr, label_en=en)
            Elector.objects.bulk_create([Elector(resolution=resolution, organisation_id=pk) for pk in organisations],
                                        batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return made


def remove(made: Made) -> None:
    from grappe.bulletins.models import Bulletin
    from grappe.events.models import Event
    from grappe.governance.models import Body, BodyMember, Meeting, Minutes, Resolution
    from grappe.listening.models import Survey
    from grappe.members.models import Person, User
    from grappe.programs.models import Call, Program

    Bulletin.objects.filter(title_fr__startswith=TAG).delete()
    Resolution.objects.filter(title_fr__startswith=TAG).delete()
    Survey.objects.filter(title_fr__startswith=TAG).delete()
    Event.objects.filter(title__startswith=TAG).delete()
    Call.objects.filter(program__name_fr__startswith=TAG).delete()
    Program.objects.filter(name_fr__startswith=TAG).delete()
    bodies = Body.objects.filter(name_fr__startswith=TAG)
    # Approved minutes refuse DELETE on PostgreSQL (a trigger): the benchmark's are removed with it switched off.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        Minutes.objects.filter(meeting__body__in=bodies).delete()
        cursor.execute("SET session_replication_role = DEFAULT")
    Meeting.objects.filter(body__in=bodies).delete()
    BodyMember.objects.filter(body__in=bodies).delete()
    bodies.delete()
    Person.objects.filter(email__endswith=f"@{TAG}.bench").delete()
    User.objects.filter(email__endswith=f"@{TAG}.bench").delete()


def session_of(user) -> dict:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


def through_server(scenarios, args) -> bool:
    met = True
    with Server(args.workers, args.threads) as server:
        for name, path, headers in scenarios:
            load(server, [path], headers, concurrency=args.concurrency, requests=args.warm_up, seconds=args.seconds)
            result = load(server, [path], headers, concurrency=args.concurrency, requests=args.requests,
                          seconds=args.seconds)
            if result.failures or not result.latencies:
                print(f"FAILED | {name} | {len(result.failures)} requests failed with {sorted(set(result.failures))}")
                met = False
                continue
            met &= figure(name, percentile(result.latencies, 95), "ms", TARGET_MS, describe(result, args))
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000, help="requests per scenario (at most)")
    parser.add_argument("--warm-up", type=int, default=100, help="requests per scenario before measuring")
    parser.add_argument("--seconds", type=float, default=60, help="time limit per scenario")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cpu", action="store_true", help="Django's CPU per request, in process (no server)")
    parser.add_argument("--profile", help="with --cpu: the name of a scenario to profile (its start is enough)")
    parser.add_argument("--top", type=int, default=40, help="lines of the profile")
    parser.add_argument("--keep-rows", action="store_true",
                        help="keep the feed's rows afterwards, and reuse those a kept run left")
    args = parser.parse_args()
    static_root = production_settings() if args.cpu else None
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    from grappe.members.models import User

    kept = list(User.objects.filter(email__endswith=f"@{TAG}.bench").order_by("pk"))
    if args.keep_rows and kept:
        made = Made(users=kept)
    else:
        remove(Made())  # what an interrupted run left
        made = make_feed_rows()
    print(f"feed rows made in {time.monotonic() - started:.0f} s; {load_average()}", flush=True)
    try:
        from grappe.bulletins.feed import feed_for

        member = made.users[0]
        print(f"the member's feed holds {len(feed_for(member.person.organisation))} items", flush=True)
        headers = session_of(member)
        scenarios = [
            ("bulletins: home page with the organisation's feed, signed-in member (5,000 organisations)",
             "/fr/", headers),
            ("bulletins: the organisation's feed page, signed-in member", "/fr/news/feed/", headers),
        ]
        met = in_process(scenarios, args) if args.cpu else through_server(scenarios, args)
    finally:
        if not args.keep_rows:
            remove(made)
        if static_root:
            subprocess.run(["rm", "-rf", static_root], check=False)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
