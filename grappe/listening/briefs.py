"""The government brief: one click makes it, the staff add recommendations, publishing freezes it.

`create_brief` computes the figures of a period in the brief's language — response rates, needs by category
and urgency, the top themes month by month (rising ones marked), key figures by segment, quotes — every
number through grappe.core.aggregates, over needs members did not keep for the staff only. Quotes come only
from needs whose organisation chose "named and shareable", only in themes at least k organisations wrote
into (`aggregates.quotes`), with names, emails, phone numbers and addresses removed (`scrub`).

A draft's figures can be refreshed; its PDF (WeasyPrint) and XLSX (grappe.core.spreadsheets) are drawn from
them on demand.
`publish_brief` computes them one last time and stores the figures and both files: a published brief never
changes, whatever happens to the data, the templates or the threshold afterwards. Every observer reads it, so
publishing records its segments' populations in the aggregation service's one ledger: a dashboard, the API
or another brief is then refused a population within k organisations of them over overlapping months.
"""

import datetime
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grappe.core import aggregates, audit, charts, notify, spreadsheets
from grappe.core.aggregates import QuoteSource, Row
from grappe.core.permissions import require
from grappe.members.models import Organisation, Person, Segment, User
from grappe.members.segments import organisations_in

from . import dashboards, selectors, theming
from .dashboards import REST, SEGMENT, cell_from_json
from .models import Brief, BriefStatus, NeedCategory, NeedVisibility, Survey, SurveyStatus, ThemeAssignment, Urgency

TOP_THEMES = 5
QUOTES_PER_THEME = 3
QUOTE_LENGTH = 400
MAX_MONTHS = 24
REMOVED = "[…]"


# Making and publishing --------------------------------------------------------------------------------------

def create_brief(*, actor, period_start: datetime.date, period_end: datetime.date, language: str) -> Brief:
    """A draft brief for the period, its figures computed now."""
    require(actor, "listening.manage_briefs")
    if period_start > period_end:
        raise ValidationError(_("The period must start before it ends."), code="period")
    with transaction.atomic():
        brief = Brief.objects.create(period_start=period_start, period_end=period_end, language=language,
                                     created_by=actor)
        brief.figures = compute_figures(brief)
        brief.save(update_fields=["figures"])
        audit.record(actor, "brief.created", brief, after={"period": [str(period_start), str(period_end)],
                                                            "language": language})
    return brief


def _draft(actor, brief: Brief) -> Brief:
    require(actor, "listening.manage_briefs", brief)
    brief = Brief.objects.select_for_update().get(pk=brief.pk)
    if brief.is_published:
        raise ValidationError(_("This brief is published: it can no longer change."), code="published")
    return brief


def update_recommendations(*, actor, brief: Brief, recommendations: str) -> Brief:
    with transaction.atomic():
        brief = _draft(actor, brief)
        before = brief.recommendations
        brief.recommendations = recommendations
        brief.save(update_fields=["recommendations", "updated_at"])
        audit.record(actor, "brief.recommendations_edited", brief, before={"recommendations": before},
                     after={"recommendations": recommendations})
    return brief


def refresh_figures(*, actor, brief: Brief) -> Brief:
    with transaction.atomic():
        brief = _draft(actor, brief)
        brief.figures = compute_figures(brief)
        brief.save(update_fields=["figures", "updated_at"])
        audit.record(actor, "brief.refreshed", brief)
    return brief


def publish_brief(*, actor, brief: Brief) -> Brief:
    """Freeze the brief: figures computed one last time, the PDF and XLSX stored; observers are told."""
    with transaction.atomic():
        brief = _draft(actor, brief)
        brief.figures = compute_figures(brief, publishing=True)
        brief.status, brief.published_at, brief.published_by = BriefStatus.PUBLISHED, timezone.now(), actor
        brief.pdf, brief.xlsx = brief_pdf(brief), brief_xlsx(brief)
        brief.save()
        audit.record(actor, "brief.published", brief, after={"published_at": brief.published_at.isoformat()})
        notify.on_commit(_tell_observers, brief.pk)
    return brief


