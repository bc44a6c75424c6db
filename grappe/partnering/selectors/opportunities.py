"""The opportunities a user sees in lists, shared by the pages and the API so that both see the same rows."""

from django.db.models import Count, Q, QuerySet

from ..models import Opportunity, OpportunityStatus, Visibility


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


def needs_the_initiator_holds(opportunity: Opportunity) -> set[int]:
    """The ids of the opportunity's needed capabilities its initiator already declares: a capability it holds,
    or a domain of which it holds a capability ("any method" of it will do)."""
    held = set(opportunity.initiator.capabilities.values_list("capability_id", "capability__parent_id"))
    capabilities = {capability for capability, _domain in held}
    domains = {domain for _capability, domain in held if domain}
    return {need.capability_id for need in opportunity.needs.all()
            if need.capability_id in capabilities or need.capability_id in domains}
