"""Amounts of money typed as people write them, in French and in English, and the form field that reads them."""

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from grappe.core.amounts import format_amount, parse_amount
from grappe.core.forms import AmountField

NBSP = "\u00a0"


@pytest.mark.parametrize(("typed", "language", "amount"), [
    ("12 500,50 $", "fr", "12500.50"),
    ("12 500,50", "fr", "12500.50"),
    (f"12{NBSP}500,50{NBSP}$", "fr", "12500.50"),
    ("12\u202f500,5", "fr", "12500.50"),
    ("0,5", "fr", "0.50"),
    ("12,500.50", "en", "12500.50"),
    ("$12,500.50", "en", "12500.50"),
    ("1,234,567.89", "en", "1234567.89"),
    ("12,500", "en", "12500.00"),
    ("12500.5", "fr", "12500.50"),
    ("12500.5", "en", "12500.50"),
    ("12500", "fr", "12500.00"),
    ("1 234.56", "en", "1234.56"),
])
def test_an_amount_is_read_as_the_language_writes_it(typed, language, amount):
    assert parse_amount(typed, language) == Decimal(amount)


@pytest.mark.parametrize(("typed", "language", "code"), [
    ("12,500", "fr", "ambiguous"),       # 12,50 $ or 12 500 $?
    ("12.500", "fr", "ambiguous"),
    ("12.500", "en", "ambiguous"),       # a European 12 500?
    ("12,50", "en", "decimal_mark"),     # cents after a comma, in English
    ("12 500,50 $", "en", "decimal_mark"),
    ("-5", "fr", "negative"),
    ("$-5", "en", "negative"),
    ("(5.00)", "en", "negative"),
    ("1,2345", "fr", "decimals"),
    ("12 500.505", "en", "decimals"),
    ("abc", "fr", "invalid"),
    ("12,500.50", "fr", "invalid"),      # English grouping, in French
    ("1.234.567,89", "fr", "invalid"),
    ("1,23,456", "en", "invalid"),
])
def test_what_is_not_one_clear_amount_is_refused(typed, language, code):
    with pytest.raises(ValidationError) as refusal:
        parse_amount(typed, language)
    assert refusal.value.code == code


def test_an_ambiguous_amount_is_refused_with_both_readings_in_the_readers_language():
    with translation.override("fr"), pytest.raises(ValidationError) as refusal:
        parse_amount("12,500")
    assert refusal.value.messages == [
        f"« 12,500 » pourrait vouloir dire 12,50{NBSP}$ ou 12{NBSP}500,00{NBSP}$ : écrivez-le comme "
        f"12{NBSP}500,50{NBSP}$."]
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        parse_amount("12.500")
    assert refusal.value.messages == ["“12.500” could mean $12.50 or $12,500.00: write it as $12,500.50."]


def test_an_amount_is_written_as_the_reader_writes_it():
    assert format_amount(Decimal("12500.5"), "fr") == f"12{NBSP}500,50{NBSP}$"
    assert format_amount(Decimal("12500.5"), "en") == "$12,500.50"
    assert format_amount(Decimal("-3"), "en") == "-$3.00"


class GrantForm(forms.Form):
    amount = AmountField()


def test_the_amount_field_reads_the_active_language_and_refuses_zero():
    with translation.override("fr"):
        assert GrantForm({"amount": "12 500,50 $"}).is_valid()
        form = GrantForm({"amount": "0"})
        assert not form.is_valid() and "amount" in form.errors
        form = GrantForm({"amount": "-12"})
        assert form.errors["amount"] == ["Un montant ne peut pas être négatif."]
    with translation.override("en"):
        form = GrantForm({"amount": "$12,500.50"})
        assert form.is_valid() and form.cleaned_data["amount"] == Decimal("12500.50")
        assert 'inputmode="decimal"' in str(GrantForm()["amount"])
        assert 'value="$12,500.50"' in str(GrantForm(initial={"amount": Decimal("12500.5")})["amount"])
