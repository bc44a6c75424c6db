"""Reads of listening's government briefs: the briefs a user may list, and the figures and quotes a brief is
made of (services.briefs stores them in the brief; documents.py draws its PDF and XLSX from them).

`compute_figures` computes the figures of a period in the brief's language — response rates, needs by category
and urgency, the top themes month by month (rising ones marked), key figures by segment, quotes — every
number through grappe.core.aggregates, over needs members did not keep for the staff only; then `findings`
writes from them the three findings that matter (the brief's first page), each from groups of at least k. Quotes come only
from needs whose organisation chose "named and shareable", only in themes at least k organisations wrote
into (`aggregates.quotes`), with names, emails, phone numbers and addresses removed (`Scrubber`).

Every observer reads a published brief, so computing the figures for publication records its segments'
populations in the aggregation service's one ledger: a dashboard, the API or another brief is then refused a
population within k organisations of them over overlapping months.
"""

import datetime
import re
from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

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
    QuestionKind,
    Survey,
    SurveyStatus,
    Theme,
    ThemeAssignment,
    Urgency,
)
from . import dashboards
from .dashboards import REST, SEGMENT
from .needs import need_rows
from .themes import NAME_KEYWORDS, public_name, rising_themes

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
    populations they show (see `segment_figures`). Its findings (`findings`) are written from them, so they are
    frozen with them."""
    with translation.override(brief.language):
        start, end = brief.period_start, brief.period_end
        needs = [Row(org, keys, 1) for org, keys, _v in need_rows(since=start, until=end)]
        months = period_months(start, end)
        trend = dashboards.theme_trend(months, include_staff_only=False, top=TOP_THEMES, since=start, until=end)
        rising = rising_themes(today=min(end, timezone.localdate()))
        rising_ids = {r.theme.pk for r in rising}
        quotes = theme_quotes([line["id"] for line in trend["lines"]], start, end)
        surveys = period_surveys(start, end)
        figures = dashboards.as_json({
            "period": {"start": start.isoformat(), "end": end.isoformat()},
            "language": brief.language,
            "cluster": settings.GRAPPE_CLUSTER_NAME,
            "k": aggregates.current_k(),
            "computed_at": timezone.now().isoformat(),
            "needs": {"categories": dashboards.breakdown(needs, "category", NeedCategory.choices),
                      "urgency": dashboards.breakdown(needs, "urgency", Urgency.choices)},
            "surveys": [dashboards.survey_rate(s) for s in surveys],
            "themes": {"months": months, "lines": [
                {**line, "rising": line["id"] in rising_ids, "quotes": quotes.get(line["id"], [])}
                for line in trend["lines"]]},
            "segments": segment_figures(brief, needs, publishing),
        })
        figures["findings"] = findings(figures, rising=rising, scores=lowest_scores(surveys))
    return figures


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


# Findings ---------------------------------------------------------------------------------------------------

FINDINGS = 3


def findings(figures: dict, *, rising: list, scores: list[dict]) -> list[str]:
    """The three findings that matter, one sentence each with its figures, in the active language: the theme
    rising fastest (else the one most raised), the need most raised, then the first that can be said of: the
    segment where the most organisations raised a need, the survey question scored lowest, urgent needs,
    a survey's response rate. Written only from figures the brief publishes (or the dashboards do, for the
    rising themes' and the scores'), each of at least k organisations: a finding never rests on a smaller
    group."""
    k = figures["k"]
    said = [_theme_finding(figures, rising, k), _category_finding(figures, k), _segment_finding(figures, k),
            _score_finding(scores, k), _urgency_finding(figures, k), _rate_finding(figures, k)]
    return [sentence for sentence in said if sentence][:FINDINGS]


def _count(cell: dict, k: int) -> int | None:
    """A published cell's organisations, when it shows at least k of them (a shown 0 says nothing)."""
    value = None if cell.get("suppressed") else cell.get("organisations")
    return value if value is not None and value >= k else None


def _number(value) -> str:
    return formats.number_format(value, 0 if float(value).is_integer() else 1, force_grouping=True)


def _percent(part: int, whole: int | None) -> str:
    return _number(round(100 * part / whole)) if whole else ""


def _month(month: str) -> str:
    return formats.date_format(datetime.date.fromisoformat(month + "-01"), "YEAR_MONTH_FORMAT")


