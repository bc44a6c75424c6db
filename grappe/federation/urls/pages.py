"""The pages of cooperation between clusters."""

from django.urls import path

app_name = "federation"
urlpatterns: list = []

# Sharing items with partner clusters (views/sharing.py): an organisation's administrator for its items, the
# staff for the cluster's public events.
from ..views import sharing as sharing_views  # noqa: E402 — appended with its block, so that merges stay easy

urlpatterns += [
    path("share/", sharing_views.share_page, name="share"),
    path("share/<str:kind>/<int:pk>/", sharing_views.share_item, name="share-item"),
]
