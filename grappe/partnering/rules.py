"""Who may do what in partnering (object-level rules, evaluated by the `rules` package).

An opportunity is seen by its initiator's people and the staff, and by every member once it is published
to members; only the initiator's people (and the staff, on behalf of a call) change it, analyse it and ask
for introductions. An introduction is seen by both sides and the staff; the partner's administrators (or
the staff) answer it. Contacts are shared only once an introduction is accepted (services and selectors
enforce that, not these rules).
"""

import rules

from grappe.members.rules import belongs_to, is_admin_of, is_cluster_staff, is_member_user

from .models import IntroductionStatus, OpportunityStatus, Visibility


@rules.predicate
def is_initiators_person(user, opportunity) -> bool:
    return opportunity is not None and belongs_to(user, opportunity.initiator)


@rules.predicate
def is_published_to_members(user, opportunity) -> bool:
    return opportunity is not None and opportunity.visibility == Visibility.MEMBERS


@rules.predicate
def is_open(user, opportunity) -> bool:
    return opportunity is not None and opportunity.status != OpportunityStatus.CLOSED


@rules.predicate
def is_requesting_side(user, introduction) -> bool:
    return introduction is not None and belongs_to(user, introduction.opportunity.initiator)


@rules.predicate
def is_partner_side(user, introduction) -> bool:
    return introduction is not None and belongs_to(user, introduction.partner)


@rules.predicate
def is_partner_admin(user, introduction) -> bool:
    return introduction is not None and is_admin_of(user, introduction.partner)


@rules.predicate
def is_conversation_open(user, introduction) -> bool:
    """A declined or withdrawn introduction keeps its thread readable but closed."""
    return introduction is not None and introduction.status in (IntroductionStatus.REQUESTED,
                                                                 IntroductionStatus.ACCEPTED)


acts_for_initiator = (is_member_user & is_initiators_person) | is_cluster_staff

# Opportunities. Partnering is for members and the staff (not observers, who see aggregates only).
rules.add_perm("partnering.use_partnering", is_member_user | is_cluster_staff)
rules.add_perm("partnering.add_opportunity", is_member_user | is_cluster_staff)
rules.add_perm("partnering.view_opportunity",
               is_initiators_person | is_cluster_staff | (is_member_user & is_published_to_members))
rules.add_perm("partnering.change_opportunity", acts_for_initiator & is_open)
rules.add_perm("partnering.analyse_opportunity", acts_for_initiator)
rules.add_perm("partnering.request_introduction", acts_for_initiator & is_open)

# Introductions.
rules.add_perm("partnering.view_introduction", is_requesting_side | is_partner_side | is_cluster_staff)
# Whether it still awaits an answer is the service's business: a second identical answer is no fault.
rules.add_perm("partnering.answer_introduction", is_partner_admin | is_cluster_staff)
rules.add_perm("partnering.post_introduction_message",
               (is_requesting_side | is_partner_side | is_cluster_staff) & is_conversation_open)

# The staff's view across the cluster (every opportunity and introduction, pooling, succession…).
rules.add_perm("partnering.view_cluster_partnering", is_cluster_staff)

# Declared needs and succession flags (the object is the organisation).
# A member's needs are its own people's and the staff's: the pooling page shows the staff groups of them.
rules.add_perm("partnering.view_declared_needs", belongs_to | is_cluster_staff)
rules.add_perm("partnering.manage_declared_needs", is_admin_of | is_cluster_staff)
# A succession wish is confidential: seeing it and acting on it are one right, the staff's and the
# organisation's own administrators'. Nobody else, not even its other users, learns that a flag exists.
rules.add_perm("partnering.manage_succession_flag", is_admin_of | is_cluster_staff)