def _theme_finding(figures: dict, rising: list, k: int) -> str:
    lines = figures["themes"]["lines"]
    names = {line["id"]: line["name"] for line in lines}
    fastest = max((r for r in rising if r.last >= k), key=lambda r: r.last - r.before, default=None)
    if fastest is not None:
        name = names.get(fastest.theme.pk) or public_name(fastest.theme)
        return _("“%(theme)s” is the theme rising fastest: %(last)s organisations raised it in the last 30 days "
                 "of the period, against %(before)s on average in each of the three 30-day periods before.") % {
            "theme": name, "last": _number(fastest.last), "before": _number(round(fastest.before, 1))}
    top = next((line for line in lines if _count(line["total"], k)), None)
    if top is None:
        return ""
    total = _count(top["total"], k)
    peak = max(((_count(cell, k), month) for cell, month in zip(top["cells"], figures["themes"]["months"],
                                                                 strict=True) if _count(cell, k)), default=None)
    if peak is None:
        return _("“%(theme)s” is the theme raised by the most organisations: %(count)s over the period.") % {
            "theme": top["name"], "count": _number(total)}
    return _("“%(theme)s” is the theme raised by the most organisations: %(count)s over the period, the most "
             "in %(month)s (%(peak)s).") % {"theme": top["name"], "count": _number(total),
                                           "month": _month(peak[1]), "peak": _number(peak[0])}


def _category_finding(figures: dict, k: int) -> str:
    categories = figures["needs"]["categories"]
    top = max(((_count(bar["cell"], k), bar["label"]) for bar in categories["bars"] if _count(bar["cell"], k)),
              default=None)
    if top is None:
        return ""
    total = _count(categories["total"], k)
    values = {"category": top[1], "count": _number(top[0])}
    if total is None:
        return _("%(category)s is the need raised by the most organisations: %(count)s of them.") % values
    return _("%(category)s is the need raised by the most organisations: %(count)s of the %(total)s "
             "organisations that expressed a need (%(share)s %%).") % {
        **values, "total": _number(total), "share": _percent(top[0], total)}


def _segment_finding(figures: dict, k: int) -> str:
    shown = [(segment, _count(segment["total"], k)) for segment in figures["segments"] if "total" in segment]
    shown = [(segment, count) for segment, count in shown if count and segment.get("members")]
    if not shown:
        return ""
    segment, count = max(shown, key=lambda item: item[1] / item[0]["members"])
    values = {"segment": segment["name"], "count": _number(count), "members": _number(segment["members"]),
              "share": _percent(count, segment["members"])}
    top = max(((_count(bar["cell"], k), bar["label"]) for bar in segment["bars"] if _count(bar["cell"], k)),
              default=None)
    if top is None:
        return _("In the segment “%(segment)s”, %(count)s of its %(members)s organisations expressed a need "
                 "(%(share)s %%).") % values
    return _("In the segment “%(segment)s”, %(count)s of its %(members)s organisations expressed a need "
             "(%(share)s %%), most often about “%(category)s” (%(category_count)s).") % {
        **values, "category": top[1], "category_count": _number(top[0])}


def lowest_scores(surveys: list[Survey]) -> list[dict]:
    """The scale questions' means of the period's closed surveys (what observers' dashboards show of them: a mean
    only when every count beside it is shown), as JSON."""
    found = []
    for survey in surveys:
        if survey.status != SurveyStatus.CLOSED and not (survey.closes_at and survey.closes_at <= timezone.now()):
            continue
        results = dashboards.survey_results(survey)
        for question in results["questions"]:
            mean, total = question.get("mean"), question.get("total")
            if question["kind"] == QuestionKind.LIKERT and mean is not None and not mean.suppressed and total is not None:
                found.append({"survey": survey.title, "question": question["wording"], "mean": mean.mean,
                              "total": dashboards.cell_json(total)})
    return sorted(found, key=lambda score: score["mean"])


def _score_finding(scores: list[dict], k: int) -> str:
    score = next((score for score in scores if _count(score["total"], k)), None)
    if score is None:
        return ""
    return _("In the survey “%(survey)s”, “%(question)s” scored lowest: %(mean)s out of 5, from %(count)s "
             "organisations.") % {"survey": score["survey"], "question": score["question"],
                                  "mean": _number(round(score["mean"], 1)),
                                  "count": _number(_count(score["total"], k))}


def _urgency_finding(figures: dict, k: int) -> str:
    urgency = figures["needs"]["urgency"]
    urgent = next((_count(bar["cell"], k) for bar in urgency["bars"] if bar["key"] == Urgency.HIGH), None)
    total = _count(urgency["total"], k)
    if not urgent or not total:
        return ""
    return _("%(count)s of the %(total)s organisations that expressed a need called one urgent (%(share)s %%).") % {
        "count": _number(urgent), "total": _number(total), "share": _percent(urgent, total)}


def _rate_finding(figures: dict, k: int) -> str:
    for survey in figures["surveys"]:
        invited, answered = _count(survey["invited"], k), _count(survey["submitted"], k)
        if invited and answered:
            return _("%(count)s of the %(invited)s organisations invited answered the survey “%(survey)s” "
                     "(%(share)s %%).") % {"count": _number(answered), "invited": _number(invited),
                                          "survey": survey["title"], "share": _percent(answered, invited)}
    return ""


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
