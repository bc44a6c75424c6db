"""The events pages, split by audience: what participants do (participant.py) and what organisers do
(organiser.py, under /events/organiser/)."""

from . import organiser, participant

app_name = "events"
urlpatterns = participant.urlpatterns + organiser.urlpatterns
