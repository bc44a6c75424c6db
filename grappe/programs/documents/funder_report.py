"""The funder's report of a program, as the staff download it for the funder: a tagged PDF (WeasyPrint, PDF/UA-1,
from the same template as the results page) and an XLSX workbook (grappe.core.spreadsheets), in the language
the staff choose. Its figures are report.program_figures' (hence grappe.core.aggregates'): a hidden figure is
written "< k", never as a number, and the report says why.

Page 1 is the executive summary (what was received, funded, committed and paid, and the leverage); then the
charts; then a table per grouping (member type, size, region) and per call.
"""

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grappe.core import charts, spreadsheets
from grappe.core.amounts import format_amount

from ..models import Program
from ..report import Figures, Line, Table, count, money, program_figures


def filename(program: Program, language: str, extension: str) -> str:
    """In the reader's (active) language: "rapport-au-bailleur-de-fonds-3-en.pdf" for a French reader of the
    English report."""
    name = pgettext("file name", "funder-report")
    return f"{name}-{program.pk}-{language}.{extension}"


def _hidden(figures: Figures) -> str:
    return f"< {figures.k}"


def _number(value) -> float | None:
    return None if value is None else float(value)


def _thousands(amount) -> int | None:
    """Money on a chart: in thousands of dollars, whole (the axis reads "1 200", not "1 200 000,00")."""
    return None if amount is None else int(round(amount / 1000))


def report_charts(figures: Figures) -> dict:
    """The report's charts (grappe.core.charts): the funnel, then for each grouping the applications received
    and the money committed, and the money committed per call. A hidden figure draws no bar."""
    hidden, note = _hidden(figures), _("“< %(k)d”: %(fewer)s, not drawn.") % {
        "k": figures.k, "fewer": figures.fewer_than}

    def bars(labels, values, title, value_title):
        values = [_number(v) for v in values]
        return charts.bars(labels, values, title=title, value_title=value_title, hidden=hidden,
                           note=note if None in values else "")

    total = figures.total
    funnel = bars([pgettext("applications", "Received"), pgettext("applications", "Eligible"),
                   pgettext("applications", "Funded")],
                  [count(total.received), count(total.eligible), count(total.funded)],
                  _("Applications received, eligible and funded"), _("Applications"))
    groupings = [{
        "table": table,
        "received": bars([line.label for line in table.lines], [count(line.received) for line in table.lines],
                         _("Applications received by %(grouping)s") % {"grouping": table.title.lower()},
                         _("Applications")),
        "committed": bars([line.label for line in table.lines],
                          [_thousands(money(line.committed)) for line in table.lines],
                          _("Money committed by %(grouping)s") % {"grouping": table.title.lower()},
                          _("Committed (thousands of CAD)")),
    } for table in figures.by_dimension]
    calls = figures.by_call
    per_call = bars([line.label for line in calls.lines], [_thousands(money(line.committed)) for line in calls.lines],
                    _("Money committed per call"), _("Committed (thousands of CAD)")) if calls.lines else ""
    return {"funnel_chart": funnel, "groupings": groupings, "call_chart": per_call}


def cells(figures: Figures, line: Line) -> list[str]:
    """A line of a table as the reader reads it: counts, amounts in CAD, the leverage; "< k" where hidden."""
    hidden = _hidden(figures)

    def shown(value, write):
        return hidden if value is None else write(value)

    def ratio(value):
        return formats.number_format(value, 2, force_grouping=True)

    return [shown(count(line.received), charts.number), shown(count(line.eligible), charts.number),
            shown(count(line.funded), charts.number), shown(money(line.requested), format_amount),
            shown(money(line.granted), format_amount), shown(money(line.committed), format_amount),
            shown(money(line.disbursed), format_amount),
            "–" if line.leverage is None and not line.funded_cost.suppressed else shown(line.leverage, ratio)]


def headings() -> list[str]:
    return [_("Applications received"), pgettext("applications", "Eligible"), pgettext("applications", "Funded"),
            _("Amount requested"), _("Amount granted"),
            _("Committed"), _("Disbursed"), _("Leverage ($ per public $)")]


def tables_for_display(figures: Figures) -> list[dict]:
    return [{"table": table, "rows": [(line.label, cells(figures, line)) for line in table.lines],
             "total": cells(figures, table.total)} for table in figures.tables]


def report_context(program: Program, figures: Figures | None = None) -> dict:
    """What the results page and the PDF read, in the active language."""
    figures = figures or program_figures(program)
    total = figures.total
    return {"program": program, "figures": figures, "k": figures.k, "total": total,
            "summary": dict(zip(["received", "eligible", "funded", "requested", "granted", "committed", "disbursed",
                                 "leverage"], cells(figures, total), strict=True)),
            "envelope": format_amount(figures.envelope), "headings": headings(),
            "tables": tables_for_display(figures), **report_charts(figures)}


def report_html(program: Program, language: str) -> str:
    with translation.override(language):
        return render_to_string("programs/report/report_pdf.html", {**report_context(program),
                                                                    "language": language})


def render_pdf(program: Program, language: str) -> bytes:
    from weasyprint import HTML  # slow to import; only the PDF needs it

    # Tagged (PDF/UA-1): a screen reader follows its headings, tables and reading order, in the report's language.
    return HTML(string=report_html(program, language)).write_pdf(pdf_variant="pdf/ua-1")


def render_xlsx(program: Program, language: str) -> bytes:
    """A sheet for the summary, then one per grouping and one per call: the figures as numbers (amounts in CAD,
    two decimals), "< k" where hidden."""
    with translation.override(language):
        figures = program_figures(program)
        return spreadsheets.xlsx(_summary_sheet(figures), *(_table_sheet(figures, table) for table in figures.tables))


def _values(figures: Figures, line: Line) -> list:
    hidden = _hidden(figures)

    def shown(value):
        return hidden if value is None else value

    return [shown(count(line.received)), shown(count(line.eligible)), shown(count(line.funded)),
            shown(money(line.requested)), shown(money(line.granted)), shown(money(line.committed)),
            shown(money(line.disbursed)),
            "" if line.leverage is None and not line.funded_cost.suppressed else shown(line.leverage)]


def _summary_sheet(figures: Figures) -> spreadsheets.Sheet:
    program = figures.program
    rows = [[_("Funder"), program.funder], [_("Envelope (CAD)"), figures.envelope], [],
            *([heading, value] for heading, value in zip(headings(), _values(figures, figures.total), strict=True)),
            [], [anonymity_note(figures.k)], [leverage_note()]]
    return spreadsheets.Sheet(_("Summary"), [_("Funder's report"), program.name], rows)


def _table_sheet(figures: Figures, table: Table) -> spreadsheets.Sheet:
    rows = [[line.label, *_values(figures, line)] for line in table.lines]
    rows.append([table.total.label, *_values(figures, table.total)])
    title = _("By call") if table.name == "call" else _("By %(grouping)s") % {"grouping": table.title.lower()}
    return spreadsheets.Sheet(title, [table.title, *headings()], rows)


def anonymity_note(k: int) -> str:
    return _("Every figure is grouped by the lead organisation of each application. A group of fewer than "
             "%(k)d organisations is not shown (“< %(k)d”), nor any figure from which it could be worked out.") % {
        "k": k}


def leverage_note() -> str:
    return _("Leverage: the total cost of the funded projects per public dollar granted to them.")
