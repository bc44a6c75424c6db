"""A realistic, deterministic aerospace cluster for the demo and the benchmarks.

`generate_cluster` fills a database that has no organisation yet: a handful of primes, tier 1/2/3 suppliers,
many SMEs, MRO shops, universities, colleges, research centres and service firms across Quebec. Each gets
capabilities drawn from a few taxonomy domains that fit what it does (core ones from its trade, secondary
ones around it), the certifications those capabilities call for, French and English descriptions written from
them, a street address in its city (postal code, MRC and coordinates to match), and people. The same seed
gives the same cluster on the same day (certificate dates count from today, so that some always expire
within the reminder window).

The words come from data/demo_cluster.yaml; this module only combines them. Everything is written with
bulk_create, so 5,000 organisations and 50,000 people take seconds; the search text is computed by
`search.organisation_search_text`, like every other organisation's.

`ensure_demo_accounts` then gives the demo its sign-ins (staff, programs officer, an SME's administrator and
member user, a government observer), creating only those that are missing.
"""

import datetime
import functools
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from unidecode import unidecode

from grappe.core import audit

from .address import fill_derived_address
from .directory_cache import bump_directory_version
from .models import (
    Capability,
    CapabilityLevel,
    Certification,
    CertificationType,
    MembershipStatus,
    Organisation,
    OrganisationCapability,
    OrganisationKind,
    OrgRole,
    Person,
    Region,
    Role,
    User,
)
from .search import organisation_search_text

VOCABULARY_FILE = Path(__file__).parent / "data" / "demo_cluster.yaml"
DEMO_PASSWORD = "grappe-demo-2026"  # noqa: S105 — printed for the demo; demo accounts only
DEMO_EMAIL_DOMAIN = "demo"
CLUSTER_ACCOUNTS = (
    ("staff@grappe.demo", Role.STAFF_ADMIN, "Équipe Grappe — administration"),
    ("programs@grappe.demo", Role.STAFF_PROGRAMS, "Équipe Grappe — programmes"),
    ("observer@grappe.demo", Role.OBSERVER, "Observateur gouvernemental"),
)
MANUFACTURERS = {"prime", "tier1", "tier2", "tier3", "sme"}
# Which title and closing sentence an organisation's kind takes.
KIND_GROUP = {
    "prime": "company", "tier1": "company", "tier2": "company", "tier3": "company", "sme": "company",
    "other": "company", "mro": "mro", "university": "academic", "college": "academic", "research": "research",
    "services": "services",
}
INSTITUTIONS = {"university", "college", "research"}
# How many people of the cluster's contacts an organisation of each size band tends to have.
PEOPLE_WEIGHT = {"1-9": 1, "10-49": 2, "50-199": 4, "200-499": 7, "500-999": 10, "1000+": 16}
MEMBERSHIP_WEIGHTS = {
    MembershipStatus.ACTIVE: 88, MembershipStatus.PROSPECT: 4, MembershipStatus.SUSPENDED: 2,
    MembershipStatus.FORMER: 6,
}
NEQ_PREFIXES = ("114", "116", "117", "118", "224", "334")
EVIDENCE_SHARE = 0.3
LAPSED_CERTIFICATE_SHARE = 0.03
BATCH = 2000
# Letters a postal code may use after its first (matching.addresses.POSTAL_CODE).
POSTAL_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"
# How far from its city's centre an address may lie, in degrees (about 6 km north-south).
SCATTER_DEGREES = 0.05


@functools.cache
def vocabulary() -> dict:
    with open(VOCABULARY_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@dataclass(frozen=True)
class Location:
    city: str
    region: str
    weight: float
    phones: tuple[str, ...]
    places: tuple[str, ...]
    postal_areas: tuple[str, ...] = ()
    centre: tuple[float, float] = (0.0, 0.0)
    streets: str = "french_streets"

    @property
    def region_label(self) -> str:
        return str(Region(self.region).label)

    @property
    def where(self) -> str:
        """'Boucherville (Montérégie)', but 'Montréal' rather than 'Montréal (Montréal)'."""
        if self.region == Region.OUTSIDE or self.region_label == self.city:
            return self.city
        return f"{self.city} ({self.region_label})"


@dataclass
class PlannedOrganisation:
    """An organisation and everything that hangs from it, not saved yet."""

    organisation: Organisation
    domain: str
    location: Location
    capabilities: list[OrganisationCapability] = field(default_factory=list)
    certifications: list[Certification] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)


