"""The programs' pages: calls and applications for members, programs and calls for the staff (under staff/)."""

from django.urls import path

from .views import (applications, calls, committee, consortium, documents, evaluation, money, observer, report,
                    staff)

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
    path("applications/<int:pk>/documents/", documents.upload, name="document-upload"),
    path("documents/<int:pk>/", documents.download, name="document-download"),
    path("documents/<int:pk>/delete/", documents.delete, name="document-delete"),
    path("applications/<int:pk>/consortium/", consortium.edit, name="consortium-edit"),
    path("applications/<int:pk>/consortium/confirm/", consortium.confirm, name="consortium-confirm"),
    path("evaluations/", evaluation.my_evaluations, name="my-evaluations"),
    path("evaluations/<int:pk>/", evaluation.score_sheet, name="evaluation-score"),
    path("evaluations/conflicts/", evaluation.conflicts, name="evaluation-conflicts"),
    path("staff/calls/<int:pk>/", committee.call_staff, name="call-staff"),
    path("staff/calls/<int:pk>/screen/", committee.call_screen, name="call-screen"),
    path("staff/calls/<int:pk>/ranking/", committee.call_ranking, name="call-ranking"),
    path("staff/calls/<int:pk>/summary/", committee.call_summary, name="call-summary"),
    path("staff/calls/<int:pk>/summary.pdf", committee.call_summary_pdf, name="call-summary-pdf"),
    path("staff/applications/<int:pk>/eligibility/", committee.application_eligibility,
         name="application-eligibility"),
    path("staff/applications/<int:pk>/history/", committee.application_history, name="application-history"),
    path("staff/<int:pk>/report.pdf", report.report_pdf, name="report-pdf"),
    path("staff/<int:pk>/report.xlsx", report.report_xlsx, name="report-xlsx"),
    path("applications/<int:pk>/publish-summary/", report.publish_summary, name="application-publish-summary"),
    path("results/", observer.results_list, name="results-list"),
    path("results/<int:pk>/", report.program_results, name="program-results"),
    path("results/summaries/", observer.published_summaries, name="published-summaries"),
]
