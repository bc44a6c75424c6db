"""Every form's fields as a person reads them: a group of radio buttons or checkboxes is a fieldset named by its
legend, one line per option with its own label; a long or multiple list is a searchable picker."""

from django import forms
from django.template.loader import render_to_string
from django.test.html import Element, parse_html

from grappe.core.forms import SEARCHABLE_FROM, StyledFormMixin


class GroupsForm(StyledFormMixin, forms.Form):
    who = forms.ChoiceField(label="Who may see it", help_text="Choose one.", widget=forms.RadioSelect,
                            choices=[("staff", "The staff"), ("all", "Everyone")])
    days = forms.MultipleChoiceField(label="Days", required=False, widget=forms.CheckboxSelectMultiple,
                                     choices=[("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday")])
    name = forms.CharField(label="Name")


def elements(node, name: str) -> list[Element]:
    """Every element of this name under a node of Django's parsed HTML, in document order."""
    found = []
    for child in getattr(node, "children", []):
        if isinstance(child, Element):
            if child.name == name:
                found.append(child)
            found.extend(elements(child, name))
    return found


def text(node) -> str:
    return " ".join(text(c) if isinstance(c, Element) else str(c) for c in node.children).strip()


def rendered(form) -> Element:
    return parse_html(render_to_string("form_fields.html", {"form": form}))


def test_a_group_of_radio_buttons_is_a_fieldset_named_by_its_legend_with_one_labelled_line_per_option():
    fieldsets = elements(rendered(GroupsForm()), "fieldset")
    assert len(fieldsets) == 2
    who, days = fieldsets
    assert text(elements(who, "legend")[0]).startswith("Who may see it")
    assert dict(who.attributes)["aria-describedby"] == "id_who_helptext"
    for group, count in ((who, 2), (days, 3)):
        inputs = elements(group, "input")
        labels = elements(group, "label")
        assert len(inputs) == len(labels) == count
        lines = [d for d in elements(group, "div") if "form-check" in dict(d.attributes).get("class", "")]
        assert len(lines) == count
        for line in lines:
            (one_input,), (one_label,) = elements(line, "input"), elements(line, "label")
            assert dict(one_input.attributes)["id"] == dict(one_label.attributes)["for"] != ""
            assert "form-check-input" in dict(one_input.attributes)["class"]


def test_no_container_of_a_group_looks_like_a_single_checkbox():
    html = render_to_string("form_fields.html", {"form": GroupsForm()})
    assert 'for=""' not in html
    assert 'id="id_who" class="form-check-input"' not in html and '<div id="id_who"' not in html


def test_help_and_errors_carry_the_ids_the_inputs_point_to():
    form = GroupsForm(data={})
    form.is_valid()
    html = render_to_string("form_fields.html", {"form": form})
    assert 'id="id_who_helptext"' in html and 'id="id_who_error"' in html and 'id="id_name_error"' in html


def test_an_error_about_the_whole_form_is_said_once():
    form = GroupsForm(data={"who": "staff", "name": "x"})
    form.is_valid()
    form.add_error(None, "The email address and/or password you specified are not correct.")
    html = render_to_string("form_fields.html", {"form": form})
    assert html.count('class="alert alert-danger"') == 1


class ListsForm(StyledFormMixin, forms.Form):
    many = forms.MultipleChoiceField(label="Several", choices=[("a", "A"), ("b", "B")])
    long = forms.ChoiceField(label="Long", choices=[(str(n), str(n)) for n in range(SEARCHABLE_FROM + 1)])
    short = forms.ChoiceField(label="Short", choices=[("a", "A"), ("b", "B")])


def test_a_multiple_or_long_list_is_a_searchable_picker_and_a_short_one_stays_plain():
    form = ListsForm()
    assert "data-searchable" in str(form["many"]) and "data-searchable" in str(form["long"])
    assert "data-searchable" not in str(form["short"])
