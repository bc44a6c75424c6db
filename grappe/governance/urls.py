"""The pages of shared governance."""

from django.urls import path

from .views import bodies
from .views import minutes

app_name = "governance"
urlpatterns = [
    path("", bodies.body_list, name="body-list"),
]

# The minutes (views/minutes.py).
urlpatterns += [
    path("meetings/<int:pk>/minutes/", minutes.meeting_minutes, name="meeting-minutes"),
    path("meetings/<int:pk>/minutes/generate/", minutes.minutes_generate, name="minutes-generate"),
    path("minutes/<int:pk>/", minutes.minutes_detail, name="minutes-detail"),
    path("minutes/<int:pk>/pdf/", minutes.minutes_pdf, name="minutes-pdf"),
    path("minutes/<int:pk>/circulate/", minutes.minutes_circulate, name="minutes-circulate"),
    path("minutes/<int:pk>/approve/", minutes.minutes_approve, name="minutes-approve"),
    path("minutes/<int:pk>/comments/", minutes.minutes_comment, name="minutes-comment"),
    path("decisions/", minutes.decisions, name="decisions"),
]
