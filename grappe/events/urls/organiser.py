"""The organiser's pages (cluster staff), under /events/organiser/."""

from django.urls import path

from ..views import organiser as views

urlpatterns = [
    path("organiser/", views.event_list, name="organiser-events"),
    path("organiser/new/", views.event_form, name="organiser-event-create"),
    path("organiser/<int:pk>/", views.event_overview, name="organiser-event"),
    path("organiser/<int:pk>/edit/", views.event_form, name="organiser-event-edit"),
    path("organiser/<int:pk>/phase/", views.event_phase, name="organiser-event-phase"),
    path("organiser/<int:pk>/registrations/", views.registrations, name="organiser-registrations"),
    path("organiser/<int:pk>/scheduler/", views.scheduler_page, name="organiser-scheduler"),
    path("organiser/<int:pk>/scheduler/<int:run_pk>/progress/", views.run_progress,
         name="organiser-run-progress"),
    path("organiser/<int:pk>/schedule/", views.schedule, name="organiser-schedule"),
    path("organiser/<int:pk>/meetings/<int:meeting_pk>/", views.meeting_detail, name="organiser-meeting"),
    path("organiser/<int:pk>/meetings/<int:meeting_pk>/cancel/", views.meeting_cancel,
         name="organiser-meeting-cancel"),
    path("organiser/<int:pk>/requests/<int:request_pk>/place/", views.request_place,
         name="organiser-request-place"),
    path("organiser/<int:pk>/print/", views.print_page, name="organiser-print"),
    path("organiser/<int:pk>/print/<int:job_pk>/progress/", views.print_progress, name="organiser-print-progress"),
    path("organiser/<int:pk>/print/<int:job_pk>.pdf", views.print_download, name="organiser-print-download"),
    path("organiser/<int:pk>/exports/<str:kind>.xlsx", views.export, name="organiser-export"),
    path("organiser/<int:pk>/follow-ups/", views.follow_ups, name="organiser-follow-ups"),
]
