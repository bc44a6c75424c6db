"""The pages of labour sharing."""

from django.urls import path

from .views import board

app_name = "labour"
urlpatterns = [
    path("", board.board, name="board"),
]
