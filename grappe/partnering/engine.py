"""The one bridge between the database and the matching engine (matching/, which knows nothing of Django).

Building the engine's indexes is the expensive part of an analysis (a 5,000-member cluster has ~100,000
capability rows), so each index is built once per process and kept while the data it was built from is
unchanged. Whether it changed is read from the database in one query of index lookups (a *fingerprint*), so
that every process of a deployment sees a change made by any other one:

- the taxonomy's fingerprint: the number and latest id of capabilities, and the latest taxonomy audit
  entry (every taxonomy change is audited, bulk loads included);
- the cluster's fingerprint: the directory version (members.directory_cache: bumped after every change to an
  organisation, its capabilities or certifications, by the services, the import, the demo generation and the
  back office), the declared needs' version (bumped by `cluster_changed`), the latest id of organisations,
  capabilities held, certifications and declared needs (rows written in bulk), and the day (certifications
  expire). Counting or scanning the organisations instead cost 40 ms a request on 5,000 of them.

`cluster_changed` (connected to the models' signals in apps.py) also drops this process's indexes at once,
so that a change is seen by the next analysis in the same process even before its transaction commits.

Partners from outside the cluster: an app above this one (federation: the capability profiles partner clusters
shared with us) registers a `CandidateSource` (`register_candidate_source`). Its candidates join the partner
search (`partner_index`, `listed_partner_index`: what an opportunity's analysis ranks and builds consortia from),
scored exactly as members are, never the cluster's own index (the staff's succession and consolidation pages
are about members only). Their ids are strings ("remote:12") that no Organisation key can equal; `describe`
turns them into `OutsidePartner`s, which the pages show where they show an Organisation. Partnering never
imports the app that registers the source (the layers of docs/architecture.md).
"""

import threading
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import cache_versions
from grappe.core.models import AuditEntry, CacheVersion
from grappe.members.directory_cache import VERSION_NAME as DIRECTORY_VERSION
from grappe.members.models import (
    Capability,
    Certification,
    CertificationType,
    MembershipStatus,
    Organisation,
    OrganisationCapability,
)
from matching.inference import CompetencyIndex
from matching.partners import CORE, SECONDARY, Candidate, Holding, PartnerIndex
from matching.taxonomy import Competency, competencies_from_nodes

from .models import DeclaredNeed, NeedKind

TAXONOMY_ACTIONS = ("taxonomy.added", "taxonomy.changed", "taxonomy.loaded")
NEEDS_VERSION = "partnering.declared_needs"


@dataclass(frozen=True)
class _Built:
    fingerprint: tuple
    value: object


class _Cache:
    """One value per process, rebuilt when its fingerprint changes. One thread builds; the others wait."""

    def __init__(self, fingerprint: Callable[[], tuple], build: Callable[[], object]):
        self._fingerprint, self._build = fingerprint, build
        self._built: _Built | None = None
        self._lock = threading.Lock()

    def get(self):
        fingerprint = self._fingerprint()
        built = self._built
        if built is not None and built.fingerprint == fingerprint:
            return built.value
        with self._lock:
            if self._built is None or self._built.fingerprint != fingerprint:
                self._built = _Built(fingerprint, self._build())
            return self._built.value

    def forget(self) -> None:
        self._built = None


