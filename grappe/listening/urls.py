from django.urls import path

from .views import needs, staff_needs, staff_surveys, surveys

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
]
