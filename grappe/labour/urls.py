"""The pages of labour sharing."""

from django.urls import path

from .views import board

app_name = "labour"
urlpatterns = [
    path("", board.board, name="board"),
]

# Availabilities and needs: posting, changing, withdrawing, a post's page, one's organisation's posts.
from .views import posts  # noqa: E402 — appended with its block, so that merges stay easy

urlpatterns += [
    path("availabilities/new/", posts.availability_create, name="availability-create"),
    path("availabilities/<int:pk>/", posts.availability_detail, name="availability-detail"),
    path("availabilities/<int:pk>/edit/", posts.availability_edit, name="availability-edit"),
    path("availabilities/<int:pk>/withdraw/", posts.availability_withdraw, name="availability-withdraw"),
    path("needs/new/", posts.need_create, name="need-create"),
    path("needs/<int:pk>/", posts.need_detail, name="need-detail"),
    path("needs/<int:pk>/edit/", posts.need_edit, name="need-edit"),
    path("needs/<int:pk>/withdraw/", posts.need_withdraw, name="need-withdraw"),
    path("mine/", posts.mine, name="mine"),
]
