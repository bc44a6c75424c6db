from django.urls import path

from .views import insights, needs, staff_needs, staff_surveys, surveys, themes

app_name = "listening"
urlpatterns = [
    # A member's needs and the surveys its organisation is invited to.
    path("needs/", needs.need_list, name="need-list"),
    path("needs/new/", needs.need_create, name="need-create"),
    path("surveys/", surveys.survey_list, name="survey-list"),
    path("surveys/<int:pk>/", surveys.survey_answer, name="survey-answer"),
    path("surveys/<int:pk>/autosave/", surveys.survey_autosave, name="survey-autosave"),
    # The staff: every need, the survey builder, invitations, response rates and answers.
    path("staff/needs/", staff_needs.need_list, name="staff-need-list"),
    path("staff/needs/<int:pk>/", staff_needs.need_detail, name="staff-need-detail"),
    path("staff/surveys/", staff_surveys.survey_list, name="staff-survey-list"),
    path("staff/surveys/new/", staff_surveys.survey_create, name="staff-survey-create"),
    path("staff/surveys/<int:pk>/", staff_surveys.survey_detail, name="staff-survey-detail"),
    path("staff/surveys/<int:pk>/edit/", staff_surveys.survey_edit, name="staff-survey-edit"),
    path("staff/surveys/<int:pk>/status/", staff_surveys.survey_status, name="staff-survey-status"),
    path("staff/surveys/<int:pk>/invitations/", staff_surveys.survey_invite, name="staff-survey-invite"),
    path("staff/surveys/<int:pk>/rate/", staff_surveys.survey_rate, name="staff-survey-rate"),
    path("staff/surveys/<int:pk>/rate/live/", staff_surveys.survey_rate_live, name="staff-survey-rate-live"),
    path("staff/surveys/<int:pk>/answers/", staff_surveys.survey_answers, name="staff-survey-answers"),
    path("staff/surveys/<int:pk>/questions/new/", staff_surveys.question_create, name="staff-question-create"),
    path("staff/surveys/<int:pk>/questions/<int:question_pk>/", staff_surveys.question_edit,
         name="staff-question-edit"),
    path("staff/surveys/<int:pk>/questions/<int:question_pk>/move/", staff_surveys.question_move,
         name="staff-question-move"),
    path("staff/surveys/<int:pk>/questions/<int:question_pk>/remove/", staff_surveys.question_remove,
         name="staff-question-remove"),
    # Themes (staff): the themes found, a run's progress, and the staff's edits.
    path("staff/themes/", themes.theme_list, name="staff-theme-list"),
    path("staff/themes/run/", themes.theme_run, name="staff-theme-run"),
    path("staff/themes/runs/<int:pk>/", themes.theme_run_progress, name="staff-theme-run-progress"),
    path("staff/themes/merge/", themes.theme_merge, name="staff-theme-merge"),
    path("staff/themes/reassign/", themes.theme_reassign, name="staff-theme-reassign"),
    path("staff/themes/<int:pk>/", themes.theme_detail, name="staff-theme-detail"),
    path("staff/themes/<int:pk>/split/", themes.theme_split, name="staff-theme-split"),
    # Aggregated dashboards and briefs: the staff and the government observers (published briefs only).
    path("dashboards/", insights.dashboard, name="dashboard"),
    path("dashboards/surveys/<int:pk>/", insights.dashboard_survey, name="dashboard-survey"),
    path("briefs/", insights.brief_list, name="brief-list"),
    path("briefs/new/", insights.brief_create, name="brief-create"),
    path("briefs/<int:pk>/", insights.brief_detail, name="brief-detail"),
    path("briefs/<int:pk>/refresh/", insights.brief_refresh, name="brief-refresh"),
    path("briefs/<int:pk>/publish/", insights.brief_publish, name="brief-publish"),
    path("briefs/<int:pk>/pdf/", insights.download_brief_pdf, name="brief-pdf"),
    path("briefs/<int:pk>/xlsx/", insights.download_brief_xlsx, name="brief-xlsx"),
]
