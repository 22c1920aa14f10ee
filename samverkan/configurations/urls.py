from django.urls import path

from samverkan.configurations import views

app_name = "setup"
urlpatterns = [
    path("", views.setup_progress, name="progress"),
    path("municipalities/", views.municipality_add, name="municipality_add"),
    path("municipality/", views.municipality_edit, name="municipality"),
    path("boundary/", views.boundary, name="boundary"),
    path("areas/", views.areas, name="areas"),
    path("organisations/", views.organisations, name="organisations"),
    path("people/", views.people, name="people"),
    path("bodies/", views.bodies, name="bodies"),
    path("coordination/", views.coordination, name="coordination"),
    path("agreement/", views.agreement, name="agreement"),
    path("setup.json", views.setup_export, name="export"),
    path("import/", views.setup_import, name="import"),
]
