"""Reads of listening's needs, shared by the pages, the API and the figures: an organisation's own needs, the
staff's filtered list, and `need_rows`, what the dashboards and the brief count (one row per need, as
(organisation_id, keys, value), never its text: the aggregation service groups them and suppresses any group
of fewer than k distinct organisations).
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear

from grappe.members.models import Organisation

from ..models import Need, NeedStatus, NeedVisibility


def organisation_needs(organisation: Organisation) -> QuerySet[Need]:
    """An organisation's needs, newest first, for its own people (whatever their visibility)."""
    return organisation.listening_needs.select_related("submitted_by").order_by("-created_at", "-id")


@dataclass(frozen=True)
class NeedFilters:
    category: str = ""
    urgency: str = ""
    visibility: str = ""
    status: str = ""
    theme: int | None = None
    organisation: int | None = None
    search: str = ""


def cluster_needs(filters: NeedFilters = NeedFilters()) -> QuerySet[Need]:
    """Every need, for the staff (staff-only ones included), filtered."""
    needs = Need.objects.select_related("organisation", "theme_assignment__theme").order_by("-created_at", "-id")
    for name in ("category", "urgency", "visibility", "status"):
        if getattr(filters, name):
            needs = needs.filter(**{name: getattr(filters, name)})
    if filters.theme:
        needs = needs.filter(theme_assignment__theme_id=filters.theme)
    if filters.organisation:
        needs = needs.filter(organisation_id=filters.organisation)
    if filters.search:
        needs = needs.filter(text__icontains=filters.search)
    return needs


def need_rows(*, since: datetime.date | None = None, until: datetime.date | None = None,
              include_staff_only: bool = False) -> Iterator[tuple[int, dict, int]]:
    """One row per need: (organisation_id, {category, urgency, theme, month}, 1).

    Staff-only needs are left out unless the caller is the staff's own dashboard: they never reach an observer
    or another member, not even counted.
    """
    needs = Need.objects.all()
    if not include_staff_only:
        needs = needs.exclude(visibility=NeedVisibility.STAFF_ONLY)
    if since:
        needs = needs.filter(created_at__date__gte=since)
    if until:
        needs = needs.filter(created_at__date__lte=until)
    # Year and month computed by the database (in the project's time zone): no conversion per row here.
    rows = needs.annotate(year=ExtractYear("created_at"), month=ExtractMonth("created_at")).values_list(
        "organisation_id", "category", "urgency", "theme_assignment__theme_id", "year", "month")
    for organisation_id, category, urgency, theme_id, year, month in rows.iterator(chunk_size=2000):
        yield organisation_id, {"category": category, "urgency": urgency, "theme": theme_id,
                                "month": f"{year:04d}-{month:02d}"}, 1


def needs_to_answer() -> QuerySet[Need]:
    """Needs the staff have not taken up yet (received), oldest first: the staff's home page."""
    return Need.objects.filter(status=NeedStatus.NEW).select_related("organisation").order_by("created_at")
