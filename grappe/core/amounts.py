"""Amounts of money in Canadian dollars as people type and read them, in French and in English.

French writes "12 500,50 $" (a space between thousands, a comma before the cents), English "$12,500.50". Both
also accept the plain "12500.5". What could mean two amounts is refused with both readings shown rather than
guessed: "12,500" in French (12,50 $ or 12 500 $?), "12.500" in either language (a European 12 500?). Money is a
Decimal with two places, never a float.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
SPACES = "\u00a0\u202f\u2009 "  # no-break, narrow no-break, thin and plain spaces: all group thousands
MINUS_SIGNS = "-\u2212\u2013"
# Per language: the marks that separate the cents, and those that group thousands.
DECIMAL_MARKS = {"fr": ",.", "en": "."}
GROUP_MARKS = {"fr": " ", "en": ", "}


def _language(language: str | None) -> str:
    return "en" if (language or translation.get_language() or "fr").startswith("en") else "fr"


def format_amount(amount: Decimal, language: str | None = None) -> str:
    """12 500,50 $ in French, $12,500.50 in English (two decimals, thousands grouped)."""
    return _format(amount.quantize(CENT), language)


def _format(amount: Decimal, language: str | None = None) -> str:
    """The amount with as many decimals as it has (at least two)."""
    places = max(2, -amount.as_tuple().exponent)
    sign = "-" if amount < 0 else ""
    whole, decimals = f"{abs(amount):.{places}f}".split(".")
    grouped = f"{int(whole):,}"
    if _language(language) == "en":
        return f"{sign}${grouped}.{decimals}"
    return f"{sign}{grouped.replace(',', chr(0xA0))},{decimals}\u00a0$"


def parse_amount(text: str, language: str | None = None) -> Decimal:
    """The amount typed, in `language` (the active one by default), as a Decimal with two places.

    Raises ValidationError (in the active language) for what is not an amount, a negative one, more than two
    decimals, or what could be read two ways."""
    language = _language(language)
    raw = text.strip()
    value = raw.replace("$", "").strip()
    for space in SPACES:
        value = value.replace(space, " ")
    if value and (value[0] in MINUS_SIGNS or value[-1] in MINUS_SIGNS or value[0] + value[-1] == "()"):
        raise ValidationError(_("An amount cannot be negative."), code="negative")
    if not value or not re.fullmatch(r"[0-9][0-9 ,.]*", value) or "  " in value:
        raise _not_an_amount(raw)
    whole, cents = _split(value, raw, language)
    if not _grouped(whole, GROUP_MARKS[language]):
        raise _not_an_amount(raw)
    return _decimal(whole, cents).quantize(CENT)


def _split(value: str, raw: str, language: str) -> tuple[str, str]:
    """The whole part (still grouped) and the cents of `value`, read in `language`."""
    marks = [char for char in value if char in ",."]
    if not marks:
        return value, ""
    last = max(value.rfind(","), value.rfind("."))
    mark, whole, after = value[last], value[:last], value[last + 1:]
    if not after.isdigit():
        raise _not_an_amount(raw)
    if mark in GROUP_MARKS[language]:
        if len(after) == 3:
            return value, ""  # 12,500 in English: thousands
        if len(after) < 3 and len(marks) == 1:
            raise ValidationError(_("In English, cents follow a point: write %(example)s.") % {
                "example": _format(_decimal(whole, after), language)}, code="decimal_mark")
        raise _not_an_amount(raw)
    if len(after) == 3 and re.fullmatch(rf"\d{{1,3}}(?:{re.escape(mark)}\d{{3}})*", whole):
        # 12,500 in French, 12.500 in either language: three decimals, or thousands as other writers group them.
        raise ValidationError(_("“%(typed)s” could mean %(first)s or %(second)s: write it as %(example)s.") % {
            "typed": raw, "first": _format(_decimal(whole, after).normalize(), language),
            "second": format_amount(_decimal(whole + after, ""), language),
            "example": format_amount(Decimal("12500.50"), language)}, code="ambiguous")
    if len(after) > 2:
        raise ValidationError(_("An amount has at most two decimals (cents)."), code="decimals")
    return whole, after


def _decimal(whole: str, decimals: str) -> Decimal:
    return Decimal(f"{re.sub(r'[ ,.]', '', whole) or '0'}.{decimals or '0'}")


def _all_groups(value: str, mark: str) -> bool:
    """Every mark of `value` is the same one, between groups of three digits (1,234,567)."""
    return re.fullmatch(rf"\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+", value) is not None


def _grouped(whole: str, group_marks: str) -> bool:
    """Plain digits, or digits grouped by three with one of the language's group marks, the same throughout."""
    if whole.isdigit():
        return True
    return any(re.fullmatch(rf"\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+", whole) for mark in group_marks)


def _not_an_amount(raw: str) -> ValidationError:
    return ValidationError(_("“%(typed)s” is not an amount: write it as %(example)s.") % {
        "typed": raw, "example": format_amount(Decimal("12500.50"))}, code="invalid")
