"""What a user downloads from members: the directory as a spreadsheet (the staff's XLSX or CSV export).
The views serve it (grappe.core.spreadsheets writes the file); the rows come from the selectors."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.core import spreadsheets

from . import selectors

# The first column, Grappe's identifier of each organisation, lets the import find every row again exactly, even
# for two organisations of the same name without a NEQ.
EXPORT_COLUMNS = (
    ("slug", gettext_lazy("Grappe ID")), ("legal_name", gettext_lazy("Legal name")), ("trade_name", gettext_lazy("Trade name")), ("neq", gettext_lazy("NEQ")),
    ("kind", gettext_lazy("Type")), ("size_band", gettext_lazy("Size")), ("city", gettext_lazy("City")), ("region", gettext_lazy("Region")),
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
