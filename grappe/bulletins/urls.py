"""The pages of information circulation."""

from django.urls import path

from .views import reading, staff
from .views import writing

app_name = "bulletins"
urlpatterns = [
    # Reading: public news for anyone, and what was sent to a member's organisation.
    path("", reading.bulletin_list, name="list"),
    path("<int:pk>/", reading.bulletin_detail, name="detail"),
    # The staff: writing, targeting, sending.
    path("manage/", staff.manage, name="manage"),
]
# Composing: writing and targeting a bulletin, its images (served to anyone: they appear in emails and public news).
urlpatterns += [
    path("write/", writing.bulletin_create, name="create"),
    path("<int:pk>/edit/", writing.bulletin_edit, name="edit"),
    path("reach/", writing.bulletin_reach, name="reach"),
    path("images/upload/", writing.image_upload, name="image-upload"),
    path("images/<uuid:key>/", writing.image, name="image"),
]
