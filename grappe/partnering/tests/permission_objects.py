"""Partnering objects the permission policies need, made inside the `matrix` fixture's small cluster."""

from grappe.partnering.models import Introduction, Opportunity, OpportunityNeed, Visibility


def opportunity_of_a(ctx, visibility: str = Visibility.PRIVATE) -> Opportunity:
    """An opportunity of organisation A needing its 5-axis machining."""
    opportunity = Opportunity.objects.create(initiator=ctx.org_a, created_by=ctx.own_admin, title="Supports",
                                             description="Usinage 5 axes de supports", visibility=visibility)
    OpportunityNeed.objects.create(opportunity=opportunity, capability=ctx.capability)
    return opportunity


def published_opportunity_of_a(ctx) -> Opportunity:
    return opportunity_of_a(ctx, Visibility.MEMBERS)


def introduction_a_to_b(ctx) -> Introduction:
    """Organisation A asked to be introduced to organisation B (the other member's)."""
    return Introduction.objects.create(opportunity=opportunity_of_a(ctx), partner=ctx.org_b,
                                       requested_by=ctx.own_user)


def introduction_a_to_hidden(ctx) -> Introduction:
    """Organisation A asked to be introduced to an organisation that is neither the other member's nor theirs."""
    return Introduction.objects.create(opportunity=opportunity_of_a(ctx), partner=ctx.org_hidden,
                                       requested_by=ctx.own_user)
