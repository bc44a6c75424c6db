"""Who may use each listening page. Organisation A is the signed-in actors' own; B is the other member's.

A need is seen by its organisation's people and the staff only, whatever its visibility; a survey is answered
by the people of the organisations invited to it (another organisation does not learn it exists); the staff
build and read. Government observers see nothing of needs and answers here (404 or 403 everywhere): they get
aggregated dashboards and published briefs, elsewhere.
"""

import uuid

from grappe.core.tests.permission_matrix import (
    ANONYMOUS,
    OBSERVER,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    STAFF,
    STAFF_ONLY,
    PermissionMatrix,
)

from .api_permissions import *  # noqa: F403 — the listening API's policies, declared next to its tests
from ..models import Brief, Need, Question, Survey, Theme
from .permission_objects import (
    brief,
    closed_survey,
    draft_survey,
    need_of_a,
    sent_survey,
    survey,
    theme,
    theme_run,
    themes_found,
)

OWN_ORGANISATION_PAGE = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 302,
                         OBSERVER: 404}
INVITED_A = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 302, OBSERVER: 404}
STAFF_ACTION = {**STAFF_ONLY, STAFF: 302}


def survey_of_a(ctx):
    return [sent_survey(ctx).pk]


def answers(ctx, **extra):
    return {f"q{sent_survey(ctx).likert.pk}": "4", "revision": 0, **extra}


class TestNeedList(PermissionMatrix):
    """One's own organisation's needs; the staff are sent to every need."""

    url = "listening:need-list"
    expect = OWN_ORGANISATION_PAGE


class TestNeedCreate(PermissionMatrix):
    url = "listening:need-create"
    expect = OWN_ORGANISATION_PAGE


class TestNeedSubmit(PermissionMatrix):
    url = "listening:need-create"
    method = "post"
    data = staticmethod(lambda ctx: {"category": "export", "text": "Des débouchés au Mexique", "language": "fr",
                                     "urgency": "low", "visibility": "named", "form_token": uuid.uuid4()})
    expect = {**OWN_ORGANISATION_PAGE, OTHER_MEMBER: 302, OWN_USER: 302, OWN_ADMIN: 302}
    audit_action = "need.submitted"
    writers = {OTHER_MEMBER, OWN_USER, OWN_ADMIN}  # the staff, who have no organisation, are sent elsewhere


class TestSurveyList(PermissionMatrix):
    url = "listening:survey-list"
    expect = {**OWN_ORGANISATION_PAGE, OBSERVER: 403}


class TestSurveyAnswer(PermissionMatrix):
    """Only the invited organisation's people answer; the staff are sent to the survey's staff page."""

    url = "listening:survey-answer"
    args = staticmethod(survey_of_a)
    expect = INVITED_A


class TestSurveyAnswerSave(PermissionMatrix):
    url = "listening:survey-answer"
    method = "post"
    args = staticmethod(survey_of_a)
    data = staticmethod(lambda ctx: answers(ctx, save="1"))
    expect = {**INVITED_A, OWN_USER: 302, OWN_ADMIN: 302}
    audit_action = "survey.response_saved"
    writers = {OWN_USER, OWN_ADMIN}  # the staff are sent to the survey's staff page


class TestClosedSurveyAnswer(PermissionMatrix):
    """A closed survey is shown read-only to its invited members; saving says it is closed (200, not a save)."""

    url = "listening:survey-answer"
    method = "post"
    args = staticmethod(lambda ctx: [closed_survey(ctx).pk])
    data = staticmethod(lambda ctx: {"revision": 0, "save": "1"})
    expect = INVITED_A
    audit_action = None


class TestDraftSurveyAnswer(PermissionMatrix):
    """A survey still being written is nobody's business but the staff's."""

    url = "listening:survey-answer"
    args = staticmethod(lambda ctx: [draft_survey(ctx).pk])
    expect = {**INVITED_A, OWN_USER: 404, OWN_ADMIN: 404}


class TestSurveyAutosave(PermissionMatrix):
    url = "listening:survey-autosave"
    method = "post"
    args = staticmethod(survey_of_a)
    data = staticmethod(answers)
    expect = {**INVITED_A, STAFF: 404}
    audit_action = "survey.response_saved"


