from django.urls import path

from .views import introductions, needs, opportunities, staff

app_name = "partnering"
urlpatterns = [
    # A member's (or the staff's) opportunities: describe, confirm competencies, read the analysis.
    path("", opportunities.opportunity_list, name="opportunity-list"),
    path("new/", opportunities.opportunity_create, name="opportunity-create"),
    path("<int:pk>/", opportunities.opportunity_detail, name="opportunity-detail"),
    path("<int:pk>/competencies/", opportunities.opportunity_competencies, name="opportunity-competencies"),
    path("<int:pk>/analysis/", opportunities.opportunity_analysis, name="opportunity-analysis"),
    path("<int:pk>/introductions/new/", introductions.introduction_request, name="introduction-request"),
    path("introductions/", introductions.introduction_list, name="introduction-list"),
    path("introductions/<int:pk>/", introductions.introduction_detail, name="introduction-detail"),
    path("introductions/<int:pk>/answer/", introductions.introduction_answer, name="introduction-answer"),
    # A member's declared needs (reciprocity, pooling) and confidential succession flag.
    path("needs/", needs.declared_needs, name="declared-needs"),
    path("needs/<int:pk>/remove/", needs.declared_need_remove, name="declared-need-remove"),
    path("succession/", needs.succession_flag, name="succession"),
    # The staff's view across the cluster.
    path("staff/", staff.overview, name="staff-overview"),
    path("staff/pooling/", staff.pooling, name="staff-pooling"),
    path("staff/succession/", staff.succession, name="staff-succession"),
    path("staff/consolidation/", staff.consolidation, name="staff-consolidation"),
]
