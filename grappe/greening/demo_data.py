"""Greening's demo: the shipped factor set, three years of baselines for a third of the member organisations
(quantities plausible for their size: a 20-person machine shop uses about 300 MWh of electricity and 40,000 m³
of natural gas a year, a prime far more), reduction targets or pledges for some of them, and two shared
initiatives (generate_initiatives).

The baselines are written in bulk (thousands of them for the benchmarks' cluster), computed with the same
functions as the service (services.baselines.computed_lines), without an audit entry: nobody typed them.
"""

import random
from decimal import Decimal

from django.db import transaction

from grappe.members.models import MembershipStatus, Organisation, OrgRole, Person
from grappe.partnering.models import Visibility

from .models import (
    ActivityLine,
    Baseline,
    BaselineStatus,
    Commitment,
    CommitmentKind,
    Initiative,
    InitiativeTheme,
    SourceKind,
)
from .services import factors as factor_services
from .services.baselines import computed_lines
from .services.initiatives import join_initiative, start_initiative
from .sources import PROVINCES

YEARS = (2022, 2023, 2024)
# Full-time employees of a typical member of each size band.
EMPLOYEES = {"1-9": 6, "10-49": 20, "50-199": 90, "200-499": 300, "500-999": 700, "1000+": 2500}
# A year's use per employee, from the 20-person machine shop: 300,000 kWh / 20 and 40,000 m³ / 20.
KWH_PER_EMPLOYEE = 15_000
GAS_M3_PER_EMPLOYEE = 2_000
DIESEL_L_PER_EMPLOYEE = 60  # forklifts and a delivery truck
REFRIGERANTS = ("R-410A", "R-134a", "R-404A")


def generate_greening(seed: int = 2026) -> dict:
    """Create the demo's factor set and baselines; when baselines exist, change nothing."""
    factor_set, _created = factor_services.load_file()
    if Baseline.objects.exists():
        return {"baselines": 0, "commitments": 0}
    rng = random.Random(seed)
    members = list(Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE).order_by("pk"))
    chosen = [organisation for index, organisation in enumerate(members) if index % 3 == 0]
    factors = _table(factor_set)
    baselines, lines, commitments = [], [], []
    for organisation in chosen:
        employees = round(EMPLOYEES.get(organisation.size_band, 20) * rng.uniform(0.7, 1.3))
        trend = rng.uniform(0.90, 1.03)  # most members cut a little each year
        made = [_baseline(organisation, year, employees, factor_set, factors, rng, trend ** index)
                for index, year in enumerate(YEARS)]
        baselines += [baseline for baseline, _lines in made]
        lines += [line for _baseline, year_lines in made for line in year_lines]
        commitment = _commitment(organisation, rng)
        if commitment:
            commitments.append(commitment)
    with transaction.atomic():
        Baseline.objects.bulk_create(baselines)
        for line in lines:
            line.baseline_id = line.baseline.pk
        ActivityLine.objects.bulk_create(lines)
        Commitment.objects.bulk_create(commitments)
    return {"baselines": len(baselines), "commitments": len(commitments)}


def _table(factor_set) -> dict:
    return {(factor.source_kind, factor.variant): factor for factor in factor_set.factors.all()}


