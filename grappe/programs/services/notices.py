"""What an applicant's organisations are told: every active person with an account of the lead organisation, or
of a partner asked to confirm its shares."""

from django.urls import reverse

from grappe.core import notify
from grappe.members.models import User

from ..models import Application


def tell_lead(application: Application, kind: str, **params) -> None:
    """Notify the lead organisation's people (call it through notify.on_commit)."""
    users = User.objects.filter(person__organisation=application.lead_id, person__is_active=True, is_active=True)
    call = application.call
    notify.send(users, kind, {"application_id": application.pk, "title": application.title,
                              "call_fr": call.title_fr, "call_en": call.title_en, **params},
                application.get_absolute_url())


def tell_partners(application: Application, organisation_ids: list[int]) -> None:
    """Ask the people of these partner organisations to confirm their shares (call it through notify.on_commit)."""
    members = application.consortium.filter(organisation__in=organisation_ids).select_related("organisation")
    call = application.call
    for member in members:
        users = User.objects.filter(person__organisation=member.organisation_id, person__is_active=True,
                                    is_active=True)
        notify.send(users, "programs.share_to_confirm", {
            "application_id": application.pk, "title": application.title, "lead": application.lead.display_name,
            "call_fr": call.title_fr, "call_en": call.title_en, "organisation_id": member.organisation_id,
            "share_of_work": str(member.share_of_work), "share_of_budget": str(member.share_of_budget)},
            reverse("programs:consortium-confirm", args=[application.pk]))
