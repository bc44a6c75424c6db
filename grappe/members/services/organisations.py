"""Organisations and the capabilities they declare: create, update, set and remove a capability."""

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from grappe.core import audit
from grappe.core.permissions import require

from ..address import DERIVED_FIELDS, derived_address, fill_derived_address
from ..directory_cache import bump_directory_version
from ..models import Capability, Organisation, OrganisationCapability
from ..search import refresh_search_text
from .fields import ORGANISATION_FIELDS, apply


def unique_slug(name: str, exclude_pk=None) -> str:
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_organisation(*, actor, data: dict) -> Organisation:
    require(actor, "members.add_organisation")
    with transaction.atomic():
        organisation = Organisation(slug=unique_slug(data.get("trade_name") or data["legal_name"]))
        apply(organisation, data, ORGANISATION_FIELDS)
        organisation.neq = organisation.neq or None
        fill_derived_address(organisation)
        organisation.save()
        refresh_search_text(organisation)
        audit.record(actor, "organisation.created", organisation, after=audit.snapshot(organisation))
        bump_directory_version()
    return organisation


def update_organisation(*, actor, organisation: Organisation, data: dict) -> Organisation:
    require(actor, "members.change_organisation", organisation)
    if not actor.has_perm("members.add_organisation"):
        # Members keep their profile up to date; membership itself is the staff's business.
        data = {k: v for k, v in data.items() if k not in {"membership_status", "member_since", "membership_ends"}}
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = audit.snapshot(organisation)
        derived = derived_address(data, organisation)
        apply(organisation, data, ORGANISATION_FIELDS)
        apply(organisation, derived, DERIVED_FIELDS)
        organisation.neq = organisation.neq or None
        organisation.save()
        refresh_search_text(organisation)
        after = audit.snapshot(organisation)
        if before != after:
            audit.record(actor, "organisation.changed", organisation, before=before, after=after)
            bump_directory_version()
    return organisation


def set_capability(*, actor, organisation: Organisation, capability: Capability, level: str,
                   evidence: str = "") -> OrganisationCapability:
    """Declare that an organisation has a capability. Idempotent: declaring it twice updates it."""
    require(actor, "members.change_organisation", organisation)
    if capability.is_domain:
        raise ValueError(_("Choose a capability, not a whole domain."))
    with transaction.atomic():
        existing = OrganisationCapability.objects.filter(organisation=organisation, capability=capability).first()
        before = audit.snapshot(existing) if existing else None
        item, created = OrganisationCapability.objects.update_or_create(
            organisation=organisation, capability=capability, defaults={"level": level, "evidence": evidence}
        )
        refresh_search_text(organisation)
        audit.record(actor, "capability.added" if created else "capability.changed", item,
                     before=before, after=audit.snapshot(item))
        bump_directory_version()
    return item


def remove_capability(*, actor, item: OrganisationCapability) -> None:
    require(actor, "members.change_organisation", item.organisation)
    with transaction.atomic():
        audit.record(actor, "capability.removed", item, before=audit.snapshot(item))
        item.delete()
        refresh_search_text(item.organisation)
        bump_directory_version()
