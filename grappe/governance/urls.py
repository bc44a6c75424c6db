"""The pages of shared governance."""

from django.urls import path

from .views import actions, agenda, bodies, meetings, record

app_name = "governance"
urlpatterns = [
    path("", bodies.body_list, name="body-list"),
]

# Meetings, their agenda, their record and action items.
urlpatterns += [
    path("bodies/<int:pk>/meetings/", meetings.meeting_list, name="meeting-list"),
    path("bodies/<int:pk>/meetings/new/", meetings.meeting_create, name="meeting-create"),
    path("bodies/<int:pk>/actions/", actions.body_actions, name="body-actions"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:pk>/calendar.ics", meetings.meeting_ics, name="meeting-ics"),
    path("meetings/<int:pk>/record/", record.meeting_record, name="meeting-record"),
    path("meetings/<int:pk>/items/", agenda.item_create, name="item-create"),
    path("items/<int:pk>/edit/", agenda.item_edit, name="item-edit"),
    path("items/<int:pk>/move/", agenda.item_move, name="item-move"),
    path("items/<int:pk>/delete/", agenda.item_delete, name="item-delete"),
    path("items/<int:pk>/documents/", agenda.document_upload, name="document-upload"),
    path("items/<int:pk>/recusal/", agenda.recusal_declare, name="recusal-declare"),
    path("agenda-documents/<int:pk>/", agenda.document_download, name="document-download"),
    path("agenda-documents/<int:pk>/delete/", agenda.document_delete, name="document-delete"),
    path("recusals/<int:pk>/withdraw/", agenda.recusal_withdraw, name="recusal-withdraw"),
    path("actions/", actions.my_actions, name="my-actions"),
    path("actions/<int:pk>/done/", actions.action_done, name="action-done"),
]
