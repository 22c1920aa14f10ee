from django.urls import path

from samverkan.datasources import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("rematch/", views.rows_rematch, name="rematch"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/apply/", views.import_apply, name="apply"),
    path("<int:pk>/fields/", views.import_fields, name="fields"),
    path("<int:pk>/progress/", views.import_progress, name="progress"),
    path("<int:pk>/original/", views.import_original, name="original"),
]
