"""The pages of information circulation."""

from django.urls import path

from .views import reading, staff

app_name = "bulletins"
urlpatterns = [
    # Reading: public news for anyone, and what was sent to a member's organisation.
    path("", reading.bulletin_list, name="list"),
    path("<int:pk>/", reading.bulletin_detail, name="detail"),
    # The staff: writing, targeting, sending.
    path("manage/", staff.manage, name="manage"),
]

# The signed links of the emails (placeholder views: see views/mail_links.py).
from .views import mail_links  # noqa: E402 — appended block, merged with the subscribe helper's views

urlpatterns += [
    path("mail/unsubscribe/<str:token>/", mail_links.unsubscribe, name="unsubscribe"),
    path("mail/preferences/<str:token>/", mail_links.preferences_signed, name="preferences-signed"),
    path("mail/opened/<str:token>/", mail_links.opened, name="opened"),
    path("mail/clicked/<str:token>/", mail_links.clicked, name="clicked"),
]

# The staff's page of one bulletin: its reach, scheduling and sending (views/sending.py).
from .views import sending  # noqa: E402 — appended block

urlpatterns += [
    path("manage/<int:pk>/", sending.staff_detail, name="staff-detail"),
    path("manage/<int:pk>/progress/", sending.send_progress, name="send-progress"),
    path("manage/<int:pk>/schedule/", sending.schedule, name="schedule"),
    path("manage/<int:pk>/unschedule/", sending.unschedule, name="unschedule"),
    path("manage/<int:pk>/send/", sending.send, name="send"),
    path("manage/<int:pk>/cancel/", sending.cancel, name="cancel"),
]
