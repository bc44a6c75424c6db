"""Who may do what with government programs (object-level rules, evaluated by the `rules` package).

The cluster staff run programs: calls, screening, evaluators, decisions, the money. A member sees published calls
and acts on its own organisation's applications (the lead's, or a consortium partner's share); an evaluator sees
the applications it is assigned to; a government observer sees aggregated results only.
"""

import rules

from grappe.members.models import Role
from grappe.members.rules import belongs_to, is_cluster_staff, is_member_user

from . import pending
from .conflicts import conflicts_of
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
            and application.consortium.filter(organisation=organisation)
            .exclude(organisation=application.lead_id).exists())


@rules.predicate
def is_assigned_to(user, application) -> bool:
    return (application is not None and user.is_authenticated
            and application.assignments.filter(evaluator=user).exists())


@rules.predicate
def in_conflict(user, application) -> bool:
    """The user has a conflict of interest with one of the application's organisations (grappe/programs/
    conflicts.py): declared, their own, or through Partnering, even one that arose after the assignment."""
    return application is not None and user.is_authenticated and bool(conflicts_of(user.pk, application))


# Published calls are public (anyone may read what a call funds); drafts are the staff's.
rules.add_perm("programs.view_call", is_published | is_cluster_staff)
rules.add_perm("programs.apply", is_member_user & is_published)
# An evaluator in conflict with the application no longer reads it nor its documents, even when assigned.
rules.add_perm("programs.view_application",
               leads | is_partner_in | (is_assigned_to & ~in_conflict) | is_cluster_staff)
rules.add_perm("programs.change_application", is_member_user & leads)
rules.add_perm("programs.confirm_share", is_member_user & is_partner_in)


# Documents: the lead's people and its partners' attach them to the draft (a partner sends its own financial
# statements, its letter of support); the lead's people remove any, a partner's people those their organisation
# sent. Whoever may read the application may download them (views/documents.py).
@rules.predicate
def sent_by_own_organisation(user, document) -> bool:
    return (document is not None and belongs_to(user, document.organisation)
            and is_partner_in(user, document.application))


@rules.predicate
def leads_its_application(user, document) -> bool:
    return document is not None and leads(user, document.application)


rules.add_perm("programs.add_document", is_member_user & (leads | is_partner_in))
rules.add_perm("programs.delete_document", is_member_user & (leads_its_application | sent_by_own_organisation))


@rules.predicate
def is_evaluator(user) -> bool:
    """External evaluators and the cluster staff evaluate."""
    return user.is_authenticated and user.is_active and (user.role == Role.EVALUATOR or user.is_staff)


@rules.predicate
def scores_pending(user, application) -> bool:
    """The user is assigned to the application and has not submitted their own scores yet."""
    return application is not None and application.pk in pending.yet_to_score(user, [application.pk])


rules.add_perm("programs.evaluate", is_evaluator)
# Evaluators' scores and recommendations are the staff's to read, never before the reader's own are in: a member
# of the staff assigned to the application sees the others' once theirs are submitted. An evaluator who is not
# staff never sees another's (their own, on their scoring page).
rules.add_perm("programs.view_scores", is_cluster_staff & ~scores_pending)


@rules.predicate
def is_observer(user) -> bool:
    """A government observer: the programs' aggregated results and the published summaries, nothing else."""
    return user.is_authenticated and user.is_active and user.role == Role.OBSERVER


rules.add_perm("programs.view_results", is_cluster_staff | is_observer)


# The lead's people report progress and claim money at the milestones of its commitment.
rules.add_perm("programs.report_progress", is_member_user & leads)
