"""Read queries about members, shared by pages, exports and the API so that all see the same rows."""

import datetime

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from grappe.core.permissions import require, require_visible
from matching.text import fold

from .models import (
    REMINDER_DAYS_BEFORE_EXPIRY,
    STAFF_ROLES,
    Capability,
    Certification,
    CertificationType,
    ColleagueRequest,
    MembershipStatus,
    Organisation,
    OrganisationCapability,
    OrganisationKind,
    Person,
    RequestStatus,
    User,
    in_language,
)
from .search import search_organisations


def sees_whole_directory(user) -> bool:
    """Staff find every organisation in the directory; everyone else finds the same public listing."""
    return user.has_perm("members.add_organisation")


def directory_organisations(user) -> QuerySet:
    """Organisations a user may find: staff see all; others see active members listed in the directory."""
    if sees_whole_directory(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE, listed_in_directory=True)


def is_in_directory(user, organisation: Organisation) -> bool:
    """Whether `directory_organisations(user)` holds this loaded organisation, without asking the database."""
    return sees_whole_directory(user) or (
        organisation.membership_status == MembershipStatus.ACTIVE and organisation.listed_in_directory)


def filter_directory(queryset: QuerySet, filters: dict) -> QuerySet:
    """Apply the directory's filters (capability, certification, kind, region, size) and free-text query."""
    if filters.get("capability"):
        capability = filters["capability"]
        if capability.is_domain:
            queryset = queryset.filter(capabilities__capability__parent=capability).distinct()
        else:
            queryset = queryset.filter(capabilities__capability=capability)
    if filters.get("certification"):
        queryset = queryset.filter(certifications__certification_type=filters["certification"])
    for field, key in (("kind", "kind"), ("region", "region"), ("size_band", "size")):
        if filters.get(key):
            queryset = queryset.filter(**{field: filters[key]})
    return search_organisations(queryset, filters.get("q") or "")


def taxonomy_tree(query: str = "") -> list[tuple[Capability, list[Capability]]]:
    """The taxonomy as the staff edit it: each domain with its capabilities (and how many members hold each).
    With words, only what matches every word in a label, a synonym or a code (either language, accents and case
    folded); a domain that matches keeps all its capabilities."""
    children = Capability.objects.filter(parent__isnull=False).annotate(holder_count=Count("holders"))
    domains = Capability.objects.filter(parent__isnull=True).prefetch_related(Prefetch("children", queryset=children))
    words = fold(query).split()
    if not words:
        return [(domain, list(domain.children.all())) for domain in domains]

    def matches(node: Capability) -> bool:
        text = fold(" ".join((node.code, node.label_fr, node.label_en, node.synonyms_fr, node.synonyms_en)))
        return all(word in text for word in words)

    found = []
    for domain in domains:
        kept = list(domain.children.all()) if matches(domain) else [c for c in domain.children.all() if matches(c)]
        if kept or matches(domain):
            found.append((domain, kept))
    return found


def capability_choices() -> list[tuple[int, str]]:
    """The active taxonomy as the directory's filter lists it: each domain, then its capabilities
    ("Usinage › Usinage 5 axes"), in the taxonomy's order."""
    rows = Capability.objects.filter(is_active=True).values_list(
        "pk", "label_fr", "label_en", "position", "parent", "parent__position",
        "parent__label_fr", "parent__label_en")
    labels = {pk: in_language(fr, en) for pk, fr, en, *_rest in rows}
    choices = []
    for pk, _fr, _en, position, parent, parent_position, parent_fr, parent_en in rows:
        if parent is None:
            choices.append(((position, pk, 0, 0, labels[pk]), pk, labels[pk]))
        else:
            domain = labels.get(parent) or in_language(parent_fr, parent_en)  # a domain put out of use
            order = (parent_position, parent, 1, position, labels[pk])
            choices.append((order, pk, f"{domain} › {labels[pk]}"))
    return [(pk, name) for _order, pk, name in sorted(choices)]


def capability_groups() -> list[tuple[str, list[tuple[int, str]]]]:
    """Capabilities in use grouped by domain, in the taxonomy's order: a <select> with one group per domain."""
    groups: dict[int, tuple[str, list]] = {}
    rows = (Capability.objects.filter(is_active=True, parent__isnull=False, parent__is_active=True)
            .order_by("parent__position", "parent__label_fr", "position", "label_fr")
            .values_list("pk", "label_fr", "label_en", "parent_id", "parent__label_fr", "parent__label_en"))
    for pk, fr, en, parent, parent_fr, parent_en in rows:
        groups.setdefault(parent, (in_language(parent_fr, parent_en), []))[1].append((pk, in_language(fr, en)))
    return list(groups.values())


def certification_choices() -> list[tuple[int, str]]:
    """The certification types as the directory's filter lists them, read as rows."""
    rows = CertificationType.objects.values_list("pk", "label_fr", "label_en")
    return [(pk, in_language(fr, en)) for pk, fr, en in rows]


