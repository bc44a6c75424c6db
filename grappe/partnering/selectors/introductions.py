"""The introductions a user sees: those sent for its organisation's opportunities, those received, all of
them for the staff, and both sides' contacts once an introduction is accepted."""

from dataclasses import dataclass

from django.db.models import QuerySet

from grappe.members.models import Organisation, Person
from grappe.members.selectors import visible_contacts

from ..models import Introduction, IntroductionStatus


def introductions_sent(user) -> QuerySet:
    if user.organisation is None:
        return Introduction.objects.none()
    return (Introduction.objects.filter(opportunity__initiator=user.organisation)
            .select_related("opportunity", "partner"))


def introductions_received(user) -> QuerySet:
    if user.organisation is None:
        return Introduction.objects.none()
    return (Introduction.objects.filter(partner=user.organisation)
            .select_related("opportunity__initiator", "requested_by"))


def all_introductions() -> QuerySet:
    return Introduction.objects.select_related("opportunity__initiator", "partner", "requested_by")


@dataclass(frozen=True)
class SideContacts:
    organisation: Organisation
    people: list[Person]
    requester_email: str = ""  # on the requesting side: the person who asked, whatever their consent


def introduction_contacts(introduction: Introduction, user) -> list[SideContacts]:
    """Both sides' contacts once the introduction is accepted, else nothing.

    Each side shows the people who agreed to be listed for members (members.selectors.visible_contacts);
    the requesting side also shows the person who asked: asking was agreeing to be contacted.
    """
    if introduction.status != IntroductionStatus.ACCEPTED:
        return []
    initiator = introduction.opportunity.initiator
    requester = introduction.requested_by
    return [
        SideContacts(initiator, list(visible_contacts(initiator, user).filter(is_active=True)),
                     requester_email=requester.email),
        SideContacts(introduction.partner, list(visible_contacts(introduction.partner, user).filter(is_active=True))),
    ]


def introductions_awaiting_answer(user) -> QuerySet:
    """Introductions asked of the user's organisation that nobody there has answered yet."""
    return introductions_received(user).filter(status=IntroductionStatus.REQUESTED).order_by("-id")
