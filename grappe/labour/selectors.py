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
def shared_about(user) -> QuerySet:
    """The employees' rows naming this signed-in person (as their Person, or by their work email): the loans they
    were lent in, with exactly what was shared."""
    from django.db.models import Q

    from .models import LoanEmployee

    return (LoanEmployee.objects.filter(Q(person__user=user) | Q(work_email__iexact=user.email))
            .select_related("loan__availability__organisation", "loan__borrower").order_by("-created_at"))


def loans_of(organisation) -> tuple[QuerySet, QuerySet]:
    """An organisation's loans: as lender, as borrower."""
    from .models import Loan

    loans = Loan.objects.select_related("availability__organisation", "borrower").order_by("-created_at")
    return loans.filter(availability__organisation=organisation), loans.filter(borrower=organisation)


def statistics_rows() -> dict:
    """The rows the staff's figures are aggregated from (grappe.core.aggregates.Row: organisation, key, value):
    - loans: one per loan, its lender's, keyed by status;
    - hours: one per month of a loan, its lender's, keyed by the month ("2027-03"), the hours as value;
    - lent: one per skill of an agreed or ended loan, its lender's, the people lent as value;
    - sought: one per skill of an open need, its poster's, the people sought as value;
    - unmet: one per open need that no loan holding capacity or agreed answers, its poster's, keyed by region.
    `skill_labels` names the skills in the active language."""
    from grappe.core.aggregates import Row

    from .models import HOLDING_CAPACITY, Loan, LoanHours, LoanStatus, Need

    loans = [Row(org, status) for org, status in Loan.objects.values_list("availability__organisation", "status")]
    hours = [Row(org, f"{month:%Y-%m}", float(value)) for org, month, value in
             LoanHours.objects.values_list("loan__availability__organisation", "month", "hours")]
    lent_rows = (Loan.objects.filter(status__in=(LoanStatus.AGREED, LoanStatus.ENDED))
                 .values_list("availability__organisation", "availability__skills", "people"))
    lent = [Row(org, skill, people) for org, skill, people in lent_rows if skill is not None]
    open_needs = Need.objects.filter(status=PostStatus.OPEN)
    sought = [Row(org, skill, people) for org, skill, people in
              open_needs.values_list("organisation", "skills", "people") if skill is not None]
    answered = set(Loan.objects.filter(need__isnull=False, status__in=HOLDING_CAPACITY)
                   .values_list("need", flat=True))
    unmet = [Row(org, region, people) for pk, org, region, people in
             open_needs.values_list("pk", "organisation", "region", "people") if pk not in answered]
    from grappe.members.models import Capability, Region

    skills = {row.key for row in lent} | {row.key for row in sought}
    labels = {capability.pk: str(capability) for capability in Capability.objects.filter(pk__in=skills)}
    labels.update({code: str(name) for code, name in Region.choices})
    return {"loans": loans, "hours": hours, "lent": lent, "sought": sought, "unmet": unmet, "skill_labels": labels}
