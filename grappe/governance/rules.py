"""Who may do what in shared governance (object-level rules, evaluated by the `rules` package).

The staff run the bodies (axes, committees, work streams). A body's co-chairs run its meetings. Members of the
cluster see the bodies and their approved minutes and decisions. A person's rights in a body follow their seat
(BodyMember) *and* their current organisation: a member's person who leaves the organisation they sit for, or
whose organisation is no longer a member in good standing, loses them at once; a staff seat holds while the
account is staff.
"""

import rules

from grappe.members.models import MembershipStatus, OrgRole
from grappe.members.rules import is_cluster_staff, is_member_user

from .models import BodyMember, MembershipState, Recusal


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


# --- resolutions and votes (services/resolutions.py, services/votes.py) ---
# One organisation, one vote. The people *authorised* to cast an organisation's vote on a resolution are, while
# they act for it (user.organisation, so leaving it ends the right at once) and it is a member in good standing
# (membership ACTIVE):
# - its administrators (Person.org_role admin), on every resolution;
# - for a body's resolution, also its people who sit on that body.
# A person recused on the resolution's agenda item casts nothing, neither for their organisation nor by proxy.
# The staff draft and publish a resolution to the whole membership; a body's co-chairs (and the staff) to the
# body. Published resolutions are read by every member and the staff; a draft only by those who may publish it.


def is_recused(user, resolution) -> bool:
    """The person declared (or was recorded with) a conflict on the resolution's agenda item."""
    return resolution.item_id is not None and Recusal.objects.filter(item_id=resolution.item_id, user=user).exists()


def is_authorised_voter(user, resolution) -> bool:
    """The person may cast their organisation's vote on the resolution (see above); not checked: whether the
    organisation is an elector or gave its proxy (the service says so in words)."""
    if not is_member_user(user):
        return False
    if user.person.org_role != OrgRole.ADMIN and not (resolution.body_id and sits_on(user, resolution.body)):
        return False
    return not is_recused(user, resolution)


@rules.predicate
def may_publish_resolution(user, resolution) -> bool:
    if resolution is None or resolution.body_id is None:
        return False
    return co_chairs(user, resolution.body)


@rules.predicate
def reads_resolution(user, resolution) -> bool:
    if resolution is None:
        return False
    if resolution.published_at is not None:
        return bool(is_member_user(user))
    return bool(may_publish_resolution(user, resolution))


@rules.predicate
def co_chairs_a_body(user) -> bool:
    return user.is_authenticated and any(
        co_chairs(user, seat.body)
        for seat in user.governance_seats.filter(chair_seat__isnull=False).select_related("body"))


@rules.predicate
def casts_a_vote(user, resolution) -> bool:
    return resolution is not None and is_authorised_voter(user, resolution)


rules.add_perm("governance.view_resolutions", is_member_user | is_cluster_staff)
rules.add_perm("governance.draft_resolutions", co_chairs_a_body | is_cluster_staff)
rules.add_perm("governance.view_resolution", reads_resolution | is_cluster_staff)
rules.add_perm("governance.manage_resolution", may_publish_resolution | is_cluster_staff)
rules.add_perm("governance.vote", casts_a_vote)
