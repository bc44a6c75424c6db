"""Reads of listening's government briefs: the briefs a user may list, and the figures and quotes a brief is
made of (services.briefs stores them in the brief; documents.py draws its PDF and XLSX from them).

`compute_figures` computes the figures of a period in the brief's language — response rates, needs by category
and urgency, the top themes month by month (rising ones marked), key figures by segment, quotes — every
number through grappe.core.aggregates, over needs members did not keep for the staff only. Quotes come only
from needs whose organisation chose "named and shareable", only in themes at least k organisations wrote
into (`aggregates.quotes`), with names, emails, phone numbers and addresses removed (`Scrubber`).

Every observer reads a published brief, so computing the figures for publication records its segments'
populations in the aggregation service's one ledger: a dashboard, the API or another brief is then refused a
population within k organisations of them over overlapping months.
"""

import datetime
import re
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone, translation

from grappe.core import aggregates
from grappe.core.aggregates import QuoteSource, Row
from grappe.members.models import Organisation, Person, Segment
from grappe.members.segments import organisations_in

from matching.text import fold

from ..models import (
    Brief,
    BriefStatus,
    NeedCategory,
    NeedVisibility,
    Survey,
    SurveyStatus,
    Theme,
    ThemeAssignment,
    Urgency,
)
from . import dashboards
from .dashboards import REST, SEGMENT
from .needs import need_rows
from .themes import NAME_KEYWORDS, rising_themes

TOP_THEMES = 5
QUOTES_PER_THEME = 3
QUOTE_LENGTH = 400
MAX_MONTHS = 24
REMOVED = "[…]"


def visible_briefs(user) -> QuerySet[Brief]:
    """The briefs a user may list: every one for the staff who make them, the published ones for the others
    (observers), latest period first."""
    shown = Brief.objects.select_related("created_by")
    return shown if user.has_perm("listening.manage_briefs") else shown.filter(status=BriefStatus.PUBLISHED)


# Figures ----------------------------------------------------------------------------------------------------

def period_months(start: datetime.date, end: datetime.date) -> list[str]:
    months = dashboards.months_until(end, MAX_MONTHS)
    return [m for m in months if m >= start.isoformat()[:7]]


def compute_figures(brief: Brief, publishing: bool = False) -> dict:
    """The brief's figures as JSON (cells as dashboards.cell_json), in its language; `publishing` records the
    populations they show (see `segment_figures`)."""
    with translation.override(brief.language):
        start, end = brief.period_start, brief.period_end
        needs = [Row(org, keys, 1) for org, keys, _v in need_rows(since=start, until=end)]
        months = period_months(start, end)
        trend = dashboards.theme_trend(months, include_staff_only=False, top=TOP_THEMES, since=start, until=end)
        rising = {r.theme.pk for r in rising_themes(today=min(end, timezone.localdate()))}
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
    """Up to three quotes per theme: consented ("named") needs of the period placed in that theme, only in
    themes k organisations wrote into, scrubbed of names and contact details.

    A quote must also be about its theme: a text the theme finder placed there but that holds none of the words
    the theme is named after (its leading keywords, or the words of the name the staff gave it) is not quoted
    under it; the texts holding the most of its words come first, then the most central. The same complaint
    pasted by several members shows once: quotes are told apart by their first sentence, folded (case, accents
    and spaces aside)."""
    theme_ids = list(theme_ids)
    assignments = (ThemeAssignment.objects.filter(theme_id__in=theme_ids, need__isnull=False,
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
    themes = Theme.objects.in_bulk(theme_ids)
    scrubber = Scrubber()
    chosen = {}
    for theme_id, texts in allowed.items():
        about = ThemeWords(themes[theme_id])
        picked, seen = [], set()
        # sorted() keeps the most central first among texts holding as many of the theme's words.
        for text in sorted((t for t in texts if about.is_about(t)), key=about.relevance, reverse=True):
            need = needs[text]
            quote = scrubber.scrub(text, organisation_id=need.organisation_id)
            first = first_sentence(quote)
            if quote and first not in seen:
                picked.append(quote)
                seen.add(first)
            if len(picked) == QUOTES_PER_THEME:
                break
        chosen[theme_id] = picked
    return chosen


def first_sentence(text: str) -> str:
    """A text's first sentence, folded: "Les délais  du TITANE…" and "les delais du titane…" are the same."""
    return fold(re.split(r"(?<=[.!?…])\s", text.strip(), maxsplit=1)[0])


class ThemeWords:
    """What a theme is about, in words: its leading keywords (those it is named after) and the words of the name
    the staff gave it, then its other keywords. Words match by their stem (first letters), so "qualifies"
    finds "qualified" and "qualifiés"."""

    def __init__(self, theme: Theme):
        keywords = [fold(word) for word in theme.keywords if fold(word)]
        leading = keywords[:NAME_KEYWORDS]
        if theme.named_by_staff:
            leading += [word for word in fold(theme.name).split() if len(word) > 3]
        self.leading = set(leading)
        self.others = set(keywords) - self.leading

    @staticmethod
    def _found(keywords: set[str], words: set[str]) -> int:
        return sum(1 for keyword in keywords if any(_same_stem(word, keyword) for word in words))

    def relevance(self, text: str) -> tuple[int, int]:
        words = set(fold(text).split())
        return self._found(self.leading, words), self._found(self.others, words)

    def is_about(self, text: str) -> bool:
        """A theme with no words (made by the staff, not yet run) takes every text placed in it."""
        return not self.leading or self.relevance(text)[0] > 0


def _same_stem(word: str, keyword: str) -> bool:
    if len(keyword) < 5:
        return word == keyword
    return word.startswith(keyword[:max(5, len(keyword) - 2)])


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
