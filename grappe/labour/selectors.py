"""Reads of labour sharing that more than one page or endpoint needs."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import Availability, Need, PostStatus


def open_availabilities() -> QuerySet:
    """Availabilities still open and not over, soonest first."""
    return (Availability.objects.filter(status=PostStatus.OPEN, end__gte=timezone.localdate())
            .select_related("organisation").prefetch_related("skills").order_by("start", "pk"))


def open_needs() -> QuerySet:
    return (Need.objects.filter(status=PostStatus.OPEN, end__gte=timezone.localdate())
            .select_related("organisation").prefetch_related("skills").order_by("start", "pk"))
