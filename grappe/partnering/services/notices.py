"""Who hears about an opportunity or an introduction, and how: in the language each person chose."""

from collections.abc import Iterable

from django.conf import settings
from django.utils import translation

from grappe.core import notify
from grappe.members.models import Organisation, OrgRole, User

from ..models import Introduction


def answerers(organisation: Organisation) -> list[User]:
    """Who answers for an organisation: its administrators, else every user it has."""
    users = list(User.objects.filter(person__organisation=organisation, person__is_active=True, is_active=True)
                 .select_related("person"))
    admins = [u for u in users if u.person.org_role == OrgRole.ADMIN]
    return admins or users


def requesters(introduction: Introduction) -> list[User]:
    """The person who asked, and the initiator's administrators."""
    users = {introduction.requested_by, *answerers(introduction.opportunity.initiator)}
    return [u for u in users if u.is_active]


def tell(users: Iterable[User], url: str, text) -> None:
    """Each user hears in the language they chose; `text` is called inside that language."""
    users = list(users)
    for language, _name in settings.LANGUAGES:
        speakers = [u for u in users if u.language == language]
        if speakers:
            with translation.override(language):
                notify.send(speakers, text(), url)