@dataclass(frozen=True)
class ChosenCapabilities:
    core: list[Capability]
    secondary: list[Capability]
    subject: str  # the domain the organisation is known for (a research centre's is drawn at random)


@dataclass(frozen=True)
class GenerationSummary:
    organisations: int
    capabilities: int
    certifications: int
    people: int


def generate_cluster(*, organisations: int = 300, people: int = 1000, seed: int = 2026,
                     today: datetime.date | None = None) -> GenerationSummary:
    """Write a demo cluster of that size. Needs the taxonomy; meant for a database without organisations."""
    if organisations < 1 or people < organisations:
        raise ValueError("a demo cluster needs at least one organisation and one person per organisation")
    plans = ClusterPlanner(seed=seed, today=today or timezone.localdate()).plan(organisations, people)
    with transaction.atomic():
        summary = _write(plans)
        audit.record(None, "demo.generated", None, target_label=f"seed {seed}", after=summary.__dict__)
        bump_directory_version()
    return summary


def _write(plans: list[PlannedOrganisation]) -> GenerationSummary:
    Organisation.objects.bulk_create([p.organisation for p in plans], batch_size=BATCH)
    # The children were given their (then unsaved) organisation; bulk_create reads its id now.
    capabilities = [item for p in plans for item in p.capabilities]
    certifications = [item for p in plans for item in p.certifications]
    people = [person for p in plans for person in p.people]
    OrganisationCapability.objects.bulk_create(capabilities, batch_size=BATCH)
    Certification.objects.bulk_create(certifications, batch_size=BATCH)
    Person.objects.bulk_create(people, batch_size=BATCH)
    _store_search_text([p.organisation.pk for p in plans])
    return GenerationSummary(len(plans), len(capabilities), len(certifications), len(people))


def _store_search_text(organisation_ids: list[int], chunk: int = 500) -> None:
    for start in range(0, len(organisation_ids), chunk):
        organisations = list(
            Organisation.objects.filter(pk__in=organisation_ids[start:start + chunk])
            .prefetch_related("capabilities__capability__parent", "certifications__certification_type")
        )
        for organisation in organisations:
            organisation.search_text = organisation_search_text(organisation)
        Organisation.objects.bulk_update(organisations, ["search_text"], batch_size=chunk)


