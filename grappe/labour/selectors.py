"""Reads of labour sharing that more than one page or endpoint needs."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from grappe.members.models import Capability

from .models import HOLDING_CAPACITY, Availability, Loan, Need, PostStatus, WorkMode


def open_availabilities() -> QuerySet:
    """Availabilities still open and not over, soonest first."""
    return (Availability.objects.filter(status=PostStatus.OPEN, end__gte=timezone.localdate())
            .select_related("organisation").prefetch_related("skills").order_by("start", "pk"))


def open_needs() -> QuerySet:
    return (Need.objects.filter(status=PostStatus.OPEN, end__gte=timezone.localdate())
            .select_related("organisation").prefetch_related("skills").order_by("start", "pk"))


def filtered(posts: QuerySet, *, skill=None, region=None, start=None, end=None, mode=None) -> QuerySet:
    """The board's filters: a skill (a domain stands for its capabilities, and a post naming a capability's
    domain offers it), a region, posts meeting a period, a way of working (either mode counts for both)."""
    if skill is not None:
        parent = Capability.objects.filter(pk=skill).values_list("parent", flat=True).first()
        offered = Q(skills=skill) | Q(skills__parent=skill) | (Q(skills=parent) if parent else Q(pk__in=[]))
        posts = posts.filter(pk__in=posts.filter(offered).values("pk"))
    if region:
        posts = posts.filter(region=region)
    if start:
        posts = posts.filter(end__gte=start)
    if end:
        posts = posts.filter(start__lte=end)
    if mode:
        posts = posts.filter(mode__in=(mode, WorkMode.HYBRID))
    return posts


def posts_of(organisation) -> tuple[QuerySet, QuerySet]:
    """An organisation's availabilities and needs, every status, the latest first."""
    return tuple(model.objects.filter(organisation=organisation).prefetch_related("skills").order_by("-created_at")
                 for model in (Availability, Need))


def is_on_board(post) -> bool:
    """Open and not over: what the board and the matches show."""
    return post.status == PostStatus.OPEN and post.end >= timezone.localdate()


def loans_holding(availability_ids) -> dict[int, list[tuple]]:
    """The (people, start, end) of the loans holding capacity of each availability."""
    held = {}
    rows = Loan.objects.filter(availability__in=availability_ids, status__in=HOLDING_CAPACITY).values_list(
        "availability", "people", "start", "end")
    for availability, *loan in rows:
        held.setdefault(availability, []).append(tuple(loan))
    return held
