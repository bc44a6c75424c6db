"""The demo's votes (`generate_votes`): one resolution open now and one closed and counted, cast through the
services by the members' administrators. Deterministic for a seed; does nothing when the demo votes exist.
"""

import datetime
import random

from django.utils import timezone

from grappe.members.models import STAFF_ROLES, OrgRole, User

from .models import Body, BodyKind, Elector, Resolution
from .services import resolutions, votes

OPEN_TITLE = "Adopter la feuille de route environnement 2027"
CLOSED_TITLE = "Élire la représentante des PME au conseil"


def generate_votes(bodies: list[Body], seed: int = 2026) -> dict | None:
    """An open vote (to the first committee of `bodies` whose members' organisations can vote, else the whole
    membership; open ballot, about half the electors voted, one by proxy) and a closed secret vote of the whole
    membership, counted. None when they exist or there is no staff."""
    if Resolution.objects.filter(title_fr__in=[OPEN_TITLE, CLOSED_TITLE]).exists():
        return None
    staff = User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("pk").first()
    if staff is None:
        return None
    rng = random.Random(seed)
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
    closed = _published(staff, None, CLOSED_TITLE, "Elect the SMEs' representative on the board", secret=True,
                        opens_at=now - hour, closes_at=now + hour,
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


def _published(staff, body, title_fr, title_en, *, secret, opens_at, closes_at, text, options=None) -> Resolution:
    data = {"title_fr": title_fr, "title_en": title_en, "text_fr": text[0], "text_en": text[1],
            "opens_at": opens_at, "closes_at": closes_at, "quorum_percent": 50, "majority": "simple",
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
