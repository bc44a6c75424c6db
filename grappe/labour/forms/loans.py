"""The forms of the loans' pages: a request, an acceptance, an employee named, a month's hours, an extension, an
end. Each carries its form token (a double click does the work once) and keeps what was typed when refused."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from grappe.core.idempotency import OnceFormMixin
from grappe.members.models import Person

from ..models import Need, PostStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class LoanRequestForm(OnceFormMixin, StyledFormMixin, forms.Form):
    people = forms.IntegerField(label=_("number of people"), min_value=1, max_value=999)
    start = forms.DateField(label=_("from"), widget=DateInput())
    end = forms.DateField(label=_("until"), widget=DateInput())
    need = forms.ModelChoiceField(label=_("for my need"), queryset=Need.objects.none(), required=False,
                                  help_text=_("Optional: the need of your organisation this loan answers."))

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = (Need.objects.filter(organisation=organisation, status=PostStatus.OPEN)
                                        if organisation is not None else Need.objects.none())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end comes before the start."))
        return data


class AcceptForm(OnceFormMixin, forms.Form):
    side = forms.ChoiceField(choices=[("lender", _("Lender")), ("borrower", _("Borrower"))])
    fingerprint = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "accept_%s")
        super().__init__(*args, **kwargs)



class EmployeeForm(OnceFormMixin, StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    role = forms.CharField(label=_("role"), max_length=150)
    work_email = forms.EmailField(label=_("work email"))
    work_phone = forms.CharField(label=_("work phone"), max_length=40, required=False)
    person = forms.ModelChoiceField(label=_("their account on Grappe"), queryset=Person.objects.none(),
                                    required=False,
                                    help_text=_("If they have one: they are then told on Grappe as well."))

    def __init__(self, *args, lender=None, **kwargs):
        kwargs.setdefault("auto_id", "employee_%s")
        super().__init__(*args, **kwargs)
        if lender is not None:
            self.fields["person"].queryset = Person.objects.filter(organisation=lender, is_active=True)


class MonthField(forms.DateField):
    """A month typed as 2027-03 (an <input type="month">), or a date in it."""

    widget = forms.DateInput(format="%Y-%m", attrs={"type": "month"})

    def to_python(self, value):
        if isinstance(value, str) and len(value.strip()) == 7:
            value = value.strip() + "-01"
        return super().to_python(value)


class HoursForm(OnceFormMixin, StyledFormMixin, forms.Form):
    month = MonthField(label=_("month"), input_formats=["%Y-%m-%d"])
    hours = forms.DecimalField(label=_("hours (all the people together)"), max_digits=8, decimal_places=2)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "hours_%s")
        super().__init__(*args, **kwargs)



class ExtendForm(OnceFormMixin, StyledFormMixin, forms.Form):
    new_end = forms.DateField(label=_("new end"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "extend_%s")
        super().__init__(*args, **kwargs)



class EndForm(OnceFormMixin, StyledFormMixin, forms.Form):
    on_date = forms.DateField(label=_("last day"), widget=DateInput(), initial=datetime.date.today)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "end_%s")
        super().__init__(*args, **kwargs)