def _scalars(queries: Iterable[tuple[str, list]]) -> tuple:
    """Several one-value queries in one round trip: SELECT (q1), (q2), …"""
    parts, params = [], []
    for sql, query_params in queries:
        parts.append(f"({sql})")
        params.extend(query_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return tuple(cursor.fetchone())


def _aggregate(function: str, queryset: QuerySet, column: str = "id") -> tuple[str, list]:
    """`SELECT function(column)` over a queryset, as SQL to embed in `_scalars`."""
    sql, params = queryset.order_by().values(column).query.sql_with_params()
    return f"SELECT {function}(matched.{column}) FROM ({sql}) matched", list(params)


def _count_and_latest(queryset: QuerySet) -> list[tuple[str, list]]:
    return [_aggregate("COUNT", queryset), _aggregate("MAX", queryset)]


# The taxonomy -------------------------------------------------------------------------------------------

def _taxonomy_fingerprint() -> tuple:
    audited = AuditEntry.objects.filter(action__in=TAXONOMY_ACTIONS)
    return _scalars([*_count_and_latest(Capability.objects.all()), _aggregate("MAX", audited)])


def active_competencies() -> list[Competency]:
    """The domains in use and their capabilities in use, as competencies: what inference may answer.

    Read as the nested nodes every taxonomy source uses (matching.taxonomy.competencies_from_nodes), so what
    the benchmarks measure is what runs here. A domain is inferred when a text names it as a whole
    ("contrôle non destructif"): a need any of its capabilities covers (see `_candidates`).
    """
    domains = {}
    leaves = (Capability.objects.filter(is_active=True, parent__is_active=True, parent__parent__isnull=True)
              .select_related("parent").order_by("parent__position", "parent__label_fr", "position", "label_fr"))
    for capability in leaves:
        domain = domains.setdefault(capability.parent_id, _node(capability.parent))
        domain["children"].append(_node(capability))
    return competencies_from_nodes(domains.values())


def _node(capability: Capability) -> dict:
    return {"code": capability.code, "fr": capability.label_fr, "en": capability.label_en,
            "synonyms_fr": capability.synonyms_fr, "synonyms_en": capability.synonyms_en, "children": []}


_competency_index = _Cache(_taxonomy_fingerprint, lambda: CompetencyIndex(active_competencies()))


def competency_index() -> CompetencyIndex:
    """The inference index over the active taxonomy, rebuilt only when the taxonomy changes."""
    return _competency_index.get()


# The cluster --------------------------------------------------------------------------------------------

def _members() -> QuerySet:
    return Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE)


def _cluster_fingerprint() -> tuple:
    versions = [_aggregate("MAX", CacheVersion.objects.filter(name=name), "value")
                for name in (DIRECTORY_VERSION, NEEDS_VERSION)]
    latest = [_aggregate("MAX", model.objects.all())
              for model in (Organisation, OrganisationCapability, Certification, DeclaredNeed)]
    return (timezone.localdate(), *_scalars(versions + latest))


def _grouped(rows: Iterable[tuple]) -> dict[Hashable, list[tuple]]:
    grouped: dict[Hashable, list[tuple]] = {}
    for organisation_id, *rest in rows:
        grouped.setdefault(organisation_id, []).append(tuple(rest))
    return grouped


def _candidates(organisations: QuerySet) -> list[Candidate]:
    """Organisations as the engine sees them, in four queries whatever their number.

    Holdings: capabilities in use, with their evidence. Certifications: those not expired, with their scope
    (evidence and scopes name the materials an organisation works: matching.partners.material_mentions).
    Needs: the competencies the organisation declared it needs (what makes a partnership reciprocal).
    """
    today = timezone.localdate()
    rows = organisations.order_by("pk").values_list("pk", "legal_name", "trade_name", "kind", "size_band", "region")
    ids = organisations.order_by().values("pk")  # a subquery, not thousands of parameters
    holdings = _grouped(OrganisationCapability.objects.filter(
        organisation__in=ids, capability__is_active=True).order_by().values_list(
        "organisation_id", "capability__code", "level", "evidence", "capability__parent__code"))
    certifications = _grouped(Certification.objects.filter(organisation__in=ids).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)).order_by().values_list(
        "organisation_id", "certification_type__code", "scope"))
    needs = _grouped(DeclaredNeed.objects.filter(
        organisation__in=ids, is_active=True, kind=NeedKind.COMPETENCY, capability__isnull=False)
        .order_by().values_list("organisation_id", "capability__code"))
    return [
        Candidate(
            id=pk, name=trade_name or legal_name, kind=kind, size_band=size_band, region=region,
            holdings=_with_domains(holdings.get(pk, ())),
            certifications=frozenset(code for code, _scope in certifications.get(pk, ())),
            needs=frozenset(code for (code,) in needs.get(pk, ())),
            certification_scopes={code: scope for code, scope in certifications.get(pk, ()) if scope},
        )
        for pk, legal_name, trade_name, kind, size_band, region in rows
    ]


