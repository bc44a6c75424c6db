"""A synthetic aerospace cluster with planted complementary partners, for the partnering benchmark.

Organisations follow the demo cluster's vocabulary (grappe/members/data/demo_cluster.yaml): kinds in their
shares, sizes per kind, profiles that say which domains of the shipped taxonomy an organisation works in
(a machine shop machines at core level and does some metrology and surface treatment), regions weighted
as members are placed, certifications by kind and capability. Each holds about twenty competencies drawn
from the taxonomy's capabilities, read with PyYAML through matching.taxonomy — no Django.

Each opportunity has an initiator, a few must-haves it holds, a gap of 1 to 30 must-haves it does not hold
(drawn from domains it does not work in, as a project asks a shop for what it cannot do), a few
nice-to-haves and sometimes a certification it lacks. For each, one organisation is rewritten into the
planted complementary partner: it holds the whole gap at core level (and the missing certification), it
declared needs that the initiator covers, and it shares none of the initiator's core competencies. The
benchmark checks that the ranking finds it.

    .venv/bin/python bench/planted_cluster.py [--organisations 5000] [--opportunities 200] [--seed 7]
"""

import argparse
import random
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.partners import CORE, SECONDARY, Candidate, Holding, Need
from matching.taxonomy import competencies_from_nodes

DATA = ROOT / "grappe" / "members" / "data"
COMPETENCIES_PER_ORGANISATION = (20, 3, 12, 28)  # mean, deviation, minimum, maximum
MAX_GAP = 30
PRIME_SHARE = 0.01


@dataclass(frozen=True)
class Opportunity:
    initiator_id: int
    needs: tuple[Need, ...]
    required_certifications: frozenset[str]
    planted_id: int
    gap: tuple[str, ...]  # the must-haves the initiator does not hold

    @property
    def gap_size(self) -> int:
        return len(self.gap)


class Vocabulary:
    """The taxonomy's capabilities by domain and the demo cluster's shares, read once."""

    def __init__(self):
        taxonomy = competencies_from_nodes(yaml.safe_load((DATA / "taxonomy.yaml").read_text()))
        self.leaves_of: dict[str, list[str]] = {}
        for competency in taxonomy:
            if competency.parent:
                self.leaves_of.setdefault(competency.parent, []).append(competency.code)
        self.domain_of = {code: domain for domain, codes in self.leaves_of.items() for code in codes}
        self.all_codes = sorted(self.domain_of)
        demo = yaml.safe_load((DATA / "demo_cluster.yaml").read_text())
        self.kinds = demo["kinds"]
        self.kind_rules = demo["kind_rules"]
        self.profiles = demo["profiles"]
        self.prime_profiles = [prime["profile"] for prime in demo["primes"]]
        regions: dict[str, float] = {}
        for location in demo["locations"]:
            regions[location["region"]] = regions.get(location["region"], 0) + location["weight"]
        self.regions = regions
        self.certification_rules = demo["certifications"]


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _organisation(rng: random.Random, vocabulary: Vocabulary, id: int) -> Candidate:
    kind = "prime" if rng.random() < PRIME_SHARE else _weighted(rng, vocabulary.kinds)
    rules = vocabulary.kind_rules[kind]
    profile_name = (rng.choice(vocabulary.prime_profiles) if kind == "prime"
                    else _weighted(rng, rules["profiles"]))
    profile = vocabulary.profiles[profile_name]
    core_domains = list(profile["core"])
    secondary_domains = list(profile["secondary"])
    secondary_domains += rng.sample(sorted(vocabulary.leaves_of), profile.get("random_domains", 0))
    holdings = _holdings(rng, vocabulary, core_domains, secondary_domains, id)
    needs = rng.sample([c for c in vocabulary.all_codes if c not in holdings], rng.randint(3, 6))
    return Candidate(
        id=id, name=f"Organisation {id}", kind=kind, size_band=_weighted(rng, rules["sizes"]),
        region=_weighted(rng, vocabulary.regions), holdings=holdings,
        certifications=_certifications(rng, vocabulary, kind, holdings), needs=frozenset(needs),
    )


def _holdings(rng: random.Random, vocabulary: Vocabulary, core_domains: list[str], secondary_domains: list[str],
              id: int) -> dict[str, Holding]:
    """About twenty competencies: most from the core domains, some from the secondary ones, a few others."""
    mean, deviation, low, high = COMPETENCIES_PER_ORGANISATION
    count = min(high, max(low, round(rng.gauss(mean, deviation))))
    holdings: dict[str, Holding] = {}
    pools = [
        (core_domains, 0.55, 0.75),  # (domains, share of the competencies, chance of core level)
        (secondary_domains, 0.35, 0.2),
        (sorted(vocabulary.leaves_of), 0.10, 0.0),
    ]
    for domains, share, core_chance in pools:
        codes = [code for domain in domains for code in vocabulary.leaves_of[domain] if code not in holdings]
        for code in rng.sample(codes, min(len(codes), round(count * share))):
            level = CORE if rng.random() < core_chance else SECONDARY
            holdings[code] = Holding(code, level, f"Organisation {id}: {code} on customer programs")
    return holdings


