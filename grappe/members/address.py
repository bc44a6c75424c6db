"""An organisation's postal address: the fields that check it, the list of Quebec's MRCs, and what can be told
from what was typed.

The organisation's form, the import's row form and the admin all get their checks from the model fields here
(`formfield`), so a postal code or a coordinate is read the same way wherever it is typed. The parsing itself
is pure and lives in matching.addresses.

What can be told ("derived"): the province from the postal code's first letter; the MRC from a city that is a
territory of the list, or one of its main municipalities; the administrative region from the MRC, failing that
from the city, or "outside Quebec" for another province. Derivation only fills what is empty: it never replaces
what someone typed.
"""

import csv
import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from matching.addresses import (
    is_postal_code,
    mrc_keys,
    normalise_postal_code,
    parse_coordinate,
    place_key,
    province_of_postal_code,
)

MRC_FILE = Path(__file__).parent / "data" / "mrc.csv"
QUEBEC = "QC"  # Province.QUEBEC
OUTSIDE_QUEBEC = "99"  # Region.OUTSIDE
COORDINATE_PLACES = 6  # a tenth of a metre: more than any address needs
DERIVED_FIELDS = ("province", "mrc", "region")
PLACE_FIELDS = ("postal_code", "city", "province", "mrc")  # what the derived fields are told from


# Where Quebec's MRCs and equivalent territories are ------------------------------------------------

@dataclass(frozen=True)
class Territory:
    """An MRC or a territory equivalent to one (a city or agglomeration such as Laval or Longueuil)."""

    name: str
    region: str  # the code of its administrative region (Region)


class Territories:
    """The shipped list (data/mrc.csv), looked up by MRC name or by city, whatever their spelling."""

    def __init__(self, rows):
        self.by_mrc, self.by_city = {}, {}
        for row in rows:
            territory = Territory(row["name"], row["region"])
            for name in [row["name"], *_split(row["aliases"])]:
                self.by_mrc.update(dict.fromkeys(mrc_keys(name), territory))
            cities = _split(row["cities"]) + ([row["name"]] if row["kind"] == "te" else [])
            self.by_city.update({place_key(city): territory for city in cities})

    def of_mrc(self, name: str) -> Territory | None:
        return next((self.by_mrc[key] for key in mrc_keys(name) if key in self.by_mrc), None)

    def of_city(self, city: str) -> Territory | None:
        return self.by_city.get(place_key(city))


def _split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


@functools.cache
def territories() -> Territories:
    with open(MRC_FILE, encoding="utf-8", newline="") as handle:
        return Territories(csv.DictReader(handle))


def mrc_names() -> list[str]:
    """Every MRC and equivalent territory, by its name, for a list of suggestions."""
    return sorted({t.name for t in territories().by_mrc.values()}, key=place_key)


# Derivation ------------------------------------------------------------------------------------------

def derived_address(values: dict, current=None) -> dict:
    """The address fields (DERIVED_FIELDS) that can be told once `values` are applied to `current`, the
    organisation being updated (None for a new one), and are empty then: {field: value}, only those found.
    A field `values` lacks keeps its current value (an import row holds only its non-empty cells).

    An update derives only when it changes where the organisation is (its postal code, city, MRC or province):
    saving a profile unchanged, importing the same file again or Grappe's own export changes nothing."""
    if current is not None and not any(name in values and values[name] != getattr(current, name)
                                       for name in PLACE_FIELDS):
        return {}
    return _derivable({name: (values[name] if name in values else getattr(current, name, "")) or ""
                       for name in (*PLACE_FIELDS, "region")})


def _derivable(known: dict) -> dict:
    found = {}
    province = known["province"] or province_of_postal_code(known["postal_code"] or "")
    if province and not known["province"]:
        found["province"] = province
    in_quebec = province in ("", QUEBEC)
    mrc = known["mrc"]
    if not mrc and in_quebec and known["city"] and (territory := territories().of_city(known["city"])):
        mrc = found["mrc"] = territory.name
    if not known["region"]:
        if not in_quebec:
            found["region"] = OUTSIDE_QUEBEC
        elif territory := (mrc and territories().of_mrc(mrc)) or territories().of_city(known["city"] or ""):
            found["region"] = territory.region
    return found


def fill_derived_address(organisation) -> None:
    """Fill on an organisation the empty address fields that can be told from its others."""
    known = {name: getattr(organisation, name) for name in (*PLACE_FIELDS, "region")}
    for name, value in _derivable(known).items():
        setattr(organisation, name, value)


# Form fields: how a typed value is read ---------------------------------------------------------------

class PostalCodeFormField(forms.CharField):
    """A Canadian postal code in any case, with or without its space: "h2x1y4" is kept as "H2X 1Y4"."""

    def to_python(self, value):
        return normalise_postal_code(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if value and not is_postal_code(value):
            raise ValidationError(
                _("“%(value)s” is not a Canadian postal code: write it as A1A 1A1 (the letters D, F, I, O, Q "
                  "and U are never used)."), code="invalid", params={"value": value})


class MrcFormField(forms.CharField):
    """An MRC, kept by its usual name when the list knows it ("MRC de Drummond" is kept as "Drummond")."""

    def to_python(self, value):
        text = super().to_python(value)
        territory = territories().of_mrc(text) if text else None
        return territory.name if territory else text


class CoordinateFormField(forms.Field):
    """A latitude or longitude in decimal degrees, with a decimal comma or point, rounded to COORDINATE_PLACES."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, *, bound: int, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)
        self.bound = bound

    def to_python(self, value):
        if isinstance(value, Decimal):
            return value
        try:
            return parse_coordinate(str(value or ""), COORDINATE_PLACES)
        except ValueError:
            raise ValidationError(_("“%(value)s” is not a number of degrees (for example 45.5017)."),
                                  code="invalid", params={"value": value}) from None

    def validate(self, value):
        super().validate(value)
        if value is not None and abs(value) > self.bound:
            raise ValidationError(
                _("“%(value)s” is out of range: it must lie between -%(bound)s and %(bound)s."),
                code="out_of_range", params={"value": f"{value.normalize():f}", "bound": self.bound})


def require_both_coordinates(form) -> None:
    """A form's clean(): a latitude without its longitude (or the reverse) places nothing."""
    latitude, longitude = form.cleaned_data.get("latitude"), form.cleaned_data.get("longitude")
    if (latitude is None) != (longitude is None) and not {"latitude", "longitude"} & set(form.errors):
        form.add_error("longitude" if longitude is None else "latitude",
                       _("Give both the latitude and the longitude, or neither."))


# Model fields: the columns, each with its form field ---------------------------------------------------

class PostalCodeField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PostalCodeFormField, **kwargs})


class MrcField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MrcFormField, **kwargs})


class CoordinateField(models.DecimalField):
    """Decimal degrees; `bound` is 90 for a latitude, 180 for a longitude (the table's constraints check it)."""

    def __init__(self, *args, bound: int = 180, **kwargs):
        self.bound = bound
        kwargs.setdefault("max_digits", 3 + COORDINATE_PLACES)
        kwargs.setdefault("decimal_places", COORDINATE_PLACES)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["bound"] = self.bound
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        defaults = {"required": not self.blank, "label": capfirst(self.verbose_name), "help_text": self.help_text,
                    "bound": self.bound}
        return CoordinateFormField(**{**defaults, **kwargs})
