"""The pages of labour sharing."""

from django.urls import path

from .views import board
from .views import loans as loan_views
from .views import statistics as statistics_views

app_name = "labour"
urlpatterns = [
    path("", board.board, name="board"),
]
# Loans (views/loans.py)
urlpatterns += [
    path("availabilities/<int:pk>/request/", loan_views.loan_request, name="loan-request"),
    path("loans/", loan_views.loan_list, name="loan-list"),
    path("loans/<int:pk>/", loan_views.loan_detail, name="loan-detail"),
    path("loans/<int:pk>/agreement-<str:lang>.pdf", loan_views.loan_agreement, name="loan-agreement"),
    path("loans/<int:pk>/refuse/", loan_views.loan_refuse, name="loan-refuse"),
    path("loans/<int:pk>/cancel/", loan_views.loan_cancel, name="loan-cancel"),
    path("loans/<int:pk>/accept/", loan_views.loan_accept, name="loan-accept"),
    path("loans/<int:pk>/employees/", loan_views.loan_employees, name="loan-employees"),
    path("loans/<int:pk>/hours/", loan_views.loan_hours, name="loan-hours"),
    path("loans/<int:pk>/extend/", loan_views.loan_extend, name="loan-extend"),
    path("loans/<int:pk>/end/", loan_views.loan_end, name="loan-end"),
    path("shared-with-me/", loan_views.shared_with_me, name="shared-with-me"),
    path("statistics/", statistics_views.statistics, name="statistics"),
]
