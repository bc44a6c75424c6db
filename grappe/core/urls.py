from django.urls import path

from . import token_views, views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit-log"),
    path("anonymity/", views.anonymity_threshold, name="anonymity-threshold"),
    path("notifications/", views.notifications, name="notifications"),
    path("api-keys/", token_views.api_tokens, name="api-tokens"),
    path("api-keys/<int:pk>/revoke/", token_views.api_token_revoke, name="api-token-revoke"),
]
