"""The pages of cooperation between clusters."""

from django.urls import path

app_name = "federation"
urlpatterns: list = []

# The staff's partnerships (views/partners.py) and what partner clusters see of ours (views/statistics.py).
from ..views import partners, statistics  # noqa: E402 — appended with its block, so that merges stay easy

urlpatterns += [
    path("partners/", partners.partner_list, name="partner-list"),
    path("partners/add/", partners.partner_add, name="partner-add"),
    path("partners/approve/", partners.partner_approve, name="partner-approve"),
    path("partners/<int:pk>/", partners.partner_detail, name="partner-detail"),
    path("partners/<int:pk>/kinds/", partners.partner_kinds, name="partner-kinds"),
    path("partners/<int:pk>/suspend/", partners.partner_suspend, name="partner-suspend"),
    path("partners/<int:pk>/resume/", partners.partner_resume, name="partner-resume"),
    path("partners/<int:pk>/revoke/", partners.partner_revoke, name="partner-revoke"),
    path("partners/<int:pk>/retry/", partners.partner_retry, name="partner-retry"),
    path("partners/statistics/", statistics.statistics, name="partner-statistics"),
]
