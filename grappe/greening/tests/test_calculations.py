"""The arithmetic of emissions, checked against examples computed by hand (the sums are in each docstring).
The factors are those of the shipped set (grappe/greening/data/factors_2021.csv)."""

from decimal import Decimal

from grappe.greening import calculations

NATURAL_GAS = Decimal("1.936311")   # kg CO2e/m³
QUEBEC = Decimal("0.0015")          # kg CO2e/kWh
ALBERTA = Decimal("0.670")          # kg CO2e/kWh
R_410A = Decimal("2255.5")          # kg CO2e/kg leaked


def test_natural_gas_of_a_machine_shop():
    """10,000 m³ × 1.936311 kg CO2e/m³ = 19,363.110 kg CO2e."""
    assert calculations.line_kg(Decimal(10_000), NATURAL_GAS) == Decimal("19363.110")


def test_electricity_in_quebec_and_in_alberta():
    """50,000 kWh × 0.0015 = 75.000 kg CO2e in Quebec; × 0.670 = 33,500.000 kg CO2e in Alberta."""
    assert calculations.line_kg(Decimal(50_000), QUEBEC) == Decimal("75.000")
    assert calculations.line_kg(Decimal(50_000), ALBERTA) == Decimal("33500.000")


def test_a_refrigerant_leak():
    """2.5 kg of R-410A × 2,255.5 (50 % × 771 + 50 % × 3,740) = 5,638.750 kg CO2e."""
    assert calculations.line_kg(Decimal("2.5"), R_410A) == Decimal("5638.750")


def test_a_line_rounds_half_to_even_at_the_gram():
    """0.0125 m³ × 1 = 0.0125 kg → 0.012 (the 2 is even); 0.0135 → 0.014 (the 4 is even)."""
    assert calculations.line_kg(Decimal("0.0125"), Decimal(1)) == Decimal("0.012")
    assert calculations.line_kg(Decimal("0.0135"), Decimal(1)) == Decimal("0.014")


def test_scope_totals_add_the_rounded_lines():
    """Scope 1: 19,363.110 + 5,638.750 = 25,001.860; scope 2: 75.000 + 33,500.000 = 33,575.000."""
    totals = calculations.scope_totals([(1, Decimal("19363.110")), (2, Decimal("75.000")),
                                        (1, Decimal("5638.750")), (2, Decimal("33500.000"))])
    assert totals == {1: Decimal("25001.860"), 2: Decimal("33575.000")}


def test_no_line_gives_zero_in_both_scopes():
    assert calculations.scope_totals([]) == {1: Decimal(0), 2: Decimal(0)}


def test_intensity_per_employee_and_per_million_dollars():
    """58,576.860 kg / 20 employees = 2,928.843 → 2,928.8 kg per employee;
    58,576.860 kg × 1,000,000 / 4,500,000 CAD = 13,017.08 → 13,017.1 kg per million CAD."""
    total = Decimal("58576.860")
    assert calculations.per_employee(total, 20) == Decimal("2928.8")
    assert calculations.per_million_revenue(total, Decimal(4_500_000)) == Decimal("13017.1")


def test_no_intensity_without_employees_or_revenue():
    assert calculations.per_employee(Decimal(100), None) is None
    assert calculations.per_employee(Decimal(100), 0) is None
    assert calculations.per_million_revenue(Decimal(100), None) is None


def test_reduction_from_a_base_year():
    """From 80,000 to 62,000 kg: (80,000 − 62,000) / 80,000 = 22.5 %; a rise to 84,000 is −5.0 %."""
    assert calculations.reduction_percent(Decimal(80_000), Decimal(62_000)) == Decimal("22.5")
    assert calculations.reduction_percent(Decimal(80_000), Decimal(84_000)) == Decimal("-5.0")
    assert calculations.reduction_percent(Decimal(0), Decimal(10)) is None


def test_the_emissions_a_target_aims_at():
    """30 % less than 80,000 kg: 80,000 × 70 / 100 = 56,000.000 kg."""
    assert calculations.target_kg(Decimal(80_000), Decimal(30)) == Decimal("56000.000")
