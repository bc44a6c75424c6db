"""What a user downloads from members: the directory as a spreadsheet (the staff's XLSX or CSV export).
The views serve it (grappe.core.spreadsheets writes the file); the rows come from the selectors."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from grappe.core import spreadsheets

from . import selectors

# Each header is a column name the import recognises (services/imports/columns.py): an export imports back.
# The first column, Grappe's identifier of each organisation, lets the import find every row again exactly, even
# for two organisations of the same name without a NEQ.
EXPORT_COLUMNS = (
    ("slug", gettext_lazy("Grappe ID")),
    ("legal_name", gettext_lazy("Legal name")), ("trade_name", gettext_lazy("Trade name")), ("neq", gettext_lazy("NEQ")),
    ("kind", gettext_lazy("Type")), ("size_band", gettext_lazy("Size")),
    ("street_address", gettext_lazy("Street address")), ("city", gettext_lazy("City")),
    ("province", gettext_lazy("Province")), ("postal_code", gettext_lazy("Postal code")),
    ("mrc", gettext_lazy("MRC")), ("region", gettext_lazy("Region")),
    ("latitude", gettext_lazy("Latitude")), ("longitude", gettext_lazy("Longitude")),
    ("website", gettext_lazy("Website")), ("email", gettext_lazy("Email")), ("phone", gettext_lazy("Phone")),
    ("membership_status", gettext_lazy("Membership status")), ("member_since", gettext_lazy("Member since")),
)


def directory_sheet(organisations) -> spreadsheets.Sheet:
    """The organisations of a (filtered) directory, one row each with their core capabilities."""
    rows = ([*(_export_value(organisation, name) for name, _label in EXPORT_COLUMNS),
             "; ".join(c.capability.label for c in organisation.core_capabilities)]
            for organisation in selectors.with_card_details(organisations))
    headers = [str(label) for _name, label in EXPORT_COLUMNS] + [_("Core capabilities")]
    return spreadsheets.Sheet(_("Directory"), headers, rows)


def _export_value(organisation, name: str):
    """A field as people read it ("SME", not "sme"); a date stays a date."""
    display = getattr(organisation, f"get_{name}_display", None)
    return display() if display else getattr(organisation, name)


def import_errors_workbook(job) -> tuple[bytes, str]:
    """Every error of an import's last check or commit (ImportJob.error_list), one row each, as an XLSX staff
    can sort and filter while they correct their file; and the file's name in the reader's language."""
    rows = ([error["row"], error["column"], error.get("value", ""), error["message"]] for error in job.error_list)
    headers = [_("Row"), _("Column"), _("Value"), _("What is wrong")]
    content = spreadsheets.xlsx(spreadsheets.Sheet(_("Errors"), headers, rows))
    return content, pgettext("file name", "import-errors") + f"-{job.pk}.xlsx"
