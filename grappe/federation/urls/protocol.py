"""What partner instances speak to: ActivityPub's actor, inbox and outbox, and our items' ids."""

from django.urls import path

from ..views import protocol

app_name = "federation-protocol"
urlpatterns: list = [
    path("actor", protocol.actor, name="actor"),
    path("inbox", protocol.inbox, name="inbox"),
    path("outbox", protocol.outbox, name="outbox"),
    path("statistics", protocol.statistics, name="statistics"),
]
