"""The arithmetic of emissions: pure functions on Decimal, no database, so that each can be checked by hand.

Every quantity carries its unit in its name (kg CO2e, kWh, m³…). A line's emissions are rounded to the gram
(3 decimals of a kg) with banker's rounding (ROUND_HALF_EVEN), so that rounding errors do not drift one way
when thousands of lines are added up; totals add the rounded lines, as the member sees them.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal

GRAM = Decimal("0.001")
TENTH = Decimal("0.1")
MILLION = Decimal(1_000_000)


def line_kg(quantity: Decimal, kg_co2e_per_unit: Decimal) -> Decimal:
    """kg CO2e of `quantity` units of a source whose factor is `kg_co2e_per_unit`, to the gram."""
    return (Decimal(quantity) * Decimal(kg_co2e_per_unit)).quantize(GRAM, rounding=ROUND_HALF_EVEN)


def scope_totals(lines: Iterable[tuple[int, Decimal]]) -> dict[int, Decimal]:
    """{scope: kg CO2e} of (scope, kg CO2e) pairs; scopes 1 and 2 are always present."""
    totals = {1: Decimal("0.000"), 2: Decimal("0.000")}
    for scope, kg in lines:
        totals[scope] = totals.get(scope, Decimal("0.000")) + kg
    return totals


def per_employee(total_kg: Decimal, employees: int | None) -> Decimal | None:
    """kg CO2e per full-time employee, to the tenth of a kg; None when the headcount is unknown or nil."""
    if not employees:
        return None
    return (Decimal(total_kg) / Decimal(employees)).quantize(TENTH, rounding=ROUND_HALF_EVEN)


def per_million_revenue(total_kg: Decimal, revenue: Decimal | None) -> Decimal | None:
    """kg CO2e per million CAD of revenue, to the tenth of a kg; None when revenue is unknown or nil."""
    if not revenue:
        return None
    return (Decimal(total_kg) * MILLION / Decimal(revenue)).quantize(TENTH, rounding=ROUND_HALF_EVEN)


def reduction_percent(base_kg: Decimal, current_kg: Decimal) -> Decimal | None:
    """How much lower `current_kg` is than `base_kg`, in % to the tenth (negative when emissions grew); None
    without a base to compare with."""
    if not base_kg:
        return None
    change = (Decimal(base_kg) - Decimal(current_kg)) * 100 / Decimal(base_kg)
    return change.quantize(TENTH, rounding=ROUND_HALF_EVEN)


def target_kg(base_kg: Decimal, percent: Decimal) -> Decimal:
    """The emissions a reduction of `percent` from `base_kg` aims at, to the gram."""
    return (Decimal(base_kg) * (100 - Decimal(percent)) / 100).quantize(GRAM, rounding=ROUND_HALF_EVEN)