def _tell_observers(brief_id: int) -> None:
    from django.urls import reverse

    brief = Brief.objects.get(pk=brief_id)
    for user in User.objects.filter(role="observer", is_active=True):
        with translation.override(user.language or "fr"):
            notify.send([user], _("A new brief is published: %(brief)s") % {"brief": brief},
                        reverse("listening:brief-detail", args=[brief.pk]))


def pdf_bytes(brief: Brief) -> bytes:
    return bytes(brief.pdf) if brief.is_published else brief_pdf(brief)


def xlsx_bytes(brief: Brief) -> bytes:
    return bytes(brief.xlsx) if brief.is_published else brief_xlsx(brief)


# Figures ----------------------------------------------------------------------------------------------------

def period_months(start: datetime.date, end: datetime.date) -> list[str]:
    months = dashboards.months_until(end, MAX_MONTHS)
    return [m for m in months if m >= start.isoformat()[:7]]


def compute_figures(brief: Brief, publishing: bool = False) -> dict:
    """The brief's figures as JSON (cells as dashboards.cell_json), in its language; `publishing` records the
    populations they show (see `segment_figures`)."""
    with translation.override(brief.language):
        start, end = brief.period_start, brief.period_end
        needs = [Row(org, keys, 1) for org, keys, _v in selectors.need_rows(since=start, until=end)]
        months = period_months(start, end)
        trend = dashboards.theme_trend(months, include_staff_only=False, top=TOP_THEMES, since=start, until=end)
        rising = {r.theme.pk for r in theming.rising_themes(today=min(end, timezone.localdate()))}
        quotes = theme_quotes([line["id"] for line in trend["lines"]], start, end)
        figures = {
            "period": {"start": start.isoformat(), "end": end.isoformat()},
            "language": brief.language,
            "k": aggregates.current_k(),
            "computed_at": timezone.now().isoformat(),
            "needs": {"categories": dashboards.breakdown(needs, "category", NeedCategory.choices),
                      "urgency": dashboards.breakdown(needs, "urgency", Urgency.choices)},
            "surveys": [dashboards.survey_rate(s) for s in period_surveys(start, end)],
            "themes": {"months": months, "lines": [
                {**line, "rising": line["id"] in rising, "quotes": quotes.get(line["id"], [])}
                for line in trend["lines"]]},
            "segments": segment_figures(brief, needs, publishing),
        }
    return dashboards.as_json(figures)


def period_surveys(start: datetime.date, end: datetime.date):
    """Surveys sent during the period (not drafts): opened or created before its end, not closed before it."""
    surveys = Survey.objects.exclude(status=SurveyStatus.DRAFT).filter(created_at__date__lte=end)
    return [s for s in surveys.order_by("created_at", "pk")
            if not (s.closes_at and timezone.localtime(s.closes_at).date() < start)]


def segment_figures(brief: Brief, needs: list[Row], publishing: bool) -> list[dict]:
    """Needs by category in each saved segment (the segment's row of a segment/rest table), each segment first
    admitted by `aggregates.admit_filter` (refused ones say why, with no figure): compared with every population
    released about months overlapping the brief's period, by a dashboard, the API or another brief. A draft is
    the staff's and checks only; publishing records them, as every observer then reads them."""
    period = (brief.period_start, brief.period_end)
    members = dashboards.members_population()
    categories = [value for value, _label in NeedCategory.choices]
    labels = dict(NeedCategory.choices)
    found = []
    for segment in Segment.objects.all():
        inside = frozenset(organisations_in(segment).values_list("pk", flat=True)) & members
        try:
            aggregates.admit_filter(scope=dashboards.NEEDS_SCOPE, filtered=inside, parent=members, period=period,
                                    record=publishing)
        except aggregates.FilterRefused as refusal:
            found.append({"name": segment.name, "refused": refusal.message})
            continue
        table = aggregates.table([Row(r.organisation, (SEGMENT if r.organisation in inside else REST,
                                                       r.key["category"])) for r in needs],
                                 row_keys=[SEGMENT, REST], column_keys=categories)
        found.append({"name": segment.name, "members": len(inside), "total": table.row_totals[SEGMENT],
                      "bars": [{"key": c, "label": str(labels[c]), "cell": table.cell(SEGMENT, c)}
                               for c in categories]})
    return found


