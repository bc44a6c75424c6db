"""Who may do what with members' data (object-level rules, evaluated by the `rules` package).

Rights follow a person's *current* organisation: a user acts for the organisation of its active Person.
"""

import rules

from grappe.core.rules import is_cluster_staff

from .models import MembershipStatus, OrgRole, Role

__all__ = ["administers_account", "belongs_to", "is_admin_of", "is_asked", "is_cluster_staff", "is_member_user",
           "is_staff_admin"]


@rules.predicate
def is_staff_admin(user) -> bool:
    return user.is_authenticated and user.is_active and (user.role == Role.STAFF_ADMIN or user.is_superuser)


@rules.predicate
def is_member_user(user) -> bool:
    """Signed in for an organisation whose membership is active."""
    if not (user.is_authenticated and user.is_active):
        return False
    organisation = user.organisation
    return organisation is not None and organisation.membership_status == MembershipStatus.ACTIVE


@rules.predicate
def belongs_to(user, organisation) -> bool:
    return user.is_authenticated and organisation is not None and user.organisation == organisation


@rules.predicate
def is_admin_of(user, organisation) -> bool:
    return bool(belongs_to(user, organisation) and user.person.org_role == OrgRole.ADMIN)


@rules.predicate
def administers_account(user, account) -> bool:
    """The account is a member account of a person of an organisation this user administers. Those are the only
    accounts an organisation's admin reaches (renames, readdresses, deactivates, invites): never a staff,
    observer or evaluator account, nor one that is no person of theirs."""
    person = getattr(account, "person", None)
    return bool(account.role == Role.MEMBER and not account.is_superuser and person is not None
                and is_admin_of(user, person.organisation))


@rules.predicate
def is_asked(user, colleague_request) -> bool:
    """The colleague a request was asked of, still a person of its organisation."""
    return bool(colleague_request.asked_of_id == user.pk and belongs_to(user, colleague_request.organisation))


@rules.predicate
def administers_request(user, colleague_request) -> bool:
    return bool(is_admin_of(user, colleague_request.organisation))


# The directory's public fields are for everyone; contacts and certifications for members and staff.
rules.add_perm("members.view_member_details", is_member_user | is_cluster_staff)
rules.add_perm("members.view_organisation_private", belongs_to | is_cluster_staff)
rules.add_perm("members.change_organisation", is_admin_of | is_cluster_staff)
rules.add_perm("members.manage_people", is_admin_of | is_cluster_staff)
rules.add_perm("members.manage_account", administers_account | is_cluster_staff)
# Making an existing account (found by its email) some organisation's person: cluster staff only. An
# organisation's admin who could do it would take over the account (and a staff one with it).
rules.add_perm("members.link_existing_account", is_cluster_staff)
rules.add_perm("members.add_organisation", is_cluster_staff)
rules.add_perm("members.manage_taxonomy", is_cluster_staff)
rules.add_perm("members.import_data", is_cluster_staff)
rules.add_perm("members.export_directory", is_cluster_staff)
rules.add_perm("members.manage_roles", is_staff_admin)
# Segments (saved sets of organisations) are the staff's tools for targeting and dashboards.
rules.add_perm("members.manage_segments", is_cluster_staff)
# An organisation's admin asks its colleagues to do something (colleague requests); the colleague marks it done,
# an admin of the organisation withdraws it. The cluster staff are not part of it.
rules.add_perm("members.ask_colleagues", is_member_user & is_admin_of)
rules.add_perm("members.view_colleague_request", is_asked | administers_request)
rules.add_perm("members.complete_colleague_request", is_member_user & is_asked)
rules.add_perm("members.withdraw_colleague_request", is_member_user & administers_request)
