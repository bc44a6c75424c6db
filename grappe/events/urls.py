"""The events pages: what participants do (urls_participant.py) and what organisers do (urls_organiser.py)."""

from .urls_organiser import urlpatterns as organiser_urlpatterns
from .urls_participant import urlpatterns as participant_urlpatterns

app_name = "events"
urlpatterns = participant_urlpatterns + organiser_urlpatterns
