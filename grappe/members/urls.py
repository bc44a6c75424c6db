from django.urls import path

from .views import colleague_requests, directory, imports, organisations, segments, taxonomy

app_name = "members"
urlpatterns = [
    path("", directory.directory, name="directory"),
    path("export/", directory.export, name="directory-export"),
    path("mine/", organisations.my_organisation, name="my-organisation"),
    path("new/", organisations.create, name="organisation-create"),
    path("o/<slug:slug>/", organisations.detail, name="organisation-detail"),
    path("o/<slug:slug>/edit/", organisations.edit, name="organisation-edit"),
    path("o/<slug:slug>/capabilities/", organisations.capabilities, name="organisation-capabilities"),
    path("o/<slug:slug>/capabilities/<int:pk>/remove/", organisations.capability_remove,
         name="organisation-capability-remove"),
    path("o/<slug:slug>/certifications/new/", organisations.certification_edit, name="certification-create"),
    path("o/<slug:slug>/certifications/<int:pk>/", organisations.certification_edit, name="certification-edit"),
    path("o/<slug:slug>/certifications/<int:pk>/remove/", organisations.certification_remove,
         name="certification-remove"),
    path("o/<slug:slug>/people/", organisations.people, name="organisation-people"),
    path("o/<slug:slug>/people/new/", organisations.person_edit, name="person-create"),
    path("o/<slug:slug>/people/<int:pk>/", organisations.person_edit, name="person-edit"),
    path("o/<slug:slug>/people/<int:pk>/invite/", organisations.person_invite, name="person-invite"),
    path("o/<slug:slug>/requests/", colleague_requests.request_list, name="colleague-requests"),
    path("requests/<int:pk>/done/", colleague_requests.request_done, name="colleague-request-done"),
    path("requests/<int:pk>/withdraw/", colleague_requests.request_withdraw, name="colleague-request-withdraw"),
    path("taxonomy/", taxonomy.taxonomy, name="taxonomy"),
    path("taxonomy/new/", taxonomy.edit, name="taxonomy-create"),
    path("taxonomy/<int:pk>/", taxonomy.edit, name="taxonomy-edit"),
    path("import/", imports.start, name="import-start"),
    path("import/<int:pk>/", imports.detail, name="import-detail"),
    path("import/<int:pk>/progress/", imports.progress, name="import-progress"),
    path("import/<int:pk>/errors.xlsx", imports.error_list, name="import-errors"),
    path("import/<int:pk>/undo/", imports.undo, name="import-undo"),
    path("segments/", segments.segment_list, name="segment-list"),
    path("segments/new/", segments.edit, name="segment-create"),
    path("segments/<int:pk>/", segments.edit, name="segment-edit"),
    path("segments/<int:pk>/delete/", segments.delete, name="segment-delete"),
]
