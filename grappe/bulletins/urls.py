"""The pages of information circulation."""

from django.urls import path

from .views import bounces, feed, reading, sending, staff, statistics, subscription, syndication, writing

app_name = "bulletins"
urlpatterns = [
    # Reading: public news for anyone, and what was sent to a member's organisation.
    path("", reading.bulletin_list, name="list"),
    path("<int:pk>/", reading.bulletin_detail, name="detail"),
    # The staff: writing, targeting, sending.
    path("manage/", staff.manage, name="manage"),
    # A member's feed: everything that concerns their organisation.
    path("feed/", feed.member_feed, name="feed"),
    # Public news for feed readers.
    path("atom.xml", syndication.atom, name="atom"),
    path("rss.xml", syndication.rss, name="rss"),
]
urlpatterns += [
    # What a person controls of their mail (signed links of the emails, no sign-in; or their account), and the
    # counting links of an email.
    path("mail/unsubscribe/<str:token>/", subscription.unsubscribe, name="unsubscribe"),
    path("mail/preferences/<str:token>/", subscription.preferences_signed, name="preferences-signed"),
    path("preferences/", subscription.preferences, name="preferences"),
    path("mail/opened/<str:token>/", subscription.opened, name="opened"),
    path("mail/clicked/<str:token>/", subscription.clicked, name="clicked"),
    # What the staff may know: figures in aggregate only, and the addresses the mail server refused.
    path("<int:pk>/statistics/", statistics.bulletin_statistics, name="statistics"),
    path("statistics/", statistics.overview, name="statistics-overview"),
    path("manage/bounces/", bounces.bounce_list, name="bounces"),
    path("manage/bounces/<int:pk>/clear/", bounces.bounce_clear, name="bounce-clear"),
]
# Composing: writing and targeting a bulletin, its images (served to anyone: they appear in emails and public news).
urlpatterns += [
    path("write/", writing.bulletin_create, name="create"),
    path("<int:pk>/edit/", writing.bulletin_edit, name="edit"),
    path("reach/", writing.bulletin_reach, name="reach"),
    path("images/upload/", writing.image_upload, name="image-upload"),
    path("images/<uuid:key>/", writing.image, name="image"),
]

# The staff's page of one bulletin: its reach, scheduling and sending (views/sending.py).
urlpatterns += [
    path("manage/<int:pk>/", sending.staff_detail, name="staff-detail"),
    path("manage/<int:pk>/progress/", sending.send_progress, name="send-progress"),
    path("manage/<int:pk>/schedule/", sending.schedule, name="schedule"),
    path("manage/<int:pk>/unschedule/", sending.unschedule, name="unschedule"),
    path("manage/<int:pk>/send/", sending.send, name="send"),
    path("manage/<int:pk>/cancel/", sending.cancel, name="cancel"),
]