class ClusterPlanner:
    """Draws the cluster from the vocabulary with one seeded random generator, in a fixed order."""

    def __init__(self, *, seed: int, today: datetime.date):
        self.rng = random.Random(seed)
        # Addresses draw from their own generator: adding them left the rest of a seed's cluster as it was.
        self.address_rng = random.Random(f"addresses-{seed}")
        self.today = today
        self.words = vocabulary()
        self.locations = [Location(item["city"], item["region"], item["weight"], tuple(item["phones"]),
                                   tuple(item["places"]), tuple(item["postal"]), tuple(item["centre"]),
                                   item.get("streets", "french_streets")) for item in self.words["locations"]]
        self.location_by_city = {location.city: location for location in self.locations}
        self.domains = _capabilities_by_domain()
        self.certification_types = {t.code: t for t in CertificationType.objects.order_by("code")}
        self.taken = {"name": set(), "slug": set(), "domain": set(), "neq": set()}

    # The whole cluster ----------------------------------------------------------------------------

    def plan(self, organisations: int, people: int) -> list[PlannedOrganisation]:
        """A handful of primes (about 2 %, at most the named ones), the demo SME, then the other kinds."""
        prime_count = min(len(self.words["primes"]), max(1, round(organisations * 0.02)), organisations - 1)
        plans = [self._prime(spec) for spec in self.words["primes"][:prime_count]]
        plans.append(self._demo_member())
        for kind in self._kinds(organisations - len(plans)):
            plans.append(self._organisation(kind))
        counts = self._people_counts(plans, people)
        for plan, count in zip(plans, counts, strict=True):
            self._add_people(plan, count)
        return plans

    def _kinds(self, count: int) -> list[str]:
        kinds = _apportion(count, self.words["kinds"])
        order = [kind for kind, n in kinds.items() for _ in range(n)]
        self.rng.shuffle(order)
        return order

    def _people_counts(self, plans: list[PlannedOrganisation], total: int) -> list[int]:
        """One contact each, the rest in proportion to size; the demo SME has at least its two demo people."""
        weights = {i: PEOPLE_WEIGHT.get(p.organisation.size_band, 1) for i, p in enumerate(plans)}
        extra = _apportion(total - len(plans), weights)
        counts = [1 + extra[i] for i in range(len(plans))]
        demo = next(i for i, p in enumerate(plans) if p.domain == self.words["demo_member"]["domain"])
        while counts[demo] < len(self.words["demo_member"]["people"]):
            counts[counts.index(max(counts))] -= 1
            counts[demo] += 1
        return counts

    # Organisations -------------------------------------------------------------------------------

    def _prime(self, spec: dict) -> PlannedOrganisation:
        location = self.location_by_city[spec["city"]]
        plan = self._new(OrganisationKind.PRIME, spec["legal_name"], spec["trade_name"], location,
                         size_band="1000+")
        profile = self.words["profiles"][spec["profile"]]
        self._fill(plan, profile, status=MembershipStatus.ACTIVE, founded=(1920, 1990))
        # The primes founded the cluster, and everyone looks them up.
        founding_year = 1996 + self.rng.randint(0, 4)
        plan.organisation.member_since = datetime.date(founding_year, self.rng.randint(1, 12), 1)
        plan.organisation.listed_in_directory = True
        return plan

    def _demo_member(self) -> PlannedOrganisation:
        spec = self.words["demo_member"]
        location = self.location_by_city[spec["city"]]
        plan = self._new(spec["kind"], spec["legal_name"], spec["trade_name"], location,
                         size_band=spec["size_band"], domain=spec["domain"])
        self._fill(plan, self.words["profiles"][spec["profile"]], status=MembershipStatus.ACTIVE)
        plan.organisation.listed_in_directory = True  # the demo's members find it in the directory
        return plan

    def _organisation(self, kind: str) -> PlannedOrganisation:
        rules = self.words["kind_rules"][kind]
        profile = self.words["profiles"][self._weighted(rules["profiles"])]
        chosen = self._choose_capabilities(profile, kind)
        legal_name, trade_name, location = self._name(kind, profile.get("name_domains") or [chosen.subject],
                                                      chosen.subject)
        plan = self._new(kind, legal_name, trade_name, location, size_band=self._weighted(rules["sizes"]))
        self._fill(plan, profile, chosen=chosen)
        return plan

    def _new(self, kind, legal_name, trade_name, location, *, size_band, domain=None) -> PlannedOrganisation:
        if domain is None:
            display = slugify(unidecode(trade_name or _without_legal_suffix(legal_name)))[:40].strip("-")
            domain = f"{self._unique('domain', display)}.{DEMO_EMAIL_DOMAIN}"
        self.taken["domain"].add(domain.removesuffix(f".{DEMO_EMAIL_DOMAIN}"))
        self.taken["name"].add(legal_name)
        organisation = Organisation(
            legal_name=legal_name, trade_name=trade_name, kind=kind, size_band=size_band,
            slug=self._unique("slug", slugify(trade_name or legal_name)), neq=self._neq(location),
            city=location.city, region=location.region,
            website=f"https://www.{domain}", email=f"info@{domain}", phone=self._phone(location),
        )
        self._address(organisation, location)
        return PlannedOrganisation(organisation, domain, location)

    def _address(self, organisation: Organisation, location: Location) -> None:
        """A street address in the location's city, a postal code of its areas, coordinates near its centre;
        the province and MRC told from them as for any organisation."""
        rng = self.address_rng
        organisation.street_address = f"{rng.randint(10, 9999)}, {rng.choice(self.words[location.streets])}"
        if rng.random() < 0.3:
            suite = "bureau" if location.streets == "french_streets" else "suite"
            organisation.street_address += f", {suite} {rng.randint(1, 9) * 100 + rng.randint(0, 20)}"
        organisation.postal_code = (f"{rng.choice(location.postal_areas)} {rng.randint(0, 9)}"
                                    f"{rng.choice(POSTAL_LETTERS)}{rng.randint(0, 9)}")
        latitude, longitude = location.centre
        organisation.latitude = round(Decimal(latitude + rng.uniform(-1, 1) * SCATTER_DEGREES), 6)
        organisation.longitude = round(Decimal(longitude + rng.uniform(-1, 1) * SCATTER_DEGREES), 6)
        fill_derived_address(organisation)

    def _fill(self, plan, profile, *, chosen=None, status=None, founded=(1950, None)) -> None:
        """Capabilities, certifications, description and membership of a named organisation."""
        chosen = chosen or self._choose_capabilities(profile, plan.organisation.kind)
        core, secondary = chosen.core, chosen.secondary
        organisation = plan.organisation
        plan.capabilities = [self._capability(organisation, c, CapabilityLevel.CORE) for c in core] + [
            self._capability(organisation, c, CapabilityLevel.SECONDARY) for c in secondary]
        plan.certifications = self._certifications(organisation, [c.code for c in core + secondary])
        year = self.rng.randint(founded[0], founded[1] or self.today.year - 2)
        organisation.description_fr, organisation.description_en = self._descriptions(
            plan, core, secondary, year)
        self._membership(organisation, status or self._weighted(MEMBERSHIP_WEIGHTS), year)

    def _membership(self, organisation: Organisation, status: str, founded: int) -> None:
        organisation.membership_status = status
        organisation.listed_in_directory = self.rng.random() < 0.96
        if status == MembershipStatus.PROSPECT:
            return
        first_day = datetime.date(max(founded, 1996), 1, 1)
        organisation.member_since = first_day + datetime.timedelta(
            days=self.rng.randint(0, max(0, (self.today - first_day).days - 30)))
        if status == MembershipStatus.FORMER:
            organisation.membership_ends = organisation.member_since + datetime.timedelta(
                days=self.rng.randint(0, (self.today - organisation.member_since).days))

    # Names ---------------------------------------------------------------------------------------

    def _name(self, kind: str, name_domains: list[str], subject: str) -> tuple[str, str, Location]:
        """A legal name, a trade name (often blank) and where the organisation is, all unique."""
        for _attempt in range(40):
            if kind in INSTITUTIONS:
                legal_name, trade_name, location = self._institution_name(kind, subject)
            else:
                location = self._location()
                legal_name, trade_name = self._company_name(self.rng.choice(name_domains), location)
            if legal_name not in self.taken["name"]:
                return legal_name, trade_name, location
        # Quebec companies that share a name tell themselves apart by a year: "Usinage Laval (1998) inc."
        base, suffix = (legal_name, "") if kind in INSTITUTIONS else legal_name.rsplit(" ", 1)
        year = self.rng.randint(1960, self.today.year)
        return self._unique("name", f"{base} ({year}) {suffix}".strip()), trade_name, location

    def _institution_name(self, kind: str, subject: str) -> tuple[str, str, Location]:
        """The named universities and colleges first, then names made from a pattern."""
        named = {"university": self.words["universities"], "college": self.words["colleges"]}.get(kind, [])
        free = [item for item in named if item["name"] not in self.taken["name"]]
        if free:
            return free[0]["name"], free[0]["acronym"], self.location_by_city[free[0]["city"]]
        location = self._location()
        domain = self.domains[subject][0].parent.label_fr if subject in self.domains else "Aérospatiale"
        pattern = self.rng.choice(self.words["institution_patterns"][kind])
        subject_words = re.sub(r"\s*\(.*?\)", "", domain).lower()  # drops "(END)"
        return pattern.format(city=location.city, domain=subject_words), "", location

    def _company_name(self, domain: str, location: Location) -> tuple[str, str]:
        activities = self.words["activities"].get(domain) or ["Industries|fp|Industries"]
        french, agreement, english = self.rng.choice(activities).split("|")
        place = self.rng.choice(location.places)
        last_name = self.rng.choice(self.words["last_names"])
        brand = self.rng.choice(self.words["brand_starts"]) + self.rng.choice(self.words["brand_ends"])
        brand = brand[0] + brand[1:].lower()
        patterns = [
            (f"{french} {self._qualifier(agreement)} {place}", 5),
            (f"{french} {place}", 3),
            (f"{french} {self._adjective(agreement)} du Québec", 2),
            (f"{brand}", 2),
            (f"{brand} {french}", 2),
            (f"{last_name} {french}", 2),
            (f"{last_name} & Fils", 1),
            (f"Les Entreprises {last_name}", 1),
            (f"Groupe {brand}", 1),
        ]
        base = self._weighted(dict(patterns))
        suffix = self._weighted(self.words["legal_suffixes"])
        if self.rng.random() < 0.08:
            # A numbered company trading under a name, as many Quebec SMEs do.
            number = f"9{self.rng.randint(100, 999)}-{self.rng.randint(1000, 9999)} Québec inc."
            return number, base
        return f"{base} {suffix}", self._trade_name(base, english, place)

    def _trade_name(self, base: str, english: str, place: str) -> str:
        choice = self.rng.random()
        if choice < 0.45:
            return ""
        initials = "".join(unidecode(word[0]) for word in base.split() if word[0].isupper())
        if choice < 0.7 and len(initials) >= 2:
            return f"{initials} {self.rng.choice(['Aéro', 'Aérospatiale', 'Industries', 'Tech'])}"
        if choice < 0.85:
            return base
        return f"{place} {english}"

    def _qualifier(self, agreement: str) -> str:
        if self.rng.random() < 0.5:
            return self.rng.choice(self.words["invariable_qualifiers"])
        return self._adjective(agreement)

    def _adjective(self, agreement: str) -> str:
        return self.rng.choice(self.words["adjectives"])[agreement]

    # Capabilities and certifications ---------------------------------------------------------------

    def _choose_capabilities(self, profile: dict, kind: str) -> ChosenCapabilities:
        """Core capabilities from the profile's trade, secondary ones from the domains around it."""
        low, high = self.words["kind_rules"][kind]["capabilities"]
        wanted = self.rng.randint(low, high)
        core_domains = [d for d in profile["core"] if d in self.domains]
        core_domains = core_domains or [self.rng.choice(sorted(self.domains))]
        others = sorted(d for d in self.domains if d not in core_domains and d not in profile["secondary"])
        extra = self.rng.sample(others, k=min(profile.get("random_domains", 0), len(others)))
        secondary_domains = extra + [d for d in profile["secondary"] if d in self.domains]
        core_pool = [c for d in core_domains for c in self.domains[d]]
        core_share = self.rng.uniform(0.35, 0.55)
        core = self.rng.sample(core_pool, k=min(len(core_pool), max(1, round(wanted * core_share))))
        secondary_pool = [c for d in secondary_domains for c in self.domains[d]]
        secondary = self.rng.sample(secondary_pool, k=min(len(secondary_pool), wanted - len(core)))
        if len(core) + len(secondary) < wanted:
            leftover = [c for c in core_pool if c not in core]
            secondary += self.rng.sample(leftover, k=min(len(leftover), wanted - len(core) - len(secondary)))
        return ChosenCapabilities(core, secondary, (extra or core_domains)[0])

    def _capability(self, organisation, capability: Capability, level: str) -> OrganisationCapability:
        evidence = ""
        if self.rng.random() < EVIDENCE_SHARE:
            evidence = self.rng.choice(self.words["evidence"]).format(
                year=self.rng.randint(2008, self.today.year - 1), n=self.rng.randint(2, 12))
        return OrganisationCapability(organisation=organisation, capability=capability, level=level,
                                      evidence=evidence)

    def _certifications(self, organisation: Organisation, capability_codes: list[str]) -> list[Certification]:
        held = {}
        for rule in self.words["certifications"]:
            kind_of_type = self.certification_types.get(rule["code"])
            if kind_of_type is None or rule["code"] in held:
                continue
            if "kinds" in rule:
                eligible = organisation.kind in rule["kinds"]
            else:
                eligible = any(code.startswith(tuple(rule["capabilities"])) for code in capability_codes)
            if eligible and self.rng.random() < rule["share"]:
                held[rule["code"]] = self._certificate(organisation, kind_of_type, rule["valid_years"])
        return list(held.values())

    def _certificate(self, organisation, certification_type, valid_years: int) -> Certification:
        """Issued within its validity, so it runs out some time in the next years: a few within 60 days."""
        validity = datetime.timedelta(days=365 * valid_years)
        issued_on = self.today - datetime.timedelta(days=self.rng.randint(0, validity.days - 1))
        if self.rng.random() < LAPSED_CERTIFICATE_SHARE:
            issued_on -= validity
        return Certification(
            organisation=organisation, certification_type=certification_type, issued_on=issued_on,
            expires_on=issued_on + validity,
            certificate_number=f"{certification_type.code.upper()}-{self.rng.randint(10000, 99999)}",
        )

    # Descriptions ---------------------------------------------------------------------------------

    def _descriptions(self, plan: PlannedOrganisation, core, secondary, year: int) -> tuple[str, str]:
        organisation = plan.organisation
        kind_fr, gender = self.words["kind_phrases"][organisation.kind]["fr"].split("|")
        texts = []
        for language, kind in (("fr", kind_fr), ("en", self.words["kind_phrases"][organisation.kind]["en"])):
            label = f"label_{language}"
            certificates = [_short_label(c.certification_type, language) for c in plan.certifications]
            sentences = self.words["descriptions"][language]
            values = {
                "name": organisation.display_name, "kind": kind, "where": plan.location.where, "year": year,
                "settled": "établie" if gender == "f" else "établi",
                "core": _join([_lower_first(getattr(c, label)) for c in core[:4]], language),
                "secondary": _join([_lower_first(getattr(c, label)) for c in secondary[:4]], language),
                "certifications": _join(certificates[:4], language),
            }
            parts = [self.rng.choice(sentences["intro"]), self.rng.choice(sentences["core"])]
            if secondary:
                parts.append(self.rng.choice(sentences["secondary"]))
            if certificates:
                parts.append(self.rng.choice(sentences["certifications"]))
            parts.append(self.rng.choice(sentences["closing"][KIND_GROUP[organisation.kind]]))
            texts.append(" ".join(parts).format(**values))
        return texts[0], texts[1]

    # People ---------------------------------------------------------------------------------------

    def _add_people(self, plan: PlannedOrganisation, count: int) -> None:
        demo_member = self.words["demo_member"]
        fixed = demo_member["people"] if plan.domain == demo_member["domain"] else []
        emails = set()
        for index in range(count):
            spec = fixed[index] if index < len(fixed) else None
            plan.people.append(self._person(plan, index, count, emails, spec))

    def _person(self, plan: PlannedOrganisation, index: int, count: int, emails: set, spec) -> Person:
        """The first person leads the organisation, is its primary contact and administers it on Grappe."""
        gender = spec["gender"] if spec else self.rng.choice("fm")
        first_name = spec["first_name"] if spec else self.rng.choice(self.words["first_names"][gender])
        last_name = spec["last_name"] if spec else self.rng.choice(self.words["last_names"])
        titles = self.words["titles"][KIND_GROUP[plan.organisation.kind]]
        title = spec["title"] if spec else _gendered(
            self.rng.choice(titles["lead" if index == 0 else "staff"]), gender)
        is_admin = index == 0 or (index == 1 and count >= 3 and self.rng.random() < 0.5)
        outside = plan.location.region == Region.OUTSIDE
        return Person(
            organisation=plan.organisation, first_name=first_name, last_name=last_name, title=title,
            email=_email(first_name, last_name, plan.domain, emails),
            phone=(f"{plan.organisation.phone}, poste {self.rng.randint(100, 899)}" if self.rng.random() < 0.7
                   else self._phone(plan.location)),
            language="en" if self.rng.random() < (0.7 if outside else 0.15) else "fr",
            org_role=spec["org_role"] if spec else (OrgRole.ADMIN if is_admin else OrgRole.MEMBER),
            is_primary_contact=index == 0,
            consent_directory=index == 0 or self.rng.random() < 0.65,
            consent_communications=index == 0 or self.rng.random() < 0.85,
            is_active=index < 2 or self.rng.random() > 0.04,
        )

    # Small draws ----------------------------------------------------------------------------------

    def _location(self) -> Location:
        return self.rng.choices(self.locations, weights=[loc.weight for loc in self.locations])[0]

    def _phone(self, location: Location) -> str:
        # 555-0100 to 555-0199 are reserved for fiction in North American numbering.
        return f"{self.rng.choice(location.phones)} 555-01{self.rng.randint(0, 99):02d}"

    def _neq(self, location: Location) -> str | None:
        if location.region == Region.OUTSIDE and self.rng.random() < 0.5:
            return None  # a federal corporation from elsewhere may not be registered in Quebec
        while True:
            neq = f"{self.rng.choice(NEQ_PREFIXES)}{self.rng.randint(0, 9_999_999):07d}"
            if neq not in self.taken["neq"]:
                self.taken["neq"].add(neq)
                return neq

    def _unique(self, what: str, base: str) -> str:
        value, n = base, 1
        while value in self.taken[what]:
            n += 1
            value = f"{base}-{n}"
        self.taken[what].add(value)
        return value

    def _weighted(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]


