"""Read queries of the partnering flow, shared by the pages and the API so that both see the same rows."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from grappe.members.models import Organisation, Person
from grappe.members.selectors import visible_contacts

from .models import Introduction, IntroductionStatus, Opportunity, OpportunityStatus, Visibility


def _listed(queryset: QuerySet) -> QuerySet:
    """Newest first, with counts. The order is explicit: Django drops Meta.ordering from a grouped query, and
    pages of an unordered list may repeat or skip rows."""
    return (queryset.select_related("initiator")
            .annotate(need_count=Count("needs", distinct=True),
                      introduction_count=Count("introductions", distinct=True))
            .order_by("-created_at", "-pk"))


def my_opportunities(user) -> QuerySet:
    """The opportunities of the user's organisation."""
    if user.organisation is None:
        return Opportunity.objects.none()
    return _listed(Opportunity.objects.filter(initiator=user.organisation))


def published_opportunities(user) -> QuerySet:
    """Opportunities other members published and have not closed."""
    queryset = Opportunity.objects.filter(visibility=Visibility.MEMBERS).exclude(status=OpportunityStatus.CLOSED)
    if user.organisation is not None:
        queryset = queryset.exclude(initiator=user.organisation)
    return _listed(queryset)


def all_opportunities() -> QuerySet:
    """Every opportunity of the cluster, for the staff."""
    return _listed(Opportunity.objects.all())


def visible_opportunities(user) -> QuerySet:
    """Every opportunity the user may open: the API's list."""
    if user.has_perm("partnering.view_cluster_partnering"):
        return all_opportunities()
    mine = Q(initiator=user.organisation) if user.organisation is not None else Q(pk__in=[])
    published = Q(visibility=Visibility.MEMBERS) if user.has_perm("partnering.use_partnering") else Q(pk__in=[])
    return _listed(Opportunity.objects.filter(mine | published))


def introductions_sent(user) -> QuerySet:
    if user.organisation is None:
        return Introduction.objects.none()
    return (Introduction.objects.filter(opportunity__initiator=user.organisation)
            .select_related("opportunity", "partner"))


def introductions_received(user) -> QuerySet:
    if user.organisation is None:
        return Introduction.objects.none()
    return (Introduction.objects.filter(partner=user.organisation)
            .select_related("opportunity__initiator", "requested_by"))


def all_introductions() -> QuerySet:
    return Introduction.objects.select_related("opportunity__initiator", "partner", "requested_by")


@dataclass(frozen=True)
class SideContacts:
    organisation: Organisation
    people: list[Person]
    requester_email: str = ""  # on the requesting side: the person who asked, whatever their consent


def introduction_contacts(introduction: Introduction, user) -> list[SideContacts]:
    """Both sides' contacts once the introduction is accepted, else nothing.

    Each side shows the people who agreed to be listed for members (members.selectors.visible_contacts);
    the requesting side also shows the person who asked: asking was agreeing to be contacted.
    """
    if introduction.status != IntroductionStatus.ACCEPTED:
        return []
    initiator = introduction.opportunity.initiator
    requester = introduction.requested_by
    return [
        SideContacts(initiator, list(visible_contacts(initiator, user).filter(is_active=True)),
                     requester_email=requester.email),
        SideContacts(introduction.partner, list(visible_contacts(introduction.partner, user).filter(is_active=True))),
    ]
