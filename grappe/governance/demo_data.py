"""The demo's shared governance: two strategic axes (environment, workforce), three committees and a work stream,
each co-chaired by the staff's demo account and a person of a member organisation, with five to ten members.

The demo SME's two people sit on the environment committee: Sophie Tremblay as its industry co-chair, Marc-André
Gagnon as a member. Everything goes through the services (the audit trail and notifications are those of real
use): the staff create each body, invite its members, who accept, and appoint the co-chairs. One person asks to
join the environment committee and another is invited, so that its page shows pending requests.

`generate_governance` returns {"bodies": {key: Body}}; the other parts of governance add their meetings and votes
to these bodies (keys: environment_axis, workforce_axis, environment_committee, workforce_committee,
innovation_committee, decarbonisation)."""

import random

from django.db import transaction

from grappe.members.models import MembershipStatus, Person, Role, User

from .models import Body, BodyKind, ChairSeat
from .services import bodies as body_services
from .services import membership

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
    return {"bodies": made}


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