def _certifications(rng: random.Random, vocabulary: Vocabulary, kind: str, holdings: dict) -> frozenset[str]:
    held = set()
    for rule in vocabulary.certification_rules:
        by_kind = kind in rule.get("kinds", ())
        by_capability = any(code.startswith(tuple(rule.get("capabilities", ()))) for code in holdings
                            ) if rule.get("capabilities") else False
        if (by_kind or by_capability) and rng.random() < rule["share"]:
            held.add(rule["code"])
    return frozenset(held)


def _opportunity(rng: random.Random, vocabulary: Vocabulary, initiator: Candidate, gap_size: int,
                 certifications: list[str]) -> tuple[tuple[Need, ...], frozenset[str], list[str]]:
    """Needs: some of the initiator's core competencies, then a gap from domains it does not work in."""
    own = sorted(initiator.core_codes)
    held = rng.sample(own, min(len(own), rng.randint(2, 5)))
    initiator_domains = {vocabulary.domain_of[code] for code in initiator.holdings}
    foreign = [d for d in sorted(vocabulary.leaves_of) if d not in initiator_domains]
    rng.shuffle(foreign)
    gap: list[str] = []
    for domain in foreign:  # the gap spans as few domains as its size allows
        fresh = [c for c in vocabulary.leaves_of[domain] if c not in initiator.holdings]
        gap += rng.sample(fresh, min(len(fresh), gap_size - len(gap)))
        if len(gap) == gap_size:
            break
    nice = rng.sample([c for c in vocabulary.all_codes if c not in gap and c not in held], rng.randint(0, 3))
    missing = [c for c in certifications if c not in initiator.certifications]
    required = frozenset(rng.sample(missing, 1)) if missing and rng.random() < 0.25 else frozenset()
    needs = tuple(Need(c) for c in held) + tuple(Need(c) for c in gap) + tuple(Need(c, False) for c in nice)
    return needs, required, gap


def _plant(rng: random.Random, vocabulary: Vocabulary, partner: Candidate, initiator: Candidate, gap: list[str],
           required: frozenset[str]) -> Candidate:
    """Rewrite an organisation into the complementary partner of this opportunity."""
    holdings = {code: Holding(code, CORE, f"Organisation {partner.id}: {code} in production") for code in gap}
    others = [c for c in partner.holdings if c not in holdings and c not in initiator.core_codes]
    for code in others[:max(0, 20 - len(gap))]:
        holdings[code] = replace(partner.holdings[code], level=SECONDARY)
    wants_back = rng.sample(sorted(initiator.core_codes), min(len(initiator.core_codes), rng.randint(2, 3)))
    return replace(partner, holdings=holdings, certifications=frozenset(partner.certifications | required),
                   needs=frozenset(wants_back) | frozenset(partner.needs))


def generate(organisations: int = 5000, opportunities: int = 200, seed: int = 7
             ) -> tuple[list[Candidate], list[Opportunity]]:
    """The cluster (planted partners included) and its opportunities; the same seed gives the same cluster."""
    rng = random.Random(seed)
    vocabulary = Vocabulary()
    cluster = [_organisation(rng, vocabulary, id) for id in range(organisations)]
    certifications = sorted({rule["code"] for rule in vocabulary.certification_rules})
    companies = [c.id for c in cluster if c.kind not in ("university", "college", "research") and
                 len(c.core_codes) >= 2]
    chosen = rng.sample(companies, 2 * opportunities)
    planned = []
    for number in range(opportunities):
        initiator, partner = cluster[chosen[2 * number]], cluster[chosen[2 * number + 1]]
        gap_size = 1 + number % MAX_GAP
        needs, required, gap = _opportunity(rng, vocabulary, initiator, gap_size, certifications)
        cluster[partner.id] = _plant(rng, vocabulary, partner, initiator, gap, required)
        planned.append(Opportunity(initiator.id, needs, required, partner.id, tuple(gap)))
    return cluster, planned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=5000)
    parser.add_argument("--opportunities", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    cluster, opportunities = generate(arguments.organisations, arguments.opportunities, arguments.seed)
    kinds: dict[str, int] = {}
    for candidate in cluster:
        kinds[candidate.kind] = kinds.get(candidate.kind, 0) + 1
    average = sum(len(c.holdings) for c in cluster) / len(cluster)
    print(f"{len(cluster)} organisations, {average:.1f} competencies each on average; kinds: {kinds}")
    gaps = [o.gap_size for o in opportunities]
    print(f"{len(opportunities)} opportunities, gaps from {min(gaps)} to {max(gaps)} must-haves")


if __name__ == "__main__":
    main()
