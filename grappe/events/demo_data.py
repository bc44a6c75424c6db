"""A demo B2B day on the demo cluster: about 60 participants (primes, SMEs, research centres, a few guests),
their requests (primes asked far more often), a schedule computed by the scheduler and published.

Deterministic for a seed. Runs after the members' demo (it takes their organisations and people) and does
nothing when the demo event is already there. The demo SME's people take part, so that signing in as them
shows a published agenda.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from grappe.core.models import JobStatus
from grappe.members.models import STAFF_ROLES, Capability, OrganisationKind, Person, User

from .models import (
    Event,
    MeetingRequest,
    Priority,
    Registration,
    RegistrationStatus,
    RequestStatus,
    ScheduleRun,
)
from .services import meetings, organiser, scheduling
from .services.organiser import SessionSpec

DEMO_TITLE = "Journée B2B aérospatiale"
PARTICIPANTS = 54  # members' people; guests come on top
GUESTS = 6
TABLES = 20


@dataclass(frozen=True)
class DemoEvent:
    event: Event
    participants: int
    requests: int
    placed: int
    upper_bound: int
    placed_weight: int


def generate_event(seed: int = 2026, time_limit: float = 15) -> DemoEvent | None:
    """Create, fill, schedule and publish the demo event. None when it exists or there is no cluster. The
    scheduler searches for at most `time_limit` seconds."""
    if Event.objects.filter(title=DEMO_TITLE).exists():
        return None
    staff = User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("pk").first()
    people = _people(random.Random(seed))
    if staff is None or len(people) < 10:
        return None
    rng = random.Random(seed)
    with transaction.atomic():
        event = _event(staff)
        event = organiser.change_phase(actor=staff, event=event, action="open_registration")
        registrations = _register(event, people, rng)
        event = organiser.change_phase(actor=staff, event=event, action="open_requests")
        requests = _requests(event, registrations, rng)
        event = organiser.change_phase(actor=staff, event=event, action="close_requests")
    run = scheduling.start_run(actor=staff, event=event)
    if ScheduleRun.objects.get(pk=run.pk).status == JobStatus.QUEUED:  # no worker in the demo: run it here
        scheduling.execute_run(run, time_limit=time_limit)
    run.refresh_from_db()
    meetings.publish(actor=staff, event=event)
    return DemoEvent(event, len(registrations), requests, run.placed_count, run.upper_bound,
                     run.placed_weight)


def _event(staff) -> Event:
    day = timezone.localdate() + datetime.timedelta(days=21)
    now = timezone.now()
    return organiser.save_event(actor=staff, tables=TABLES, data={
        "title": DEMO_TITLE, "venue": "Palais des congrès de Montréal", "audience": "guests",
        "description": "Rencontres d'affaires de 25 minutes entre donneurs d'ordres, PME et centres de "
                       "recherche.",
        "registration_opens": now - datetime.timedelta(days=20), "registration_closes": day_start(day),
        "slot_minutes": 25, "max_meetings": 10, "max_consecutive": 4},
        sessions=[SessionSpec(day, datetime.time(9), datetime.time(12)),
                  SessionSpec(day, datetime.time(13, 30), datetime.time(16, 30))])


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))


def _people(rng: random.Random) -> list[Person]:
    """The demo SME's people with an account, then one active person per organisation, primes first."""
    with_account = list(Person.objects.filter(is_active=True, user__isnull=False, organisation__isnull=False)
                        .select_related("organisation").order_by("pk")[:4])
    taken = {p.organisation_id for p in with_account}
    others = list(Person.objects.filter(is_active=True).exclude(organisation__in=taken)
                  .select_related("organisation").order_by("organisation__kind", "pk"))
    rng.shuffle(others)
    chosen, organisations = [], set()
    primes = [p for p in others if p.organisation.kind == OrganisationKind.PRIME]
    for person in [*primes[:8], *others]:
        if person.organisation_id not in organisations and len(chosen) < PARTICIPANTS - len(with_account):
            organisations.add(person.organisation_id)
            chosen.append(person)
    return with_account + chosen


def _register(event: Event, people: list[Person], rng: random.Random) -> list[Registration]:
    capabilities = list(Capability.objects.filter(is_active=True, parent__isnull=False).order_by("pk"))
    slots = list(event.slots.all())
    registrations = [Registration.objects.create(event=event, person=p, organisation=p.organisation,
                                                 language=p.language, status=RegistrationStatus.VALIDATED)
                     for p in people]
    registrations += [Registration.objects.create(
        event=event, guest_name=f"Invité {n}", guest_email=f"invite{n}@exemple.test", language="fr",
        guest_organisation=f"Studio externe {n}", status=RegistrationStatus.VALIDATED)
        for n in range(1, GUESTS + 1)]
    for registration in registrations:
        if capabilities:
            registration.offers.set(rng.sample(capabilities, min(3, len(capabilities))))
            registration.seeks.set(rng.sample(capabilities, min(2, len(capabilities))))
        if rng.random() < 0.15:  # 10–20% of participants miss part of the day
            registration.unavailable_slots.set(rng.sample(slots, rng.randint(2, 4)))
    return registrations


def _requests(event: Event, registrations: list[Registration], rng: random.Random) -> int:
    """About five requests each; primes receive many more than SMEs. Most are accepted, some declined or
    still pending."""
    def appeal(registration):
        kind = registration.organisation.kind if registration.organisation_id else ""
        return 6 if kind == OrganisationKind.PRIME else 1

    weights = [appeal(r) for r in registrations]
    asked = set()
    for requester in registrations:
        for recipient in rng.choices(registrations, weights=weights, k=5):
            pair = frozenset((requester.pk, recipient.pk))
            same_organisation = requester.organisation_key == recipient.organisation_key
            if recipient.pk == requester.pk or pair in asked or same_organisation:
                continue
            asked.add(pair)
            answer = rng.random()
            status = (RequestStatus.ACCEPTED if answer < 0.8 else RequestStatus.DECLINED if answer < 0.9
                      else RequestStatus.PENDING)
            MeetingRequest.objects.create(
                event=event, requester=requester, recipient=recipient, status=status,
                priority=rng.choice(Priority.values),
                recipient_priority=rng.choice(Priority.values) if status == RequestStatus.ACCEPTED else None,
                answered_at=timezone.now() if status != RequestStatus.PENDING else None)
    return len(asked)
