"""Who may do what in greening (object-level rules, evaluated by the `rules` package).

A member organisation's figures (baselines, commitments) are its own: its people read them, its administrators
write them, the staff read them all. No one else sees a member's figures: the cluster's progress is shown through
the aggregation service only. The staff maintain the emission factors. Shared initiatives are for every member.
"""

import rules

from grappe.members.rules import belongs_to, is_admin_of, is_cluster_staff, is_member_user, is_staff_admin


@rules.predicate
def of_my_organisation(user, item) -> bool:
    return item is not None and belongs_to(user, item.organisation)


@rules.predicate
def administers_its_organisation(user, item) -> bool:
    return item is not None and is_admin_of(user, item.organisation)


rules.add_perm("greening.view_own", is_member_user | is_cluster_staff)
rules.add_perm("greening.view_figures", of_my_organisation | is_cluster_staff)
rules.add_perm("greening.edit_figures", administers_its_organisation)
rules.add_perm("greening.view_progress", is_member_user | is_cluster_staff)  # aggregates only
rules.add_perm("greening.manage_factors", is_staff_admin)
rules.add_perm("greening.view_initiatives", is_member_user | is_cluster_staff)

# Progress, report and initiatives
rules.add_perm("greening.download_report", is_cluster_staff)
rules.add_perm("greening.start_initiative", is_member_user | is_cluster_staff)
rules.add_perm("greening.join_initiative", is_admin_of)  # for an organisation: its administrators