# The staff's pages ------------------------------------------------------------------------------------------

def need_of_a_pk(ctx):
    return [need_of_a(ctx).pk]


def question_of_a(ctx):
    made = survey(ctx)
    return [made.pk, made.questions.get(position=4).pk]


class TestStaffNeedList(PermissionMatrix):
    url = "listening:staff-need-list"
    expect = STAFF_ONLY


class TestStaffNeedDetail(PermissionMatrix):
    """Even A's own people read their staff-only need on their needs page, not here."""

    url = "listening:staff-need-detail"
    args = staticmethod(need_of_a_pk)
    expect = STAFF_ONLY


class TestStaffNeedRespond(PermissionMatrix):
    url = "listening:staff-need-detail"
    method = "post"
    args = staticmethod(need_of_a_pk)
    data = staticmethod(lambda ctx: {"status": "answered", "response": "Voir le programme d'aide."})
    expect = STAFF_ACTION
    audit_action = "need.responded"
    effect = staticmethod(lambda ctx, pk: Need.objects.get(pk=pk).status)


class TestStaffSurveyList(PermissionMatrix):
    url = "listening:staff-survey-list"
    expect = STAFF_ONLY


class TestStaffSurveyCreate(PermissionMatrix):
    url = "listening:staff-survey-create"
    expect = STAFF_ONLY


class TestStaffSurveyCreatePost(PermissionMatrix):
    url = "listening:staff-survey-create"
    method = "post"
    data = staticmethod(lambda ctx: {"title_fr": "Pouls", "title_en": "Pulse"})
    expect = STAFF_ACTION
    audit_action = "survey.created"


class TestStaffSurveyEditPost(PermissionMatrix):
    url = "listening:staff-survey-edit"
    method = "post"
    args = staticmethod(survey_of_a)
    data = staticmethod(lambda ctx: {"title_fr": "Pouls d'hiver", "title_en": "Winter pulse"})
    expect = STAFF_ACTION
    audit_action = "survey.changed"
    effect = staticmethod(lambda ctx, pk: Survey.objects.get(pk=pk).title_en)


class TestStaffSurveyDetail(PermissionMatrix):
    url = "listening:staff-survey-detail"
    args = staticmethod(survey_of_a)
    expect = STAFF_ONLY


class TestStaffSurveyEdit(PermissionMatrix):
    url = "listening:staff-survey-edit"
    args = staticmethod(survey_of_a)
    expect = STAFF_ONLY


class TestStaffSurveyStatus(PermissionMatrix):
    url = "listening:staff-survey-status"
    method = "post"
    args = staticmethod(survey_of_a)
    data = staticmethod(lambda ctx: {"action": "close"})
    expect = STAFF_ACTION
    audit_action = "survey.closed"
    effect = staticmethod(lambda ctx, pk: Survey.objects.get(pk=pk).status)


class TestStaffSurveyInvite(PermissionMatrix):
    url = "listening:staff-survey-invite"
    method = "post"
    args = staticmethod(survey_of_a)
    data = staticmethod(lambda ctx: {"action": "invite"})
    expect = STAFF_ACTION
    audit_action = "survey.invitations_sent"  # to B and the unlisted organisation: A already has one


class TestStaffSurveyRate(PermissionMatrix):
    url = "listening:staff-survey-rate"
    args = staticmethod(survey_of_a)
    expect = STAFF_ONLY


class TestStaffSurveyRateLive(PermissionMatrix):
    url = "listening:staff-survey-rate-live"
    args = staticmethod(survey_of_a)
    expect = STAFF_ONLY


class TestStaffSurveyAnswers(PermissionMatrix):
    url = "listening:staff-survey-answers"
    args = staticmethod(survey_of_a)
    expect = STAFF_ONLY


class TestStaffQuestionCreate(PermissionMatrix):
    url = "listening:staff-question-create"
    args = staticmethod(survey_of_a)
    expect = STAFF_ONLY


class TestStaffQuestionCreatePost(PermissionMatrix):
    url = "listening:staff-question-create"
    method = "post"
    args = staticmethod(survey_of_a)
    data = staticmethod(lambda ctx: {"kind": "text", "wording_fr": "Autre chose ?", "wording_en": "Anything else?"})
    expect = STAFF_ACTION
    audit_action = "survey.question_added"


