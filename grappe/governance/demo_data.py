"""The demo's shared governance: two strategic axes (environment, workforce), three committees and a work stream,
each co-chaired by the staff's demo account and a person of a member organisation, with five to ten members.

The demo SME's two people sit on the environment committee: Sophie Tremblay as its industry co-chair, Marc-André
Gagnon as a member. Everything goes through the services (the audit trail and notifications are those of real
use): the staff create each body, invite its members, who accept, and appoint the co-chairs. One person asks to
join the environment committee and another is invited, so that its page shows pending requests.

`generate_governance` returns {"bodies": {key: Body}}; the other parts of governance add their meetings and votes
to these bodies (keys: environment_axis, workforce_axis, environment_committee, workforce_committee,
innovation_committee, decarbonisation).

# Meetings (generate_meetings)
Each committee gets two past meetings, held, with their agenda, attendance, notes, decisions and action items
(some done, some open, one overdue), and one upcoming meeting with its agenda. Written through the services
(scheduling, agenda, record, actions) so that every step is audited and the invariants hold; the co-chairs act.
Deterministic for a seed; does nothing for a body that already has meetings.

# Votes (generate_votes)
One resolution to the first committee with voting organisations (open now, some votes cast, one by proxy) and one
to the whole membership (secret, closed and counted)."""

import datetime
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from grappe.members.models import STAFF_ROLES, MembershipStatus, OrgRole, Person, Role, User

from .models import DEFAULT_TIME_ZONE, Body, BodyKind, ChairSeat, Elector, MeetingStatus, Resolution
from .selectors import members_sitting
from .services import actions, agenda, meetings, membership, record, resolutions, votes
from .services import bodies as body_services
from .services import minutes as minutes_services

STAFF_EMAIL = "staff@grappe.demo"
SOPHIE = "sophie.tremblay@upl-aero.demo"
MARC_ANDRE = "marc-andre.gagnon@upl-aero.demo"

# key: (kind, parent key, French name, English name, French mandate, English mandate, language, open)
BODIES = {
    "environment_axis": (
        BodyKind.AXIS, None, "Environnement", "Environment",
        "Réduire l’empreinte environnementale de la filière aérospatiale québécoise : énergie, matières, émissions.",
        "Reduce the environmental footprint of Quebec’s aerospace industry: energy, materials, emissions.",
        "fr", False),
    "workforce_axis": (
        BodyKind.AXIS, None, "Main-d’œuvre", "Workforce",
        "Attirer, former et retenir la main-d’œuvre dont les membres ont besoin.",
        "Attract, train and keep the workforce the members need.", "fr", False),
    "environment_committee": (
        BodyKind.COMMITTEE, "environment_axis", "Comité environnement", "Environment committee",
        "Piloter les chantiers environnementaux de la grappe et en rendre compte aux membres.",
        "Steer the cluster’s environmental work streams and report on them to the members.", "fr", False),
    "decarbonisation": (
        BodyKind.WORK_STREAM, "environment_axis", "Chantier décarbonation", "Decarbonisation work stream",
        "Mesurer les émissions des ateliers membres et partager les pratiques qui les réduisent.",
        "Measure the members’ shop-floor emissions and share the practices that reduce them.", "fr", True),
    "workforce_committee": (
        BodyKind.COMMITTEE, "workforce_axis", "Comité main-d’œuvre", "Workforce committee",
        "Proposer les actions de la grappe pour la formation et le recrutement.",
        "Propose the cluster’s actions for training and hiring.", "fr", False),
    "innovation_committee": (
        BodyKind.COMMITTEE, None, "Comité innovation", "Innovation committee",
        "Repérer les projets collaboratifs à soutenir et les programmes qui les financent.",
        "Spot the collaborative projects to support and the programs that fund them.", "en", True),
}


