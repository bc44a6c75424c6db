"""The figures of listening's dashboards, briefs and API: every number comes out of grappe.core.aggregates.

Each function returns plain data (labels in the active language, aggregates.Cell for every figure, a
suppressed cell carrying no number) that a page, a chart (grappe.core.charts), the brief (selectors.briefs) or the API
turns into what it shows; `as_json` makes any of them JSON. They are cached (insights_cache): the version
is bumped by every write that changes them.

Two audiences: the staff's own dashboard counts staff-only needs too (they are theirs, and still only as
figures of at least k organisations); everyone else's — observers, briefs, the API for observers — never
does (`needs.need_rows`), nor calls a theme by words of staff-only needs (`themes.public_name`).

Closed periods outside the staff: the staff's figures are live (up to today, open surveys included);
everyone else's cover finished months and closed surveys only (`shown_until`, `dashboard_surveys`). Figures
of an open period change with every write, each change being one organisation's: an answer edited while a
survey is open would move the figures by exactly that answer.

Segments filter through `admit_filter` (`admitted_segments`): a segment too small, nearly everyone, or within
k organisations of a population whose figures anyone outside the staff was shown about overlapping months
(a page, the API, a published brief: `selectors.briefs.segment_figures`) is refused with its reason. The ledger is one
for all viewers, as observers may pool what each saw; the staff's views check it without adding to it.
A segment's figures are the first row of a table whose second row is the rest of the cluster (never shown):
so a segment's category count cannot be subtracted from the cluster's to reveal a small remainder.

Segments over time: a segment's figures cover the same twelve months as the rest of the dashboard. When one
or two organisations join or leave a segment, it is refused for as long as its window overlaps the months
of figures released about its former population — the refusal says until when — because comparing two
populations on overlapping data would single them out. Once the windows no longer overlap, the data differ
entirely and the segment is admitted again.
"""

import dataclasses
import datetime
import hashlib

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grappe.core import aggregates
from grappe.core.aggregates import Cell, Row
from matching.anonymity import Refusal
from grappe.members.models import MembershipStatus, Organisation, Segment
from grappe.members.segments import organisations_in

from ..models import (
    LIKERT_POINTS,
    Invitation,
    NeedCategory,
    QuestionKind,
    ResponseStatus,
    Survey,
    SurveyStatus,
    Theme,
    Urgency,
)
from . import insights_cache
from .needs import need_rows
from .surveys import answer_rows
from .themes import public_name, rising_themes, theme_rows

MONTHS = 12
TOP_THEMES = 8
STAFF, OBSERVER = "staff", "observer"
NEEDS_SCOPE = "listening.needs"
SEGMENT, REST = "segment", "rest"


def audience(user) -> str:
    from grappe.members.rules import is_cluster_staff

    return STAFF if is_cluster_staff(user) else OBSERVER


def shown_until(who: str, today: datetime.date | None = None) -> datetime.date:
    """The last day of data `who` sees figures of: today for the staff; for everyone else, the last day of
    the last finished month (see the module's docstring)."""
    today = today or timezone.localdate()
    return today if who == STAFF else today.replace(day=1) - datetime.timedelta(days=1)