def _with_domains(rows: Iterable[tuple]) -> dict[str, Holding]:
    """An organisation's capabilities, and each of their domains at secondary level: a domain-level need
    ("any NDT method") is met by any capability under it, but only as a partial fit, and a domain never
    counts among core competencies (which decide competition and succession)."""
    held = {code: Holding(code, level, evidence, domain or "") for code, level, evidence, domain in rows}
    for _code, _level, _evidence, domain in rows:
        if domain and domain not in held:
            held[domain] = Holding(domain, SECONDARY)
    return held


_cluster_index = _Cache(_cluster_fingerprint, lambda: PartnerIndex.build(_candidates(_members())))


def cluster_index() -> PartnerIndex:
    """Every active member organisation as a partner candidate, rebuilt only when one of them changes."""
    return _cluster_index.get()


def _build_listed_index() -> PartnerIndex:
    listed = set(_members().filter(listed_in_directory=True).values_list("pk", flat=True))
    return PartnerIndex.build(c for c in cluster_index().candidates if c.id in listed)


_listed_index = _Cache(_cluster_fingerprint, _build_listed_index)


def listed_index() -> PartnerIndex:
    """The active members listed in the directory: the partners a member may be shown. Derived from the
    cluster index without reading the capabilities again."""
    return _listed_index.get()


def candidate_for(organisation: Organisation) -> Candidate:
    """The organisation as the engine sees it: from the cluster index when it is an active member, else read
    alone (a prospect, or a former member whose old opportunity is looked at again)."""
    index = cluster_index()
    row = index.row_of.get(organisation.pk)
    if row is not None:
        return index.candidates[row]
    return _candidates(Organisation.objects.filter(pk=organisation.pk))[0]


def forget() -> None:
    """Drop the built indexes (tests, whose rolled-back data may repeat a fingerprint, start clean)."""
    _competency_index.forget()
    _cluster_index.forget()
    _listed_index.forget()
    _partner_index.forget()
    _listed_partner_index.forget()


def cluster_changed(sender, **kwargs) -> None:
    """An organisation, a capability it holds, a certification or a declared need was saved or deleted."""
    _cluster_index.forget()
    _listed_index.forget()
    _partner_index.forget()
    _listed_partner_index.forget()
    if sender is DeclaredNeed:  # the directory version does not follow needs: they have their own
        cache_versions.bump_on_commit(NEEDS_VERSION)


# From codes back to rows, for display -------------------------------------------------------------------

def capabilities_by_code(codes: Iterable[str]) -> dict[str, Capability]:
    return {c.code: c for c in Capability.objects.filter(code__in=set(codes)).select_related("parent")}


def certification_types_by_code(codes: Iterable[str]) -> dict[str, CertificationType]:
    return {c.code: c for c in CertificationType.objects.filter(code__in=set(codes))}


def organisations_by_id(ids: Iterable[Hashable]) -> dict[Hashable, "Organisation | OutsidePartner"]:
    """Members by id, and the partners from outside the cluster by theirs (their sources describe them)."""
    ids = set(ids)
    found: dict[Hashable, Organisation | OutsidePartner] = Organisation.objects.in_bulk(
        {pk for pk in ids if is_member_id(pk)})
    outside = ids - set(found)
    for source in _sources.values():
        if outside:
            found.update(source.describe(outside))
    return found


def is_member_id(pk) -> bool:
    """Whether a candidate's id is a member organisation's key (an outside partner's id is a string)."""
    return isinstance(pk, int)


# Partners from outside the cluster ----------------------------------------------------------------------

