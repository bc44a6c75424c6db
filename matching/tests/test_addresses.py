"""Postal codes, provinces and place names as people type them, read without a database."""

from decimal import Decimal

import pytest

from matching.addresses import (
    is_postal_code,
    mrc_keys,
    normalise_postal_code,
    parse_coordinate,
    place_key,
    province_of_postal_code,
)


@pytest.mark.parametrize("typed", ["H2X 1Y4", "h2x1y4", " h2x 1y4 ", "H2X-1Y4", "h2x  1y4"])
def test_a_postal_code_is_kept_in_capitals_with_one_space(typed):
    assert normalise_postal_code(typed) == "H2X 1Y4"
    assert is_postal_code(normalise_postal_code(typed))


@pytest.mark.parametrize("typed", [
    "H2X 1Y", "H2X 1Y44", "12345", "2HX 1Y4",
    "D2X 1Y4", "F2X 1Y4", "I2X 1Y4", "O2X 1Y4", "Q2X 1Y4", "U2X 1Y4",  # letters Canada Post never uses
    "H2D 1Y4", "H2X 1O4", "H2U 1Y4",  # …anywhere
    "W2X 1Y4", "Z2X 1Y4",  # W and Z are used, but never first
])
def test_what_cannot_be_a_canadian_postal_code_is_refused(typed):
    assert not is_postal_code(normalise_postal_code(typed))


def test_w_and_z_are_allowed_after_the_first_letter():
    assert is_postal_code("H2W 1Z4")


@pytest.mark.parametrize(("code", "province"), [
    ("G9A 5H7", "QC"), ("H3B 2Y5", "QC"), ("j4g 1a1", "QC"),
    ("K1A 0B1", "ON"), ("L5B 1M2", "ON"), ("M5V 3L9", "ON"), ("N2L 3G1", "ON"), ("P3E 2C6", "ON"),
    ("A1C 5M2", "NL"), ("B3H 4R2", "NS"), ("C1A 4P3", "PE"), ("E1C 4M3", "NB"), ("R3C 4T3", "MB"),
    ("S4P 3Y2", "SK"), ("T2P 2M5", "AB"), ("V6B 1A1", "BC"), ("Y1A 2C6", "YT"),
    ("X0A 0H0", "NU"), ("X0C 0A0", "NU"), ("X1A 2L9", "NT"), ("X0E 0N0", "NT"),
])
def test_the_province_is_told_by_the_postal_codes_first_letter(code, province):
    assert province_of_postal_code(code) == province


def test_no_province_is_told_from_what_is_not_a_postal_code():
    assert province_of_postal_code("D1A 1A1") == "" and province_of_postal_code("") == ""


@pytest.mark.parametrize("typed", [
    "Trois-Rivières (Québec)", "Trois-Rivieres (Qc)", "TROIS-RIVIÈRES (QUÉBEC)", "Trois Rivières, Québec",
    "Trois-Rivières, QC", "trois-rivières (QC)", "Trois-Rivières",
])
def test_a_city_spelled_six_ways_is_one_key(typed):
    assert place_key(typed) == "trois rivieres"


def test_saint_is_the_same_spelled_out_or_abbreviated():
    assert place_key("St-Jérôme") == place_key("Saint-Jérôme") == "saint jerome"
    assert place_key("Ste-Julie") == place_key("Sainte-Julie")


@pytest.mark.parametrize("typed", ["La Haute-Yamaska", "MRC de La Haute-Yamaska", "MRC de la Haute Yamaska",
                                   "Haute-Yamaska", "Municipalité régionale de comté de La Haute-Yamaska"])
def test_an_mrc_is_found_with_or_without_mrc_de_and_its_article(typed):
    assert "haute yamaska" in mrc_keys(typed)


@pytest.mark.parametrize(("typed", "expected"), [
    ("45.5017", Decimal("45.501700")), ("45,5017", Decimal("45.501700")),
    ("-73.56734567", Decimal("-73.567346")),
    (" -73,5 ", Decimal("-73.500000")), ("\u221273.5", Decimal("-73.500000")), ("", None),
])
def test_a_coordinate_takes_a_decimal_comma_or_point_and_is_rounded(typed, expected):
    assert parse_coordinate(typed) == expected


@pytest.mark.parametrize("typed", ["nord", "45.5.1", "45,5,1", "nan", "inf"])
def test_a_coordinate_that_is_no_number_is_refused(typed):
    with pytest.raises(ValueError):
        parse_coordinate(typed)