# Demo accounts ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    created: bool


def ensure_demo_accounts() -> list[DemoAccount]:
    """The demo's sign-ins, all with DEMO_PASSWORD. Creates the missing ones: a second run changes nothing."""
    with transaction.atomic():
        staff_admin, programs_officer, observer = (_cluster_account(*spec) for spec in CLUSTER_ACCOUNTS)
        return [staff_admin, programs_officer, *_demo_member_accounts(), observer]


def _cluster_account(email: str, role: str, full_name: str) -> DemoAccount:
    user = User.objects.filter(email=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email, DEMO_PASSWORD, role=role, full_name=full_name)
    return DemoAccount(email, str(Role(user.role).label), created)


def _demo_member_accounts() -> list[DemoAccount]:
    """Accounts for the demo SME's two people, linked to their Person: rights follow the organisation."""
    spec = vocabulary()["demo_member"]
    accounts = []
    for person_spec in spec["people"]:
        email = _email(person_spec["first_name"], person_spec["last_name"], spec["domain"], set())
        person = Person.objects.select_related("organisation", "user").filter(email=email).first()
        if person is None:
            continue  # the organisations were not generated by this module: no demo SME to sign in for
        created = person.user is None
        if created:
            person.user = User.objects.create_user(email, DEMO_PASSWORD, full_name=person.full_name,
                                                   language=person.language)
            person.save(update_fields=["user", "updated_at"])
        role = f"{person.get_org_role_display()} — {person.organisation.display_name}"
        accounts.append(DemoAccount(email, role, created))
    return accounts


