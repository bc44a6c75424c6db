"""What partner instances speak to: ActivityPub's actor, inbox and outbox, and our items' ids."""

from django.urls import path

app_name = "federation-protocol"
urlpatterns: list = []
