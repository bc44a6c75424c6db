"""Whom a bulletin reaches: its target (criteria on the members' own data) turned into organisations, then into
the people who will receive it by mail.

The organisations come from members.segments (the same code as surveys and dashboards) for the criteria it
knows, and from governance for the committees and axes. Criteria are applied one after the other, so that a
target that reaches nobody is refused with the criterion that emptied it (`first_emptying`).

People: the active contacts of those organisations, less — for every category but notices to members — those who
withdrew their consent for communications or unsubscribed from the bulletin's category; less, always, addresses
the mail server refused for good (core.BouncedAddress), which the staff see flagged.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from grappe.core.models import BouncedAddress
from grappe.governance.models import Body, BodyMember, MembershipState
from grappe.members.models import MembershipStatus, Organisation, Person, Segment
from grappe.members.segments import Criteria, organisations_in

from .models import REQUIRED_CATEGORIES, Bulletin, Unsubscription


@dataclass(frozen=True)
class Target:
    """A bulletin's target, saved or still in a form. Empty criteria do not filter."""

    segment: Segment | None = None
    kinds: tuple[str, ...] = ()
    size_bands: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    capabilities: tuple[int, ...] = ()
    certification_types: tuple[int, ...] = ()
    bodies: tuple[int, ...] = ()

    @classmethod
    def of(cls, bulletin: Bulletin) -> "Target":
        return cls(segment=bulletin.segment, kinds=tuple(bulletin.kinds), size_bands=tuple(bulletin.size_bands),
                   regions=tuple(bulletin.regions),
                   capabilities=tuple(c.pk for c in bulletin.capabilities.all()),
                   certification_types=tuple(c.pk for c in bulletin.certification_types.all()),
                   bodies=tuple(b.pk for b in bulletin.bodies.all()))

    @classmethod
    def from_form(cls, data: dict) -> "Target":
        """From a bulletin form's cleaned data (model instances or ids)."""
        def ids(items):
            return tuple(getattr(item, "pk", item) for item in items or ())
        return cls(segment=data.get("segment"), kinds=tuple(data.get("kinds") or ()),
                   size_bands=tuple(data.get("size_bands") or ()), regions=tuple(data.get("regions") or ()),
                   capabilities=ids(data.get("capabilities")),
                   certification_types=ids(data.get("certification_types")), bodies=ids(data.get("bodies")))


@dataclass(frozen=True)
class Step:
    """One criterion of a target: its name for the person writing the bulletin, and how it narrows."""

    label: str
    narrow: Callable[[QuerySet], QuerySet]


def _seated_in(body_ids: tuple[int, ...]) -> Callable[[QuerySet], QuerySet]:
    def narrow(organisations: QuerySet) -> QuerySet:
        # An axis stands for the committees and work streams under it.
        bodies = Body.objects.filter(Q(pk__in=body_ids) | Q(parent__in=body_ids), archived_at__isnull=True)
        seated = BodyMember.objects.filter(body__in=bodies, state=MembershipState.ACTIVE,
                                           organisation__isnull=False).values("organisation")
        return organisations.filter(pk__in=seated)
    return narrow


def steps(target: Target) -> list[Step]:
    """The criteria the target sets, in the order they are applied."""
    found = []
    if target.segment is not None:
        found.append(Step(_("the saved segment “%(name)s”") % {"name": target.segment.name},
                          lambda qs: organisations_in(target.segment, qs)))
    for attribute, label in (("kinds", _("the types")), ("size_bands", _("the sizes")),
                             ("regions", _("the regions")), ("capabilities", _("the capabilities")),
                             ("certification_types", _("the certifications"))):
        values = getattr(target, attribute)
        if values:
            criteria = Criteria(**{attribute: values})
            found.append(Step(label, lambda qs, criteria=criteria: organisations_in(criteria, qs)))
    if target.bodies:
        found.append(Step(_("the committees or axes"), _seated_in(target.bodies)))
    return found


def member_organisations() -> QuerySet:
    """Bulletins go to member organisations in good standing."""
    return Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE)


def organisations(target: Target) -> QuerySet:
    """The organisations the target describes."""
    queryset = member_organisations()
    for step in steps(target):
        queryset = step.narrow(queryset)
    return queryset


def first_emptying(target: Target) -> str | None:
    """The name of the criterion after which no organisation is left ("the regions"), or None when the target
    reaches at least one; "the members" when there is no member at all."""
    queryset = member_organisations()
    if not queryset.exists():
        return str(_("the members in good standing"))
    for step in steps(target):
        queryset = step.narrow(queryset)
        if not queryset.exists():
            return str(step.label)
    return None


def _bounced(people: QuerySet) -> Q:
    return Q(pk__in=people.annotate(address=Lower("email"))
             .filter(address__in=BouncedAddress.objects.annotate(address=Lower("email")).values("address"))
             .values("pk"))


def recipients(category: str, organisations_qs: QuerySet) -> QuerySet:
    """The people of these organisations who will receive a bulletin of `category` by mail."""
    people = Person.objects.filter(organisation__in=organisations_qs, is_active=True)
    if category not in REQUIRED_CATEGORIES:
        people = people.filter(consent_communications=True).exclude(
            pk__in=Unsubscription.objects.filter(topic=category).values("person"))
    return people.exclude(_bounced(people))


@dataclass(frozen=True)
class Reach:
    """How many a bulletin will reach, and why some of their people will not get it."""

    organisations: int
    people: int
    contacts: int  # every active person of those organisations
    left_out: dict[str, int] = field(default_factory=dict)  # {reason: people}


def reach(category: str, target: Target) -> Reach:
    """The figures shown before sending (one count per figure: fast on 50,000 people)."""
    orgs = organisations(target)
    contacts = Person.objects.filter(organisation__in=orgs, is_active=True)
    # Each person counted once, under the first reason that leaves them out: no consent, then unsubscribed, then
    # an address refused (so that the reasons add up to the contacts not reached).
    left_out = {}
    bounced = contacts.filter(_bounced(contacts))
    if category not in REQUIRED_CATEGORIES:
        unsubscribed = Unsubscription.objects.filter(topic=category).values("person")
        left_out[str(_("did not consent to communications"))] = contacts.filter(
            consent_communications=False).count()
        left_out[str(_("unsubscribed from this category"))] = contacts.filter(
            consent_communications=True, pk__in=unsubscribed).count()
        bounced = bounced.filter(consent_communications=True).exclude(pk__in=unsubscribed)
    left_out[str(_("address refused by the mail server"))] = bounced.count()
    return Reach(organisations=orgs.count(), people=recipients(category, orgs).count(),
                 contacts=contacts.count(), left_out={reason: n for reason, n in left_out.items() if n})
