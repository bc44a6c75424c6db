"""What participants do: find an event, register, describe themselves, ask for meetings, read their agenda."""

from django.urls import path

from ..views import participant_meetings as meetings
from ..views import participant_registration as registration

urlpatterns = [
    path("", registration.event_list, name="event-list"),
    path("<int:pk>/", registration.event_detail, name="event-detail"),
    path("<int:pk>/register/", registration.register, name="register"),
    path("<int:pk>/guest/<str:key>/", registration.guest_confirm, name="guest-confirm"),
    path("<int:pk>/guest-link/", registration.guest_resend, name="guest-resend"),
    path("<int:pk>/me/", registration.my_registration, name="my-registration"),
    path("<int:pk>/me/availability/", registration.my_availability, name="my-availability"),
    path("<int:pk>/me/cancel/", registration.cancel_registration, name="cancel-registration"),
    path("<int:pk>/participants/", meetings.participant_list, name="participant-list"),
    path("<int:pk>/participants/<int:other_pk>/", meetings.participant_detail, name="participant-detail"),
    path("<int:pk>/participants/<int:other_pk>/ask/", meetings.request_send, name="request-send"),
    path("<int:pk>/requests/", meetings.request_list, name="request-list"),
    path("<int:pk>/requests/<int:request_pk>/answer/", meetings.request_answer, name="request-answer"),
    path("<int:pk>/requests/<int:request_pk>/withdraw/", meetings.request_withdraw, name="request-withdraw"),
    path("<int:pk>/agenda/", meetings.agenda, name="agenda"),
    path("<int:pk>/agenda.pdf", meetings.agenda_pdf, name="agenda-pdf"),
    path("<int:pk>/agenda.ics", meetings.agenda_ics, name="agenda-ics"),
    path("<int:pk>/meetings/<int:seat_pk>/outcome/", meetings.meeting_outcome, name="meeting-outcome"),
]
