"""The pages of cooperation between clusters."""

from django.urls import path

from ..views import interests as interest_views
from ..views import partners, statistics
from ..views import remote as remote_views
from ..views import sharing as sharing_views

app_name = "federation"

# What partner clusters shared, and interests across clusters (views/remote.py, views/interests.py).
urlpatterns = [
    path("", remote_views.remote_list, name="remote-list"),
    path("items/<int:pk>/", remote_views.remote_detail, name="remote-detail"),
    path("items/<int:pk>/interest/", remote_views.remote_interest, name="remote-interest"),
    path("interests/sent/", remote_views.sent_interests, name="sent-interests"),
    path("interests/received/", interest_views.received_list, name="received-interests"),
    path("interests/received/<int:pk>/", interest_views.received_detail, name="received-interest"),
    path("interests/received/<int:pk>/introduce/", interest_views.introduce, name="interest-introduce"),
    path("interests/received/<int:pk>/consent/", interest_views.consent, name="interest-consent"),
    path("interests/received/<int:pk>/decline/", interest_views.decline, name="interest-decline"),
]

# Sharing items with partner clusters (views/sharing.py): an organisation's administrator for its items, the
# staff for the cluster's public events.
urlpatterns += [
    path("share/", sharing_views.share_page, name="share"),
    path("share/<str:kind>/<int:pk>/", sharing_views.share_item, name="share-item"),
]

# The staff's partnerships (views/partners.py) and what partner clusters see of ours (views/statistics.py).
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
    path("partners/<int:pk>/statistics/", statistics.partner_statistics, name="partner-figures"),
]
