"""The pages of labour sharing."""

from django.urls import path

from .views import board, posts
from .views import loans as loan_views
from .views import statistics as statistics_views

app_name = "labour"
urlpatterns = [
    path("", board.board, name="board"),
]

# Availabilities and needs: posting, changing, withdrawing, a post's page, one's organisation's posts.
urlpatterns += [
    path("availabilities/new/", posts.availability_create, name="availability-create"),
    path("availabilities/<int:pk>/", posts.availability_detail, name="availability-detail"),
    path("availabilities/<int:pk>/edit/", posts.availability_edit, name="availability-edit"),
    path("availabilities/<int:pk>/withdraw/", posts.availability_withdraw, name="availability-withdraw"),
    path("needs/new/", posts.need_create, name="need-create"),
    path("needs/<int:pk>/", posts.need_detail, name="need-detail"),
    path("needs/<int:pk>/edit/", posts.need_edit, name="need-edit"),
    path("needs/<int:pk>/withdraw/", posts.need_withdraw, name="need-withdraw"),
    path("mine/", posts.mine, name="mine"),
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
