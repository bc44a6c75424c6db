"""Partnering across clusters: the capability profiles partner clusters shared with us join our members' partner
search (an opportunity's ranked partners and consortia), ranked by the same scores as our members and marked
with their cluster's name.

Partnering sits below federation and never imports it: this module hands it a `CandidateSource`
(grappe.partnering.engine) from `apps.ready`. What it gives:

- `candidates`: each visible profile (an active partner's, not withdrawn: `selectors.visible_remote_items`) as
  a `Candidate` whose id, "remote:<RemoteItem key>", no Organisation key can equal. Its capabilities count only
  when our taxonomy has their code and uses it: clusters of different sectors share some codes (machining,
  non-destructive testing…), and a code we do not know cannot meet any of our needs. The same for its
  certifications. Its kind, size band and region count when they are among our choices (the consortium rules
  read them: at least one SME, a region). A profile carries neither evidence nor declared needs (they never
  travel): it is scored on its capabilities and certifications, as a member without them would be.
- `fingerprint`: how many profiles are visible, the sum and the latest of their keys and their latest
  reception, in one query. A profile received, updated or withdrawn, or a partnership suspended or resumed,
  changes it, and the partner search is rebuilt.
- `describe`: the profiles as `OutsidePartner`s: their name, their cluster's name and the address of their page
  here (federation:remote-detail), where a member expresses interest and the origin's staff make the
  introduction (an introduction to them is not one of Partnering's).
"""

from collections.abc import Collection, Hashable

from django.db.models import Count, Max, Sum
from django.urls import reverse

from grappe.members.models import OrganisationKind, Region, SizeBand
from grappe.partnering import engine
from matching.partners import Candidate

from . import selectors
from .models import ItemKind, RemoteItem

PREFIX = "remote:"


def _profiles():
    return selectors.visible_remote_items(kind=ItemKind.PROFILE)


def candidates() -> list[Candidate]:
    profiles = list(_profiles().order_by("pk"))
    levels = {item.pk: _levels(item.data) for item in profiles}
    domains = engine.taxonomy_domains(code for rows in levels.values() for code, _level in rows)
    known_certifications = set(engine.certification_types_by_code(
        code for item in profiles for code in _codes(item.data.get("grappe:certifications"))))
    return [
        Candidate(
            id=PREFIX + str(item.pk), name=item.title,
            kind=_choice(item.data, "grappe:organisationKind", OrganisationKind),
            size_band=_choice(item.data, "grappe:sizeBand", SizeBand),
            region=_choice(item.data, "grappe:region", Region),
            holdings=engine.holdings_known(levels[item.pk], domains),
            certifications=frozenset(_codes(item.data.get("grappe:certifications"))) & known_certifications,
        )
        for item in profiles
    ]


def fingerprint() -> tuple:
    found = _profiles().order_by().aggregate(n=Count("pk"), total=Sum("pk"), latest=Max("pk"),
                                             received=Max("received_at"))
    return found["n"], found["total"], found["latest"], found["received"]


def describe(ids: Collection[Hashable]) -> dict[str, engine.OutsidePartner]:
    """The profiles among these ids. Read whatever their partnership's state, so that an analysis that ranked a
    profile just before its partnership was suspended still shows it (its page then says it is gone)."""
    keys = {int(pk[len(PREFIX):]) for pk in ids if isinstance(pk, str) and pk.startswith(PREFIX)
            and pk[len(PREFIX):].isdigit()}
    found = {}
    for item in RemoteItem.objects.filter(pk__in=keys, kind=ItemKind.PROFILE).select_related("partner"):
        kind = _choice(item.data, "grappe:organisationKind", OrganisationKind)
        region = _choice(item.data, "grappe:region", Region)
        found[PREFIX + str(item.pk)] = engine.OutsidePartner(
            pk=PREFIX + str(item.pk), display_name=item.title, origin=item.partner.name,
            url=reverse("federation:remote-detail", args=[item.pk]),
            kind=kind, kind_label=str(OrganisationKind(kind).label) if kind else "",
            region=region, region_label=str(Region(region).label) if region else "")
    return found


def _levels(data: dict) -> list[tuple[str, str]]:
    """(code, level) of the profile's capabilities, as received (any shape another instance may send)."""
    rows = data.get("grappe:capabilities")
    if not isinstance(rows, list):
        return []
    return [(term["code"], term.get("level") if isinstance(term.get("level"), str) else "")
            for term in rows if isinstance(term, dict) and isinstance(term.get("code"), str)]


def _codes(terms) -> list[str]:
    if not isinstance(terms, list):
        return []
    return [term["code"] for term in terms if isinstance(term, dict) and isinstance(term.get("code"), str)]


def _choice(data: dict, key: str, choices) -> str:
    """The code of a {code, label_fr, label_en} field when it is one of ours, else ""."""
    value = data.get(key)
    code = value.get("code") if isinstance(value, dict) else None
    return code if code in choices.values else ""


def register() -> None:
    """Hand Partnering the source (called once, from `apps.ready`)."""
    engine.register_candidate_source(engine.CandidateSource(
        name="remote", candidates=candidates, fingerprint=fingerprint, describe=describe))
