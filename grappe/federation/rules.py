"""Who may do what in cooperation between clusters (object-level rules, evaluated by the `rules` package).

The staff run the partnerships (approve, choose what travels, suspend, revoke), share the cluster's public
events and handle the interests that arrive from partner clusters. A member organisation's people see what
partner clusters shared and express interest; its administrators choose which of its items are shared (off by
default). The partner clusters themselves never sign in: they speak to the inbox, with signed requests.
"""

import rules

from grappe.members.rules import belongs_to, is_admin_of, is_cluster_staff, is_member_user

from .models import InterestStatus


@rules.predicate
def administers_item_owner(user, shared) -> bool:
    """`shared` is anything with an `organisation`: a SharedItem, or an item about to be shared."""
    return shared is not None and shared.organisation is not None and is_admin_of(user, shared.organisation)


@rules.predicate
def interested_organisation(user, interest) -> bool:
    return interest is not None and interest.organisation is not None and belongs_to(user, interest.organisation)


rules.add_perm("federation.manage_partners", is_cluster_staff)
rules.add_perm("federation.browse", is_member_user | is_cluster_staff)
rules.add_perm("federation.share_for_organisation", is_member_user & administers_item_owner)
rules.add_perm("federation.share_events", is_cluster_staff)
rules.add_perm("federation.express_interest", is_member_user)
rules.add_perm("federation.view_interest", interested_organisation | is_cluster_staff)
rules.add_perm("federation.handle_interests", is_cluster_staff)


# Interests received from partner clusters' members (services/interests.py): the staff handle them; once the
# staff asked, the administrators of the organisation whose item it is consent to the introduction or decline.


@rules.predicate
def asked_about_own_item(user, interest) -> bool:
    """The interest is in an item of an organisation this user administers, and the staff already asked it (an
    interest waiting for the staff is theirs alone)."""
    return bool(interest is not None and interest.remote_item_id is None
                and interest.status != InterestStatus.RECEIVED
                and administers_item_owner(user, interest.shared_item))


rules.add_perm("federation.view_received_interest",
               is_cluster_staff | (is_member_user & asked_about_own_item))
rules.add_perm("federation.consent_interest", is_member_user & asked_about_own_item)
rules.add_perm("federation.decline_interest", is_cluster_staff | (is_member_user & asked_about_own_item))
