"""What the staff may know of how bulletins were read: figures in aggregate only, through grappe.core.aggregates
(a figure about fewer than k distinct organisations is hidden, and so is one that would give it away). No
function here returns a person, an address or an organisation's name.

The rows are counted in the database, one per organisation and group (`Row(organisation, group, people)`): a
cell's `organisations` are the distinct organisations, its `total` the people.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import aggregates
from grappe.core.aggregates import Breakdown, Row
from grappe.members.models import OrganisationKind, Region

from .models import Bulletin, Category, Delivery, LinkClick

DAYS_AFTER_SENDING = 14


def _rows(deliveries: QuerySet, group: str | None) -> list[Row]:
    """One row per organisation (and group): how many of its people are in `deliveries`."""
    organisation = "person__organisation_id"
    fields = [organisation, group] if group else [organisation]
    return [Row(item[organisation], item[group] if group else "all", item["people"])
            for item in deliveries.values(*fields).annotate(people=Count("pk", distinct=True)).order_by()]


def people(cell) -> int | None:
    """The people a published cell counts (None when it is hidden)."""
    return None if cell.suppressed else int(cell.total or 0)


def rate(part, whole) -> float | None:
    """A share of people, published only when both figures are."""
    if part.suppressed or whole.suppressed or not whole.total:
        return None
    return (part.total or 0) / whole.total


@dataclass(frozen=True)
class Line:
    """One group of a breakdown: reached, opened and clicked, each a cell of its own protected breakdown."""

    label: str
    reached: aggregates.Cell
    opened: aggregates.Cell
    clicked: aggregates.Cell

    @property
    def cells(self) -> tuple:
        return self.reached, self.opened, self.clicked

    @property
    def open_rate(self):
        return rate(self.opened, self.reached)

    @property
    def click_rate(self):
        return rate(self.clicked, self.reached)


def _lines(deliveries: QuerySet, group: str | None, choices, k: int) -> list[Line]:
    keys = [value for value, _label in choices]
    result = {name: aggregates.breakdown(_rows(queryset, group), keys=keys, k=k) for name, queryset in (
        ("reached", deliveries), ("opened", deliveries.filter(opened_at__isnull=False)),
        ("clicked", deliveries.filter(clicked_at__isnull=False)))}
    return [Line(str(label), *(result[name][key] for name in ("reached", "opened", "clicked")))
            for key, label in choices]


@dataclass(frozen=True)
class BulletinFigures:
    k: int
    total: Line
    by_kind: list[Line]
    by_region: list[Line]
    links: Breakdown           # one cell per link: organisations and people (deliveries) who followed it
    opens_by_day: Breakdown    # days after sending: 0, 1, …


def bulletin_figures(bulletin: Bulletin) -> BulletinFigures:
    k = aggregates.current_k()
    deliveries = Delivery.objects.filter(bulletin=bulletin)
    total = _lines(deliveries, None, [("all", _("Every recipient"))], k)[0]
    clicks = LinkClick.objects.filter(delivery__bulletin=bulletin)
    link_rows = [Row(item["delivery__person__organisation_id"], item["url"], item["people"]) for item in
                 clicks.values("delivery__person__organisation_id", "url")
                 .annotate(people=Count("delivery", distinct=True)).order_by()]
    urls = sorted({row.key for row in link_rows})
    return BulletinFigures(
        k=k, total=total,
        by_kind=_lines(deliveries, "person__organisation__kind", OrganisationKind.choices, k),
        by_region=_lines(deliveries, "person__organisation__region", Region.choices, k),
        links=aggregates.breakdown(link_rows, keys=urls, k=k),
        opens_by_day=_opens_by_day(bulletin, deliveries, k))


def _opens_by_day(bulletin: Bulletin, deliveries: QuerySet, k: int) -> Breakdown:
    """Days counted from the first delivery (a big bulletin's sent_at is when its sending ended: an open before
    it would fall outside the days)."""
    first = deliveries.order_by("created_at").values_list("created_at", flat=True).first()
    start = first or bulletin.sent_at
    sent = timezone.localdate(start) if start else timezone.localdate()
    opened = (deliveries.filter(opened_at__isnull=False)
              .annotate(day=TruncDate("opened_at", tzinfo=timezone.get_current_timezone())))
    rows = [Row(item["person__organisation_id"], min(max((item["day"] - sent).days, 0), DAYS_AFTER_SENDING),
                item["people"])
            for item in opened.values("person__organisation_id", "day").annotate(people=Count("pk")).order_by()]
    return aggregates.breakdown(rows, keys=list(range(DAYS_AFTER_SENDING + 1)), k=k)


@dataclass(frozen=True)
class CategoryFigures:
    label: str
    bulletins: int
    line: Line


def overview(months: int = 12) -> tuple[int, list[CategoryFigures]]:
    """Per category, over the last `months` months: bulletins sent, people reached, open and click rates."""
    k = aggregates.current_k()
    since = timezone.now() - datetime.timedelta(days=round(months * 30.44))
    deliveries = Delivery.objects.filter(bulletin__status="sent", bulletin__sent_at__gte=since)
    lines = _lines(deliveries, "bulletin__category", Category.choices, k)
    sent = dict(Bulletin.objects.filter(status="sent", sent_at__gte=since).values_list("category")
                .annotate(n=Count("pk")).order_by())
    return k, [CategoryFigures(line.label, sent.get(value, 0), line)
               for (value, _label), line in zip(Category.choices, lines, strict=True)]