# Quotes -----------------------------------------------------------------------------------------------------

def theme_quotes(theme_ids: Iterable[int], start: datetime.date, end: datetime.date) -> dict[int, list[str]]:
    """Up to three quotes per theme: consented ("named") needs of the period, most central first, only in
    themes k organisations wrote into, scrubbed of names and contact details."""
    assignments = (ThemeAssignment.objects.filter(theme_id__in=list(theme_ids), need__isnull=False,
                                                  need__created_at__date__gte=start, need__created_at__date__lte=end)
                   .exclude(need__visibility=NeedVisibility.STAFF_ONLY)
                   .select_related("need").order_by("-score", "pk"))
    sources, needs = [], {}
    for a in assignments:
        need = a.need
        needs[need.text] = need
        sources.append(QuoteSource(need.organisation_id, need.text, need.visibility == NeedVisibility.NAMED,
                                   a.theme_id))
    allowed = aggregates.quotes(sources)
    scrubber = Scrubber()
    chosen = {}
    for theme_id, texts in allowed.items():
        picked, seen = [], set()
        for text in texts:
            need = needs[text]
            quote = scrubber.scrub(text, organisation_id=need.organisation_id)
            if quote and quote not in seen:
                picked.append(quote)
                seen.add(quote)
            if len(picked) == QUOTES_PER_THEME:
                break
        chosen[theme_id] = picked
    return chosen


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
PHONE = re.compile(r"(?<!\w)(\+?\d[\d\s().\-]{7,}\d)(?!\w)")


class Scrubber:
    """Removes what could point at a member from a quote: emails, web addresses, phone numbers, the names of
    every organisation of the cluster, the full names of every person, and the first and last names of the
    quoting organisation's own people (who are the most likely to sign)."""

    def __init__(self):
        names = set()
        for legal, trade in Organisation.objects.values_list("legal_name", "trade_name"):
            names.update(n for n in (legal, trade) if n and len(n) > 2)
        for first, last in Person.objects.values_list("first_name", "last_name"):
            names.add(f"{first} {last}".strip())
        self._everyone = _names_pattern(names)
        self._own: dict[int, re.Pattern | None] = {}

    def _own_pattern(self, organisation_id: int):
        if organisation_id not in self._own:
            names = set()
            for first, last in Person.objects.filter(organisation_id=organisation_id).values_list("first_name",
                                                                                                   "last_name"):
                names.update(n for n in (first, last) if len(n) > 2)
            self._own[organisation_id] = _names_pattern(names)
        return self._own[organisation_id]

    def scrub(self, text: str, organisation_id: int | None = None) -> str:
        text = EMAIL.sub(REMOVED, text)
        text = URL.sub(REMOVED, text)
        text = PHONE.sub(_phone, text)
        for pattern in (self._everyone, self._own_pattern(organisation_id) if organisation_id else None):
            if pattern is not None:
                text = pattern.sub(REMOVED, text)
        text = re.sub(r"\s+", " ", text).strip()
        return text if len(text) <= QUOTE_LENGTH else text[:QUOTE_LENGTH - 1].rstrip() + "…"


def _phone(match: re.Match) -> str:
    """A phone number has at least nine digits; "2 000 000 $" and "40 semaines" stay."""
    found = match.group(0)
    return REMOVED if sum(ch.isdigit() for ch in found) >= 9 else found


def _names_pattern(names: set[str]) -> re.Pattern | None:
    names = sorted((n.strip() for n in names if n.strip()), key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE)


# Documents --------------------------------------------------------------------------------------------------

