"""What a baseline's lines may name: the provinces and territories of an electricity line, the refrigerants
commonly leaked, and the quantity of each source above which a figure is unusual enough to be confirmed."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import SourceKind

PROVINCES = {
    "NL": _("Newfoundland and Labrador"), "PE": _("Prince Edward Island"), "NS": _("Nova Scotia"),
    "NB": _("New Brunswick"), "QC": _("Quebec"), "ON": _("Ontario"), "MB": _("Manitoba"),
    "SK": _("Saskatchewan"), "AB": _("Alberta"), "BC": _("British Columbia"), "YT": _("Yukon"),
    "NT": _("Northwest Territories"), "NU": _("Nunavut"),
}
REFRIGERANTS = ("R-32", "R-125", "R-134a", "R-143a", "R-410A", "R-404A", "R-407C", "R-22", "R-1234yf")

# Sources whose lines name a variant (a province, a gas); the others have none.
WITH_VARIANT = {SourceKind.ELECTRICITY, SourceKind.REFRIGERANT}

# A year's quantity above which a line is kept only once the person confirmed it, and why: these are the
# consumption of a city of about 100,000 people, or more than a plant of the cluster could hold.
UNUSUAL = {
    SourceKind.ELECTRICITY: (Decimal(1_000_000_000),
                             _("more electricity than a city of 100,000 people uses in a year (1 TWh)")),
    SourceKind.NATURAL_GAS: (Decimal(100_000_000),
                             _("more natural gas than a city of 100,000 people burns in a year (100 million m³)")),
    SourceKind.PROPANE: (Decimal(10_000_000), _("more than 10 million litres of propane in a year")),
    SourceKind.DIESEL: (Decimal(10_000_000), _("more than 10 million litres of diesel in a year")),
    SourceKind.GASOLINE: (Decimal(10_000_000), _("more than 10 million litres of gasoline in a year")),
    SourceKind.JET_FUEL: (Decimal(50_000_000), _("more jet fuel than a regional airline burns in a year "
                                                 "(50 million litres)")),
    SourceKind.REFRIGERANT: (Decimal(10_000), _("more than 10 tonnes of refrigerant leaked in a year")),
}


def variant_label(source_kind: str, variant: str) -> str:
    if source_kind == SourceKind.ELECTRICITY:
        return str(PROVINCES.get(variant, variant))
    return variant
