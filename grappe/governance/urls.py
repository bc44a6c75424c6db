"""The pages of shared governance."""

from django.urls import path

from .views import bodies, resolutions

app_name = "governance"
urlpatterns = [
    path("", bodies.body_list, name="body-list"),
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
