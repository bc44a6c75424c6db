"""Who may do what in shared governance (object-level rules, evaluated by the `rules` package).

The staff run the bodies (axes, committees, work streams). A body's co-chairs run its meetings. Members of the
cluster see the bodies and their approved minutes and decisions. A person's rights in a body follow their seat
(BodyMember) *and* their current organisation: a member's person who leaves the organisation they sit for, or
whose organisation is no longer a member in good standing, loses them at once; a staff seat holds while the
account is staff.
"""

import rules

from grappe.members.models import MembershipStatus
from grappe.members.rules import is_cluster_staff, is_member_user

from .models import BodyMember, MembershipState


def seat_of(user, body) -> BodyMember | None:
    """The user's active seat in the body, if their rights in it hold today (see above)."""
    if body is None or not (user.is_authenticated and user.is_active):
        return None
    seat = BodyMember.objects.filter(body=body, user=user, state=MembershipState.ACTIVE).first()
    if seat is None:
        return None
    if seat.organisation_id is None:
        return seat if user.is_cluster_staff else None
    organisation = user.organisation
    if (organisation is None or organisation.pk != seat.organisation_id
            or organisation.membership_status != MembershipStatus.ACTIVE):
        return None
    return seat


@rules.predicate
def sits_on(user, body) -> bool:
    return seat_of(user, body) is not None


@rules.predicate
def co_chairs(user, body) -> bool:
    seat = seat_of(user, body)
    return seat is not None and seat.chair_seat is not None


# The axes, committees and work streams, and what they decided, are visible to the members and the staff.
rules.add_perm("governance.view_bodies", is_member_user | is_cluster_staff)
rules.add_perm("governance.manage_bodies", is_cluster_staff)
# A body's co-chairs run its meetings; the staff may stand in for them.
rules.add_perm("governance.chair_body", co_chairs | is_cluster_staff)


# --- bodies and their membership (services/bodies.py, services/membership.py) ---
# Who sits on a body, and what they asked or were asked, is for its members and the staff.
rules.add_perm("governance.view_body_members", sits_on | is_cluster_staff)
# A body's co-chairs invite people and answer requests to join; the staff may do it for any body.
rules.add_perm("governance.manage_members", co_chairs | is_cluster_staff)
# A member organisation's person joins a body (or asks to); the staff may sit on any.
rules.add_perm("governance.join_bodies", is_member_user | is_cluster_staff)
# Minutes (grappe/governance/services/minutes.py). A version in progress (draft, circulated) or replaced before its
# approval is read by the body's members and the staff; an approved version by every member of the cluster ("the
# decisions members can see"), never by the government observer. The body's members comment while it is
# circulated (the service checks the state); its co-chairs and the staff read every comment.

@rules.predicate
def minutes_approved(user, minutes) -> bool:
    return minutes is not None and minutes.status == "approved"


@rules.predicate
def sits_on_minutes_body(user, minutes) -> bool:
    return minutes is not None and sits_on(user, minutes.meeting.body)


@rules.predicate
def co_chairs_minutes_body(user, minutes) -> bool:
    return minutes is not None and co_chairs(user, minutes.meeting.body)


rules.add_perm("governance.view_minutes",
               (minutes_approved & is_member_user) | sits_on_minutes_body | is_cluster_staff)
rules.add_perm("governance.comment_minutes", sits_on_minutes_body)
rules.add_perm("governance.view_minutes_comments", co_chairs_minutes_body | is_cluster_staff)
# Meetings, their agenda, their record and action items (services/meetings.py, agenda.py, record.py, actions.py).
# The object is a Meeting: its body's members (whose rights hold today) and the staff read it; its co-chairs run it.
@rules.predicate
def sits_at(user, meeting) -> bool:
    return meeting is not None and sits_on(user, meeting.body)


@rules.predicate
def chairs(user, meeting) -> bool:
    return meeting is not None and co_chairs(user, meeting.body)


@rules.predicate
def owns_for_the_body(user, action) -> bool:
    """The owner of an action item, while they still sit on its body (see seat_of)."""
    return action is not None and action.owner_id == user.pk and sits_on(user, action.meeting.body)


@rules.predicate
def chairs_for(user, action) -> bool:
    return action is not None and co_chairs(user, action.meeting.body)


rules.add_perm("governance.view_meetings", sits_on | is_cluster_staff)  # a Body: the list of its meetings
rules.add_perm("governance.view_meeting", sits_at | is_cluster_staff)
rules.add_perm("governance.run_meeting", chairs | is_cluster_staff)
# A member declares their own conflict of interest on an item of a meeting of their body.
rules.add_perm("governance.declare_recusal", sits_at)
rules.add_perm("governance.complete_action", owns_for_the_body | chairs_for | is_cluster_staff)
