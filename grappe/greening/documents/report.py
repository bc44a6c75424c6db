"""The cluster's yearly greening report, as the staff download it: a tagged PDF (WeasyPrint, PDF/UA-1) and an XLSX
workbook (grappe.core.spreadsheets), in French or English. Its figures are progress.figures' (hence
grappe.core.aggregates'): a hidden figure is written "< k", never as a number, and the report says why, with
the anonymity threshold and the factor sets the emissions were computed with.

The page (views/progress.py) reads the same tables (`tables`), so what the staff see is what they download.
"""

from decimal import ROUND_HALF_EVEN, Decimal

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grappe.core import spreadsheets

from .. import progress


def filename(year: int, language: str, extension: str) -> str:
    name = pgettext("file name", "greening-report")
    return f"{name}-{year}-{language}.{extension}"


def report_filters(year: int) -> progress.Filters:
    """The report of a year covers it and the four years before it."""
    return progress.Filters(year_from=year - progress.YEARS_SHOWN + 1, year_to=year)


def _rounded(value, digits: int) -> Decimal:
    """Rounded half to even (number_format would cut the digits off: 2.9 written "2"). The PDF, the page and
    the XLSX all round here, so they agree."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)


def _written(value, digits: int) -> str:
    return formats.number_format(_rounded(value, digits), digits, force_grouping=True)


def _shown_figure(value, digits: int, hidden: str, suppressed: bool = False, raw: bool = False):
    """A figure as the reader reads it ("1 234,5" in French), or as a number for a spreadsheet (`raw`)."""
    if suppressed:
        return hidden
    if value is None:
        return "–"
    return float(_rounded(value, digits)) if raw else _written(value, digits)


def headings() -> dict:
    return {
        "years": [_("Year"), _("Reporting organisations"), _("Emissions (t CO2e)"), _("t CO2e per employee"),
                  _("t CO2e per million CAD of revenue")],
        "by": [_("Organisations"), _("Emissions (t CO2e)"), _("t CO2e per employee")],
    }


def tables(figs: dict, raw: bool = False) -> dict:
    """The figures as text (as numbers when `raw`), "< k" where hidden: a line per year, then per type, size
    and region."""
    hidden = f"< {figs['k']}"

    def _shown(value, digits, hidden, suppressed=False):
        return _shown_figure(value, digits, hidden, suppressed, raw)
    years = [[line["year"] if raw else str(line["year"]), _shown(line["cell"].organisations, 0, hidden, line["cell"].suppressed),
              _shown(line["tonnes"], 0, hidden, line["cell"].suppressed),
              _shown(line["per_employee"], 2, hidden, line["cell"].suppressed),
              _shown(line["per_million"], 2, hidden, line["cell"].suppressed)] for line in figs["per_year"]]
    by = [{"title": dimension["title"], "lines": [
        [line["label"], _shown(line["cell"].organisations, 0, hidden, line["cell"].suppressed),
         _shown(line["tonnes"], 0, hidden, line["cell"].suppressed),
         _shown(line["per_employee"], 2, hidden, line["cell"].suppressed)]
        for line in dimension["lines"] if line["cell"].suppressed or line["cell"].organisations]}
        for dimension in figs["by"]]
    return {"years": years, "by": by, "commitments": commitment_lines(figs, raw)}


def commitment_lines(figs: dict, raw: bool = False) -> list[list]:
    commitments = figs["commitments"]
    if not commitments:
        return []
    hidden = f"< {figs['k']}"

    def _shown(value, digits, hidden, suppressed=False):
        return _shown_figure(value, digits, hidden, suppressed, raw)

    def percent(value):
        if value is None:
            return "–"
        return float(_rounded(value * 100, 1)) if raw else _written(value * 100, 1) + " %"

    committed, base = commitments["committed"], commitments["base"]
    return [
        [_("Reporting organisations with a commitment"),
         _shown(committed.organisations, 0, hidden, committed.suppressed)],
        [_("Share of reporting organisations with a commitment"),
         hidden if committed.suppressed else percent(commitments["share"])],
        [_("Organisations with a reduction target and a reported base year"),
         _shown(base.organisations, 0, hidden, base.suppressed)],
        [_("Their emissions in their base years (t CO2e)"), _shown(commitments["base_t"], 0, hidden, base.suppressed)],
        [_("What their trajectories allow in %(year)s (t CO2e)") % {"year": commitments["year"]},
         _shown(commitments["allowed_t"], 0, hidden, base.suppressed)],
        [_("Their emissions in %(year)s (t CO2e)") % {"year": commitments["year"]},
         _shown(commitments["current_t"], 0, hidden, base.suppressed)],
        [_("Reduction reached"), hidden if base.suppressed else percent(commitments["reduced"])],
        [_("Reduction promised by now"), hidden if base.suppressed else percent(commitments["promised"])],
    ]


def notes(figs: dict) -> list[str]:
    """What every reader of the figures must know: what is counted, the threshold, the factor sets."""
    found = [
        _("Reported baselines only; scopes 1 and 2, in tonnes of CO2e. Intensities divide the emissions of the "
          "organisations that gave their employees (or revenue) by those employees (or that revenue)."),
        anonymity_note(figs["k"]),
    ]
    if figs["factor_sets"]:
        found.append(_("Emissions computed with the emission factors of: %(sets)s.") % {
            "sets": "; ".join(figs["factor_sets"])})
    return found


def anonymity_note(k: int) -> str:
    return _("No member's figures are shown: a group of fewer than %(k)d organisations is not shown (“< %(k)d”), "
             "nor any figure from which it could be worked out.") % {"k": k}


def report_context(year: int) -> dict:
    figs = progress.figures(report_filters(year), progress.STAFF)
    return {"year": year, "figures": figs, "tables": tables(figs), "headings": headings(), "notes": notes(figs),
            "charts": progress.progress_charts(figs)}


def render_pdf(year: int, language: str) -> bytes:
    from weasyprint import HTML  # slow to import; only the PDF needs it

    with translation.override(language):
        html = render_to_string("greening/report_pdf.html", {**report_context(year), "language": language})
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def render_xlsx(year: int, language: str) -> bytes:
    """A sheet per year, one per type, size and region, one for the commitments, one of notes; "< k" where
    hidden."""
    with translation.override(language):
        figs = progress.figures(report_filters(year), progress.STAFF)
        heads, data = headings(), tables(figs, raw=True)
        sheets = [spreadsheets.Sheet(_("By year"), heads["years"], data["years"])]
        for dimension in data["by"]:
            sheets.append(spreadsheets.Sheet(dimension["title"], [dimension["title"], *heads["by"]],
                                             dimension["lines"]))
        sheets.append(spreadsheets.Sheet(_("Commitments"), [_("Figure"), _("Value")], data["commitments"]))
        sheets.append(spreadsheets.Sheet(_("Notes"), [_("Greening report %(year)s") % {"year": year}],
                                         [[note] for note in notes(figs)]))
        return spreadsheets.xlsx(*sheets)

