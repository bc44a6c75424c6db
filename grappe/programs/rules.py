"""Who may do what with government programs (object-level rules, evaluated by the `rules` package).

The cluster staff run programs: calls, screening, evaluators, decisions, the money. A member sees published calls
and acts on its own organisation's applications (the lead's, or a consortium partner's share); an evaluator sees
the applications it is assigned to; a government observer sees aggregated results only.
"""

import rules

from grappe.members.rules import belongs_to, is_cluster_staff, is_member_user

from .models import CallStatus

rules.add_perm("programs.manage_program", is_cluster_staff)


@rules.predicate
def is_published(user, call) -> bool:
    return call is not None and call.status != CallStatus.DRAFT


@rules.predicate
def leads(user, application) -> bool:
    """The user acts for the application's lead organisation."""
    return application is not None and belongs_to(user, application.lead)


@rules.predicate
def is_partner_in(user, application) -> bool:
    """The user acts for an organisation of the application's consortium (other than the lead)."""
    organisation = user.organisation if user.is_authenticated else None
    return (application is not None and organisation is not None
            and application.consortium.filter(organisation=organisation).exists())


@rules.predicate
def is_assigned_to(user, application) -> bool:
    return (application is not None and user.is_authenticated
            and application.assignments.filter(evaluator=user).exists())


# Published calls are public (anyone may read what a call funds); drafts are the staff's.
rules.add_perm("programs.view_call", is_published | is_cluster_staff)
rules.add_perm("programs.apply", is_member_user & is_published)
rules.add_perm("programs.view_application", leads | is_partner_in | is_assigned_to | is_cluster_staff)
rules.add_perm("programs.change_application", is_member_user & leads)
rules.add_perm("programs.confirm_share", is_member_user & is_partner_in)
# The lead's people report progress and claim money at the milestones of its commitment.
rules.add_perm("programs.report_progress", is_member_user & leads)