class TestStaffQuestionEdit(PermissionMatrix):
    url = "listening:staff-question-edit"
    args = staticmethod(question_of_a)
    expect = STAFF_ONLY


class TestStaffQuestionEditPost(PermissionMatrix):
    url = "listening:staff-question-edit"
    method = "post"
    args = staticmethod(question_of_a)
    data = staticmethod(lambda ctx: {"kind": "number", "wording_fr": "Combien d'employés ?",
                                     "wording_en": "How many employees?"})
    expect = STAFF_ACTION
    audit_action = "survey.question_changed"
    effect = staticmethod(lambda ctx, survey_pk, pk: Question.objects.get(pk=pk).wording_en)


class TestStaffQuestionMove(PermissionMatrix):
    url = "listening:staff-question-move"
    method = "post"
    args = staticmethod(question_of_a)
    data = staticmethod(lambda ctx: {"direction": "up"})
    expect = STAFF_ACTION
    audit_action = "survey.questions_reordered"
    effect = staticmethod(lambda ctx, survey_pk, pk: Question.objects.get(pk=pk).position)


class TestStaffQuestionRemove(PermissionMatrix):
    url = "listening:staff-question-remove"
    method = "post"
    args = staticmethod(question_of_a)
    expect = STAFF_ACTION
    audit_action = "survey.question_removed"  # nobody answered it yet


# Themes (staff) -----------------------------------------------------------------------------------------------

def theme_pk(ctx):
    return [theme(ctx).pk]


class TestStaffThemeList(PermissionMatrix):
    url = "listening:staff-theme-list"
    expect = STAFF_ONLY


class TestStaffThemeRun(PermissionMatrix):
    url = "listening:staff-theme-run"
    method = "post"
    expect = STAFF_ACTION
    audit_action = "themes.run_requested"


class TestStaffThemeRunProgress(PermissionMatrix):
    url = "listening:staff-theme-run-progress"
    args = staticmethod(lambda ctx: [theme_run(ctx).pk])
    expect = STAFF_ONLY


class TestStaffThemeDetail(PermissionMatrix):
    url = "listening:staff-theme-detail"
    args = staticmethod(theme_pk)
    expect = STAFF_ONLY


class TestStaffThemeRename(PermissionMatrix):
    url = "listening:staff-theme-detail"
    method = "post"
    args = staticmethod(theme_pk)
    data = staticmethod(lambda ctx: {"name_fr": "Pénurie de main-d'oeuvre", "name_en": "Labour shortage"})
    expect = STAFF_ACTION
    audit_action = "theme.renamed"
    effect = staticmethod(lambda ctx, pk: Theme.objects.get(pk=pk).name_en)


class TestStaffThemeSplit(PermissionMatrix):
    url = "listening:staff-theme-split"
    method = "post"
    args = staticmethod(lambda ctx: [themes_found(ctx).pk])
    data = staticmethod(lambda ctx: {"parts": 2})
    expect = STAFF_ACTION
    audit_action = "theme.split"


class TestStaffThemeMerge(PermissionMatrix):
    url = "listening:staff-theme-merge"
    method = "post"
    @staticmethod
    def data(ctx):
        kept, merged = theme(ctx), theme(ctx)
        return {"into": kept.pk, "themes": [kept.pk, merged.pk]}

    expect = STAFF_ACTION
    audit_action = "theme.merged"
    effect = staticmethod(lambda ctx: Theme.objects.filter(is_active=True).count())


class TestStaffThemeReassign(PermissionMatrix):
    url = "listening:staff-theme-reassign"
    method = "post"
    data = staticmethod(lambda ctx: {"kind": "need", "item": need_of_a(ctx).pk, "theme": theme(ctx).pk})
    expect = STAFF_ACTION
    audit_action = "theme.reassigned"


# Aggregated dashboards and briefs: the staff and government observers ---------------------------------------

AGGREGATES = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 403, STAFF: 200, OBSERVER: 200}
DRAFT_BRIEF = {**AGGREGATES, OBSERVER: 404}


class TestDashboard(PermissionMatrix):
    url = "listening:dashboard"
    expect = AGGREGATES


