"""The organisations an organisation is working with in Partnering: the one read other capabilities may make of
Partnering (programs excludes an evaluator from the applications of organisations their own organisation is
related to; pyproject.toml's import contracts allow programs this module and nothing else of partnering).

Partnering keeps no consortium as such: a consortium it proposes becomes real through the introductions the
initiator asks of each partner. So the relations are the open introductions: asked and not yet answered, or
accepted (a declined or withdrawn one is no relation), whichever side asked.
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