@dataclass(frozen=True)
class OutsidePartner:
    """A partner that is not a member of the cluster, where the pages show an Organisation: the same names
    (`pk`, `slug`, `display_name`, `get_absolute_url`, `get_kind_display`, `region`, `get_region_display`),
    `is_outside` to tell it apart, `origin` (who vouches for it: a partner cluster's name) and `url` (its page
    here, where a member may express interest: an introduction to it is not a local Introduction)."""

    pk: str
    display_name: str
    origin: str
    url: str
    kind: str = ""
    kind_label: str = ""
    region: str = ""
    region_label: str = ""
    is_outside = True

    @property
    def slug(self) -> str:
        return self.pk.replace(":", "-")

    def get_absolute_url(self) -> str:
        return self.url

    def get_kind_display(self) -> str:
        return self.kind_label

    def get_region_display(self) -> str:
        return self.region_label

    def __str__(self) -> str:
        """As sentences name it ("covered by: Penetrant (Transports Laval, from the logistics cluster)")."""
        return _("%(name)s, from %(cluster)s") % {"name": self.display_name, "cluster": self.origin}


@dataclass(frozen=True)
class CandidateSource:
    """Candidates from outside the cluster. `candidates()`: all of them, with string ids that no other source
    uses (prefix them with the source's name); `fingerprint()`: a cheap value that changes whenever they do
    (the partner search is rebuilt then); `describe(ids)`: those of these ids that are its own, as
    OutsidePartners (ids it no longer knows are left out)."""

    name: str
    candidates: Callable[[], list[Candidate]]
    fingerprint: Callable[[], tuple]
    describe: Callable[[Collection[Hashable]], Mapping[Hashable, OutsidePartner]]


_sources: dict[str, CandidateSource] = {}


def register_candidate_source(source: CandidateSource) -> None:
    """Add (or replace, by name) a source of candidates from outside the cluster (called from an AppConfig.ready)."""
    _sources[source.name] = source
    _partner_index.forget()
    _listed_partner_index.forget()


def taxonomy_domains(codes: Iterable[str]) -> dict[str, str]:
    """{code: its domain's code, "" for a domain} for those codes that are capabilities in use in our taxonomy."""
    codes = set(codes)
    if not codes:
        return {}
    return {code: domain or "" for code, domain in Capability.objects.filter(
        code__in=codes, is_active=True).order_by().values_list("code", "parent__code")}


def holdings_known(levels: Iterable[tuple[str, str]], domains: Mapping[str, str]) -> dict[str, Holding]:
    """Capabilities from outside the cluster, (code, level), held as a member's are: only the codes of our
    taxonomy's capabilities in use count (`domains`, from `taxonomy_domains` over every candidate's codes at
    once). Clusters of other sectors share some codes; one we do not know cannot meet any need here and is left
    out. A level other than core is secondary; each capability's domain is held at secondary level, as for a
    member (`_with_domains`)."""
    return _with_domains([(code, CORE if level == CORE else SECONDARY, "", domains[code])
                          for code, level in levels if code in domains])


def _sources_fingerprint() -> tuple:
    return tuple((name, source.fingerprint()) for name, source in sorted(_sources.items()))


def _outside_candidates() -> list[Candidate]:
    return [candidate for source in _sources.values() for candidate in source.candidates()]


def _with_outside(local: PartnerIndex) -> PartnerIndex:
    outside = _outside_candidates()
    return PartnerIndex.build([*local.candidates, *outside]) if outside else local


def _search_fingerprint() -> tuple:
    """The cluster's, and when there are outside sources, theirs and the taxonomy's (which of their codes
    count depends on it)."""
    if not _sources:
        return (_cluster_fingerprint(),)
    return (_cluster_fingerprint(), _taxonomy_fingerprint(), _sources_fingerprint())


_partner_index = _Cache(_search_fingerprint, lambda: _with_outside(cluster_index()))
_listed_partner_index = _Cache(_search_fingerprint, lambda: _with_outside(listed_index()))


def partner_index() -> PartnerIndex:
    """The partner search the staff run: every active member and every partner from outside the cluster."""
    return _partner_index.get()


def listed_partner_index() -> PartnerIndex:
    """The partner search members run: the members listed in the directory, and the partners from outside."""
    return _listed_partner_index.get()
