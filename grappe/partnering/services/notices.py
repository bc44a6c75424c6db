"""Who hears about an opportunity or an introduction (what they read is in partnering.notifications)."""

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
