"""Demo governance: the bodies' meetings.

# Meetings (generate_meetings)
Each committee gets two past meetings, held, with their agenda, attendance, notes, decisions and action items
(some done, some open, one overdue), and one upcoming meeting with its agenda. Written through the services
(scheduling, agenda, record, actions) so that every step is audited and the invariants hold; the co-chairs act.
Deterministic for a seed; does nothing for a body that already has meetings.
"""

import datetime
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from .models import DEFAULT_TIME_ZONE, Body, BodyKind
from .selectors import members_sitting
from .services import actions, agenda, meetings, record

AGENDA = [
    ("Mot de bienvenue et adoption de l’ordre du jour", 10),
    ("Suivi des actions de la dernière réunion", 15),
    ("Feuille de route de l’axe", 30),
    ("Projets collaboratifs à soutenir", 30),
    ("Varia et prochaine réunion", 10),
]
NOTES = [
    "Le quorum est atteint. L’ordre du jour est adopté sans modification.",
    "Les actions ouvertes sont revues une à une ; deux sont reportées.",
    "Discussion sur les priorités de l’année : réduction des émissions et partage d’équipements d’essai.",
    "Trois membres présentent des idées de projets ; le comité demande des fiches d’une page.",
    "La prochaine réunion aura lieu dans six semaines.",
]
DECISIONS = {
    2: "La feuille de route est adoptée avec les priorités discutées.",
    3: "Les fiches de projet seront reçues jusqu’à la prochaine réunion.",
}
ACTIONS = [
    "Faire circuler la feuille de route révisée",
    "Recenser les bancs d’essai disponibles chez les membres",
    "Préparer le gabarit de fiche de projet",
]


def generate_meetings(bodies=None, *, seed: int = 2026) -> list:
    """Past and upcoming meetings of each committee of `bodies` (every committee by default). Returns the
    meetings made."""
    rng = random.Random(seed)
    bodies = list(bodies) if bodies is not None else list(Body.objects.filter(kind=BodyKind.COMMITTEE))
    made = []
    for body in bodies:
        if body.kind != BodyKind.COMMITTEE or body.meetings.exists():
            continue
        seats = members_sitting(body)
        chairs = [seat.user for seat in seats if seat.chair_seat]
        if not chairs:
            continue
        chair, people = chairs[0], [seat.user for seat in seats]
        for days in (-70, -28):
            made.append(_past_meeting(body, chair, people, days, rng))
        made.append(_meeting(body, chair, people, 21, rng))
    return made


def _meeting(body: Body, chair, people, days: int, rng: random.Random):
    zone = ZoneInfo(DEFAULT_TIME_ZONE)
    day = timezone.localdate() + datetime.timedelta(days=days)
    starts = datetime.datetime.combine(day, datetime.time(13, 30), tzinfo=zone)
    meeting = meetings.schedule_meeting(
        actor=chair, body=body, title="", starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
        time_zone=DEFAULT_TIME_ZONE, place=rng.choice(["Salle du conseil, Montréal", ""]),
        video_url="https://visio.example.org/" + f"{body.pk}-{day:%Y%m%d}")
    for position, (title, minutes) in enumerate(AGENDA):
        agenda.add_item(actor=chair, meeting=meeting, title=title, description="",
                        presenter=chair if position in (0, 4) else rng.choice(people), duration_minutes=minutes)
    return meeting


def _past_meeting(body: Body, chair, people, days: int, rng: random.Random):
    meeting = _meeting(body, chair, people, days, rng)
    items = list(meeting.items.order_by("position"))
    if len(people) > 2:
        record.declare_recusal(actor=people[-1], item=items[3], reason="Mon organisation propose un des projets.")
    due = timezone.localdate() + datetime.timedelta(days=days + 30)
    record.save_record(
        actor=chair, meeting=meeting,
        attendance={user.pk: rng.choice(["present", "present", "present", "excused", "absent"]) for user in people},
        notes={item.pk: NOTES[index] for index, item in enumerate(items)}, decisions={},
        new_decisions={items[index].pk: text for index, text in DECISIONS.items()},
        action={"description": ACTIONS[0], "owner": rng.choice(people), "due_on": due, "item": items[2]})
    for text in ACTIONS[1:]:
        record.save_record(actor=chair, meeting=meeting, attendance={}, notes={}, decisions={}, new_decisions={},
                           action={"description": text, "owner": rng.choice(people), "due_on": due,
                                   "item": items[3]})
    meeting = record.save_record(actor=chair, meeting=meeting, attendance={}, notes={}, decisions={},
                                 new_decisions={}, held=True)
    # The older meeting's actions are done but one, overdue by now; the recent meeting's are open, due soon.
    if days < -40:
        for action in list(meeting.actions.order_by("pk"))[:-1]:
            actions.set_done(actor=chair, action=action)
    return meeting
