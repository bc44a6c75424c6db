"""The demo's cooperation between clusters: a few items the demo organisations chose to share with partner
clusters (opportunities, declared needs, staff availabilities, capability profiles) and a public event the staff
shared. No partner is needed: the share pages show them as shared, and they travel as soon as a partnership
becomes active (`scripts/demo.sh --with-partner` starts a logistics cluster beside the demo and approves it).

Shared through services/sharing.py, by each organisation's administrator (the staff for the event), so that the
audit trail is that of real use. Deterministic; does nothing when items are already shared.
"""

from django.db import transaction

from grappe.events.models import Event
from grappe.labour.models import Availability
from grappe.members.models import MembershipStatus, Organisation, OrgRole, Person, Role, User
from grappe.partnering.models import DeclaredNeed, Opportunity

from . import items
from .models import ItemKind, SharedItem
from .services import sharing

PER_KIND = 2


def _admin(organisation: Organisation) -> User | None:
    """An administrator of the organisation with an account (one of its people made one when none has)."""
    person = (Person.objects.filter(organisation=organisation, org_role=OrgRole.ADMIN, is_active=True,
                                    user__isnull=False).select_related("user").order_by("pk").first())
    if person is not None:
        return person.user
    person = Person.objects.filter(organisation=organisation, is_active=True).order_by("pk").first()
    if person is None:
        return None
    if person.user is None:
        person.user = User.objects.filter(email__iexact=person.email).first() or User.objects.create_user(
            person.email, None, full_name=person.full_name)
    person.org_role = OrgRole.ADMIN
    person.save(update_fields=["org_role", "user"])
    return person.user


def _candidates(kind: str) -> list:
    """The items of this kind, oldest first, from active members (each only if it may travel)."""
    active = {"membership_status": MembershipStatus.ACTIVE}
    if kind == ItemKind.OPPORTUNITY:
        pks = Opportunity.objects.filter(**{f"initiator__{k}": v for k, v in active.items()}).order_by("pk")
    elif kind == ItemKind.DECLARED_NEED:
        pks = DeclaredNeed.objects.filter(is_active=True, **{f"organisation__{k}": v for k, v in active.items()})
    elif kind == ItemKind.AVAILABILITY:
        pks = Availability.objects.filter(**{f"organisation__{k}": v for k, v in active.items()})
    elif kind == ItemKind.PROFILE:
        pks = Organisation.objects.filter(**active, people__is_active=True).distinct()
    else:
        pks = Event.objects.all()
    found = []
    for pk in pks.order_by("pk").values_list("pk", flat=True)[:50]:
        item = items.load(kind, pk)
        if item is not None and items.is_shareable(kind, item):
            found.append(item)
        if len(found) == PER_KIND:
            break
    return found


def generate_federation(seed: int = 2026) -> dict:
    """Share a few items of each kind (see the module's docstring); {kind: how many are shared}."""
    if SharedItem.objects.exists():
        return _counts()
    staff = User.objects.filter(role=Role.STAFF_ADMIN, is_active=True).order_by("pk").first()
    with transaction.atomic():
        for kind in (ItemKind.OPPORTUNITY, ItemKind.DECLARED_NEED, ItemKind.AVAILABILITY, ItemKind.PROFILE):
            for item in _candidates(kind):
                user = _admin(items.organisation_of(kind, item))
                if user is not None:
                    sharing.share(user, kind, item)
        if staff is not None:
            for event in _candidates(ItemKind.EVENT)[:1]:
                sharing.share(staff, ItemKind.EVENT, event)
    return _counts()


def _counts() -> dict:
    return {kind: SharedItem.objects.filter(kind=kind).count() for kind in ItemKind.values}
