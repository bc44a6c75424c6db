from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from grappe.api import api

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("grappe.core.i18n_urls")),
]
urlpatterns += i18n_patterns(
    path("", include("grappe.core.urls")),
    path("members/", include("grappe.members.urls")),
    path("partnering/", include("grappe.partnering.urls")),
    path("listening/", include("grappe.listening.urls")),
    path("events/", include("grappe.events.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
)
