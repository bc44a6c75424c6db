"""Who may do what with bulletins (object-level rules, evaluated by the `rules` package).

The staff's administrators and communications officers write, target, schedule and send bulletins, and see their
figures (in aggregate only: no one sees who opened what). A sent bulletin is read by the members of the
organisations it was targeted to and by the staff; a public one by anyone. A member's feed is their
organisation's.
"""

import rules

from grappe.members.models import Role
from grappe.members.rules import is_cluster_staff, is_member_user

from .models import Audience, BulletinStatus


@rules.predicate
def is_communications_staff(user) -> bool:
    return (user.is_authenticated and user.is_active and user.is_cluster_staff
            and (user.role in (Role.STAFF_ADMIN, Role.STAFF_COMMUNICATIONS) or user.is_superuser))


@rules.predicate
def is_public_news(user, bulletin) -> bool:
    return bulletin is not None and bulletin.is_public and bulletin.status == BulletinStatus.SENT


@rules.predicate
def is_addressed_to(user, bulletin) -> bool:
    """The bulletin was sent to the user's organisation (which is a member in good standing)."""
    if bulletin is None or bulletin.status != BulletinStatus.SENT or not is_member_user(user):
        return False
    return Audience.objects.filter(bulletin=bulletin, organisation=user.organisation).exists()


rules.add_perm("bulletins.manage_bulletins", is_communications_staff)
rules.add_perm("bulletins.view_bulletin", is_public_news | is_addressed_to | is_cluster_staff)
rules.add_perm("bulletins.view_statistics", is_cluster_staff)
rules.add_perm("bulletins.view_feed", is_member_user)


@rules.predicate
def is_the_person(user, person) -> bool:
    """The person's own account: one changes one's own mail preferences (others use the signed links of the
    emails they receive)."""
    return (person is not None and user.is_authenticated and user.is_active and person.user_id is not None
            and person.user_id == user.pk)


rules.add_perm("bulletins.change_mail_preferences", is_the_person)
