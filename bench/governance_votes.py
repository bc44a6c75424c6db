"""One organisation, one vote under load: 1,000 concurrent casts on one resolution (PostgreSQL).

A committee of 400 member organisations, three people each (all of them administrators, so each may cast its
organisation's vote); 1,000 casts, so that 600 of them are a second or third person of an organisation voting
too, shuffled and fired by WORKERS connections at once (a barrier starts them together), each thread casting its
share one after the other through the service (grappe/governance/services/votes.py: the resolution's share
lock, the checks, the organisation's row, the audit entry). Once with an open ballot (a second person's cast
changes the organisation's vote), once with a secret ballot (it is refused: the vote is final).

Reported: the median and 95th percentile time of one cast (waiting included), and the invariant afterwards:
exactly one vote counted per organisation (open: 400 Vote rows; secret: 400 participations and 400 ballots, the
others refused), no deadlock, no other error. Target: p95 < 100 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe_bench .venv/bin/python bench/governance_votes.py
"""

import argparse
import random
import time

from common import figure, fire_together, load_average, percentile, setup_django

ORGANISATIONS = 400
PEOPLE = 3
CASTS = 1000
TARGET_MS = 100


def prepare(stamp: str):
    """The committee, its 400 organisations (one seat each) and their people; a list of the people of each."""
    from django.core.management import call_command

    from grappe.governance.models import Body, BodyMember
    from grappe.members.models import Organisation, OrgRole, Person, User

    call_command("migrate", verbosity=0)
    body = Body.objects.create(kind="committee", name_fr=f"Banc {stamp}", name_en=f"Bench {stamp}")
    organisations = Organisation.objects.bulk_create(
        Organisation(legal_name=f"Bench votes {stamp} {n}", slug=f"bench-votes-{stamp}-{n}", kind="sme",
                     membership_status="active") for n in range(ORGANISATIONS))
    users = User.objects.bulk_create(
        User(email=f"bench-vote-{stamp}-{n}-{p}@votes.bench", full_name=f"Bench {n}.{p}", password="!")
        for n in range(ORGANISATIONS) for p in range(PEOPLE))
    Person.objects.bulk_create(
        Person(organisation=organisations[i // PEOPLE], user=user, first_name="Bench", last_name=str(i),
               email=user.email, org_role=OrgRole.ADMIN) for i, user in enumerate(users))
    BodyMember.objects.bulk_create(BodyMember(body=body, user=users[n * PEOPLE], organisation=organisation)
                                   for n, organisation in enumerate(organisations))
    people = [[user.pk for user in users[n * PEOPLE:(n + 1) * PEOPLE]] for n in range(ORGANISATIONS)]
    return body, organisations, people


def resolution(body, *, secret: bool):
    from datetime import timedelta

    from django.utils import timezone

    from grappe.governance.models import Elector, Resolution, ResolutionOption
    from grappe.governance.services import resolutions

    now = timezone.now()
    found = Resolution.objects.create(
        body=body, title_fr="Banc", title_en="Bench", opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(hours=1), quorum_percent=50, secret=secret, published_at=now)
    ResolutionOption.objects.bulk_create(ResolutionOption(resolution=found, position=n, **option)
                                         for n, option in enumerate(resolutions.default_options()))
    Elector.objects.bulk_create(Elector(resolution=found, organisation_id=pk)
                                for pk in resolutions.electorate(found))
    return found


def casts(people, seed: int) -> list[int]:
    """1,000 casters: every organisation's first person, then a second or third person of 600 of them."""
    rng = random.Random(seed)
    chosen = [members[0] for members in people]
    extra = [members[p] for members in people for p in range(1, PEOPLE)]
    chosen += rng.sample(extra, CASTS - len(chosen))
    rng.shuffle(chosen)
    return chosen


def fire(found, casters: list[int], workers: int, seed: int):
    """Cast from `workers` threads started together; (outcomes, errors, seconds, each cast's seconds)."""
    from grappe.governance.services import votes
    from grappe.members.models import User

    options = list(found.options.values_list("pk", flat=True))

    def prepare(batch):
        return random.Random(seed + len(batch)), {u.pk: u for u in User.objects.filter(pk__in=batch)}

    def cast(pk, prepared):
        rng, users = prepared
        return votes.cast(actor=users[pk], resolution=found, option=rng.choice(options))

    return fire_together([casters[n::workers] for n in range(workers)], cast, prepare=prepare)


def check(found) -> tuple[bool, str]:
    from django.db.models import Count

    from grappe.governance.models import Participation, SecretBallot, Vote

    rows = Participation if found.secret else Vote
    per_organisation = rows.objects.filter(resolution=found).values("organisation").annotate(n=Count("pk"))
    counted = per_organisation.count()
    doubled = per_organisation.filter(n__gt=1).count()
    ballots = SecretBallot.objects.filter(resolution=found).count() if found.secret else counted
    sound = counted == ballots == ORGANISATIONS and not doubled
    return sound, f"{counted} organisations counted once ({ballots} ballots, {doubled} twice)"


def remove(body, organisations) -> None:
    """Leave the benchmark database as it was for the other benchmarks: the committee and its votes go; the bench
    organisations stay as former members (the audit trail keeps its entries and their actors, as it always does)."""
    from grappe.governance.models import BodyMember, Resolution, SecretBallot, Vote
    from grappe.members.models import Organisation

    Vote.objects.filter(resolution__body=body).delete()
    SecretBallot.objects.filter(resolution__body=body).delete()
    Resolution.objects.filter(body=body).delete()
    BodyMember.objects.filter(body=body).delete()
    body.delete()
    Organisation.objects.filter(pk__in=[o.pk for o in organisations]).update(membership_status="former")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=40, help="concurrent connections (the server has 100)")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    setup_django()
    from django.core.exceptions import ValidationError

    stamp = time.strftime("%Y%m%d%H%M%S")
    body, organisations, people = prepare(stamp)
    all_sound = True
    try:
        for secret in (False, True):
            found = resolution(body, secret=secret)
            outcomes, errors, seconds, durations = fire(found, casts(people, args.seed), args.workers, args.seed)
            sound, counted = check(found)
            sound = sound and not errors and len(outcomes) == CASTS
            refused = sum(1 for o in outcomes if isinstance(o, ValidationError))
            kind = "secret" if secret else "open"
            detail = (f"{kind} ballot, {CASTS} casts by {args.workers} connections at once in {seconds:.1f} s "
                      f"({CASTS / seconds:.0f}/s); {refused} refused (secret: a vote is final), {len(errors)} "
                      f"error(s) {errors[:1]!r}; {counted}: {'sound' if sound else 'BROKEN'}; p50 "
                      f"{1000 * percentile(durations, 50):.0f} ms; {load_average()}")
            figure(f"governance: p95 of a cast, 1,000 concurrent casts on one resolution ({kind} ballot)",
                   1000 * percentile(durations, 95), "ms", TARGET_MS, detail)
            all_sound = all_sound and sound
    finally:
        remove(body, organisations)
    if not all_sound:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