# Helpers ------------------------------------------------------------------------------------------

def _capabilities_by_domain() -> dict[str, list[Capability]]:
    """Active capabilities (not domains) grouped by their domain's code, in the taxonomy's order."""
    domains: dict[str, list[Capability]] = {}
    capabilities = (Capability.objects.filter(is_active=True, parent__isnull=False).select_related("parent")
                    .order_by("parent__position", "parent__code", "position", "code"))
    for capability in capabilities:
        domains.setdefault(capability.parent.code, []).append(capability)
    if not domains:
        raise ValueError("load the capability taxonomy first (manage.py load_taxonomy)")
    return domains


def _apportion(total: int, weights: dict) -> dict:
    """Split `total` in proportion to `weights` (largest remainders), deterministically."""
    whole = sum(weights.values())
    shares = {key: total * weight / whole for key, weight in weights.items()}
    counts = {key: int(share) for key, share in shares.items()}
    left = total - sum(counts.values())
    for key in sorted(shares, key=lambda k: counts[k] - shares[k])[:left]:
        counts[key] += 1
    return counts


def _email(first_name: str, last_name: str, domain: str, taken: set) -> str:
    local = f"{slugify(unidecode(first_name))}.{slugify(unidecode(last_name))}"
    email, n = f"{local}@{domain}", 1
    while email in taken:
        n += 1
        email = f"{local}{n}@{domain}"
    taken.add(email)
    return email


def _gendered(title: str, gender: str) -> str:
    forms = title.split("|")
    return forms[1] if gender == "f" and len(forms) > 1 else forms[0]


def _lower_first(label: str) -> str:
    """'Usinage 5 axes' -> 'usinage 5 axes' inside a sentence, but 'CNC turning' and 'DO-160' stay."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _join(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {'et' if language == 'fr' else 'and'} {items[-1]}"


def _short_label(certification_type: CertificationType, language: str) -> str:
    """'AS9100' rather than 'AS9100 — Quality management systems (aerospace)'; Nadcap keeps its commodity
    and an airworthiness approval its kind ('Transport Canada — AMO …')."""
    label = getattr(certification_type, f"label_{language}")
    return label if certification_type.family in {"Nadcap", "Airworthiness"} else label.split(" — ")[0]


def _without_legal_suffix(name: str) -> str:
    return re.sub(r"\s+(inc\.|ltée|S\.E\.N\.C\.|S\.E\.C\.|Cie|Canada inc\.)$", "", name)
