"""The programs' pages: calls and applications for members, programs and calls for the staff (under staff/)."""

from django.urls import path

from .views import applications, calls, milestones, money, setup, staff

app_name = "programs"
urlpatterns = [
    path("calls/", calls.open_calls, name="open-calls"),
    path("calls/<int:pk>/", calls.call_detail, name="call-detail"),
    path("calls/<int:pk>/apply/", applications.apply, name="apply"),
    path("applications/<int:pk>/", applications.application_detail, name="application-detail"),
    path("applications/<int:pk>/submit/", applications.submit, name="application-submit"),
    path("applications/<int:pk>/reopen/", applications.reopen, name="application-reopen"),
    path("applications/<int:pk>/decide/", money.decide, name="application-decide"),
    path("applications/<int:pk>/commit/", money.commit, name="application-commit"),
    path("applications/<int:pk>/disburse/", money.disburse, name="application-disburse"),
    path("staff/", staff.program_list, name="program-list"),
    path("staff/<int:pk>/", staff.program_detail, name="program-detail"),
    path("staff/calls/<int:pk>/assign/", staff.assign_evaluators, name="call-assign"),
    path("staff/new/", setup.program_form, name="program-create"),
    path("staff/<int:pk>/edit/", setup.program_form, name="program-edit"),
    path("staff/<int:program_pk>/calls/new/", setup.call_form, name="call-create"),
    path("staff/calls/<int:pk>/edit/", setup.call_form, name="call-edit"),
    path("staff/calls/<int:pk>/publish/", setup.call_publish, name="call-publish"),
    path("staff/calls/<int:pk>/close/", setup.call_close, name="call-close"),
    path("applications/<int:pk>/milestones/", milestones.commitment_milestones, name="commitment-milestones"),
    path("milestones/<int:pk>/report/", milestones.report, name="milestone-report"),
    path("claims/<int:pk>/approve/", milestones.approve_claim, name="claim-approve"),
    path("claims/<int:pk>/send-back/", milestones.send_back_claim, name="claim-send-back"),
]
