"""The pages of cooperation between clusters."""

from django.urls import path

from ..views import interests as interest_views
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
