"""The pages of greening."""

from django.urls import path

from .views import baselines, factors, figures, initiatives, progress

app_name = "greening"
urlpatterns = [
    path("", figures.my_figures, name="my-figures"),
]
urlpatterns += [
    path("baselines/new/", baselines.baseline_create, name="baseline-create"),
    path("baselines/<int:year>/", baselines.baseline_edit, name="baseline-edit"),
    path("baselines/<int:year>/report/", baselines.baseline_report, name="baseline-report"),
    path("commitments/new/", baselines.commitment_create, name="commitment-create"),
    path("commitments/<int:pk>/withdraw/", baselines.commitment_withdraw, name="commitment-withdraw"),
    path("factors/", factors.factor_sets, name="factor-sets"),
    path("factors/new/", factors.factor_set_publish, name="factor-set-publish"),
    path("factors/<int:pk>/", factors.factor_set, name="factor-set"),
    path("factors/<int:pk>/current/", factors.factor_set_make_current, name="factor-set-make-current"),
    path("factors/<int:pk>/recompute/", factors.factor_set_recompute, name="factor-set-recompute"),
]
# Progress, report and initiatives
urlpatterns += [
    path("progress/", progress.progress_dashboard, name="progress"),
    path("report/", progress.report_download, name="report"),
    path("initiatives/", initiatives.initiative_list, name="initiative-list"),
    path("initiatives/new/", initiatives.initiative_create, name="initiative-create"),
    path("initiatives/<int:pk>/", initiatives.initiative_detail, name="initiative-detail"),
    path("initiatives/<int:pk>/join/", initiatives.initiative_join, name="initiative-join"),
    path("initiatives/<int:pk>/leave/", initiatives.initiative_leave, name="initiative-leave"),
]
