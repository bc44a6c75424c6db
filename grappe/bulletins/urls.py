"""The pages of information circulation."""

from django.urls import path

from .views import reading, staff

app_name = "bulletins"
urlpatterns = [
    # Reading: public news for anyone, and what was sent to a member's organisation.
    path("", reading.bulletin_list, name="list"),
    path("<int:pk>/", reading.bulletin_detail, name="detail"),
    # The staff: writing, targeting, sending.
    path("manage/", staff.manage, name="manage"),
]