def with_card_details(queryset: QuerySet) -> QuerySet:
    """What a directory card shows: the organisation's core capabilities."""
    core = OrganisationCapability.objects.filter(level="core").select_related("capability")
    return queryset.prefetch_related(Prefetch("capabilities", queryset=core, to_attr="core_capabilities"))


def organisation_detail(slug: str) -> Organisation:
    return organisation_row(slug).prefetch_related(
        Prefetch("capabilities", queryset=profile_capabilities()),
        Prefetch("certifications", queryset=Certification.objects.select_related("certification_type")),
    ).get()


def organisation_row(slug: str) -> QuerySet:
    return Organisation.objects.filter(slug=slug)


def profile_capabilities(organisation: Organisation | None = None) -> QuerySet:
    """An organisation's declared capabilities with their domains, in the taxonomy's order (its page groups
    them by domain)."""
    capabilities = OrganisationCapability.objects.select_related("capability__parent").order_by(
        "capability__parent__position", "capability__position")
    return capabilities if organisation is None else capabilities.filter(organisation=organisation)


def organisation_certifications(organisation: Organisation) -> QuerySet:
    return organisation.certifications.select_related("certification_type")


def visible_organisation(user, slug: str, *, with_details: bool = True) -> Organisation:
    """The organisation with what its page shows (its capabilities and certifications; the row alone without
    `with_details`), if `user` may see it; Http404 otherwise (its existence is not revealed). Shared by the
    page and the API so that both hide the same organisations."""
    try:
        organisation = organisation_detail(slug) if with_details else organisation_row(slug).get()
    except Organisation.DoesNotExist:
        raise Http404 from None
    if not (is_in_directory(user, organisation) or user.has_perm("members.view_organisation_private", organisation)):
        raise Http404
    return organisation


def organisation_for(user, slug: str, permission: str) -> Organisation:
    """The organisation if `user` may see its private side (404 otherwise) and has `permission` on it (403)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    require_visible(user, "members.view_organisation_private", organisation)
    require(user, permission, organisation)
    return organisation


def visible_contacts(organisation: Organisation, user) -> QuerySet:
    """People another member may contact: active and consenting. The organisation itself and staff see all."""
    people = organisation.people.select_related("user")
    if user.has_perm("members.view_organisation_private", organisation):
        return people
    return people.filter(is_active=True, consent_directory=True)


def people_of(user) -> QuerySet:
    if user.has_perm("members.add_organisation"):
        return Person.objects.select_related("organisation")
    organisation = user.organisation
    if organisation is None:
        return Person.objects.none()
    return visible_contacts(organisation, user)


def home_figures(user) -> dict:
    figures = {
        "member_count": Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE).count(),
        "capability_count": Capability.objects.filter(parent__isnull=False, is_active=True).count(),
    }
    if user.has_perm("members.add_organisation"):
        counts = (Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE)
                  .values_list("kind").annotate(n=Count("id")).order_by("-n"))
        largest = max((n for _kind, n in counts), default=1)
        figures["by_kind"] = [
            {"label": OrganisationKind(kind).label, "n": n, "percent": round(100 * n / largest)} for kind, n in counts]
        figures["expiring_certifications"] = expiring_certifications()[:10]
        figures["people_count"] = Person.objects.filter(is_active=True).count()
    return figures


def expiring_certifications(organisation: Organisation | None = None) -> QuerySet:
    """Certifications expiring within the reminder window (60 days), soonest first: the cluster's, or one
    organisation's."""
    today = timezone.localdate()
    shown = Certification.objects.filter(
        expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=REMINDER_DAYS_BEFORE_EXPIRY))
    if organisation is not None:
        shown = shown.filter(organisation=organisation)
    return shown.select_related("organisation", "certification_type").order_by("expires_on")


def account_with_email(email: str) -> User | None:
    """The account that signs in with this address, whatever its case. The one lookup of an account by email
    for people and invitations: what it finds may be linked to a person only as members.services.people says."""
    return User.objects.filter(email__iexact=email.strip()).first()


def staff_users() -> QuerySet:
    """The cluster's staff who are told of what needs them (urgent needs, succession flags, rising themes)."""
    return User.objects.filter(Q(role__in=STAFF_ROLES) | Q(is_superuser=True), is_active=True)


def requests_to_do(user) -> QuerySet[ColleagueRequest]:
    """What the person's organisation admins asked of them and is still to do, soonest due first (home page)."""
    organisation = user.organisation
    if organisation is None:
        return ColleagueRequest.objects.none()
    return (ColleagueRequest.objects.filter(asked_of=user, organisation=organisation, status=RequestStatus.OPEN)
            .select_related("asked_by", "organisation").order_by(F("due_on").asc(nulls_last=True), "created_at"))


def requests_asked(organisation: Organisation) -> QuerySet[ColleagueRequest]:
    """What the organisation's admins asked of its people, open ones first, newest first (the admin's page)."""
    return (ColleagueRequest.objects.filter(organisation=organisation).select_related("asked_by", "asked_of")
            .order_by(Case(When(status=RequestStatus.OPEN, then=0), default=1), "-created_at", "-pk"))