class TestDashboardSurvey(PermissionMatrix):
    url = "listening:dashboard-survey"
    args = staticmethod(lambda ctx: [closed_survey(ctx).pk])
    expect = AGGREGATES


class TestDashboardOpenSurvey(PermissionMatrix):
    """Its figures move with every answer: the staff's, not observers' (they see closed surveys)."""

    url = "listening:dashboard-survey"
    args = staticmethod(survey_of_a)
    expect = {**AGGREGATES, OBSERVER: 404}


class TestDashboardDraftSurvey(PermissionMatrix):
    """A survey still being written has no results to show anyone."""

    url = "listening:dashboard-survey"
    args = staticmethod(lambda ctx: [draft_survey(ctx).pk])
    expect = {**AGGREGATES, STAFF: 404, OBSERVER: 404}


class TestBriefList(PermissionMatrix):
    url = "listening:brief-list"
    expect = AGGREGATES


class TestBriefCreate(PermissionMatrix):
    url = "listening:brief-create"
    method = "post"
    data = staticmethod(lambda ctx: {"period_start": "2026-01-01", "period_end": "2026-03-31", "language": "en"})
    expect = STAFF_ACTION
    audit_action = "brief.created"


class TestDraftBriefDetail(PermissionMatrix):
    """A draft is the staff's: observers are not told it exists."""

    url = "listening:brief-detail"
    args = staticmethod(lambda ctx: [brief(ctx).pk])
    expect = DRAFT_BRIEF


class TestPublishedBriefDetail(PermissionMatrix):
    url = "listening:brief-detail"
    args = staticmethod(lambda ctx: [brief(ctx, published=True).pk])
    expect = AGGREGATES


class TestBriefRecommendations(PermissionMatrix):
    url = "listening:brief-detail"
    method = "post"
    args = staticmethod(lambda ctx: [brief(ctx).pk])
    data = staticmethod(lambda ctx: {"recommendations": "Financer la formation."})
    expect = {**DRAFT_BRIEF, STAFF: 302}
    audit_action = "brief.recommendations_edited"
    effect = staticmethod(lambda ctx, pk: Brief.objects.get(pk=pk).recommendations)


class TestPublishedBriefRecommendations(PermissionMatrix):
    """Nobody edits a published brief: the staff see it again unchanged, observers may not write."""

    url = "listening:brief-detail"
    method = "post"
    args = staticmethod(lambda ctx: [brief(ctx, published=True).pk])
    data = staticmethod(lambda ctx: {"recommendations": "Autre chose."})
    expect = {**AGGREGATES, OBSERVER: 403}
    audit_action = None
    effect = staticmethod(lambda ctx, pk: Brief.objects.get(pk=pk).recommendations)


class TestBriefRefresh(PermissionMatrix):
    url = "listening:brief-refresh"
    method = "post"
    args = staticmethod(lambda ctx: [brief(ctx).pk])
    expect = STAFF_ACTION
    audit_action = "brief.refreshed"
    effect = staticmethod(lambda ctx, pk: Brief.objects.get(pk=pk).figures)


class TestBriefPublish(PermissionMatrix):
    url = "listening:brief-publish"
    method = "post"
    args = staticmethod(lambda ctx: [brief(ctx).pk])
    expect = STAFF_ACTION
    audit_action = "brief.published"
    effect = staticmethod(lambda ctx, pk: Brief.objects.get(pk=pk).status)


class TestDraftBriefPdf(PermissionMatrix):
    url = "listening:brief-pdf"
    args = staticmethod(lambda ctx: [brief(ctx).pk])
    expect = DRAFT_BRIEF


class TestPublishedBriefPdf(PermissionMatrix):
    url = "listening:brief-pdf"
    args = staticmethod(lambda ctx: [brief(ctx, published=True).pk])
    expect = AGGREGATES


class TestDraftBriefXlsx(PermissionMatrix):
    url = "listening:brief-xlsx"
    args = staticmethod(lambda ctx: [brief(ctx).pk])
    expect = DRAFT_BRIEF


class TestPublishedBriefXlsx(PermissionMatrix):
    url = "listening:brief-xlsx"
    args = staticmethod(lambda ctx: [brief(ctx, published=True).pk])
    expect = AGGREGATES
