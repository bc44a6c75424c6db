"""Canadian postal addresses as people type them: postal codes, provinces, and place names to look up.

Pure functions, no database: the organisation forms, the import and the services call them through
grappe.members.address, which also holds the list of Quebec's MRCs these keys are compared with.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from matching.text import fold

# A Canadian postal code, "A1A 1A1": no D, F, I, O, Q or U anywhere (they read like digits or each other),
# and no W or Z as the first letter, which names the province.
POSTAL_CODE = re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d$")
_SEPARATORS = re.compile(r"[\s\-.]+")

# The first letter of a postal code -> the province or territory (codes of Canada Post).
PROVINCE_OF_LETTER = {
    "A": "NL", "B": "NS", "C": "PE", "E": "NB", "G": "QC", "H": "QC", "J": "QC",
    "K": "ON", "L": "ON", "M": "ON", "N": "ON", "P": "ON", "R": "MB", "S": "SK", "T": "AB", "V": "BC",
    "Y": "YT",
}
# X is shared by the two northern territories: X0A, X0B and X0C are Nunavut, the others the Northwest
# Territories.
NUNAVUT_AREAS = ("X0A", "X0B", "X0C")

# How a place name may end with its province: "Trois-Rivières (Québec)", "Trois-Rivières, QC".
_IN_PARENTHESES = re.compile(r"\s*\([^)]*\)\s*$")
_PROVINCE_SUFFIX = re.compile(r",\s*(qc|que|quebec|québec|province de québec|province of quebec|canada)\.?\s*$",
                              re.IGNORECASE)
# Abbreviations of Quebec place names ("St-Jérôme", "Ste-Julie"), in folded words.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mont"}
# What may come before an MRC's name ("MRC de La Haute-Yamaska", "Municipalité régionale de comté de…").
_MRC_PREFIX = re.compile(r"^(municipalite regionale de comte|mrc|agglomeration|ville|te)( (de|du|des|d))?\b ?")
_ARTICLE = re.compile(r"^(le|la|les|l) ")


def normalise_postal_code(text: str) -> str:
    """"h2x1y4", "H2X-1Y4" and " h2x 1y4 " all become "H2X 1Y4"; text that cannot be one comes back
    stripped and upper-cased, for `is_postal_code` to refuse."""
    compact = _SEPARATORS.sub("", (text or "").strip()).upper()
    return f"{compact[:3]} {compact[3:]}" if len(compact) == 6 else (text or "").strip().upper()


def is_postal_code(text: str) -> bool:
    """Whether `text` is a normalised Canadian postal code ("H2X 1Y4")."""
    return bool(POSTAL_CODE.match(text or ""))


def province_of_postal_code(postal_code: str) -> str:
    """The province or territory code a valid postal code belongs to ("QC" for "H2X 1Y4"), else ""."""
    code = normalise_postal_code(postal_code)
    if not is_postal_code(code):
        return ""
    if code[0] == "X":
        return "NU" if code[:3] in NUNAVUT_AREAS else "NT"
    return PROVINCE_OF_LETTER.get(code[0], "")


def place_key(text: str) -> str:
    """A place name as a lookup key: its province removed ("(Québec)", ", QC"), case, accents and punctuation
    folded, "St"/"Ste" spelled out. "TROIS-RIVIÈRES (QUÉBEC)" and "Trois Rivieres, Qc" give "trois rivieres"."""
    text = _PROVINCE_SUFFIX.sub("", _IN_PARENTHESES.sub("", text or ""))
    return " ".join(_ABBREVIATIONS.get(word, word) for word in fold(text).split())


def mrc_keys(name: str) -> set[str]:
    """The keys an MRC's name may be looked up by: with or without "MRC de" and its article ("La Haute-Yamaska",
    "MRC de la Haute-Yamaska" and "Haute-Yamaska" give the same key)."""
    key = _MRC_PREFIX.sub("", place_key(name))
    return {key, _ARTICLE.sub("", key)} - {""}


def parse_coordinate(text: str, places: int = 6) -> Decimal | None:
    """A latitude or longitude as typed, with a decimal comma or point ("45,5017", "-73.5673"), rounded to
    `places` decimals (a tenth of a metre); None for an empty text. Raises ValueError if it is no number."""
    text = (text or "").strip().replace("\u2212", "-").replace(" ", "")
    if not text:
        return None
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
