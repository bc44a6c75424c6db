"""Who may do what in listening (object-level rules, evaluated by the `rules` package).

A need is its organisation's people's and the staff's, whatever visibility it carries: the visibility says
what may later reach aggregates and quotes, never that another member or an observer reads it. A survey is
answered by the people of the organisations invited to it, one shared response each; the staff build,
send and read surveys. Government observers see no need and no answer: only the aggregated dashboards (every
figure through grappe.core.aggregates) and the published briefs.
"""

import rules

from grappe.members.models import Role
from grappe.members.rules import belongs_to, is_cluster_staff, is_member_user

from .models import SurveyStatus


@rules.predicate
def is_needs_organisation(user, need) -> bool:
    return need is not None and belongs_to(user, need.organisation)


@rules.predicate
def is_observer(user) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.OBSERVER


@rules.predicate
def is_published(user, brief) -> bool:
    return brief is not None and brief.is_published


@rules.predicate
def is_invited(user, survey) -> bool:
    """The user's organisation was invited to a survey that is no longer a draft."""
    organisation = user.organisation if user.is_authenticated else None
    return (survey is not None and organisation is not None and survey.status != SurveyStatus.DRAFT
            and survey.invitations.filter(organisation=organisation).exists())


# Needs (the object of submit/view_own is the organisation).
rules.add_perm("listening.submit_need", is_member_user & belongs_to)
rules.add_perm("listening.view_own_needs", is_member_user & belongs_to)
rules.add_perm("listening.view_need", (is_member_user & is_needs_organisation) | is_cluster_staff)
rules.add_perm("listening.respond_to_need", is_cluster_staff)

# Surveys: members answer the ones their organisation is invited to, whether the survey still accepts
# answers is the service's business (a closed survey says so, it is no secret).
rules.add_perm("listening.answer_surveys", is_member_user)
rules.add_perm("listening.view_survey", (is_member_user & is_invited) | is_cluster_staff)
rules.add_perm("listening.answer_survey", is_member_user & is_invited)

# The staff's side: every need and answer, the survey builder, invitations, themes.
rules.add_perm("listening.view_cluster_listening", is_cluster_staff)
rules.add_perm("listening.manage_surveys", is_cluster_staff)
rules.add_perm("listening.manage_themes", is_cluster_staff)

# Aggregated figures (every number through grappe.core.aggregates) and published briefs: the staff and the
# government observers. A draft brief is the staff's until published.
rules.add_perm("listening.view_dashboards", is_cluster_staff | is_observer)
rules.add_perm("listening.view_brief", is_cluster_staff | (is_observer & is_published))
rules.add_perm("listening.manage_briefs", is_cluster_staff)
