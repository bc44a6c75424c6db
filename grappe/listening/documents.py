"""What a user downloads from listening: the government brief's PDF (WeasyPrint, from the page's template) and
XLSX workbook (grappe.core.spreadsheets), drawn from the brief's figures (selectors.briefs.compute_figures).

`render_brief_pdf` and `render_brief_xlsx` draw them now (a draft's, or a brief being published);
`brief_pdf` and `brief_xlsx` are what a reader downloads: the files stored at publication once the brief is
published (it never changes), else drawn now. A suppressed figure is written as "< k", never as a number.
"""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from grappe.core import aggregates, charts, spreadsheets

from .models import Brief, NeedCategory
from .selectors.dashboards import cell_from_json


def brief_pdf(brief: Brief) -> bytes:
    """The brief's PDF as a reader downloads it: stored once published, else drawn now."""
    return bytes(brief.pdf) if brief.is_published else render_brief_pdf(brief)


def brief_xlsx(brief: Brief) -> bytes:
    """The brief's workbook as a reader downloads it: stored once published, else drawn now."""
    return bytes(brief.xlsx) if brief.is_published else render_brief_xlsx(brief)


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
    drawn = [line for line in lines if _drawable(line)]
    return {
        "brief": brief, "k": k, "fewer_than": aggregates.fewer_than(k), "figures": figures,
        # None: a brief made before briefs had findings.
        "findings": figures.get("findings"), "cluster": figures.get("cluster", ""),
        "lines": lines, "months": themes["months"], "categories": categories, "segments": segments,
        "surveys": surveys, "urgency": bars(figures.get("needs", {}).get("urgency", {}).get("bars", [])),
        "theme_totals_chart": charts.bar_chart(
            [{"label": line["name"], "cell": line["total"]} for line in lines], k=k,
            title=_("Organisations per top theme over the period")) if lines else "",
        "theme_chart": charts.line_chart(drawn, themes["months"], k=k, title=_("Top themes, month by month")
                                         if len(drawn) > 1 else _("“%(theme)s”, month by month") % {
                                             "theme": drawn[0]["name"]}) if drawn else "",
        "undrawn_lines": len(lines) - len(drawn), "month_blocks": _month_blocks(lines, themes["months"]),
        "category_chart": charts.bar_chart(categories, k=k, title=_("Organisations raising needs, by category")),
    }


def _month_blocks(lines: list[dict], months: list[str], size: int = 12) -> list[dict]:
    """The themes' months as tables of at most a year each, so that each fits across a landscape page; the last
    one ends with the period's totals."""
    return [{"months": months[start:start + size], "last": start + size >= len(months),
             "rows": [{**line, "cells": line["cells"][start:start + size]} for line in lines]}
            for start in range(0, max(len(months), 1), size)]


def _drawable(line: dict) -> bool:
    """A theme's months make a line worth drawing when at least half of them are shown and each month with
    organisations has a shown month beside it; otherwise its line would be floating dots between gaps (months
    of fewer than k organisations): its months are read in the table, its total in the bars."""
    shown = [None if cell.suppressed else cell.organisations or 0 for cell in line["cells"]]
    if 2 * sum(value is not None for value in shown) < len(shown):
        return False
    beside = [None, *shown, None]
    return all(not value or beside[i] is not None or beside[i + 2] is not None
               for i, value in enumerate(shown))


def brief_html(brief: Brief) -> str:
    with translation.override(brief.language):
        return render_to_string("listening/brief_pdf.html", document_context(brief))


def render_brief_pdf(brief: Brief) -> bytes:
    from weasyprint import HTML  # slow to import; only the PDF needs it

    # Tagged (PDF/UA-1): a screen reader follows its headings, tables and reading order, in the brief's language.
    return HTML(string=brief_html(brief)).write_pdf(pdf_variant="pdf/ua-1")


def render_brief_xlsx(brief: Brief) -> bytes:
    """The brief's figures as a workbook: a sheet each for the summary (its findings first, as on the PDF's
    first page), response rates, themes by month, segments, quotes and recommendations."""
    with translation.override(brief.language):
        context = document_context(brief)
        return spreadsheets.xlsx(_summary_sheet(brief, context), _rates_sheet(context), _themes_sheet(context),
                                 _segments_sheet(context), _quotes_sheet(context), _recommendations_sheet(brief))


def _number(context: dict, cell):
    """A figure as the workbook writes it: "< k" when suppressed."""
    return f"< {context['k']}" if cell.suppressed else cell.organisations


def _summary_sheet(brief: Brief, context: dict) -> spreadsheets.Sheet:
    findings = context["findings"]
    rows = [
        *([[_("The three findings that matter")], *([finding] for finding in findings), []]
          if findings is not None else []),
        *([[_("Cluster"), context["cluster"]]] if context["cluster"] else []),
        [_("Period"), brief.period_start.isoformat(), brief.period_end.isoformat()],
        [_("Anonymity threshold (organisations)"), context["k"]],
        [_("Figures computed"), context["figures"].get("computed_at", "")],
        [],
        [_("Category"), _("Organisations")],
        *([bar["label"], _number(context, bar["cell"])] for bar in context["categories"]),
        [],
        [_("Urgency"), _("Organisations")],
        *([bar["label"], _number(context, bar["cell"])] for bar in context["urgency"]),
    ]
    return spreadsheets.Sheet(_("Summary"), [str(brief)], rows)


def _rate(context: dict, survey: dict):
    """Organisations that answered over those invited, in percent; "< k" when either is suppressed."""
    invited, submitted = survey["invited"], survey["submitted"]
    if invited.suppressed or submitted.suppressed or not invited.organisations:
        return f"< {context['k']}"
    return round(100 * submitted.organisations / invited.organisations)


def _rates_sheet(context: dict) -> spreadsheets.Sheet:
    rows = [[survey["title"], _number(context, survey["invited"]), _number(context, survey["submitted"]),
             _rate(context, survey)] for survey in context["surveys"]]
    return spreadsheets.Sheet(_("Response rates"), [_("Survey"), _("Organisations invited"),
                                                    _("Organisations that answered"), _("Rate (%)")], rows)


def _themes_sheet(context: dict) -> spreadsheets.Sheet:
    rows = [[line["name"], _("yes") if line.get("rising") else "", *[_number(context, c) for c in line["cells"]],
             _number(context, line["total"])] for line in context["lines"]]
    return spreadsheets.Sheet(_("Themes"), [_("Theme"), _("Rising"), *context["months"], _("Period")], rows)


def _segments_sheet(context: dict) -> spreadsheets.Sheet:
    rows = [[segment["name"], segment["refused"]] if "refused" in segment else
            [segment["name"], _number(context, segment["total"]),
             *[_number(context, bar["cell"]) for bar in segment["bars"]]]
            for segment in context["segments"]]
    return spreadsheets.Sheet(_("Segments"), [_("Segment"), _("Organisations raising needs"),
                                              *[str(label) for _v, label in NeedCategory.choices]], rows)


def _quotes_sheet(context: dict) -> spreadsheets.Sheet:
    rows = [[line["name"], quote] for line in context["lines"] for quote in line.get("quotes", [])]
    return spreadsheets.Sheet(_("Quotes"), [_("Theme"), _("What members said (with their consent, names removed)")],
                              rows)


def _recommendations_sheet(brief: Brief) -> spreadsheets.Sheet:
    return spreadsheets.Sheet(_("Recommendations"), [_("Recommendations")],
                              [[paragraph] for paragraph in (brief.recommendations or "").splitlines()])
