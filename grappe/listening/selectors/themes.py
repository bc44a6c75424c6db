"""Reads of listening's themes: what a theme is called outside the staff, which themes are rising, the themed
texts by date for the dashboards' trends, the last finished run.

- `public_name`: what observers, briefs and the API for observers call a theme. An automatic name is a phrase
  of every text, staff-only needs included, so it stays the staff's. Outside the staff a theme is called by
  the name the staff gave it (a deliberate publication), else by a phrase found only in the texts observers
  may know of (needs not kept for the staff, free-text answers) and written by at least k organisations, in
  the reader's language when there is one (else the other's), else neutrally ("Theme 12"). Those phrases are
  kept up to date by services.themes (`refresh_public_names`).
- `rising_themes`: a theme is rising when, over the last 30 days, at least k organisations raised it and at
  least 1.5 times as many as on average over each of the three 30-day windows before. Counted through
  grappe.core.aggregates, like every figure shown; services.themes.notify_rising tells the staff once a month
  per theme.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import ExtractMonth, ExtractYear, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import aggregates
from grappe.core.aggregates import Row
from grappe.core.models import JobStatus
from grappe.members.models import in_language

from ..models import Answer, Need, NeedVisibility, Theme, ThemeAssignment, ThemeRun

RISING_FACTOR = 1.5
RISING_WINDOW_DAYS = 30
RISING_WINDOWS_BEFORE = 3
NAME_KEYWORDS = 3


def public_name(theme: Theme) -> str:
    """The theme's name outside the staff (see the module's docstring)."""
    if theme.named_by_staff:
        return theme.name
    k = aggregates.current_k()
    shown = {language: next((phrase for phrase, organisations in names if organisations >= k), "")
             for language, names in theme.public_names.items()}
    return in_language(shown.get("fr", ""), shown.get("en", "")) or _("Theme %(number)d") % {"number": theme.pk}


def latest_run() -> ThemeRun | None:
    return ThemeRun.objects.filter(status=JobStatus.DONE).exclude(model=None).order_by("-finished_at").first()


# Trends ------------------------------------------------------------------------------------------------------

def theme_rows(*, include_staff_only: bool, since: datetime.date | None = None,
               until: datetime.date | None = None, by: str = "date"):
    """(organisation_id, theme_id, when) of every themed text — `when` a date, or with by="month" its month
    "YYYY-MM" (computed by the database in the project's time zone: tens of thousands of rows are read) — for
    needs (staff-only ones only for the staff's own figures) and free-text answers (dated by their response's
    submission)."""
    needs = Need.objects.filter(theme_assignment__theme__is_active=True)
    if not include_staff_only:
        needs = needs.exclude(visibility=NeedVisibility.STAFF_ONLY)
    answers = Answer.objects.filter(theme_assignment__theme__is_active=True, response__submitted_at__isnull=False)
    if since:
        needs = needs.filter(created_at__date__gte=since)
        answers = answers.filter(response__submitted_at__date__gte=since)
    if until:
        needs = needs.filter(created_at__date__lte=until)
        answers = answers.filter(response__submitted_at__date__lte=until)
    for queryset, organisation, moment in ((needs, "organisation_id", "created_at"),
                                           (answers, "response__organisation_id", "response__submitted_at")):
        if by == "month":
            rows = queryset.annotate(y=ExtractYear(moment), m=ExtractMonth(moment)).values_list(
                organisation, "theme_assignment__theme_id", "y", "m")
            yield from ((org, theme, f"{y:04d}-{m:02d}") for org, theme, y, m in rows.iterator(2000))
        else:
            yield from queryset.annotate(day=TruncDate(moment)).values_list(
                organisation, "theme_assignment__theme_id", "day").iterator(2000)


@dataclass(frozen=True)
class Rising:
    theme: Theme
    last: int            # organisations over the last 30 days
    before: float        # their average over each of the three windows before (suppressed windows as 0)


def rising_themes(*, include_staff_only: bool = False, today: datetime.date | None = None) -> list[Rising]:
    """The themes rising now (see the module's docstring), most organisations first."""
    today = today or timezone.localdate()
    span = RISING_WINDOW_DAYS * (RISING_WINDOWS_BEFORE + 1)
    since = today - datetime.timedelta(days=span - 1)
    windows: dict[int, list[Row]] = {w: [] for w in range(RISING_WINDOWS_BEFORE + 1)}
    for org, theme, when in theme_rows(include_staff_only=include_staff_only, since=since, until=today):
        window = (today - when).days // RISING_WINDOW_DAYS
        if window in windows:
            windows[window].append(Row(org, theme))
    if not windows[0]:
        return []
    # One breakdown per window (by theme), each with its own margin: a window's figure never depends on
    # another's suppression.
    counts = {w: aggregates.breakdown(rows) for w, rows in windows.items()}
    k = counts[0].k
    rising = []
    for cell in counts[0].cells:
        if cell.suppressed or cell.organisations < k:
            continue
        earlier = [next((c for c in counts[w].cells if c.key == cell.key), None) for w in windows if w]
        before = sum((c.organisations or 0) for c in earlier if c is not None) / RISING_WINDOWS_BEFORE
        if cell.organisations >= RISING_FACTOR * before:
            rising.append((cell.key, cell.organisations, before))
    themes = Theme.objects.in_bulk([theme_id for theme_id, _, _ in rising])
    return sorted((Rising(themes[t], last, before) for t, last, before in rising if t in themes),
                  key=lambda r: -r.last)


def recent_items(theme: Theme, limit: int = 50) -> list[ThemeAssignment]:
    return list(ThemeAssignment.objects.filter(theme=theme).select_related("need__organisation",
                                                                            "answer__response__organisation")
                .order_by("-manual", "-score", "-pk")[:limit])


def unthemed_needs() -> int:
    return Need.objects.filter(Q(theme_assignment__isnull=True) | Q(theme_assignment__theme__is_active=False)).count()
