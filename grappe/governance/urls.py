"""The pages of shared governance."""

from django.urls import path

from .views import actions, agenda, bodies, meetings, membership, minutes, record, resolutions

app_name = "governance"
urlpatterns = [
    path("", bodies.body_list, name="body-list"),
    # Bodies and their membership.
    path("new/", bodies.body_form, name="body-create"),
    path("activity/", bodies.activity, name="activity"),
    path("<int:pk>/", bodies.body_detail, name="body-detail"),
    path("<int:pk>/edit/", bodies.body_form, name="body-edit"),
    path("<int:pk>/archive/", bodies.body_archive, name="body-archive"),
    path("<int:pk>/co-chairs/", bodies.co_chair_form, name="body-co-chairs"),
    path("<int:pk>/invite/", membership.invite, name="body-invite"),
    path("<int:pk>/join/", membership.join, name="body-join"),
    path("<int:pk>/leave/", membership.leave, name="body-leave"),
    path("members/<int:pk>/accept-invitation/", membership.invitation_answer, {"accept": True},
         name="invitation-accept"),
    path("members/<int:pk>/decline-invitation/", membership.invitation_answer, {"accept": False},
         name="invitation-decline"),
    path("members/<int:pk>/accept-request/", membership.request_answer, {"accept": True}, name="request-accept"),
    path("members/<int:pk>/refuse-request/", membership.request_answer, {"accept": False}, name="request-refuse"),
    path("members/<int:pk>/remove/", membership.member_remove, name="member-remove"),
]

# The minutes (views/minutes.py).
urlpatterns += [
    path("meetings/<int:pk>/minutes/", minutes.meeting_minutes, name="meeting-minutes"),
    path("meetings/<int:pk>/minutes/generate/", minutes.minutes_generate, name="minutes-generate"),
    path("minutes/<int:pk>/", minutes.minutes_detail, name="minutes-detail"),
    path("minutes/<int:pk>/pdf/", minutes.minutes_pdf, name="minutes-pdf"),
    path("minutes/<int:pk>/circulate/", minutes.minutes_circulate, name="minutes-circulate"),
    path("minutes/<int:pk>/approve/", minutes.minutes_approve, name="minutes-approve"),
    path("minutes/<int:pk>/comments/", minutes.minutes_comment, name="minutes-comment"),
    path("decisions/", minutes.decisions, name="decisions"),
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

# Resolutions and votes
urlpatterns += [
    path("resolutions/", resolutions.resolution_list, name="resolution-list"),
    path("resolutions/new/", resolutions.resolution_new, name="resolution-new"),
    path("resolutions/<int:pk>/", resolutions.resolution_detail, name="resolution-detail"),
    path("resolutions/<int:pk>/publish/", resolutions.resolution_publish, name="resolution-publish"),
    path("resolutions/<int:pk>/vote/", resolutions.resolution_vote, name="resolution-vote"),
    path("resolutions/<int:pk>/proxy/", resolutions.proxy_give, name="resolution-proxy"),
    path("resolutions/<int:pk>/proxy/withdraw/", resolutions.proxy_withdraw, name="resolution-proxy-withdraw"),
    path("resolutions/<int:pk>/results/", resolutions.resolution_results, name="resolution-results"),
]
