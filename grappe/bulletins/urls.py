"""The pages of information circulation."""

from django.urls import path

from .views import feed, reading, staff, syndication

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