def document_context(brief: Brief) -> dict:
    """What the PDF template reads: the frozen figures with their cells back, and the charts drawn."""
    figures = brief.figures or {}
    k = figures.get("k", aggregates.current_k())

    def bars(items):
        return [{**item, "cell": cell_from_json(item["cell"])} for item in items]

    themes = figures.get("themes", {"months": [], "lines": []})
    lines = [{**line, "cells": [cell_from_json(c) for c in line["cells"]], "total": cell_from_json(line["total"])}
             for line in themes["lines"]]
    categories = bars(figures.get("needs", {}).get("categories", {}).get("bars", []))
    segments = [{**s, "bars": bars(s["bars"]), "total": cell_from_json(s["total"])} if "bars" in s else s
                for s in figures.get("segments", [])]
    surveys = [{**s, "invited": cell_from_json(s["invited"]), "submitted": cell_from_json(s["submitted"])}
               for s in figures.get("surveys", [])]
    return {
        "brief": brief, "k": k, "fewer_than": aggregates.fewer_than(k), "figures": figures,
        "lines": lines, "months": themes["months"], "categories": categories, "segments": segments,
        "surveys": surveys, "urgency": bars(figures.get("needs", {}).get("urgency", {}).get("bars", [])),
        "theme_chart": charts.line_chart(lines, themes["months"], k=k, title=_("Top themes, month by month"))
        if lines else "",
        "category_chart": charts.bar_chart(categories, k=k, title=_("Organisations raising needs, by category")),
    }


def brief_html(brief: Brief) -> str:
    with translation.override(brief.language):
        return render_to_string("listening/brief_pdf.html", document_context(brief))


def brief_pdf(brief: Brief) -> bytes:
    from weasyprint import HTML  # slow to import; only the PDF needs it

    return HTML(string=brief_html(brief)).write_pdf()


def brief_xlsx(brief: Brief) -> bytes:
    """The brief's figures as a workbook: a sheet each for the summary, response rates, themes by month,
    segments, quotes and recommendations. A suppressed figure is written as "< k", never as a number."""
    with translation.override(brief.language):
        context = document_context(brief)
        k = context["k"]
        hidden = f"< {k}"

        def number(cell, field="organisations"):
            return hidden if cell.suppressed else getattr(cell, field)

        def rate(survey):
            invited, submitted = survey["invited"], survey["submitted"]
            if invited.suppressed or submitted.suppressed or not invited.organisations:
                return hidden
            return round(100 * submitted.organisations / invited.organisations)

        summary = [
            [_("Period"), brief.period_start.isoformat(), brief.period_end.isoformat()],
            [_("Anonymity threshold (organisations)"), k],
            [_("Figures computed"), context["figures"].get("computed_at", "")],
            [],
            [_("Category"), _("Organisations")],
            *([bar["label"], number(bar["cell"])] for bar in context["categories"]),
            [],
            [_("Urgency"), _("Organisations")],
            *([bar["label"], number(bar["cell"])] for bar in context["urgency"]),
        ]
        rates = [[survey["title"], number(survey["invited"]), number(survey["submitted"]), rate(survey)]
                 for survey in context["surveys"]]
        themes = [[line["name"], _("yes") if line.get("rising") else "", *[number(c) for c in line["cells"]],
                   number(line["total"])] for line in context["lines"]]
        segments = [[segment["name"], segment["refused"]] if "refused" in segment else
                    [segment["name"], number(segment["total"]), *[number(bar["cell"]) for bar in segment["bars"]]]
                    for segment in context["segments"]]
        quotes = [[line["name"], quote] for line in context["lines"] for quote in line.get("quotes", [])]
        return spreadsheets.xlsx(
            spreadsheets.Sheet(_("Summary"), [str(brief)], summary),
            spreadsheets.Sheet(_("Response rates"), [_("Survey"), _("Organisations invited"),
                                                     _("Organisations that answered"), _("Rate (%)")], rates),
            spreadsheets.Sheet(_("Themes"), [_("Theme"), _("Rising"), *context["months"], _("Period")], themes),
            spreadsheets.Sheet(_("Segments"), [_("Segment"), _("Organisations raising needs"),
                                               *[str(label) for _v, label in NeedCategory.choices]], segments),
            spreadsheets.Sheet(_("Quotes"), [_("Theme"), _("What members said (with their consent, names removed)")],
                               quotes),
            spreadsheets.Sheet(_("Recommendations"), [_("Recommendations")],
                               [[paragraph] for paragraph in (brief.recommendations or "").splitlines()]),
        )