def first_of_month(day: datetime.date, months_later: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months_later
    return datetime.date(index // 12, index % 12 + 1, 1)


def window(until: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The dates the dashboard's figures cover: the twelve months up to `until`'s."""
    return first_of_month(until, 1 - MONTHS), until


def months_until(today: datetime.date, count: int = MONTHS) -> list[str]:
    """The `count` months up to today's, oldest first, as "YYYY-MM"."""
    year, month = today.year, today.month
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


# Needs and themes -------------------------------------------------------------------------------------------

def overview(who: str, today: datetime.date | None = None) -> dict:
    """The dashboard's figures: themes over the twelve months up to `shown_until`, needs by category and
    urgency, surveys' response rates, rising themes. Cached."""
    until = shown_until(who, today)
    return insights_cache.cached("overview", lambda: _overview(who, until), who, until.isoformat())


def _overview(who: str, until: datetime.date) -> dict:
    include = who == STAFF
    months = months_until(until)
    since, until = window(until)
    needs = [Row(org, keys, 1) for org, keys, _value in need_rows(since=since, until=until,
                                                                  include_staff_only=include)]
    return {
        "months": months,
        "themes": theme_trend(months, include_staff_only=include, until=until),
        "categories": breakdown(needs, "category", NeedCategory.choices),
        "urgency": breakdown(needs, "urgency", Urgency.choices),
        "surveys": [survey_rate(s) for s in dashboard_surveys(who)],
        "rising": [{"id": r.theme.pk, "name": r.theme.name if include else public_name(r.theme),
                    "last": r.last, "before": round(r.before, 1)}
                   for r in rising_themes(include_staff_only=include, today=until)],
        "k": aggregates.current_k(),
    }


def breakdown(rows: list[Row], field: str, choices) -> dict:
    """A one-way breakdown of need rows by a field (category, urgency), with labels."""
    result = aggregates.breakdown([Row(r.organisation, r.key[field]) for r in rows], keys=[v for v, _ in choices])
    return {"k": result.k, "bars": [{"key": v, "label": str(label), "cell": result[v]} for v, label in choices],
            "total": result.total}


def theme_trend(months: list[str], *, include_staff_only: bool, top: int = TOP_THEMES,
                since: datetime.date | None = None, until: datetime.date | None = None) -> dict:
    """Organisations raising each theme, month by month (a protected table), the top themes by organisations
    over the period first; suppressed totals last."""
    since = since or datetime.date.fromisoformat(months[0] + "-01")
    rows = [Row(org, (theme, month)) for org, theme, month in
            theme_rows(include_staff_only=include_staff_only, since=since, until=until, by="month")]
    names = {t.pk: t.name if include_staff_only else public_name(t)
             for t in Theme.objects.filter(is_active=True)}
    table = aggregates.table(rows, row_keys=sorted(names), column_keys=months)
    lines = [{"id": theme_id, "name": names[theme_id], "cells": cells, "total": total}
             for theme_id, cells, total in table.grid()]
    lines = [line for line in lines if line["total"].suppressed or line["total"].organisations]
    lines.sort(key=lambda line: (line["total"].suppressed, -(line["total"].organisations or 0), line["name"]))
    return {"k": table.k, "months": months, "lines": lines[:top] if top else lines,
            "month_totals": [table.column_totals[m] for m in months], "total": table.total}


def all_themes(who: str, today: datetime.date | None = None) -> dict:
    """Every active theme's months (the staff's theme list). Cached."""
    until = shown_until(who, today)
    return insights_cache.cached("themes", lambda: theme_trend(months_until(until), include_staff_only=who == STAFF,
                                                               top=0, until=until), who, until.isoformat())


def theme_history(theme: Theme, who: str, today: datetime.date | None = None) -> dict:
    """One theme's months (for its page): its line of the cached table of every theme (`all_themes`)."""
    trend = all_themes(who, today)
    line = next((line for line in trend["lines"] if line["id"] == theme.pk), None)
    return {"k": trend["k"], "months": trend["months"], "line": line}


# Segments ---------------------------------------------------------------------------------------------------

def members_population() -> frozenset:
    """The active members (what a segment is a part of), cached with the directory's version."""
    from grappe.members.directory_cache import directory_version

    return insights_cache.cached("members", lambda: frozenset(Organisation.objects.filter(
        membership_status=MembershipStatus.ACTIVE).values_list("pk", flat=True)), directory_version())


def _digest(ids: frozenset) -> str:
    return hashlib.sha256(repr(sorted(ids)).encode()).hexdigest()[:32]


def admit(who: str, population: frozenset, parent: frozenset, period: tuple) -> None:
    """aggregates.admit_filter of a segment's needs over `period`, recorded when `who` is not the staff. A
    population once admitted (and recorded) stays admissible: every later release was checked against it; so
    its check is not repeated every request."""
    record = who != STAFF
    key = (f"listening.admitted:{record}:{period[0]}:{period[1]}:{_digest(population)}:{_digest(parent)}:"
           f"{aggregates.current_k()}")
    if cache.get(key):
        return
    aggregates.admit_filter(scope=NEEDS_SCOPE, filtered=population, parent=parent, period=period, record=record)
    cache.set(key, True, insights_cache.SECONDS)


def segment_figures(who: str, today: datetime.date | None = None) -> list[dict]:
    """For each saved segment: its organisations (not shown: for admit_filter) and its needs of the twelve
    months by category, the segment's row of a segment/rest table. Cached; admission is checked on every
    reading (`admitted_segments`)."""
    # Segments and organisations change in members, which does not bump our version: their own versions and
    # the segments' last change are in the key instead.
    from django.db.models import Count, Max

    from grappe.members.directory_cache import directory_version

    until = shown_until(who, today)
    saved = Segment.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    return insights_cache.cached("segments", lambda: _segment_figures(who, until), who, until.isoformat(),
                                 directory_version(), saved["n"], saved["last"])


def _segment_figures(who: str, until: datetime.date) -> list[dict]:
    members = members_population()
    since, until = window(until)
    rows = [(org, keys["category"])
            for org, keys, _v in need_rows(since=since, until=until, include_staff_only=who == STAFF)]
    categories = [value for value, _label in NeedCategory.choices]
    labels = dict(NeedCategory.choices)
    found = []
    for segment in Segment.objects.all():
        inside = frozenset(organisations_in(segment).values_list("pk", flat=True)) & members
        table = aggregates.table([Row(org, (SEGMENT if org in inside else REST, category)) for org, category in rows],
                                 row_keys=[SEGMENT, REST], column_keys=categories)
        found.append({"id": segment.pk, "name": segment.name, "population": inside, "members": len(inside),
                      "total": table.row_totals[SEGMENT],
                      "bars": [{"key": c, "label": str(labels[c]), "cell": table.cell(SEGMENT, c)}
                               for c in categories]})
    return found


def admitted_segments(who: str, today: datetime.date | None = None) -> list[dict]:
    """The segments' figures `who` may see; a refused one carries `refused` (the reason, in words) and no
    figure. Populations are compared with every one released about overlapping months (see the module's
    docstring)."""
    members = members_population()
    period = window(shown_until(who, today))
    shown = []
    for figure in segment_figures(who, today):
        try:
            admit(who, figure["population"], members, period)
        except aggregates.FilterRefused as refusal:
            shown.append({"id": figure["id"], "name": figure["name"], "refused": refusal_message(refusal, who)})
        else:
            shown.append({key: value for key, value in figure.items() if key != "population"})
    return shown


def refusal_message(refusal: aggregates.FilterRefused, who: str) -> str:
    """Why a segment is not shown; when only a small change of its membership is the reason, when it returns:
    the first day `who`'s window starts after the last month of the figures it is too close to."""
    if refusal.reason != Refusal.TOO_CLOSE or refusal.clashes_until is None:
        return refusal.message
    returns = first_of_month(refusal.clashes_until, MONTHS + (who != STAFF))
    return _("%(reason)s Its membership changed slightly since: its figures return on %(date)s, when the "
             "months shown no longer overlap those.") % {"reason": refusal.message,
                                                          "date": date_format(returns, "SHORT_DATE_FORMAT")}


# Surveys ----------------------------------------------------------------------------------------------------

def dashboard_surveys(who: str):
    """The surveys with figures: every one sent, for the staff; the closed ones (closed, or past their closing
    date) for everyone else — see the module's docstring."""
    surveys = Survey.objects.exclude(status=SurveyStatus.DRAFT)
    if who != STAFF:
        surveys = surveys.filter(Q(status=SurveyStatus.CLOSED) | Q(closes_at__lte=timezone.now()))
    return surveys.order_by("-created_at", "-id")


def survey_rate(survey: Survey) -> dict:
    """Invited organisations that submitted, as an aggregate (a rate over fewer than k organisations is not
    shown)."""
    submitted = set(survey.responses.filter(status=ResponseStatus.SUBMITTED).values_list("organisation_id",
                                                                                          flat=True))
    rows = [Row(org, "submitted" if org in submitted else "pending")
            for org in Invitation.objects.filter(survey=survey).values_list("organisation_id", flat=True)]
    result = aggregates.breakdown(rows, keys=["submitted", "pending"])
    return {"id": survey.pk, "title": survey.title, "status": survey.status, "k": result.k,
            "invited": result.total, "submitted": result["submitted"]}


def survey_results(survey: Survey) -> dict:
    """Each closed question's distribution (Likert, one or several choices) or mean (Likert, number), through
    the aggregation service; free text is never a figure. Cached."""
    return insights_cache.cached("survey", lambda: _survey_results(survey), survey.pk)


def _survey_results(survey: Survey) -> dict:
    by_question: dict[int, list] = {}
    for org, keys, value in answer_rows(survey):
        by_question.setdefault(keys["question"], []).append((org, keys.get("choice"), value))
    questions = []
    for question in survey.questions.filter(retired=False).exclude(kind=QuestionKind.TEXT):
        rows = by_question.get(question.pk, [])
        entry = {"id": question.pk, "wording": question.wording, "kind": question.kind}
        if question.kind == QuestionKind.LIKERT:
            choices = question.choice_list()
            counted = aggregates.distribution([Row(org, choice) for org, choice, _v in rows],
                                              points={value: int(value) for value, _label in choices})
            entry["mean"] = counted.mean
        elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            choices = question.choice_list()
            counted = aggregates.breakdown([Row(org, choice) for org, choice, _v in rows],
                                           keys=[value for value, _label in choices])
        else:
            valued = [Row(org, "all", float(value)) for org, _choice, value in rows]
            entry["mean"] = aggregates.breakdown(valued, keys=["all"])["all"]
        if question.kind != QuestionKind.NUMBER:
            entry["bars"] = [{"key": value, "label": label, "cell": counted[value]} for value, label in choices]
            entry["total"] = counted.total
        questions.append(entry)
    return {"id": survey.pk, "title": survey.title, "rate": survey_rate(survey), "questions": questions,
            "k": aggregates.current_k(), "likert": [str(label) for _v, label in LIKERT_POINTS]}


# JSON -------------------------------------------------------------------------------------------------------

def cell_json(cell: Cell) -> dict:
    """A cell as the API and the brief's snapshot show it: numbers only when not suppressed."""
    if cell.suppressed:
        return {"suppressed": True, "reason": cell.reason} if cell.reason else {"suppressed": True}
    return {"suppressed": False, "organisations": cell.organisations, "items": cell.items,
            "mean": None if cell.mean is None else round(cell.mean, 2),
            "share": None if cell.share is None else round(cell.share, 4)}


def as_json(value):
    """Any figure structure of this module with its cells as `cell_json` (frozensets dropped)."""
    if isinstance(value, Cell):
        return cell_json(value)
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items() if not isinstance(item, frozenset)}
    if isinstance(value, (list, tuple)):
        return [as_json(item) for item in value]
    if dataclasses.is_dataclass(value):
        return as_json(dataclasses.asdict(value))
    return value


def cell_from_json(data: dict) -> Cell:
    """A snapshot's cell back (a published brief draws its charts from its frozen figures)."""
    if data.get("suppressed"):
        return Cell(key=None, suppressed=True, reason=data.get("reason", ""))
    return Cell(key=None, suppressed=False, organisations=data.get("organisations"), items=data.get("items"),
                mean=data.get("mean"), share=data.get("share"))


def warm() -> None:
    """Compute the dashboards' figures ahead of their readers (after a write bumped the version): run by the
    background task that follows each new need or response, so the first reader is served from the cache."""
    from django.conf import settings
    from django.utils import translation

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for who in (STAFF, OBSERVER):
                overview(who)
                segment_figures(who)
            for survey in dashboard_surveys(STAFF):
                survey_results(survey)
