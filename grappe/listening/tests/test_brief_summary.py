"""The government brief a staff member would forward: page 1 is an executive summary (the three findings that
matter, each with its figures, in the brief's language, never resting on a group under k), the same findings
head the page and the workbook, quotes are about the theme they are shown under and say a complaint once, and
the trend chart draws no floating dots."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from grappe.core.aggregates import Cell
from grappe.listening import documents
from grappe.listening.models import (
    Answer,
    Need,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
    Theme,
    ThemeAssignment,
)
from grappe.listening.selectors import briefs as brief_selectors
from grappe.listening.services import briefs as brief_services
from grappe.listening.services import themes as theme_services

from .insights_data import crowd

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(staff, django_capture_on_commit_callbacks):
    organisations = crowd(staff)
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)
    return organisations


def make_brief(staff, language: str):
    today = timezone.localdate()
    return brief_services.create_brief(actor=staff, period_start=today.replace(day=1, year=today.year - 1),
                                       period_end=today, language=language)


def page_texts(brief) -> list[str]:
    """The text of each page of the brief's PDF as WeasyPrint lays it out, spaces folded."""
    from weasyprint import HTML

    def texts(box):
        if hasattr(box, "text"):
            yield box.text
        for child in getattr(box, "children", []):
            yield from texts(child)

    document = HTML(string=documents.brief_html(brief)).render()
    return [re.sub(r"\s+", " ", " ".join(texts(page._page_box))) for page in document.pages]


def squeezed(text: str) -> str:
    """Without any space: a line may break anywhere a space or a hyphen is."""
    return re.sub(r"\s+", "", text)


def spaced(text: str) -> str:
    """French puts no-break spaces inside « » and before ":" and "%": read as spaces here."""
    return text.replace("\xa0", " ")


@pytest.mark.parametrize(("language", "heading", "category", "theme_words", "needs_heading"), [
    ("fr", "Les trois constats qui comptent", "« Main-d'œuvre » : 11 des 11 organisations", "thème",
     "Besoins par catégorie"),
    ("en", "The three findings that matter", "Workforce is the need raised by the most organisations: 11 of the 11",
     "theme", "Needs by category"),
])
def test_page_one_of_the_brief_is_its_three_findings_with_their_figures(made, staff, settings, language, heading,
                                                                         category, theme_words, needs_heading):
    settings.GRAPPE_CLUSTER_NAME = "Aéro Mauricie"
    brief = make_brief(staff, language)
    found = [spaced(finding) for finding in brief.figures["findings"]]
    assert len(found) == 3 and all(re.search(r"\d", finding) for finding in found)
    assert theme_words in found[0] and category in found[1]
    # Organisation 9 keeps its needs for the staff: 11 organisations, 5 of them (odd ones) urgent.
    assert found[2].startswith("5 ") and "11" in found[2]

    first, *figures = page_texts(brief)
    assert heading in first and "Aéro Mauricie" in first
    assert all(squeezed(finding) in squeezed(first) for finding in found)
    # The figures follow on the next pages.
    assert needs_heading not in first and any(needs_heading in page for page in figures)


def test_the_findings_head_the_brief_page_and_the_workbook(made, staff, client):
    brief = make_brief(staff, "fr")
    client.force_login(staff)
    html = client.get(reverse("listening:brief-detail", args=[brief.pk])).content.decode()
    assert "Les trois constats qui comptent" in html
    assert html.index("Les trois constats qui comptent") < html.index("Principaux thèmes et leur tendance")

    book = load_workbook(io.BytesIO(documents.render_brief_xlsx(brief)))
    summary = book.worksheets[0]
    assert summary.title == "Résumé"
    rows = [row[0] for row in summary.iter_rows(min_row=2, values_only=True)]
    assert rows[:4] == ["Les trois constats qui comptent", *brief.figures["findings"]]


def shown(organisations: int) -> dict:
    return {"suppressed": False, "organisations": organisations}


HIDDEN = {"suppressed": True}


