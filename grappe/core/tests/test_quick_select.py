"""QuickSelect and QuickTextInput write the markup Django would render, only faster: pages and browser tests see no
change."""

import re

import pytest
from django import forms

from grappe.core.forms import QuickSelect, QuickTextInput

CHOICES = [("", "---------"), (1, "Usinage"), (2, "Usinage › Usinage 5 axes"), (3, 'Essais "END" & <contrôle>'),
           ("Domaine", [(4, "Ressuage"), (5, "Ultrasons")])]


def markup(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", [None, "", 2, "3", 5])
def test_quick_select_renders_what_django_renders(value):
    attrs = {"class": "form-select", "id": "id_capability"}
    django_select = forms.Select(attrs=attrs, choices=CHOICES).render("capability", value)
    quick_select = QuickSelect(attrs=attrs, choices=CHOICES).render("capability", value)
    assert markup(quick_select) == markup(django_select)


def test_quick_select_escapes_labels():
    html = QuickSelect(choices=CHOICES).render("capability", None)
    assert "&lt;contrôle&gt;" in html and "<contrôle>" not in html


@pytest.mark.parametrize("value", [None, "", "usinage 5 axes", 'NDT "<Montréal>" & \'co\''])
def test_quick_text_input_renders_exactly_what_django_renders(value):
    attrs = {"type": "search", "placeholder": 'p. ex. "usinage" & <CND>', "maxlength": "200", "required": True,
             "disabled": False, "class": "form-control"}
    extra = {"id": "id_q", "aria-invalid": "true"}
    assert (QuickTextInput(attrs=attrs).render("q", value, extra) ==
            forms.TextInput(attrs=attrs).render("q", value, extra))
