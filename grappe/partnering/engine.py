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
"""

import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

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
from matching.partners import SECONDARY, Candidate, Holding, PartnerIndex
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


def cluster_changed(sender, **kwargs) -> None:
    """An organisation, a capability it holds, a certification or a declared need was saved or deleted."""
    _cluster_index.forget()
    _listed_index.forget()
    if sender is DeclaredNeed:  # the directory version does not follow needs: they have their own
        cache_versions.bump_on_commit(NEEDS_VERSION)


# From codes back to rows, for display -------------------------------------------------------------------

def capabilities_by_code(codes: Iterable[str]) -> dict[str, Capability]:
    return {c.code: c for c in Capability.objects.filter(code__in=set(codes)).select_related("parent")}


def certification_types_by_code(codes: Iterable[str]) -> dict[str, CertificationType]:
    return {c.code: c for c in CertificationType.objects.filter(code__in=set(codes))}


def organisations_by_id(ids: Iterable[int]) -> dict[int, Organisation]:
    return Organisation.objects.in_bulk(set(ids))