def test_a_finding_never_rests_on_a_group_under_k():
    """Hidden cells, cells under k, refused segments and a rising theme of fewer than k organisations say
    nothing; what is left is said from groups of at least k."""
    class Rising:
        theme = Theme(pk=1, name_fr="Petit thème", name_en="Small theme")
        last, before = 4, 0.5

    figures = {
        "k": 5,
        "themes": {"months": ["2026-01", "2026-02"], "lines": [
            {"id": 1, "name": "Petit thème", "total": HIDDEN, "cells": [HIDDEN, HIDDEN]},
            {"id": 2, "name": "Titane", "total": shown(7), "cells": [shown(3), HIDDEN]}]},
        "needs": {"categories": {"total": HIDDEN, "bars": [
                      {"key": "export", "label": "Exportation", "cell": HIDDEN},
                      {"key": "other", "label": "Autre", "cell": shown(4)},
                      {"key": "workforce", "label": "Main-d'œuvre", "cell": shown(6)}]},
                  "urgency": {"total": shown(9), "bars": [{"key": "high", "label": "Urgent", "cell": HIDDEN}]}},
        "segments": [{"name": "Refusé", "refused": "trop petit"},
                     {"name": "Quatre", "members": 8, "total": shown(4), "bars": []}],
        "surveys": [{"title": "Pouls", "invited": shown(12), "submitted": HIDDEN}],
    }
    found = brief_selectors.findings(figures, rising=[Rising()], scores=[
        {"survey": "Pouls", "question": "Difficile ?", "mean": 1.5, "total": shown(3)}])
    assert len(found) == 2
    theme, category = found
    assert "Petit" not in theme and "Small" not in theme and "Titane" in theme and "7" in theme
    assert "3" not in theme  # its only month shown has fewer than k organisations: no peak is named
    assert "Main-d'œuvre" in category and "6" in category and "Autre" not in category
    assert not any("Quatre" in f or "Pouls" in f or "Urgent" in f for f in found)

    nothing = {**figures, "themes": {"months": [], "lines": []},
               "needs": {"categories": {"total": HIDDEN, "bars": []}, "urgency": {"total": HIDDEN, "bars": []}}}
    assert brief_selectors.findings(nothing, rising=[], scores=[]) == []


def test_the_lowest_survey_score_is_a_finding_once_every_count_beside_its_mean_is_shown(made, staff):
    """Twelve organisations answer a closed survey's scale question: six say 2, six say 4 (every count shown, so
    the mean is too). An open survey's scores are never said: they change with every answer."""
    closed = Survey.objects.create(title_fr="Pouls", title_en="Pulse", status=SurveyStatus.CLOSED, created_by=staff)
    still_open = Survey.objects.create(title_fr="Ouvert", title_en="Open", status=SurveyStatus.OPEN,
                                       created_by=staff)
    for survey in (closed, still_open):
        question = Question.objects.create(survey=survey, position=1, kind=QuestionKind.LIKERT,
                                           wording_fr="Recruter est facile", wording_en="Hiring is easy")
        for i, (org, user) in enumerate(made):
            response = Response.objects.create(survey=survey, organisation=org, status=ResponseStatus.SUBMITTED,
                                               submitted_at=timezone.now(), submitted_by=user)
            Answer.objects.create(response=response, question=question, value="2" if i % 2 else "4",
                                  question_snapshot=question.snapshot(), answered_by=user)
    scores = brief_selectors.lowest_scores([closed, still_open])
    assert [(score["survey"], score["mean"], score["total"]["organisations"]) for score in scores] == [
        ("Pouls", 3.0, 12)]
    nothing_else = {"k": 5, "themes": {"months": [], "lines": []}, "segments": [], "surveys": [],
                    "needs": {"categories": {"total": HIDDEN, "bars": []}, "urgency": {"total": HIDDEN, "bars": []}}}
    assert [spaced(f) for f in brief_selectors.findings(nothing_else, rising=[], scores=scores)] == [
        "Dans le sondage « Pouls », la note la plus basse va à « Recruter est facile » : 3 sur 5, de 12 "
        "organisations."]


def test_a_quote_is_about_its_theme_and_a_repeated_complaint_shows_once(made, staff):
    theme = Theme.objects.create(name_fr="transport, commun, employes", name_en="transit",
                                 keywords=["transport", "commun", "employes", "usine"])
    texts = [
        "Le transport en commun vers notre usine est insuffisant pour nos employés. C'est urgent pour nous.",
        "LE TRANSPORT  en commun vers notre usine est insuffisant pour nos employes. Cela touche 20 % du chiffre.",
        "Les délais de livraison du titane dépassent maintenant 40 semaines.",
        "Public transit to our plant is too scarce for our employees.",
        "Nos employés n'ont aucun autobus le soir: le transport manque.",
    ]
    now = timezone.now()
    for (org, user), text in zip(made[:5], texts, strict=True):
        need = Need.objects.create(organisation=org, submitted_by=user, category="infrastructure", text=text,
                                   visibility="named", created_at=now)
        ThemeAssignment.objects.create(theme=theme, need=need, score=0.9 if "titane" in text else 0.5)
    today = timezone.localdate()
    quotes = brief_selectors.theme_quotes([theme.pk], today.replace(day=1), today)[theme.pk]
    assert not any("titane" in quote for quote in quotes), "a misplaced text is not quoted under the theme"
    assert sum(quote.lower().startswith("le transport") for quote in quotes) == 1
    assert len(quotes) == 3 and any("employees" in quote for quote in quotes)


def line(*values) -> dict:
    return {"cells": [Cell(key=None, suppressed=True) if v is None else
                      Cell(key=None, suppressed=False, organisations=v) for v in values]}


def test_the_trend_chart_draws_lines_not_floating_dots():
    """A theme whose months with organisations stand alone between hidden months would be floating dots: it is
    not drawn as a line (its months are in the table, its total in the bars)."""
    assert documents._drawable(line(0, 0, 6, 7, 0, 5, 5, 0))
    assert not documents._drawable(line(0, 0, 0, None, 9, None, 0, 0))
    assert not documents._drawable(line(None, None, 8, None, None, 6))
