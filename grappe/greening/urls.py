"""The pages of greening."""

from django.urls import path

from .views import figures

app_name = "greening"
urlpatterns = [
    path("", figures.my_figures, name="my-figures"),
]

# Progress, report and initiatives
from .views import initiatives, progress  # noqa: E402

urlpatterns += [
    path("progress/", progress.progress_dashboard, name="progress"),
    path("report/", progress.report_download, name="report"),
    path("initiatives/", initiatives.initiative_list, name="initiative-list"),
    path("initiatives/new/", initiatives.initiative_create, name="initiative-create"),
    path("initiatives/<int:pk>/", initiatives.initiative_detail, name="initiative-detail"),
    path("initiatives/<int:pk>/join/", initiatives.initiative_join, name="initiative-join"),
    path("initiatives/<int:pk>/leave/", initiatives.initiative_leave, name="initiative-leave"),
]