def generate_governance(seed: int = 0) -> dict:
    """Create the demo bodies (see above); when they exist, return them unchanged. {"bodies": {}} without a
    staff account or enough people of member organisations."""
    existing = _existing()
    if existing:
        return {"bodies": existing}
    staff = (User.objects.filter(email=STAFF_EMAIL, is_active=True).first()
             or User.objects.filter(role=Role.STAFF_ADMIN, is_active=True).order_by("pk").first())
    people = list(Person.objects.filter(is_active=True, organisation__membership_status=MembershipStatus.ACTIVE)
                  .exclude(email__in=[SOPHIE, MARC_ANDRE]).select_related("user", "organisation").order_by("pk"))
    if staff is None or len(people) < 30:
        return {"bodies": {}}
    rng = random.Random(seed)
    made = {}
    with transaction.atomic():
        for key, (kind, parent, name_fr, name_en, mandate_fr, mandate_en, language, open_) in BODIES.items():
            made[key] = body_services.create_body(actor=staff, data={
                "kind": kind, "parent": made.get(parent), "name_fr": name_fr, "name_en": name_en,
                "mandate_fr": mandate_fr, "mandate_en": mandate_en, "language": language,
                "open_to_members": open_})
        seated = {}
        for key, body in made.items():
            chosen = rng.sample(people, rng.randint(5, 9))
            if key == "environment_committee":
                chosen = [person for person in _demo_people() if person is not None] + chosen[:7]
            seated[key] = chosen
            accounts = [_account(person) for person in chosen]
            _seat(staff, body, staff, ChairSeat.STAFF)
            for user in accounts[1:]:
                _sit(staff, body, user)
            _seat(staff, body, accounts[0], ChairSeat.INDUSTRY)
        environment = made["environment_committee"]
        _pending(staff, environment, [p for p in people if p not in seated["environment_committee"]], rng)
    _minutes_of(generate_meetings(list(made.values()), seed=seed), staff)
    generate_votes(made, seed=seed)
    return {"bodies": made}


def _minutes_of(made_meetings: list, staff: User) -> None:
    """Each committee's older past meeting gets approved minutes; its latest one's are circulated for comments."""
    held = sorted((meeting for meeting in made_meetings if meeting.status == MeetingStatus.HELD),
                  key=lambda meeting: meeting.starts_at)
    latest = {meeting.body_id: meeting for meeting in held}
    for meeting in held:
        if latest[meeting.body_id] == meeting:
            minutes_services.circulate(actor=staff, minutes=minutes_services.generate(actor=staff, meeting=meeting))
        else:
            minutes_services.generate_minutes(meeting, staff)


def _existing() -> dict:
    found = {(body.kind, body.name_fr): body for body in Body.objects.filter(name_fr__in=[
        spec[2] for spec in BODIES.values()], archived_at__isnull=True)}
    if (BodyKind.AXIS, "Environnement") not in found:
        return {}
    return {key: found[(spec[0], spec[2])] for key, spec in BODIES.items() if (spec[0], spec[2]) in found}


def _demo_people() -> list[Person | None]:
    """Sophie Tremblay first (the industry co-chair), then Marc-André Gagnon."""
    by_email = {person.email: person for person in Person.objects.filter(
        email__in=[SOPHIE, MARC_ANDRE], is_active=True, organisation__membership_status=MembershipStatus.ACTIVE)
        .select_related("user", "organisation")}
    return [by_email.get(SOPHIE), by_email.get(MARC_ANDRE)]


def _account(person: Person) -> User:
    """The person's account, created without a password when missing (the demo signs in with its own accounts,
    generate_demo creates them first)."""
    if person.user is None:
        person.user = User.objects.create_user(person.email, None, full_name=person.full_name,
                                               language=person.language)
        person.save(update_fields=["user", "updated_at"])
    return person.user


def _sit(staff: User, body: Body, user: User) -> None:
    """Invited by the staff, the person accepts: an active member."""
    invited = membership.invite(actor=staff, body=body, user=user)
    membership.answer_invitation(actor=user, member=invited, accept=True)


def _seat(staff: User, body: Body, user: User, seat: str) -> None:
    if seat == ChairSeat.STAFF:
        membership.join(actor=user, body=body)  # the staff sit on any body at once
    else:
        _sit(staff, body, user)
    body_services.appoint_co_chair(actor=staff, body=body, seat=seat, user=user)


def _pending(staff: User, body: Body, others: list[Person], rng: random.Random) -> None:
    """One person asks to join the committee, another is invited: its page shows them to the co-chairs."""
    asking, invited = rng.sample(others, 2)
    membership.join(actor=_account(asking), body=body)
    membership.invite(actor=staff, body=body, user=_account(invited))


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


# --- votes: one open, one closed and counted ---
OPEN_TITLE = "Adopter la feuille de route environnement 2027"
CLOSED_TITLE = "Élire la représentante des PME au conseil"


