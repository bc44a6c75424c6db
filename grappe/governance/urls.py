"""The pages of shared governance."""

from django.urls import path

from .views import bodies

app_name = "governance"
urlpatterns = [
    path("", bodies.body_list, name="body-list"),
]
