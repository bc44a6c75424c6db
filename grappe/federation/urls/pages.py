"""The pages of cooperation between clusters."""

from django.urls import path

app_name = "federation"
urlpatterns: list = []