def generate_votes(bodies, seed: int = 2026) -> dict | None:
    """An open vote (to the first committee of `bodies`, a list or generate_governance's dict, whose members'
    organisations can vote, else the whole membership; open ballot, about half the electors voted, one by proxy)
    and a closed secret vote of the whole membership, counted. None when they exist or there is no staff."""
    if Resolution.objects.filter(title_fr__in=[OPEN_TITLE, CLOSED_TITLE]).exists():
        return None
    staff = User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("pk").first()
    if staff is None:
        return None
    rng = random.Random(seed)
    bodies = list(bodies.values()) if isinstance(bodies, dict) else list(bodies)
    committee = next((body for body in bodies if body.kind == BodyKind.COMMITTEE
                      and resolutions.electorate(Resolution(body=body))), None)
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    opened = _published(staff, committee, OPEN_TITLE, "Adopt the 2027 environment roadmap", secret=False,
                        opens_at=now - 2 * hour, closes_at=now + 24 * 7 * hour,
                        text=("Le comité adopte la feuille de route : bilan carbone des membres, achats "
                              "responsables, un chantier sur les composites recyclables.",
                              "The committee adopts the roadmap: members' carbon footprint, responsible "
                              "purchasing, a work stream on recyclable composites."))
    open_cast = _cast(opened, rng, share=0.5, proxy=True)
    # The whole membership's quorum is a quarter of its organisations, as at a general assembly.
    closed = _published(staff, None, CLOSED_TITLE, "Elect the SMEs' representative on the board", secret=True,
                        quorum=25, opens_at=now - hour, closes_at=now + hour,
                        text=("Deux candidates se présentent pour représenter les PME au conseil.",
                              "Two candidates stand to represent the SMEs on the board."),
                        options=[{"label_fr": "Julie Tremblay", "label_en": "Julie Tremblay", "is_abstention": False},
                                 {"label_fr": "Amina Diallo", "label_en": "Amina Diallo", "is_abstention": False},
                                 {"label_fr": "Abstention", "label_en": "Abstain", "is_abstention": True}])
    closed_cast = _cast(closed, rng, share=0.7, proxy=False)
    # Voting on it ended two weeks ago: the demo moves its window into the past, then counts it.
    Resolution.objects.filter(pk=closed.pk).update(opens_at=now - 24 * 21 * hour, closes_at=now - 24 * 14 * hour)
    closed.refresh_from_db()
    resolutions.count(closed)
    return {"open": opened.pk, "open_votes": open_cast, "closed": closed.pk, "closed_votes": closed_cast}


def _published(staff, body, title_fr, title_en, *, secret, opens_at, closes_at, text, options=None,
               quorum: int = 50) -> Resolution:
    data = {"title_fr": title_fr, "title_en": title_en, "text_fr": text[0], "text_en": text[1],
            "opens_at": opens_at, "closes_at": closes_at, "quorum_percent": quorum, "majority": "simple",
            "secret": secret, "max_proxies": 1}
    drafted = resolutions.draft_resolution(actor=staff, body=body, data=data,
                                           options=options or resolutions.default_options())
    return resolutions.publish(actor=staff, resolution=drafted)


def _cast(resolution, rng, *, share: float, proxy: bool) -> int:
    """Votes of about `share` of the electors, each cast by an administrator of the organisation (the first
    elector gives its proxy to the second, who casts it); the number cast."""
    admins = {}
    for user in User.objects.filter(is_active=True, person__is_active=True, person__org_role=OrgRole.ADMIN,
                                     person__organisation__in=Elector.objects.filter(resolution=resolution)
                                     .values("organisation")).select_related("person").order_by("pk"):
        admins.setdefault(user.person.organisation_id, user)
    voters = sorted(admins.values(), key=lambda user: user.pk)
    options = list(resolution.options.all())
    weights = [5, 2, 1] if len(options) == 3 else [1] * len(options)
    cast = 0
    if proxy and len(voters) >= 2:
        grantor, holder = voters[0], voters[1]
        votes.give_proxy(actor=grantor, resolution=resolution, holder=holder.organisation)
        votes.cast(actor=holder, resolution=resolution, option=rng.choices(options, weights)[0],
                   organisation=grantor.organisation)
        voters, cast = voters[2:], 1
    for user in voters:
        if rng.random() < share:
            votes.cast(actor=user, resolution=resolution, option=rng.choices(options, weights)[0])
            cast += 1
    return cast
