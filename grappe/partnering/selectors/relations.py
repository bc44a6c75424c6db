"""The organisations an organisation is working with in Partnering: the one read other capabilities may make of
Partnering (programs excludes an evaluator from the applications of organisations their own organisation is
related to, and offers an applicant the partners of its opportunities; pyproject.toml's import contracts allow
programs this module and nothing else of partnering). Ids in, ids (and titles) out: no model crosses.

Partnering keeps no consortium as such: a consortium it proposes becomes real through the introductions the
initiator asks of each partner. So the relations are the open introductions: asked and not yet answered, or
accepted (a declined or withdrawn one is no relation), whichever side asked. The consortium an organisation
formed for an opportunity is the partners who accepted its introductions (`opportunity_partners`).
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from ..models import Introduction, IntroductionStatus

OPEN_STATUSES = (IntroductionStatus.REQUESTED, IntroductionStatus.ACCEPTED)


def related_organisations(organisation_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each of the organisations, the ids of those it has an open introduction with (one query)."""
    ids = set(organisation_ids)
    related: dict[int, set[int]] = defaultdict(set)
    if not ids:
        return related
    pairs = (Introduction.objects.filter(status__in=OPEN_STATUSES)
             .filter(Q(opportunity__initiator__in=ids) | Q(partner__in=ids))
             .values_list("opportunity__initiator_id", "partner_id"))
    for initiator, partner in pairs:
        if initiator in ids:
            related[initiator].add(partner)
        if partner in ids:
            related[partner].add(initiator)
    return related


def opportunity_partners(organisation_id: int) -> list[tuple[int, str, list[int]]]:
    """The consortia an organisation put together in Partnering: for each of its opportunities where partners
    accepted its introduction, (the opportunity's id, its title, the partners' ids), the newest first. Programs
    offers them to the organisation as the partners of a consortium application."""
    partners: dict[int, tuple[str, list[int]]] = {}
    rows = (Introduction.objects.filter(opportunity__initiator=organisation_id, status=IntroductionStatus.ACCEPTED)
            .order_by("-opportunity__created_at", "-opportunity_id", "partner_id")
            .values_list("opportunity_id", "opportunity__title", "partner_id"))
    for opportunity, title, partner in rows:
        partners.setdefault(opportunity, (title, []))[1].append(partner)
    return [(opportunity, title, ids) for opportunity, (title, ids) in partners.items()]
