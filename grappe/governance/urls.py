"""The pages of shared governance."""

from django.urls import path

from .views import bodies, membership, resolutions

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
