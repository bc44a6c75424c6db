"""The forms of the bodies' pages: a body as the staff set it up, a co-chair's seat, an invitation."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from grappe.core.idempotency import OnceFormMixin
from grappe.members.models import User

from ..models import Body, BodyKind, BodyMember, ChairSeat, MembershipState
from ..services.bodies import BODY_FIELDS


class BodyForm(OnceFormMixin, StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=BodyKind.choices)
    parent = forms.ModelChoiceField(label=_("strategic axis"), queryset=Body.objects.none(), required=False,
                                    help_text=_("For a committee or a work stream: the axis it sits under."))
    name_fr = forms.CharField(label=_("name (French)"), max_length=200)
    name_en = forms.CharField(label=_("name (English)"), max_length=200)
    mandate_fr = forms.CharField(label=_("mandate (French)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    mandate_en = forms.CharField(label=_("mandate (English)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    language = forms.ChoiceField(label=_("working language"), choices=settings.LANGUAGES,
                                 help_text=_("Its meetings are held and its minutes written in it first."))
    open_to_members = forms.BooleanField(label=_("members join without approval"), required=False)

    @classmethod
    def for_body(cls, body: Body | None, data=None) -> "BodyForm":
        initial = {name: getattr(body, name) for name in BODY_FIELDS} if body else None
        form = cls(data, initial=initial)
        axes = Body.objects.filter(kind=BodyKind.AXIS, archived_at__isnull=True)
        form.fields["parent"].queryset = axes.exclude(pk=body.pk) if body else axes
        return form

    def saved(self) -> dict:
        return {name: self.cleaned_data[name] for name in BODY_FIELDS}


class CoChairForm(OnceFormMixin, StyledFormMixin, forms.Form):
    """One seat and the member who takes it: the body's active members are offered."""

    seat = forms.ChoiceField(label=_("seat"), choices=ChairSeat.choices, widget=forms.RadioSelect)
    member = forms.ModelChoiceField(label=_("member"), queryset=BodyMember.objects.none(),
                                    help_text=_("A co-chair is a member of the body: invite the person first."))

    def __init__(self, body: Body, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = (body.members.filter(state=MembershipState.ACTIVE).select_related("user", "organisation")
                   .order_by("user__full_name", "user__email"))
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = _member_label


def _member_label(member: BodyMember) -> str:
    sits_for = member.organisation.display_name if member.organisation else _("Cluster staff")
    return f"{member.user} — {sits_for}"


class InviteForm(OnceFormMixin, StyledFormMixin, forms.Form):
    email = forms.EmailField(label=_("email of the person"),
                             help_text=_("A person of a member organisation with an account, or a staff member."))

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this email."), code="unknown")
        self.cleaned_data["user"] = user
        return email
