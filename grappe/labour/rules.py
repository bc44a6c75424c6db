"""Who may do what in labour sharing (object-level rules, evaluated by the `rules` package).

A member organisation's people see the open availabilities and needs of the cluster (never an employee: none is
named there); its administrators post, edit and withdraw their organisation's, request loans and accept
agreements. A loan is seen by the two organisations and the staff. The employees lent are seen by the borrower
only once both sides accepted the agreement, and by the lender always. The staff see everything, and figures
across the cluster in aggregate.
"""

import rules

from grappe.members.rules import belongs_to, is_admin_of, is_cluster_staff, is_member_user


@rules.predicate
def posted_by_my_organisation(user, post) -> bool:
    return post is not None and belongs_to(user, post.organisation)


@rules.predicate
def administers_poster(user, post) -> bool:
    return post is not None and is_admin_of(user, post.organisation)


@rules.predicate
def is_lender(user, loan) -> bool:
    return loan is not None and belongs_to(user, loan.availability.organisation)


@rules.predicate
def is_borrower(user, loan) -> bool:
    return loan is not None and belongs_to(user, loan.borrower)


@rules.predicate
def administers_lender(user, loan) -> bool:
    return loan is not None and is_admin_of(user, loan.availability.organisation)


@rules.predicate
def administers_borrower(user, loan) -> bool:
    return loan is not None and is_admin_of(user, loan.borrower)


@rules.predicate
def agreement_accepted(user, loan) -> bool:
    return loan is not None and loan.accepted_by_both


rules.add_perm("labour.browse", is_member_user | is_cluster_staff)
rules.add_perm("labour.post", is_member_user)  # for their own organisation, as its administrator (services)
rules.add_perm("labour.edit_post", administers_poster)
rules.add_perm("labour.view_loan", is_lender | is_borrower | is_cluster_staff)
rules.add_perm("labour.act_as_lender", administers_lender)
rules.add_perm("labour.act_as_borrower", administers_borrower)
rules.add_perm("labour.view_employees", is_lender | (is_borrower & agreement_accepted) | is_cluster_staff)
rules.add_perm("labour.view_statistics", is_cluster_staff)


@rules.predicate
def administers_own_organisation(user) -> bool:
    return bool(user.is_authenticated and is_admin_of(user, user.organisation))


# Post availabilities and needs for one's organisation: its administrator, the organisation a member in good
# standing (is_member_user).
rules.add_perm("labour.post_as_admin", is_member_user & administers_own_organisation)
# Loans (services/loans.py): either side's administrator records hours and ends an agreed loan.
rules.add_perm("labour.act_on_loan", administers_lender | administers_borrower)