def _baseline(organisation, year, employees, factor_set, factors, rng, scale):
    province = organisation.province if organisation.province in PROVINCES else "QC"
    wanted = [
        (SourceKind.ELECTRICITY, province, "kWh", employees * KWH_PER_EMPLOYEE),
        (SourceKind.NATURAL_GAS, "", "m3", employees * GAS_M3_PER_EMPLOYEE),
        (SourceKind.DIESEL, "", "L", employees * DIESEL_L_PER_EMPLOYEE),
        (SourceKind.REFRIGERANT, rng.choice(REFRIGERANTS), "kg", max(1, employees // 25)),
    ]
    baseline = Baseline(organisation=organisation, year=year, employees=employees, factor_set=factor_set,
                        status=BaselineStatus.SUBMITTED if year < YEARS[-1] else BaselineStatus.DRAFT,
                        revenue=Decimal(employees * rng.randint(150, 250)) * 1000)
    # A source the set has no factor for (diesel in the shipped set) is left out, as the form would refuse it.
    lines = [ActivityLine(baseline=baseline, source_kind=kind, variant=variant, unit=unit,
                          quantity=Decimal(round(quantity * scale * rng.uniform(0.9, 1.1))))
             for kind, variant, unit, quantity in wanted if (kind, variant) in factors]
    lines, totals = computed_lines(lines, factors)
    baseline.scope1_kg, baseline.scope2_kg = totals[1], totals[2]
    return baseline, lines


def _commitment(organisation, rng) -> Commitment | None:
    draw = rng.random()
    if draw < 0.4:
        return Commitment(organisation=organisation, kind=CommitmentKind.REDUCTION, base_year=YEARS[0],
                          target_year=2030, reduction_percent=Decimal(rng.choice((20, 30, 40, 50))))
    if draw < 0.55:
        return Commitment(organisation=organisation, kind=rng.choice((CommitmentKind.ISO_14001,
                                                                      CommitmentKind.NET_ZERO)),
                          target_year=rng.choice((2027, 2030, 2040, 2050)))
    return None



def generate_initiatives(seed: int = 0) -> list:
    """Two shared initiatives for the demo, with participants: a pooled solar purchase in Montérégie and a
    composite-scrap recycling route. Deterministic for a seed; does nothing when initiatives exist. Made through
    the services (started by an administrator of the initiator, joined by administrators of the others), so
    they carry their audit entries and notifications as real ones would. Returns the initiatives made."""
    if Initiative.objects.exists():
        return []
    rng = random.Random(f"greening-initiatives-{seed}")
    admins = list(Person.objects.filter(org_role=OrgRole.ADMIN, is_active=True, user__isnull=False,
                                        user__is_active=True,
                                        organisation__membership_status=MembershipStatus.ACTIVE)
                  .select_related("organisation", "user").order_by("organisation_id", "pk"))
    by_organisation = {}
    for person in admins:
        by_organisation.setdefault(person.organisation_id, person)
    people = list(by_organisation.values())
    if len(people) < 4:
        return []
    in_monteregie = [p for p in people if p.organisation.region == "16"] or people
    makers = [p for p in people if p.organisation.kind in ("tier1", "tier2", "tier3", "sme")] or people
    plans = [
        (in_monteregie, InitiativeTheme.ENERGY, Decimal("180000"),
         "Achat groupé de panneaux solaires en Montérégie",
         "Un achat groupé de panneaux solaires pour les toits des usines de Montérégie : un seul appel d'offres, "
         "un installateur, des prix de volume, et le suivi de la production de chaque toit. Ouvert aux membres "
         "de la région qui ont un toit plat de plus de 1 000 m²."),
        (makers, InitiativeTheme.MATERIALS, Decimal("95000"),
         "Filière de recyclage des retailles de composites",
         "Une collecte mensuelle des retailles de fibre de carbone et de préimprégnés chez les membres, vers un "
         "recycleur qui les broie pour des pièces non structurales ; les membres partagent le transport et "
         "évitent l'enfouissement."),
    ]
    made = []
    for pool, theme, reduction, title, description in plans:
        initiator = rng.choice(pool)
        initiative = start_initiative(actor=initiator.user, organisation=initiator.organisation, title=title,
                                      description=description, theme=theme, expected_reduction_kg=reduction,
                                      visibility=Visibility.MEMBERS)
        others = [p for p in pool if p.organisation_id != initiator.organisation_id]
        for person in rng.sample(others, min(len(others), rng.randint(3, 6))):
            join_initiative(actor=person.user, initiative=initiative, organisation=person.organisation)
        made.append(initiative)
    return made
